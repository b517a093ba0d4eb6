"""Transcript fixtures (DESIGN.md): loading, validating, and checking a turn's expectations.

Channel-free: a driver (console, Telegram, Slack) sends each turn and hands back the bot's text;
this module says whether that text meets the turn's `expect`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from common.errors import DataError
from knowledge.yamlnode import Node

JAPAN = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True, slots=True)
class Expect:
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()

    def failures(self, said: str) -> list[str]:
        """What is not as expected in ``said``, one sentence each; empty when all holds."""
        problems = [f"expected to contain {text!r}" for text in self.contains if text not in said]
        problems += [
            f"expected not to contain {text!r}" for text in self.not_contains if text in said
        ]
        problems += [
            f"expected to match /{pattern}/"
            for pattern in self.matches
            if not re.search(pattern, said)
        ]
        return problems


@dataclass(frozen=True, slots=True)
class TranscriptTurn:
    """``user`` text to send, ``press``: the label of a button in the last reply, or ``wait``:
    the clock moves on to that time, and what the bot sends meanwhile (reminders) is checked."""

    user: str | None
    press: str | None
    at: datetime | None
    expect: Expect
    wait: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    path: Path
    at: datetime | None
    locale: str | None
    turns: tuple[TranscriptTurn, ...] = field(default=())


def parse_time(node: Node) -> datetime:
    """ISO 8601; without an offset, Japan time."""
    try:
        moment = datetime.fromisoformat(node.text())
    except ValueError as exc:
        raise node.fail(f"{node.value!r} is not an ISO 8601 time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=JAPAN)


def load_transcript(path: Path) -> Transcript:
    """Raises DataError naming the file and key of what does not fit the format."""
    doc = Node.load(path)
    turns = []
    for item in doc["turns"].items():
        user, press, wait = item.get("user"), item.get("press"), item.get("wait")
        if [user, press, wait].count(None) != 2:
            raise item.fail("needs exactly one of `user`, `press` and `wait`")
        expect = item.get("expect")
        for pattern in expect.optional_texts("matches") if expect is not None else ():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise item["expect"]["matches"].fail(f"bad regular expression: {exc}") from exc
        turns.append(
            TranscriptTurn(
                user=_raw_text(user) if user is not None else None,
                press=press.text() if press is not None else None,
                at=parse_time(item["at"]) if item.has("at") else None,
                wait=parse_time(item["wait"]) if wait is not None else None,
                expect=Expect(
                    contains=expect.optional_texts("contains") if expect else (),
                    not_contains=expect.optional_texts("not_contains") if expect else (),
                    matches=expect.optional_texts("matches") if expect else (),
                ),
            )
        )
    if not turns:
        raise doc["turns"].fail("must have at least one turn")
    return Transcript(
        name=doc.optional_text("name") or path.stem,
        path=path,
        at=parse_time(doc["at"]) if doc.has("at") else None,
        locale=doc.optional_text("locale"),
        turns=tuple(turns),
    )


def _raw_text(node: Node) -> str:
    """A user message as written: empty and whitespace-only messages are valid input too."""
    if node.value is None:
        return ""
    if not isinstance(node.value, str | int | float):
        raise node.fail("must be text")
    return str(node.value)


def find_transcripts(paths: list[Path]) -> list[Path]:
    """Files as given, and every ``*.yaml``/``*.yml`` below each folder, sorted.

    Raises:
        DataError: for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found.append(path)
        else:
            raise DataError(str(path), "", "no such file or folder")
    return found
