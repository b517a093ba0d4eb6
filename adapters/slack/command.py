"""`mynumber-bot slack`: run the Slack adapter, over Socket Mode or HTTP.

Socket Mode when ``SLACK_APP_TOKEN`` is set (no public URL needed), otherwise ``--http`` serves
``POST /slack/events``. Slack and web modules are imported when the command runs, so that the
rest of the command line starts fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from adapters.slack.staff import StaffDesk

DEFAULT_API_URL = "https://slack.com/api/"


def add_slack_parser(commands: Any) -> None:
    """Add the ``slack`` subcommand to ``commands`` (argparse's subparsers action)."""
    slack = commands.add_parser(
        "slack",
        help="run the Slack adapter (Socket Mode with SLACK_APP_TOKEN, else --http)",
        description="Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP), SLACK_APP_TOKEN "
        "(Socket Mode), SLACK_API_URL (default https://slack.com/api/), SLACK_STAFF_CHANNEL "
        "(new inquiries are posted there), SLACK_STAFF_LOCALE (its language; default en).",
    )
    slack.add_argument("--http", action="store_true", help="serve POST /slack/events over HTTP")
    slack.add_argument("--port", type=int, default=3000, help="HTTP port (default: 3000)")
    slack.add_argument("--host", default="127.0.0.1", help="HTTP address (default: 127.0.0.1)")
    slack.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    slack.set_defaults(handler=run_slack)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def staff_desk(environ: Mapping[str, str], client: WebClient | None = None) -> StaffDesk | None:
    """The staff channel's desk when SLACK_BOT_TOKEN and SLACK_STAFF_CHANNEL are set: any bot
    process (Telegram's too) announces the inquiries it stores there."""
    from adapters.slack.language import Texts
    from adapters.slack.staff import StaffDesk
    from adapters.slack.web import web_client
    from bot.catalog import Catalog

    token, channel = environ.get("SLACK_BOT_TOKEN"), environ.get("SLACK_STAFF_CHANNEL")
    if not (token and channel):
        return None
    client = client or web_client(token, environ.get("SLACK_API_URL") or DEFAULT_API_URL)
    texts = Texts(Catalog.load())
    return StaffDesk(
        client=client, channel=channel, texts=texts, locale=environ.get("SLACK_STAFF_LOCALE")
    )


def run_slack(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> int:
    """Run until interrupted; 2 when the settings are incomplete."""
    token = environ.get("SLACK_BOT_TOKEN")
    secret = environ.get("SLACK_SIGNING_SECRET", "")
    app_token = environ.get("SLACK_APP_TOKEN")
    socket_mode = bool(app_token) and not args.http
    problem = None
    if not token:
        problem = "SLACK_BOT_TOKEN is not set"
    elif not socket_mode and not args.http:
        problem = "set SLACK_APP_TOKEN for Socket Mode, or pass --http"
    elif not socket_mode and not secret:
        problem = "SLACK_SIGNING_SECRET is needed to verify requests over HTTP"
    if problem is not None:
        print(f"mynumber-bot slack: {problem}", file=sys.stderr)
        return 2

    import logging

    from adapters.bootstrap import build_app, settle_collector
    from adapters.slack.app import build_bolt_app
    from adapters.slack.staff import NOTICES
    from adapters.slack.staff_store import SqlStaffLog
    from adapters.slack.web import web_client

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    client = web_client(str(token), environ.get("SLACK_API_URL") or DEFAULT_API_URL)
    desk = staff_desk(environ, client)
    if desk is None:
        logging.warning("SLACK_STAFF_CHANNEL is not set: new inquiries are not posted to staff")
    app = build_app(args.db, notify={NOTICES: desk.announce} if desk else None)
    app.courier.start()
    try:
        staff = (desk, SqlStaffLog(app.database)) if desk else None
        bolt = build_bolt_app(app, client=client, signing_secret=secret, staff=staff)
        settle_collector()
        if socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            handler = SocketModeHandler(bolt, str(app_token))  # type: ignore[no-untyped-call]
            # Without a handler SIGTERM (a deploy) ends the process at once: the socket is not
            # closed and the database not released. Turn it into a normal exit instead.
            signal.signal(signal.SIGTERM, _exit_on_signal)
            try:
                handler.start()  # type: ignore[no-untyped-call]
            finally:
                handler.close()  # type: ignore[no-untyped-call]
        else:
            from adapters.slack.web import serve

            serve(bolt, host=args.host, port=args.port)
    finally:
        app.courier.close()
        app.database.dispose()
    return 0
