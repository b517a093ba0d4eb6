"""Instants as the command line takes them (``--at``): ISO 8601, Japan time without an offset,
within the years the bot can reason about."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock, wall_clock

JAPAN = ZoneInfo("Asia/Tokyo")
# The years an instant may name: the page describes today's call centers, and the hours engine
# looks days ahead of it, which the ends of Python's calendar do not allow.
EARLIEST_YEAR, LATEST_YEAR = 1950, 2999


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


def clock_at(fixed: datetime | None) -> Clock:
    """A clock stopped at ``fixed``, or the wall clock."""
    return (lambda: fixed) if fixed is not None else wall_clock
