"""Whether a line is open at an instant, until when, and when it next opens.

All reasoning happens on Japan's wall clock (Asia/Tokyo has had no daylight saving since 1951, so
naive local arithmetic is exact); instants in any zone are converted on the way in, and answers
come back as aware datetimes in Asia/Tokyo whatever the server's TZ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from knowledge.calendar import JapanCalendar
from knowledge.model import DayType, Line, Need, Window

# How far ahead to look for a closing or an opening. The longest closure on the page is six days;
# a year covers any data that could be written, and still costs little since days are cached.
HORIZON_DAYS = 370

_Interval = tuple[datetime, datetime]
_DAY_CACHE_SIZE = 65536
_MINUTES_A_DAY = 24 * 60
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Status:
    """A line's state for one caller at one instant.

    ``open`` is None where the page lists no hours. When open, ``closes_at`` is the first closed
    minute (None if the line stays open beyond the horizon: around the clock); when closed,
    ``opens_at`` is the first open minute (None if it never opens within the horizon).
    """

    open: bool | None
    closes_at: datetime | None = None
    opens_at: datetime | None = None


UNKNOWN = Status(open=None)


class HoursEngine:
    """Answers hours questions from the knowledge's rules and a Japanese calendar."""

    def __init__(
        self, *, time_zone: str = "Asia/Tokyo", calendar: JapanCalendar | None = None
    ) -> None:
        self.zone = ZoneInfo(time_zone)
        self.calendar = calendar or JapanCalendar()
        # Keyed by id(line): hashing a frozen Line rehashes all its rules on every lookup.
        # ``_lines`` keeps each keyed line alive so that its id cannot be reused.
        self._lines: dict[int, Line] = {}
        self._days: dict[tuple[int, str | None, Need, date], tuple[_Interval, ...]] = {}
        self._around_the_clock: dict[tuple[int, str | None, Need], bool] = {}

    def status(
        self,
        line: Line,
        at: datetime,
        *,
        language: str | None = None,
        need: Need = Need.REGULAR,
    ) -> Status:
        """The line's status for a caller speaking ``language`` (any of its languages if None).

        Raises:
            ValueError: if ``at`` is naive (the server's zone must never leak into an answer), or
                the line does not serve ``language`` (its hours would say nothing true).
        """
        if line.rules is None:
            self._local(line, at, language)  # the same refusals as for a line with hours
            return UNKNOWN
        local = self._local(line, at, language)
        current = self._current(line, language, need, local)
        if current:
            if self._always_open(line, language, need):
                return Status(open=True)
            end = max(interval[1] for interval in current)
            closes = self._extend(line, language, need, end)
            return Status(open=True, closes_at=self._aware(closes))
        return Status(
            open=False, opens_at=self._aware(self._next_start(line, language, need, local))
        )

    def is_open(
        self,
        line: Line,
        at: datetime,
        *,
        language: str | None = None,
        need: Need = Need.REGULAR,
    ) -> bool | None:
        """``status(...).open`` without looking for the next change: whether a window holds
        ``at``. Raises as :meth:`status` does."""
        local = self._local(line, at, language)
        if line.rules is None:
            return None
        return bool(self._current(line, language, need, local))

    def _local(self, line: Line, at: datetime, language: str | None) -> datetime:
        """``at`` on Japan's wall clock, naive; refusing what :meth:`status` refuses."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("the instant must carry a time zone")
        if language is not None and not line.serves(language):
            raise ValueError(f"line {line.id} does not serve language {language!r}")
        return at.astimezone(self.zone).replace(tzinfo=None)

    def _current(
        self, line: Line, language: str | None, need: Need, local: datetime
    ) -> list[_Interval]:
        """The open intervals holding ``local`` (those of the day before reach past midnight)."""
        today = local.date()
        days = self._day(line, language, need, today - _ONE_DAY) + self._day(
            line, language, need, today
        )
        return [interval for interval in days if interval[0] <= local < interval[1]]

    def _extend(
        self, line: Line, language: str | None, need: Need, end: datetime
    ) -> datetime | None:
        """Follow windows that start before ``end`` and last beyond it, e.g. day then night."""
        limit = end.date() + timedelta(days=HORIZON_DAYS)
        while end.date() <= limit:
            day = end.date()
            later = [
                interval[1]
                for interval in self._intervals(line, language, need, day - timedelta(days=1), day)
                if interval[0] <= end < interval[1]
            ]
            if not later:
                return end
            end = max(later)
        return None

    def _next_start(
        self, line: Line, language: str | None, need: Need, local: datetime
    ) -> datetime | None:
        day = local.date()
        for offset in range(HORIZON_DAYS + 1):
            starts = [
                start
                for start, _ in self._day(line, language, need, day + timedelta(days=offset))
                if start > local
            ]
            if starts:
                return min(starts)
        return None

    def _intervals(
        self, line: Line, language: str | None, need: Need, first: date, last: date
    ) -> Iterable[_Interval]:
        day = first
        while day <= last:
            yield from self._day(line, language, need, day)
            day += timedelta(days=1)

    def _day(
        self, line: Line, language: str | None, need: Need, day: date
    ) -> tuple[_Interval, ...]:
        key = (id(line), language, need, day)
        found = self._days.get(key)
        if found is None:
            if len(self._days) >= _DAY_CACHE_SIZE:
                self._days.clear()
            self._lines[id(line)] = line
            found = self._days[key] = self._compute_day(line, language, need, day)
        return found

    def _always_open(self, line: Line, language: str | None, need: Need) -> bool:
        """True when every day has the same windows, covering all 24 hours, and nothing closes.

        Spares a walk to the horizon for the card lines' smartphone suspension, which day and
        night windows together keep open around the clock.
        """
        key = (id(line), language, need)
        if key not in self._around_the_clock:
            self._lines[id(line)] = line
            self._around_the_clock[key] = not line.closures and _covers_every_minute(
                [
                    (rule.days, window)
                    for rule in line.rules or ()
                    if need in rule.needs and (language is None or language in rule.languages)
                    for window in rule.windows
                ]
            )
        return self._around_the_clock[key]

    def _compute_day(
        self, line: Line, language: str | None, need: Need, day: date
    ) -> tuple[_Interval, ...]:
        """The open intervals that start on ``day``, in local wall-clock time."""
        if any(closure.covers(day) for closure in line.closures):
            return ()
        day_type = self.calendar.day_type(day)
        intervals: list[_Interval] = []
        for rule in line.rules or ():
            if need not in rule.needs or day_type not in rule.days:
                continue
            if language is not None and language not in rule.languages:
                continue
            for window in rule.windows:
                start = datetime.combine(day, window.start)
                end_day = day + timedelta(days=1) if window.overnight else day
                intervals.append((start, datetime.combine(end_day, window.end)))
        return tuple(sorted(intervals))

    def _aware(self, local: datetime | None) -> datetime | None:
        return None if local is None else local.replace(tzinfo=self.zone)


def _covers_every_minute(windows: list[tuple[frozenset[DayType], Window]]) -> bool:
    if not windows:
        return False
    day_sets = {days for days, _ in windows}
    if day_sets != {frozenset(DayType)}:
        return False
    spans: list[tuple[int, int]] = []
    for _, window in windows:
        start = window.start.hour * 60 + window.start.minute
        end = window.end.hour * 60 + window.end.minute
        if window.overnight:
            spans += [(start, _MINUTES_A_DAY), (0, end)]
        else:
            spans.append((start, end))
    reached = 0
    for start, end in sorted(spans):
        if start > reached:
            return False
        reached = max(reached, end)
    return reached >= _MINUTES_A_DAY
