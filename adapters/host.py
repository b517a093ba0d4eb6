"""Hosting channels in one process, whichever they are: the settings read, the bot built, the
channels of the registry opened in the event loop, their routes on one web app (the bot's own
request and response shapes in, Starlette's out), the courier sending for all of them.

`serve` hosts every configured channel among its routes; a channel's own command
(`mynumber-bot telegram`, ...) hosts that one alone. Neither names a channel.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route as StarletteRoute

from adapters.bootstrap import App, build_app, build_engine, settle_collector
from adapters.logs import configure_logging
from adapters.registry import CHANNELS
from adapters.settings import COMMON, DATABASE_URL
from adapters.sql.database import database_url
from bot.catalog import Catalog
from bot.channel import Channel, Counters, HttpRequest, HttpResponse, Route, Session
from bot.courier import Sender
from bot.service import BotService
from bot.settings import Setting, Settings

log = logging.getLogger(__name__)


def declared() -> Iterable[Setting[Any]]:
    """Every setting of the bot: the common ones and every channel's."""
    yield from COMMON
    for channel in CHANNELS:
        yield from channel.settings


def read_settings(environ: Mapping[str, str], **overrides: object) -> Settings:
    """Every declared setting from ``environ``, with ``overrides`` (a command's options, by
    variable name) over them.

    Raises:
        SettingsError: one sentence per value that cannot be read.
    """
    settings = Settings.read(environ, declared())
    given = {name: value for name, value in overrides.items() if value not in (None, "", False)}
    return settings.with_values(**given) if given else settings


def notice_senders(settings: Settings, catalog: Catalog) -> dict[str, Sender]:
    """Every channel's staff-notice senders: routed in any process, whatever it serves."""
    return {
        name: sender
        for channel in CHANNELS
        for name, sender in channel.notices(settings, catalog).items()
    }


def turn_threads(url: str, *, alone: bool) -> int:
    """Threads of turns for a process (see :class:`bot.runner.TurnRunner`): none for SQLite
    in a process of its own, one where other processes share the file, a pool for a server."""
    if url.startswith("sqlite"):
        return 0 if alone else 1
    return 8


def build_hosted(
    settings: Settings, *, alone: bool, wrap: Callable[[BotService], BotService] | None = None
) -> App:
    """The bot for a process that serves channels: on the settings' database, with every
    channel's staff-notice senders, turn threads as its database allows."""
    url = database_url(settings.get(DATABASE_URL))
    engine = build_engine()
    return build_app(
        url,
        settings=settings,
        engine=engine,
        notify=notice_senders(settings, engine.catalog),
        threads=turn_threads(url, alone=alone),
        wrap=wrap,
    )


class Host:
    """The channels served in one process, over one app."""

    def __init__(
        self,
        app: App,
        settings: Settings,
        channels: Sequence[Channel],
        *,
        alone: bool,
        counters: Counters | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.channels = list(channels)
        self.alone = alone
        self.bot = app.bot(counters)
        self.sessions: list[Session] = [
            channel.open(self.bot, settings, alone=alone) for channel in self.channels
        ]
        self._routed: list[str] = []

    @property
    def routes(self) -> list[Route]:
        return [route for session in self.sessions for route in session.routes]

    async def start(self) -> None:
        """Start each channel in this loop, then have the courier send for it."""
        for session in self.sessions:
            await session.start()
            for name, sender in session.senders().items():
                self.app.courier.route(name, sender)
                self._routed.append(name)

    async def stop(self) -> None:
        for name in self._routed:
            self.app.courier.unroute(name)
        self._routed.clear()
        for session in reversed(self.sessions):
            try:
                await session.stop()
            except Exception:  # the others still stop
                log.exception("a channel failed to stop")


def web_app(routes: Sequence[Route], **options: Any) -> Starlette:
    """The routes as a Starlette app (``options``: Starlette's, a lifespan say)."""
    return Starlette(
        routes=[
            StarletteRoute(route.path, _endpoint(route), methods=list(route.methods))
            for route in routes
        ],
        **options,
    )


def _endpoint(route: Route) -> Any:
    async def endpoint(request: Request) -> Response:
        body = await _capped_body(request, route.max_body)
        if body is None:
            return JSONResponse({"error": "the body is too large"}, status_code=413)
        answer = await route.handler(
            HttpRequest(
                method=request.method,
                path=request.url.path,
                headers={name.lower(): value for name, value in request.headers.items()},
                body=body,
                query=dict(request.query_params),
                client=request.client.host if request.client else None,
            )
        )
        return to_response(answer)

    return endpoint


async def _capped_body(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes ``limit`` bytes: refused by its Content-Length before
    anything is read, or as soon as a chunked one grows past it."""
    declared_length = request.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def to_response(answer: HttpResponse) -> Response:
    headers = dict(answer.headers)
    if answer.stream is not None:
        return StreamingResponse(
            answer.stream, answer.status, headers=headers, media_type=answer.content_type
        )
    return Response(answer.body, answer.status, headers=headers, media_type=answer.content_type)


def options_of(arguments: Any, channels: Iterable[Channel], *, alone: bool) -> dict[str, object]:
    """The channels' command-line options given, by setting name, with ``--db``."""
    given: dict[str, object] = {DATABASE_URL.name: getattr(arguments, "db", None)}
    for channel in channels:
        for option in channel.options:
            if option.alone if alone else option.served:
                value = getattr(arguments, _dest(option.flag), None)
                given[option.setting.name] = "1" if value is True else value
    return given


def add_options(parser: Any, channel: Channel, *, alone: bool) -> None:
    """The channel's options on ``parser`` (its own command's, or serve's)."""
    for option in channel.options:
        if not (option.alone if alone else option.served):
            continue
        if option.switch:
            parser.add_argument(option.flag, action="store_true", help=option.help)
        else:
            parser.add_argument(option.flag, metavar="VALUE", help=option.help)


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def run_alone(channel: Channel, arguments: Any) -> int:
    """`mynumber-bot NAME`: the channel served alone until SIGINT or SIGTERM; 2 when the
    settings do not allow it."""
    prefix = f"mynumber-bot {channel.name}"
    settings = read_settings(os.environ, **options_of(arguments, [channel], alone=True))
    problems = channel.problems(settings, alone=True)
    if problems:
        for problem in problems:
            print(f"{prefix}: {problem}", file=sys.stderr)
        return 2
    configure_logging()
    app = build_hosted(settings, alone=True)
    # uvicorn raises the signal that stopped it again once done: a normal end, either way.
    signal.signal(signal.SIGTERM, interrupt)
    try:
        asyncio.run(_serve_alone(app, settings, channel, arguments))
    except KeyboardInterrupt:
        pass
    finally:
        app.runner.close()
        app.database.dispose()
    return 0


def interrupt(_signum: int, _frame: object) -> None:
    """SIGTERM as Ctrl-C: what uvicorn raises again once it has stopped, ended quietly."""
    raise KeyboardInterrupt


async def _serve_alone(app: App, settings: Settings, channel: Channel, arguments: Any) -> None:
    host = Host(app, settings, [channel], alone=True)
    app.courier.start()
    await host.start()
    settle_collector()
    try:
        if host.routes:
            await _serve_http(host, web_app(host.routes), arguments.host, arguments.port)
        else:
            await channel.prepare(host.bot, settings, alone=True)
            await _until_stopped()
    finally:
        await host.stop()
        # Off the loop: the courier's thread may be waiting for a send on it.
        await asyncio.to_thread(app.courier.close)


async def _serve_http(host: Host, asgi: Starlette, address: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM; the channel prepares (sets its webhook) once its routes
    answer, since the platform posts to them at once."""
    import uvicorn

    # log_config None: uvicorn's records go through the bot's private handler (adapters.logs).
    config = uvicorn.Config(asgi, host=address, port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)  # uvicorn offers no start-up callback
    if server.started:
        for channel in host.channels:
            await channel.prepare(host.bot, host.settings, alone=True)
        _print_pages(host.channels, address, server)
    await serving


def _print_pages(channels: Sequence[Channel], address: str, server: Any) -> None:
    """Each channel's page (``Command.page``) as the address to open, on the port bound (which
    ``--port 0`` leaves to the system)."""
    port = server.servers[0].sockets[0].getsockname()[1]
    shown = f"[{address}]" if ":" in address else address
    for channel in channels:
        page = channel.command.page if channel.command else None
        if page:
            print(f"{channel.name}: http://{shown}:{port}{page}", flush=True)


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
