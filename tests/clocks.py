"""A clock the test moves: what tests give the outbox (and anything else that would read the
wall clock), so that no test depends on today's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 10:00 in Japan, a Wednesday


class MovingClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
