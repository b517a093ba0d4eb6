"""The console's chat: one message a line in, replies with numbered buttons out.

Interactive, it greets with the menu and says how to leave; with standard input from a pipe or
file it answers each line and exits at the end of input, printing nothing else, so that scripts
can read its answers. Each run is a conversation of its own (``--resume`` continues the latest).
Reminders come through the courier (its thread) while the chat is open.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import yaml

from bot.courier import Courier
from bot.messages import Event, Reply
from bot.runner import TurnRunner

CONVERSATIONS = "console:"  # the prefix of every console conversation's key
LEAVE = frozenset(("/quit", "/exit"))  # typed alone, interactive only: the chat ends
HOW_TO_LEAVE = "(Type a message and press Enter. Ctrl-D, /quit or /exit leaves the chat.)"
# A phone number as the page writes them: recorded transcripts expect each one the bot gave.
PHONE_NUMBER = re.compile(r"\b0\d{1,4}-\d{2,4}-\d{2,4}\b")


def render(replies: tuple[Reply, ...]) -> str:
    """Replies as plain text; buttons become numbered lines the user can answer with."""
    blocks = []
    for reply in replies:
        lines = [reply.text]
        lines += [f"  {index}) {button.label}" for index, button in enumerate(reply.buttons, 1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@dataclass
class Recorder:
    """Writes a console session as a transcript fixture, with the numbers given as expectations."""

    path: Path
    at: datetime | None
    locale: str | None
    turns: list[dict[str, Any]] = field(default_factory=list)

    def add(self, text: str, at: datetime, replies: tuple[Reply, ...]) -> None:
        said = "\n".join(reply.all_text() for reply in replies)
        turn: dict[str, Any] = {"user": text}
        if self.at is None:
            turn["at"] = at.isoformat()
        numbers = list(dict.fromkeys(PHONE_NUMBER.findall(said)))
        if numbers:
            turn["expect"] = {"contains": numbers}
        self.turns.append(turn)

    def write(self) -> None:
        fixture: dict[str, Any] = {"name": f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"}
        if self.at is not None:
            fixture["at"] = self.at.isoformat()
        if self.locale:
            fixture["locale"] = self.locale
        fixture["turns"] = self.turns
        self.path.write_text(
            yaml.safe_dump(fixture, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def new_conversation() -> str:
    return f"{CONVERSATIONS}{secrets.token_hex(6)}"


def chat(
    runner: TurnRunner,
    *,
    conversation: str,
    clock: Callable[[], datetime],
    locale: str | None,
    stdin: IO[str],
    stdout: IO[str],
    courier: Courier,
    recorder: Recorder | None = None,
) -> int:
    """Run the console ``conversation`` until the end of input; ``courier`` (started by the
    caller) brings what comes later, such as reminders."""
    interactive = stdin.isatty()
    reader_gone = False

    def show(replies: tuple[Reply, ...]) -> None:
        nonlocal reader_gone
        try:
            stdout.write(render(replies) + "\n\n")
            stdout.flush()
        except BrokenPipeError:  # `chat | head -3`: said for the last time
            reader_gone = True

    courier.route("console", lambda _to, reply, _key: show((reply,)))

    def turn(text: str) -> None:
        at = clock()
        event = Event(
            conversation=conversation,
            at=at,
            text=text,
            locale=locale,
            channel="console",
            address=conversation,
        )
        answer = runner.run(event, lambda _to, reply, _key: show((reply,)))
        if reader_gone:
            raise BrokenPipeError
        if recorder is not None and text != "/start":
            recorder.add(text, at, answer.replies)

    if interactive:
        turn("/start")
        stdout.write(HOW_TO_LEAVE + "\n\n")
    try:
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            text = line.rstrip("\r\n")
            if not line or (interactive and text.strip().casefold() in LEAVE):
                if interactive and not line:
                    stdout.write("\n")  # Ctrl-D: the shell's prompt on a line of its own
                break
            turn(text)
    except KeyboardInterrupt:
        stdout.write("\n")
    finally:
        if recorder is not None:
            recorder.write()
    return 0
