"""The `mynumber-bot` command line: parses arguments, then imports only what a command needs.

Start-up time matters (the console chat must answer fast): the channels' SDKs and the
database are imported inside the command that uses them, never here. Each channel's command
comes from the registry (:mod:`adapters.registry`); none is named here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from adapters import commands as run
from adapters.instants import parse_instant
from adapters.registry import CHANNELS
from bot.channel import Channel

LANGUAGE_CODES = ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne", "ja")
# Kept here, not imported from the storage module, so that `--help` loads no database code.
DEFAULT_RETENTION_DAYS = 90
DEFAULT_IDLE_HOURS = 24
DB_HELP = "database URL (default: DATABASE_URL, else an SQLite file)"

Handler = Callable[[argparse.Namespace], int]


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option told in one line (and where to read more), not the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _add_channel_command(commands: Any, channel: Channel) -> None:
    """The channel's own subcommand: its options, then the host serving it alone (or the
    channel's own run)."""
    from adapters.host import add_options

    command = channel.command
    if command is None:
        return
    parser = commands.add_parser(command.name, help=command.help, description=command.description)
    parser.add_argument("--db", help=DB_HELP)
    add_options(parser, channel, alone=True)
    if command.arguments is not None:
        command.arguments(parser)
    if command.run is None:
        parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default: 127.0.0.1)")
        port = command.port
        parser.add_argument("--port", type=int, default=port, help=f"HTTP port (default: {port})")
    parser.set_defaults(handler=lambda args: _run_channel(channel, args))


def _run_channel(channel: Channel, args: argparse.Namespace) -> int:
    from adapters.host import build_hosted, options_of, read_settings, run_alone

    command = channel.command
    assert command is not None
    if command.run is None:
        return run_alone(channel, args)
    settings = read_settings(os.environ, **options_of(args, [channel], alone=True))
    app = build_hosted(settings, alone=True)
    try:
        return command.run(args, app)
    finally:
        app.runner.close()
        app.database.dispose()


def build_parser() -> argparse.ArgumentParser:
    from adapters.serve.command import add_serve_parser

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
    hours.set_defaults(handler=run.hours)

    for channel in CHANNELS:
        _add_channel_command(commands, channel)

    replay = commands.add_parser("replay", help="replay transcript fixtures")
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    replay.add_argument("--db", help="database URL (default: a fresh temporary SQLite file)")
    replay.add_argument(
        "--channel",
        choices=[channel.name for channel in CHANNELS],
        default=CHANNELS[0].name,
        help="the channel whose code plays each turn (the console: straight into the bot; the "
        "others: through the channel against a stand-in platform server on 127.0.0.1)",
    )
    replay.set_defaults(handler=run.replay)

    inquiries = commands.add_parser("inquiries", help="the written inquiries (staff)")
    inquiry_commands = inquiries.add_subparsers(
        dest="inquiries_command", required=True, metavar="COMMAND"
    )
    export = inquiry_commands.add_parser("export", help="every stored inquiry")
    export.add_argument("--db", help=DB_HELP)
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.set_defaults(handler=run.inquiries_export)
    purge = inquiry_commands.add_parser("purge", help="delete old inquiries for good")
    purge.add_argument("--db", help=DB_HELP)
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
    purge.set_defaults(handler=run.inquiries_purge)

    database = commands.add_parser("db", help="the database schema")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    upgrade = database_commands.add_parser("upgrade", help="migrate to the newest schema")
    upgrade.add_argument("--db", help=DB_HELP)
    upgrade.set_defaults(handler=run.db_upgrade)

    flows = commands.add_parser("flows", help="the flow definitions")
    flows_commands = flows.add_subparsers(dest="flows_command", required=True, metavar="COMMAND")
    graph = flows_commands.add_parser("graph", help="print the flows as a Mermaid diagram")
    graph.set_defaults(handler=run.flows_graph)

    add_serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from adapters.dotenv import load_env_file
    from common.errors import DataError, SchemaOutdated, SettingsError

    try:
        load_env_file(os.environ)  # ./.env, under what the environment already says
    except (DataError, OSError) as exc:
        print(f"mynumber-bot: .env: {exc}", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"mynumber-bot {args.command}: {problem}", file=sys.stderr)
        return 2
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
