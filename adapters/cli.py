"""The `mynumber-bot` command line: parses arguments, then imports only what a command needs.

Start-up time matters (the console chat must answer fast), so the Telegram, Slack and database
modules are imported inside the command that uses them, never here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")
LANGUAGE_CODES = ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne", "ja")

Handler = Callable[[argparse.Namespace], int]


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read as Japan time, not the server's."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-11-28T18:00:00+09:00"
        ) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=JAPAN)


def _hours(args: argparse.Namespace) -> int:
    from adapters.hours_view import render_json, render_table
    from knowledge.hours import HoursEngine
    from knowledge.loader import default_knowledge
    from knowledge.report import report_all

    knowledge = default_knowledge()
    at = (args.at or datetime.now(UTC)).astimezone(JAPAN)
    reports = report_all(knowledge, HoursEngine(time_zone=knowledge.time_zone), at, args.language)
    print(render_json(reports) if args.json else render_table(reports, at))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    hours.set_defaults(handler=_hours)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
