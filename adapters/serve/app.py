"""`mynumber-bot serve`: one ASGI app for every channel, for deployments with several workers.

Routes:

- ``POST /telegram``: the Telegram webhook, when ``TELEGRAM_BOT_TOKEN`` and
  ``TELEGRAM_WEBHOOK_SECRET`` are set. The ``X-Telegram-Bot-Api-Secret-Token`` header must equal
  the secret (compared in constant time; 403 otherwise, and nothing is read further); 400 for a
  body that is not an update. The answer (200) comes once the update has been handled and its
  replies sent (a failing turn gets the adapter's apology, and 200 too); a redelivered update is
  not answered twice (the service remembers every update id it answered, in the database all
  workers share).
- ``POST /slack/events``: events, the slash command and buttons, when ``SLACK_BOT_TOKEN`` and
  ``SLACK_SIGNING_SECRET`` are set (:func:`adapters.slack.web.slack_route`; 401 when badly
  signed).
- ``GET /healthz``: 200 ``{"status": "ok", "database": "ok"}`` when ``SELECT 1`` succeeds;
  503 ``{"status": "degraded", "database": "unavailable"}`` when it does not. The bot still
  answers meanwhile (numbers and hours need no storage): health reports the degradation, the
  process does not crash.
- ``GET /metrics``: Prometheus' text format (see :mod:`adapters.serve.metrics`): the counters
  summed over every worker (``?worker=this``: the answering worker's own), and two gauges read
  from the database: replies in the outbox not yet sent, and reminders not yet fired (left out
  while it cannot be read).

A channel that is not configured answers 404 saying which settings it needs. Every worker
process builds its own app (:func:`create_app`, uvicorn's factory) and shares nothing with the
others but the database.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.serve.command import METRICS_DIR_VARIABLE, WORKERS_VARIABLE
from adapters.serve.metrics import CONTENT_TYPE, MeteredService, Metrics, SharedFigures, gauge
from adapters.telegram.command import DEFAULT_TELEGRAM_RATE, TELEGRAM_RATE_VARIABLE

if TYPE_CHECKING:
    from adapters.bootstrap import App
    from adapters.sql.database import Database
    from adapters.telegram.app import TelegramApp

log = logging.getLogger(__name__)

TELEGRAM_PATH = "/telegram"
SLACK_PATH = "/slack/events"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 3.0  # seconds a health check waits for the database
SHARE_EVERY = 1.0  # seconds between writes of a worker's figures for the others
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kilobytes


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``serve`` reads from the environment (DESIGN.md's names)."""

    database_url: str | None = None
    telegram_token: str | None = None
    telegram_secret: str | None = None
    telegram_api_url: str | None = None
    slack_token: str | None = None
    slack_secret: str | None = None
    slack_api_url: str | None = None
    workers: int = 1
    telegram_rate: float = 30.0  # messages a second for the whole bot; 0: no limit
    metrics_dir: str | None = None  # the workers' shared figures (`serve` makes the folder)
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], db: str | None = None) -> Settings:
        return cls(
            database_url=db or environ.get("DATABASE_URL") or None,
            telegram_token=environ.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_secret=environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
            telegram_api_url=environ.get("TELEGRAM_API_URL") or None,
            slack_token=environ.get("SLACK_BOT_TOKEN") or None,
            slack_secret=environ.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=environ.get("SLACK_API_URL") or None,
            workers=max(1, int(environ.get(WORKERS_VARIABLE) or 1)),
            telegram_rate=float(environ.get(TELEGRAM_RATE_VARIABLE) or DEFAULT_TELEGRAM_RATE),
            metrics_dir=environ.get(METRICS_DIR_VARIABLE) or None,
            environ=dict(environ),
        )

    @property
    def telegram_rate_per_worker(self) -> float:
        """Telegram's limit is the bot's, not a worker's: each worker keeps to its share."""
        return self.telegram_rate / self.workers

    @property
    def telegram(self) -> bool:
        return bool(self.telegram_token and self.telegram_secret)

    @property
    def slack(self) -> bool:
        return bool(self.slack_token and self.slack_secret)

    def channels(self) -> list[str]:
        return [name for name, on in (("telegram", self.telegram), ("slack", self.slack)) if on]


NOT_CONFIGURED = {
    "telegram": "Telegram is not configured on this server: set TELEGRAM_BOT_TOKEN and "
    "TELEGRAM_WEBHOOK_SECRET",
    "slack": "Slack is not configured on this server: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
}


@dataclass
class _Running:
    """What the lifespan opened: the bot, and each configured channel's handler."""

    bot: App | None = None
    telegram: TelegramApp | None = None
    slack: ASGIApp | None = None


def build_asgi_app(
    settings: Settings | None = None, *, metrics: Metrics | None = None
) -> Starlette:
    """The web app; the bot, the database and the channels are opened by its lifespan (run it
    under uvicorn, or in a ``with TestClient(app)`` block)."""
    settings = settings or Settings.from_environ(os.environ)
    metrics = metrics or Metrics()
    metrics.channels(settings.channels())
    running = _Running()
    shared = SharedFigures(Path(settings.metrics_dir)) if settings.metrics_dir else None

    async def share_figures() -> None:
        assert shared is not None
        while True:
            shared.write(metrics)
            await asyncio.sleep(SHARE_EVERY)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        sharing = asyncio.create_task(share_figures()) if shared is not None else None
        try:
            await _open(settings, metrics, running)
            yield
        finally:
            if sharing is not None:
                sharing.cancel()
            await _close(running)
            if shared is not None:
                shared.write(metrics)  # the last figures, for the sum after this worker

    async def telegram(request: Request) -> Response:
        if not settings.telegram:
            return _not_configured("telegram")
        application = running.telegram
        if application is None:
            return _starting()
        assert settings.telegram_secret is not None
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, settings.telegram_secret.encode()):
            return JSONResponse({"error": f"wrong or missing {SECRET_HEADER}"}, status_code=403)
        update = await _read_update(request, application)
        if isinstance(update, Response):
            return update
        await application.process_update(update)
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        if running.bot is None:
            return _starting()
        if await _database_answers(running.bot.database):
            return JSONResponse({"status": "ok", "database": "ok"})
        return JSONResponse({"status": "degraded", "database": "unavailable"}, status_code=503)

    async def metrics_page(request: Request) -> Response:
        figures = metrics
        if shared is not None and request.query_params.get("worker") != "this":
            shared.write(metrics)  # this worker's, as of now
            figures = Metrics.summed(shared.read())
        backlog = await _backlog(running.bot.database) if running.bot is not None else ""
        return PlainTextResponse(figures.render() + backlog, media_type=CONTENT_TYPE)

    routes = [
        Route(TELEGRAM_PATH, telegram, methods=["POST"]),
        Route(SLACK_PATH, _SlackDispatch(settings, running), methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.metrics = metrics
    app.state.running = running
    return app


def create_app() -> Starlette:
    """uvicorn's app factory (``adapters.serve.app:create_app``): each worker process calls it,
    and reads its settings, ``DATABASE_URL`` included, from the environment."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"
    )
    return build_asgi_app(Settings.from_environ(os.environ))


class _SlackDispatch:
    """``POST /slack/events``: Bolt's route once the lifespan built it (an ASGI app, so that
    :func:`slack_route` is mounted as it is, signature checks included)."""

    def __init__(self, settings: Settings, running: _Running) -> None:
        self.settings, self.running = settings, running

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.settings.slack:
            response = _not_configured("slack")
        elif self.running.slack is None:
            response = _starting()
        else:
            await self.running.slack(scope, receive, send)
            return
        await response(scope, receive, send)


async def _open(settings: Settings, metrics: Metrics, running: _Running) -> None:
    from adapters.bootstrap import App, build_app, settle_collector
    from adapters.slack.command import DEFAULT_API_URL as SLACK_API_URL
    from adapters.slack.command import staff_desk
    from adapters.slack.staff import NOTICES

    client = None
    if settings.slack:
        from adapters.slack.web import web_client

        client = web_client(str(settings.slack_token), settings.slack_api_url or SLACK_API_URL)
    # Inquiries from any channel go to the staff's Slack channel when one is configured.
    desk = staff_desk(settings.environ, client)
    built = build_app(settings.database_url, notify={NOTICES: desk.announce} if desk else None)
    bot = App(
        database=built.database,
        service=MeteredService(built.service, metrics),
        courier=built.courier,
    )
    running.bot = bot
    bot.courier.start()
    if settings.telegram:
        from adapters.telegram.app import API_URL, build_application, route_parcels
        from adapters.telegram.outbound import retrying

        application = build_application(
            bot.service,
            courier=bot.courier,
            token=str(settings.telegram_token),
            api_url=settings.telegram_api_url or API_URL,
            turn_threads=1 if bot.database.is_sqlite else None,
            overall_max_rate=settings.telegram_rate_per_worker,
        )
        running.telegram = application
        # initialize() asks getMe (the bot's username, for mentions in groups); start() runs
        # PTB's update queue. The webhook itself is set once per deployment, not per worker
        # (`mynumber-bot serve --telegram-webhook-url`).
        await retrying(application.initialize)  # getMe, again after a network error
        await application.start()
        route_parcels(application, bot.courier)
    if settings.slack:
        from adapters.slack.app import build_bolt_app
        from adapters.slack.staff_store import SqlStaffLog
        from adapters.slack.web import slack_route

        assert client is not None
        staff = (desk, SqlStaffLog(bot.database)) if desk else None
        bolt = build_bolt_app(
            bot, client=client, signing_secret=str(settings.slack_secret), staff=staff
        )
        running.slack = slack_route(bolt, SLACK_PATH).app
    settle_collector()
    log.info("serving %s", ", ".join(settings.channels()) or "no channel (health and metrics)")


async def _close(running: _Running) -> None:
    application, running.telegram, running.slack = running.telegram, None, None
    try:
        if application is not None:
            if application.running:
                await application.stop()
            await application.shutdown()
            if application.post_shutdown is not None:  # ends the adapter's turn thread
                await application.post_shutdown(application)
    finally:
        if running.bot is not None:
            # Off the loop: the courier's thread may be waiting for a send on it.
            await asyncio.to_thread(running.bot.courier.close)
            running.bot.database.dispose()
            running.bot = None


async def _read_update(request: Request, application: TelegramApp) -> Any:
    """The request's Update, or the Response refusing it."""
    from telegram import Update

    if int(request.headers.get("content-length") or 0) > MAX_UPDATE_BYTES:
        return JSONResponse({"error": "update too large"}, status_code=413)
    body = await request.body()
    try:
        data = json.loads(body)
    except ValueError:
        return JSONResponse({"error": "the body is not JSON"}, status_code=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return JSONResponse({"error": "the body is not a Telegram update"}, status_code=400)
    try:
        return Update.de_json(data, application.bot)
    except Exception:  # PTB raises KeyError, TypeError... on malformed updates
        return JSONResponse({"error": "the body is not a Telegram update"}, status_code=400)


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


def _not_configured(channel: str) -> Response:
    return JSONResponse({"error": NOT_CONFIGURED[channel]}, status_code=404)


def _starting() -> Response:
    return JSONResponse({"error": "the server is starting or stopping"}, status_code=503)
