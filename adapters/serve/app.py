"""`mynumber-bot serve`: one ASGI app for every configured channel, for deployments with several
workers.

Routes: each served channel's own (``POST /telegram``, ``POST /slack/events``, ...: see each
channel's folder), and

- ``GET /healthz``: 200 ``{"status": "ok", "database": "ok"}`` when ``SELECT 1`` succeeds;
  503 ``{"status": "degraded", "database": "unavailable"}`` when it does not. The bot still
  answers meanwhile (numbers and hours need no storage): health reports the degradation, the
  process does not crash.
- ``GET /metrics``: Prometheus' text format (see :mod:`adapters.serve.metrics`): the counters
  summed over every worker (``?worker=this``: the answering worker's own), and two gauges read
  from the database: replies in the outbox not yet sent, and reminders not yet fired (left out
  while it cannot be read).

A channel is served when its settings are given (a half-configured one stops `serve` before
it starts); any other path answers 404, naming the channels not served and what they need.
Every worker process builds its own app (:func:`create_app`, uvicorn's factory) and shares
nothing with the others but the database.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from adapters.host import Host, build_hosted, read_settings, web_app
from adapters.logs import configure_logging
from adapters.registry import CHANNELS
from adapters.serve.metrics import CONTENT_TYPE, MeteredService, Metrics, SharedFigures, gauge
from adapters.settings import METRICS_DIR
from bot.channel import Channel
from bot.settings import Settings

if TYPE_CHECKING:
    from adapters.bootstrap import App
    from adapters.sql.database import Database

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = 3.0  # seconds a health check waits for the database
SHARE_EVERY = 1.0  # seconds between writes of a worker's figures for the others


def wanted(channel: Channel, settings: Settings) -> bool:
    """Whether any of the channel's own settings (those without a default) is given."""
    return any(s.default is None and s.name in settings.values for s in channel.settings)


def served_channels(settings: Settings) -> tuple[list[Channel], dict[str, list[str]]]:
    """The channels to serve, and why each other is not (its problems)."""
    served, not_served = [], {}
    for channel in CHANNELS:
        problems = channel.problems(settings, alone=False)
        if wanted(channel, settings) and not problems:
            served.append(channel)
        elif channel.settings:  # a channel without settings (the console) is never served
            not_served[channel.name] = problems
    return served, not_served


class _Channels:
    """The served channels' routes, once the lifespan has opened them (an ASGI app, mounted
    at the root: Starlette's routes are fixed before the lifespan runs)."""

    def __init__(self, not_served: dict[str, list[str]]) -> None:
        self.not_served = not_served
        self.app: Starlette | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            response: Response = _starting()
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def not_found(self, _request: Request, _exc: Exception) -> Response:
        why = "; ".join(
            f"{name} is not served ({' '.join(problems)})"
            for name, problems in self.not_served.items()
        )
        error = "no route here answers this path" + (f": {why}" if why else "")
        return JSONResponse({"error": error, "not served": self.not_served}, 404)


def build_asgi_app(
    settings: Settings | None = None, *, metrics: Metrics | None = None
) -> Starlette:
    """The web app; the bot, the database and the channels are opened by its lifespan (run it
    under uvicorn, or in a ``with TestClient(app)`` block)."""
    settings = settings or read_settings(os.environ)
    metrics = metrics or Metrics()
    served, not_served = served_channels(settings)
    metrics.channels(channel.name for channel in served)
    metrics_dir = settings.get(METRICS_DIR)
    shared = SharedFigures(Path(metrics_dir)) if metrics_dir else None
    channels = _Channels(not_served)
    running: dict[str, App] = {}

    async def share_figures() -> None:
        assert shared is not None
        while True:
            shared.write(metrics)
            await asyncio.sleep(SHARE_EVERY)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        from adapters.bootstrap import settle_collector

        sharing = asyncio.create_task(share_figures()) if shared is not None else None
        app = build_hosted(
            settings, alone=False, wrap=lambda service: MeteredService(service, metrics)
        )
        running["app"] = app
        host = Host(app, settings, served, alone=False, counters=metrics)
        app.courier.start()
        try:
            await host.start()
            channels.app = web_app(host.routes, exception_handlers={404: channels.not_found})
            settle_collector()
            log.info("serving %s", ", ".join(c.name for c in served) or "no channel")
            yield
        finally:
            channels.app = None
            if sharing is not None:
                sharing.cancel()
            await host.stop()
            # Off the loop: the courier's thread may be waiting for a send on it.
            await asyncio.to_thread(app.courier.close)
            app.runner.close()
            app.database.dispose()
            running.clear()
            if shared is not None:
                shared.write(metrics)  # the last figures, for the sum after this worker

    async def health(_request: Request) -> Response:
        if "app" not in running:
            return _starting()
        if await _database_answers(running["app"].database):
            return JSONResponse({"status": "ok", "database": "ok"})
        return JSONResponse({"status": "degraded", "database": "unavailable"}, status_code=503)

    async def metrics_page(request: Request) -> Response:
        figures = metrics
        if shared is not None and request.query_params.get("worker") != "this":
            shared.write(metrics)  # this worker's, as of now
            figures = Metrics.summed(shared.read())
        backlog = await _backlog(running["app"].database) if "app" in running else ""
        return PlainTextResponse(figures.render() + backlog, media_type=CONTENT_TYPE)

    routes = [
        Route("/healthz", health, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
        Mount("/", app=channels),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.metrics = metrics
    app.state.running = running
    return app


def create_app() -> Starlette:
    """uvicorn's app factory (``adapters.serve.app:create_app``): each worker process calls it,
    and reads its settings, ``DATABASE_URL`` included, from the environment."""
    configure_logging()
    return build_asgi_app(read_settings(os.environ))


async def _backlog(database: Database) -> str:
    """The outbox's and the reminders' gauges; empty when the database does not answer."""
    from adapters.sql.conversations import SqlConversationStore

    store = SqlConversationStore(database)

    def count() -> tuple[int, int]:
        return store.pending(), store.pending_reminders()

    loop = asyncio.get_running_loop()
    try:
        unsent, reminders = await asyncio.wait_for(
            loop.run_in_executor(None, count), HEALTH_TIMEOUT
        )
    except Exception as exc:  # the counters still answer; the log says why these do not
        log.warning("metrics: the database does not answer (%s)", type(exc).__name__)
        return ""
    return gauge(
        "mynumber_outbox_unsent", "Replies committed and not yet sent, by any worker.", unsent
    ) + gauge("mynumber_reminders_pending", "Reminders not yet fired, of every user.", reminders)


async def _database_answers(database: Database) -> bool:
    """Whether ``SELECT 1`` succeeds within HEALTH_TIMEOUT.

    On a raw DBAPI connection: through SQLAlchemy's ``begin`` SQLite would take its write lock
    (BEGIN IMMEDIATE) and make turns wait for a health check.
    """

    def select_one() -> None:
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            cursor.close()
        finally:
            connection.close()

    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.run_in_executor(None, select_one), HEALTH_TIMEOUT)
    except Exception as exc:  # any failure to answer is "unavailable"; the log says which
        log.warning("health check: the database does not answer (%s)", type(exc).__name__)
        return False
    return True


def _starting() -> Response:
    return JSONResponse({"error": "the server is starting or stopping"}, status_code=503)
