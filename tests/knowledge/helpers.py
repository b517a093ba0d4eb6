"""Shared helpers for the knowledge tests: Japan-time instants, the packaged data, one engine."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge import HoursEngine, Status, default_knowledge
from knowledge.model import Knowledge, Line

TOKYO = ZoneInfo("Asia/Tokyo")
NINE_HOURS = timedelta(hours=9)
REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO.parent / "shared" / "seed" / "contact-us.txt"

# The language groups of the card lines, as the page lists them.
EN_GROUP = ("en", "zh", "ko", "es", "pt")
TH_GROUP = ("th", "ne", "id", "vi", "tl")
FOREIGN = ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")


def jst(text: str) -> datetime:
    """``"2026-11-28T18:00"`` as an aware datetime on Japan's clock (never the server's zone)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        raise ValueError(f"jst() takes a wall-clock time without offset, got {text!r}")
    return value.replace(tzinfo=TOKYO)


def fold(text: str) -> str:
    """Whitespace folded, as the verbatim source check compares text."""
    return re.sub(r"\s+", " ", text).strip()


@cache
def knowledge() -> Knowledge:
    return default_knowledge()


def line(line_id: str) -> Line:
    return knowledge().line(line_id)


@cache
def engine() -> HoursEngine:
    """One engine for the whole run, so its day cache is shared (and exercised) across tests."""
    return HoursEngine(time_zone=knowledge().time_zone)


def status(line_id: str, at: str | datetime, language: str | None = None, **kwargs) -> Status:
    """The status of a line by id, at a Japan wall-clock string or an aware datetime."""
    instant = jst(at) if isinstance(at, str) else at
    return engine().status(line(line_id), instant, language=language, **kwargs)


def open_until(closes: str | None) -> Status:
    """The status expected of an open line: ``open_until("2026-11-28T20:00")``."""
    return Status(open=True, closes_at=None if closes is None else jst(closes))


def closed_until(opens: str | None) -> Status:
    return Status(open=False, opens_at=None if opens is None else jst(opens))


def assert_status(actual: Status, expected: Status) -> None:
    """Equal, and every datetime of the answer on Japan's clock (+09:00, zone Asia/Tokyo)."""
    assert actual == expected
    for moment in (actual.closes_at, actual.opens_at):
        if moment is not None:
            assert moment.utcoffset() == NINE_HOURS, moment
            assert str(moment.tzinfo) == "Asia/Tokyo", moment.tzinfo
