"""`mynumber-bot serve`: every channel in one web app (:mod:`adapters.serve.app`), under uvicorn,
in one process or several (``--workers N``).

The workers share nothing but the database: each imports the app through uvicorn's factory
(``adapters.serve.app:create_app``) and reads its settings from the environment, which is why
``--db`` is passed on as ``DATABASE_URL``. The schema is brought up to date here, once, before
any worker starts: SQLite is upgraded (as every command does), PostgreSQL must have been
migrated with `mynumber-bot db upgrade` (checked; a database that cannot be reached only warns,
as the bot answers numbers and hours without it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

APP_FACTORY = "adapters.serve.app:create_app"
# Set for the workers: how many of them share the bot's limits (Telegram's 30 messages/s).
WORKERS_VARIABLE = "MYNUMBER_BOT_WORKERS"
METRICS_DIR_VARIABLE = "MYNUMBER_BOT_METRICS_DIR"  # where the workers share their figures


def add_serve_parser(commands: Any) -> None:
    """Add the ``serve`` subcommand to the CLI's subparsers."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="serve POST /telegram, POST /slack/events, GET /healthz and GET /metrics",
        description="One web app for every channel, in one or several worker processes. "
        "Environment: DATABASE_URL, TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (POST "
        "/telegram), TELEGRAM_API_URL, SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (POST "
        "/slack/events), SLACK_API_URL, SLACK_STAFF_CHANNEL. On PostgreSQL run "
        "`mynumber-bot db upgrade` first.",
    )
    parser.add_argument("--port", type=_port, default=8080, help="HTTP port (default: 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (default: 1)"
    )
    parser.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    parser.add_argument(
        "--telegram-webhook-url",
        metavar="URL",
        help="before serving, point Telegram's webhook at this public HTTPS URL (ending in "
        "/telegram) with the secret, and register the command menu: once, not per worker",
    )
    parser.set_defaults(handler=run_serve)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"{value} is not a port")
    return value


def _fail(message: str) -> int:
    print(f"mynumber-bot serve: {message}", file=sys.stderr)
    return 2


def _problem(environ: Mapping[str, str], args: argparse.Namespace) -> str | None:
    telegram = bool(environ.get("TELEGRAM_BOT_TOKEN"))
    if telegram != bool(environ.get("TELEGRAM_WEBHOOK_SECRET")):
        # Without the secret anyone who finds the URL could post updates as any user.
        return "Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET"
    if bool(environ.get("SLACK_BOT_TOKEN")) != bool(environ.get("SLACK_SIGNING_SECRET")):
        return "Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"
    if args.telegram_webhook_url and not telegram:
        return "--telegram-webhook-url needs TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET"
    return None


def run_serve(args: argparse.Namespace, environ: MutableMapping[str, str] = os.environ) -> int:
    """Serve until SIGINT or SIGTERM; 2 when the settings are incomplete or the schema old."""
    problem = _problem(environ, args)
    if problem is not None:
        return _fail(problem)

    import logging

    from adapters.sql.database import database_url

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    url = database_url(args.db)
    environ["DATABASE_URL"] = url  # what the workers' create_app reads
    environ[WORKERS_VARIABLE] = str(args.workers)  # so each keeps to its share of flood limits
    problem = _prepare_database(url)
    if problem is not None:
        return _fail(problem)
    if args.telegram_webhook_url:
        import asyncio

        asyncio.run(_set_webhook(url, environ, args.telegram_webhook_url))
    if not (environ.get("TELEGRAM_BOT_TOKEN") or environ.get("SLACK_BOT_TOKEN")):
        logging.warning("no channel is configured: only /healthz and /metrics will answer")

    import shutil
    import tempfile

    # The workers' figures, summed on every scrape; a folder of this run's own.
    figures = tempfile.mkdtemp(prefix="mynumber-metrics-")
    environ[METRICS_DIR_VARIABLE] = figures
    try:
        _run_uvicorn(args)
    finally:
        shutil.rmtree(figures, ignore_errors=True)
    return 0


def _run_uvicorn(args: argparse.Namespace) -> None:
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="on",
        log_level="info",
        # SIGTERM: stop accepting, finish the requests in flight (a webhook is answered once
        # its update is handled), then close; Telegram and Slack redeliver what was cut off.
        timeout_graceful_shutdown=20,
    )


def _prepare_database(url: str) -> str | None:
    """Upgrade SQLite once for all the workers; check PostgreSQL's schema. A problem to report,
    or None."""
    from adapters.sql.database import Database
    from common.errors import SchemaOutdated

    database = Database(url)  # SQLite upgrades itself here, before any worker opens it
    try:
        database.check_schema()
    except SchemaOutdated as exc:
        return str(exc)
    finally:
        database.dispose()
    return None


async def _set_webhook(url: str, environ: Mapping[str, str], webhook_url: str) -> None:
    """Point Telegram at ``webhook_url`` and register the command menu, from this one process."""
    from adapters.bootstrap import build_app
    from adapters.telegram.app import ALLOWED_UPDATES, API_URL, build_application
    from adapters.telegram.outbound import retrying

    app = build_app(url)
    try:
        application = build_application(
            app.service,
            courier=app.courier,  # not started: this process only sets the webhook
            token=environ["TELEGRAM_BOT_TOKEN"],
            api_url=environ.get("TELEGRAM_API_URL") or API_URL,
        )
        await retrying(application.initialize)
        try:
            if application.post_init is not None:
                await application.post_init(application)  # the command menu
            await application.bot.set_webhook(
                webhook_url,
                secret_token=environ["TELEGRAM_WEBHOOK_SECRET"],
                allowed_updates=ALLOWED_UPDATES,
            )
        finally:
            await application.shutdown()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
    finally:
        app.database.dispose()
