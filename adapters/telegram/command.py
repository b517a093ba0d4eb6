"""`mynumber-bot telegram`: the bot on Telegram, by long polling, or as a webhook server with
``--webhook-url``. Settings from the environment (DESIGN.md): ``TELEGRAM_BOT_TOKEN``,
``TELEGRAM_API_URL`` and, for the webhook, ``TELEGRAM_WEBHOOK_SECRET``, which every request
must carry in ``X-Telegram-Bot-Api-Secret-Token`` (PTB answers 403 to one that does not).

python-telegram-bot is imported only when the command runs, so that other commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

# Telegram allows a bot about 30 messages a second in all; a bot granted more (paid broadcasts)
# raises it here. 0 lifts the limit (benchmarks against a stand-in).
TELEGRAM_RATE_VARIABLE = "TELEGRAM_MAX_MESSAGES_PER_SECOND"
DEFAULT_TELEGRAM_RATE = 30.0


def add_telegram_parser(commands: Any) -> None:
    """Add the ``telegram`` subcommand to the CLI's subparsers."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "telegram", help="run the Telegram bot (long polling, or a webhook with --webhook-url)"
    )
    parser.add_argument(
        "--webhook-url",
        metavar="URL",
        help="receive updates at this public HTTPS URL instead of polling (needs "
        "TELEGRAM_WEBHOOK_SECRET); the server listens on the URL's path",
    )
    parser.add_argument("--listen", default="127.0.0.1", help="webhook server address")
    parser.add_argument("--port", type=int, default=8443, help="webhook server port")
    parser.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    parser.set_defaults(handler=_run)


def _fail(message: str) -> int:
    print(f"mynumber-bot telegram: {message}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET")
    if not token:
        return _fail("set TELEGRAM_BOT_TOKEN to the token @BotFather gave")
    if args.webhook_url and not secret:
        # Without it anyone who finds the URL could post updates as any user.
        return _fail("a webhook needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)")

    import logging
    from urllib.parse import urlsplit

    from adapters.bootstrap import build_app, settle_collector
    from adapters.slack.command import staff_desk
    from adapters.slack.staff import NOTICES
    from adapters.telegram.app import ALLOWED_UPDATES, API_URL, build_application

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Inquiries written on Telegram reach the staff's Slack channel too, when one is configured.
    desk = staff_desk(os.environ)
    app = build_app(args.db, notify={NOTICES: desk.announce} if desk else None)
    app.courier.start()
    try:
        application = build_application(
            app.service,
            courier=app.courier,
            token=token,
            api_url=os.environ.get("TELEGRAM_API_URL") or API_URL,
            turn_threads=0 if app.database.is_sqlite else None,
            overall_max_rate=float(os.environ.get(TELEGRAM_RATE_VARIABLE) or DEFAULT_TELEGRAM_RATE),
        )
        settle_collector()
        if args.webhook_url:
            application.run_webhook(
                listen=args.listen,
                port=args.port,
                url_path=urlsplit(args.webhook_url).path.lstrip("/"),
                webhook_url=args.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        app.courier.close()
        app.database.dispose()
    return 0
