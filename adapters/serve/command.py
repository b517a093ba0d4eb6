"""`mynumber-bot serve`: every configured channel in one web app (:mod:`adapters.serve.app`),
under uvicorn, in one process or several (``--workers N``).

The workers share nothing but the database: each imports the app through uvicorn's factory
(``adapters.serve.app:create_app``) and reads its settings from the environment, which is why
``--db`` is passed on as ``DATABASE_URL``. Before any worker starts, this process checks the
settings, brings the schema up to date (SQLite is upgraded, as every command does; PostgreSQL
must have been migrated with `mynumber-bot db upgrade`: checked) and lets each served channel
prepare what is done once per deployment (Telegram's webhook, with ``--telegram-webhook-url``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import MutableMapping
from typing import Any

from adapters.registry import CHANNELS

APP_FACTORY = "adapters.serve.app:create_app"


def add_serve_parser(commands: Any) -> None:
    """Add the ``serve`` subcommand to the CLI's subparsers, with the channels' options."""
    from adapters.host import add_options

    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="every configured channel's routes, GET /healthz and GET /metrics",
        description="One web app for every channel whose settings are given, in one or several "
        "worker processes. Environment: DATABASE_URL and each channel's settings (.env.example "
        "lists them). On PostgreSQL run `mynumber-bot db upgrade` first.",
    )
    parser.add_argument("--port", type=_port, default=8080, help="HTTP port (default: 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (default: 1)"
    )
    parser.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    for channel in CHANNELS:
        add_options(parser, channel, alone=False)
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


def run_serve(args: argparse.Namespace, environ: MutableMapping[str, str] = os.environ) -> int:
    """Serve until SIGINT or SIGTERM; 2 when the settings are incomplete or the schema old."""
    import logging

    from adapters.host import options_of, read_settings
    from adapters.logs import configure_logging
    from adapters.serve.app import served_channels, wanted
    from adapters.settings import DATABASE_URL, METRICS_DIR, WORKERS
    from adapters.sql.database import database_url

    settings = read_settings(environ, **options_of(args, CHANNELS, alone=False))
    problems = [
        f"{channel.name}: {problem}"
        for channel in CHANNELS
        if wanted(channel, settings)
        for problem in channel.problems(settings, alone=False)
    ]
    if problems:
        # A channel half configured: serving without it would hide the mistake.
        for problem in problems:
            _fail(problem)
        return 2
    configure_logging()
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    url = database_url(settings.get(DATABASE_URL))
    environ[DATABASE_URL.name] = url  # what the workers' create_app reads
    environ[WORKERS.name] = str(args.workers)  # so each keeps to its share of flood limits
    outdated = _prepare_database(url)
    if outdated is not None:
        return _fail(outdated)
    served, _ = served_channels(settings)
    if not served:
        logging.warning("no channel is configured: only /healthz and /metrics will answer")
    _prepare_channels(url, settings, served)

    import shutil
    import tempfile

    # The workers' figures, summed on every scrape; a folder of this run's own.
    figures = tempfile.mkdtemp(prefix="mynumber-metrics-")
    environ[METRICS_DIR.name] = figures
    try:
        _run_uvicorn(args)
    except KeyboardInterrupt:  # uvicorn raises the signal that stopped it again: a normal end
        pass
    finally:
        shutil.rmtree(figures, ignore_errors=True)
    return 0


def _run_uvicorn(args: argparse.Namespace) -> None:
    import signal

    import uvicorn

    from adapters.host import interrupt

    signal.signal(signal.SIGTERM, interrupt)

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="on",
        log_config=None,  # the bot's own, private (adapters.logs), set by each worker
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


def _prepare_channels(url: str, settings: Any, served: Any) -> None:
    """What each served channel does once per deployment, from this one process."""
    import asyncio

    from adapters.bootstrap import build_app

    app = build_app(url, settings=settings)
    try:
        bot = app.bot()

        async def prepare() -> None:
            for channel in served:
                await channel.prepare(bot, settings, alone=False)

        asyncio.run(prepare())
    finally:
        app.runner.close()
        app.database.dispose()
