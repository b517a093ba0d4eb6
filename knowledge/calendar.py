"""What kind of day a date is in Japan: weekday, Saturday, Sunday or national holiday."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import jpholiday

from knowledge.model import DayType

HolidayCheck = Callable[[date], bool]


def is_national_holiday(day: date) -> bool:
    """National holidays, substitute holidays and citizens' holidays, as jpholiday knows them."""
    return bool(jpholiday.is_holiday(day))


class JapanCalendar:
    """Classifies dates; cached, since jpholiday recomputes every holiday rule on each call."""

    def __init__(self, *, is_holiday: HolidayCheck = is_national_holiday) -> None:
        self._is_holiday = lru_cache(maxsize=4096)(is_holiday)

    def day_type(self, day: date) -> DayType:
        if self._is_holiday(day):
            return DayType.HOLIDAY
        weekday = day.weekday()
        if weekday == 5:
            return DayType.SATURDAY
        if weekday == 6:
            return DayType.SUNDAY
        return DayType.WEEKDAY

    def is_holiday(self, day: date) -> bool:
        return self._is_holiday(day)
