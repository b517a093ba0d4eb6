"""The `mynumber-bot` command line: parses arguments, then imports only what a command needs.

Start-up time matters (the console chat must answer fast), so the Telegram, Slack and database
modules are imported inside the command that uses them, never here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")
# The years an instant may name: the page describes today's call centers, and the hours engine
# looks days ahead of it, which the ends of Python's calendar do not allow.
EARLIEST_YEAR, LATEST_YEAR = 1950, 2999
CHANNELS = ("console", "telegram", "slack")
LANGUAGE_CODES = ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne", "ja")

# Kept here, not imported from the storage module, so that `--help` loads no database code.
DEFAULT_RETENTION_DAYS = 90
DEFAULT_IDLE_HOURS = 24
# Telegram keeps an unconfirmed update for 24 hours; a week of delivery ids is plenty.
DELIVERY_MEMORY_DAYS = 7

Handler = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option told in one line (and where to read more), not the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read as Japan time, not the server's."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-11-28T18:00:00+09:00"
        ) from exc
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=JAPAN)
    try:
        year = moment.astimezone(JAPAN).year
    except OverflowError:  # an offset that takes it past year 1 or 9999
        year = moment.year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a time between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
        )
    return moment


def _hours(args: argparse.Namespace) -> int:
    from adapters.hours_view import render_json, render_table
    from bot.catalog import Catalog
    from bot.render import Renderer
    from knowledge.hours import HoursEngine
    from knowledge.loader import default_knowledge
    from knowledge.report import report_all

    knowledge = default_knowledge()
    hours = HoursEngine(time_zone=knowledge.time_zone)
    at = (args.at or datetime.now(UTC)).astimezone(JAPAN)
    reports = report_all(knowledge, hours, at, args.language)
    if args.json:
        print(render_json(reports))
    else:
        renderer = Renderer(catalog=Catalog.load(), knowledge=knowledge, hours=hours)
        print(render_table(reports, at, renderer=renderer, language=args.locale))
    return 0


def _clock(fixed: datetime | None) -> Callable[[], datetime]:
    return (lambda: fixed) if fixed is not None else (lambda: datetime.now(UTC))


def _chat(args: argparse.Namespace) -> int:
    from adapters.bootstrap import build_app
    from adapters.console import CONVERSATIONS, Recorder, chat, new_conversation

    app = build_app(args.db)
    conversation = new_conversation()
    if args.resume:
        conversation = app.service.store.latest(CONVERSATIONS) or conversation
    recorder = Recorder(path=args.record, at=args.at, locale=args.locale) if args.record else None
    app.courier.start()
    try:
        return chat(
            app.service,
            conversation=conversation,
            clock=_clock(args.at),
            locale=args.locale,
            stdin=sys.stdin,
            stdout=sys.stdout,
            courier=app.courier,
            recorder=recorder,
        )
    finally:
        app.courier.close()
        app.database.dispose()


def _replay(args: argparse.Namespace) -> int:
    import secrets
    import tempfile

    from adapters.bootstrap import build_app
    from adapters.replay import channel_driver, report, run_transcript
    from bot.transcripts import find_transcripts, load_transcript

    transcripts = [load_transcript(path) for path in find_transcripts(args.paths)]
    with tempfile.TemporaryDirectory(prefix="mynumber-replay-") as scratch:
        # Without --db, a fresh SQLite file: every turn goes through real storage.
        app = build_app(args.db or f"sqlite:///{scratch}/replay.sqlite3")
        try:
            # Conversations of their own, also on a database an earlier replay used.
            run = secrets.token_hex(4)
            with channel_driver(args.channel, app) as driver:
                outcomes = [
                    run_transcript(driver, transcript, f"replay:{run}:{index}")
                    for index, transcript in enumerate(transcripts)
                ]
        finally:
            app.database.dispose()
    return 0 if report(outcomes, sys.stdout) else 1


def _inquiries_export(args: argparse.Namespace) -> int:
    from adapters.inquiry_export import render_csv, render_json
    from adapters.sql.database import Database, database_url
    from adapters.sql.inquiries import SqlInquiryStore

    database = Database(database_url(args.db))
    try:
        records = SqlInquiryStore(database).export()
    finally:
        database.dispose()
    sys.stdout.write(render_json(records) if args.format == "json" else render_csv(records))
    return 0


def _inquiries_purge(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from adapters.sql.conversations import SqlConversationStore
    from adapters.sql.database import Database, database_url
    from adapters.sql.inquiries import SqlInquiryStore
    from bot.courier import MAX_AGE

    now = datetime.now(UTC)
    before = now - timedelta(days=args.older_than)
    idle_before = now - timedelta(hours=args.idle_hours)
    database = Database(database_url(args.db))
    try:
        removed = SqlInquiryStore(database).purge(before=before)
        conversations = SqlConversationStore(database)
        erased = conversations.purge_idle(before=idle_before)
        conversations.purge_deliveries(before=now - timedelta(days=DELIVERY_MEMORY_DAYS))
        unsent = conversations.purge(before=now - MAX_AGE)
    finally:
        database.dispose()
    print(f"deleted {removed} inquiries created before {before.astimezone(JAPAN).isoformat()}")
    print(f"erased {erased} conversations idle since {idle_before.astimezone(JAPAN).isoformat()}")
    print(f"deleted {unsent} replies no worker could send within a day")
    return 0


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _db_upgrade(args: argparse.Namespace) -> int:
    from adapters.sql.database import Database, database_url, shown_url
    from common.errors import StorageUnavailable

    url = database_url(args.db)
    database = Database(url, upgrade=False)
    try:
        before, after = database.upgrade()
    except StorageUnavailable as exc:
        print(
            f"mynumber-bot db upgrade: cannot reach {shown_url(url)} ({exc.reason}): check "
            "--db or DATABASE_URL, and that the database server is running and reachable",
            file=sys.stderr,
        )
        return 2
    finally:
        database.dispose()
    if before == after:
        print(f"the database schema is already at revision {after}: nothing to do")
    else:
        print(f"upgraded the database schema from {before or 'nothing'} to revision {after}")
    return 0


def _flows_graph(args: argparse.Namespace) -> int:
    from flows.graph import mermaid
    from flows.loader import default_flows

    print(mermaid(default_flows()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from adapters.serve.command import add_serve_parser
    from adapters.slack.command import add_slack_parser
    from adapters.telegram.command import add_telegram_parser

    parser = Parser(
        prog="mynumber-bot",
        description="Help bot for the Individual Number Card call centers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hours = commands.add_parser("hours", help="every line and whether it is open")
    hours.add_argument("--at", type=parse_instant, help="the instant (ISO 8601; default: now)")
    hours.add_argument(
        "--language",
        choices=LANGUAGE_CODES,
        help="only what a caller in this language can use (default: every language)",
    )
    hours.add_argument("--json", action="store_true", help="a JSON array, one element per number")
    hours.add_argument("--locale", default="en", help="the language of the table (default: en)")
    hours.set_defaults(handler=_hours)

    chat = commands.add_parser(
        "chat",
        help="a conversation in the console",
        description="Each run starts a new conversation (--resume continues the latest one). "
        "Interactive: type a message and press Enter; Ctrl-D, /quit or /exit leaves. With input "
        "from a pipe or a file: one message a line, each answered, then it exits.",
    )
    chat.add_argument("--at", type=parse_instant, help="a fixed clock (ISO 8601; default: now)")
    chat.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    chat.add_argument("--locale", help="the language the bot writes in (e.g. en, ja)")
    chat.add_argument(
        "--record", type=Path, metavar="FILE.yaml", help="write the session as a transcript"
    )
    chat.add_argument(
        "--resume",
        action="store_true",
        help="continue the latest console conversation in this database (default: a new one)",
    )
    chat.set_defaults(handler=_chat)

    replay = commands.add_parser("replay", help="replay transcript fixtures")
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    replay.add_argument("--db", help="database URL (default: a fresh temporary SQLite file)")
    replay.add_argument(
        "--channel",
        choices=CHANNELS,
        default="console",
        help="console: straight into the bot; telegram, slack: through the real adapter and a "
        "stand-in platform server on 127.0.0.1",
    )
    replay.set_defaults(handler=_replay)

    inquiries = commands.add_parser("inquiries", help="the written inquiries (staff)")
    inquiry_commands = inquiries.add_subparsers(
        dest="inquiries_command", required=True, metavar="COMMAND"
    )
    export = inquiry_commands.add_parser("export", help="every stored inquiry")
    export.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.set_defaults(handler=_inquiries_export)
    purge = inquiry_commands.add_parser("purge", help="delete old inquiries for good")
    purge.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    purge.add_argument(
        "--older-than",
        type=_count,
        default=DEFAULT_RETENTION_DAYS,
        metavar="DAYS",
        help=f"delete inquiries created more than DAYS ago (default: {DEFAULT_RETENTION_DAYS})",
    )
    purge.add_argument(
        "--idle-hours",
        type=_count,
        default=DEFAULT_IDLE_HOURS,
        metavar="HOURS",
        help="also erase conversations idle for more than HOURS, with any inquiry abandoned "
        f"half-way (default: {DEFAULT_IDLE_HOURS})",
    )
    purge.set_defaults(handler=_inquiries_purge)

    database = commands.add_parser("db", help="the database schema")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    upgrade = database_commands.add_parser("upgrade", help="migrate to the newest schema")
    upgrade.add_argument("--db", help="database URL (default: DATABASE_URL, else an SQLite file)")
    upgrade.set_defaults(handler=_db_upgrade)

    flows = commands.add_parser("flows", help="the flow definitions")
    flows_commands = flows.add_subparsers(dest="flows_command", required=True, metavar="COMMAND")
    graph = flows_commands.add_parser("graph", help="print the flows as a Mermaid diagram")
    graph.set_defaults(handler=_flows_graph)

    add_telegram_parser(commands)
    add_slack_parser(commands)
    add_serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from adapters.dotenv import load_env_file
    from common.errors import DataError, EnvFileError, SchemaOutdated

    try:
        load_env_file(os.environ)  # ./.env, under what the environment already says
    except (EnvFileError, OSError) as exc:
        print(f"mynumber-bot: .env: {exc}", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (DataError, SchemaOutdated) as exc:
        # Broken data, a bad fixture, a migration not run: say what, not a traceback.
        print(f"mynumber-bot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader has gone (`chat | head -3`): nothing more to say, and nobody to say it to.
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
