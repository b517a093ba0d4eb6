"""jpholiday (what the engine uses) and the `holidays` package agree on Japan's holidays.

Checked day by day over 2020-2030, the years around the bot's life, including the 2020 and 2021
Olympic moves of Marine, Sports and Mountain Day. Any disagreement is printed; the set of known
disagreements is pinned, so a new one (say, after a library update) fails this test.
"""

from datetime import date, timedelta

import holidays
import jpholiday

FIRST = date(2020, 1, 1)
LAST = date(2030, 12, 31)
# (date, jpholiday's name or None, holidays' name or None): none known as of jpholiday 1.0.3 and
# holidays 0.109.
KNOWN_DISAGREEMENTS: set[tuple[date, str | None, str | None]] = set()


def _disagreements():
    from_holidays = holidays.country_holidays("JP", years=range(FIRST.year, LAST.year + 1))
    found = set()
    day = FIRST
    while day <= LAST:
        jp_name = jpholiday.is_holiday_name(day)
        other_name = from_holidays.get(day)
        if bool(jpholiday.is_holiday(day)) != (day in from_holidays):
            found.add((day, jp_name, other_name))
        day += timedelta(days=1)
    return found


def test_jpholiday_and_holidays_agree_2020_to_2030():
    found = _disagreements()
    for day, jp_name, other_name in sorted(found):
        print(f"{day} ({day:%a}): jpholiday={jp_name!r} holidays={other_name!r}")
    assert found == KNOWN_DISAGREEMENTS


def test_both_libraries_list_the_same_number_of_holidays():
    from_jpholiday = jpholiday.between(FIRST, LAST)
    from_holidays = holidays.country_holidays("JP", years=range(FIRST.year, LAST.year + 1))
    assert len(from_jpholiday) == len(from_holidays) == 197


def test_olympic_year_moves_are_known_to_both():
    # 2020: Marine Day 7/23, Sports Day 7/24, Mountain Day 8/10; 2021: 7/22, 7/23, 8/8 (+ 8/9).
    moved = [
        date(2020, 7, 23),
        date(2020, 7, 24),
        date(2020, 8, 10),
        date(2021, 7, 22),
        date(2021, 7, 23),
        date(2021, 8, 8),
        date(2021, 8, 9),
    ]
    usual = [date(2020, 7, 20), date(2020, 10, 12), date(2021, 7, 19), date(2021, 10, 11)]
    from_holidays = holidays.country_holidays("JP", years=[2020, 2021])
    for day in moved:
        assert jpholiday.is_holiday(day), day
        assert day in from_holidays, day
    for day in usual:
        assert not jpholiday.is_holiday(day), day
        assert day not in from_holidays, day
