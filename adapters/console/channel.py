"""The console channel: `mynumber-bot chat` (its command), and the replay that hands transcript
turns straight to the turn runner. It serves no route and sends only to its own terminal."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from adapters.instants import clock_at, parse_instant
from bot.catalog import Catalog
from bot.channel import Bot, Command, Option, Route
from bot.courier import Sender
from bot.settings import Setting, Settings

NAME = "console"


def _arguments(parser: Any) -> None:
    parser.add_argument("--at", type=parse_instant, help="a fixed clock (ISO 8601; default: now)")
    parser.add_argument("--locale", help="the language the bot writes in (e.g. en, ja)")
    parser.add_argument(
        "--record", type=Path, metavar="FILE.yaml", help="write the session as a transcript"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the latest console conversation in this database (default: a new one)",
    )


def _run(arguments: Any, app: Any) -> int:
    """`mynumber-bot chat`, on the bot built for it (``adapters.bootstrap.App``)."""
    from adapters.console.chat import CONVERSATIONS, Recorder, chat, new_conversation
    from adapters.logs import configure_logging
    from adapters.sql.conversations import SqlConversationStore

    configure_logging(default="WARNING")  # the terminal is the chat's: problems only
    conversation = new_conversation()
    if arguments.resume:
        conversation = SqlConversationStore(app.database).latest(CONVERSATIONS) or conversation
    record = arguments.record
    recorder = Recorder(path=record, at=arguments.at, locale=arguments.locale) if record else None
    app.courier.start()
    try:
        return chat(
            app.runner,
            conversation=conversation,
            clock=clock_at(arguments.at),
            locale=arguments.locale,
            stdin=sys.stdin,
            stdout=sys.stdout,
            courier=app.courier,
            recorder=recorder,
        )
    finally:
        app.courier.close()


class ConsoleChannel:
    name = NAME
    replay_kit = "testkit.replay"
    command = Command(
        "chat",
        "a conversation in the console",
        "Each run starts a new conversation (--resume continues the latest one). Interactive: "
        "type a message and press Enter; Ctrl-D, /quit or /exit leaves. With input from a pipe "
        "or a file: one message a line, each answered, then it exits.",
        arguments=_arguments,
        run=_run,
    )
    settings: Sequence[Setting[Any]] = ()
    options: Sequence[Option] = ()

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        return [] if alone else ["the console is served by `mynumber-bot chat` only"]

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """Nothing to prepare."""

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> ConsoleSession:
        return ConsoleSession()

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        return {}


class ConsoleSession:
    """Nothing to serve: the chat routes its own terminal as the console's sender."""

    routes: tuple[Route, ...] = ()

    async def start(self) -> None:
        """Nothing to start."""

    def senders(self) -> Mapping[str, Sender]:
        return {}

    async def stop(self) -> None:
        """Nothing to stop."""


CHANNEL = ConsoleChannel()
