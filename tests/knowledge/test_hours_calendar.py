"""National holidays (substitute and citizens' ones included) and the New Year's closure."""

from datetime import date, timedelta

import holidays
import jpholiday
import pytest

from knowledge import DayType, Need, Status
from tests.knowledge.helpers import (
    EN_GROUP,
    TH_GROUP,
    assert_status,
    closed_until,
    engine,
    open_until,
    status,
)

HOLIDAYS_2026_2027 = jpholiday.between(date(2026, 1, 1), date(2027, 12, 31))

# Written by hand from the holiday law, checked against both jpholiday and `holidays`.
SPECIAL_HOLIDAYS = [
    (date(2025, 5, 6), "振替休日", "Substitute Holiday"),  # Greenery Day (Sun 5/4) observed
    (date(2025, 11, 24), "振替休日", "Substitute Holiday"),  # Labor Thanksgiving Day on Sunday
    (date(2026, 5, 6), "振替休日", "Substitute Holiday"),  # Constitution Day (Sun 5/3) observed
    (date(2026, 9, 22), "国民の休日", "National Holiday"),  # citizens' holiday, 9/21 and 9/23
    (date(2027, 3, 22), "振替休日", "Substitute Holiday"),  # Vernal Equinox (Sun 3/21) observed
    (date(2029, 2, 12), "振替休日", "Substitute Holiday"),  # Foundation Day on Sunday
    (date(2029, 4, 30), "振替休日", "Substitute Holiday"),  # Showa Day on Sunday
    (date(2029, 9, 24), "振替休日", "Substitute Holiday"),  # Autumnal Equinox on Sunday
    (date(2030, 5, 6), "振替休日", "Substitute Holiday"),  # Children's Day on Sunday
    (date(2030, 8, 12), "振替休日", "Substitute Holiday"),  # Mountain Day on Sunday
    (date(2030, 11, 4), "振替休日", "Substitute Holiday"),  # Culture Day on Sunday
]
NEW_YEAR_DAYS = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


def in_new_year(day):
    return (day.month, day.day) in NEW_YEAR_DAYS


def iso(day, clock):
    return f"{day.isoformat()}T{clock}"


def test_holiday_list_is_the_expected_one():
    assert len(HOLIDAYS_2026_2027) == 35
    days = {day for day, _ in HOLIDAYS_2026_2027}
    assert {date(2026, 5, 6), date(2026, 9, 22), date(2027, 3, 22)} <= days
    assert date(2026, 1, 1) in days
    assert date(2027, 1, 1) in days


@pytest.mark.parametrize(("day", "jp_name", "en_name"), SPECIAL_HOLIDAYS, ids=str)
def test_hand_written_special_holidays_are_known_to_both_libraries(day, jp_name, en_name):
    assert day.weekday() < 5, "a substitute or citizens' holiday is always a weekday"
    assert jp_name in (jpholiday.is_holiday_name(day) or "")
    assert holidays.country_holidays("JP", years=day.year).get(day) == en_name
    assert engine().calendar.day_type(day) is DayType.HOLIDAY


@pytest.mark.parametrize(("day", "jp_name", "en_name"), SPECIAL_HOLIDAYS, ids=str)
def test_special_holidays_have_the_short_hours(day, jp_name, en_name):
    """Weekdays by the calendar, yet 9:30-17:30 like a Sunday, on the general line."""
    assert_status(status("general", iso(day, "17:29"), "en"), open_until(iso(day, "17:30")))
    assert status("general", iso(day, "17:30"), "en").open is False
    # The following weekday, unless a holiday itself, is back to the weekday hours.
    after = day + timedelta(days=1)
    if not jpholiday.is_holiday(after) and after.weekday() < 5:
        assert_status(status("general", iso(after, "17:30"), "en"), open_until(iso(after, "20:00")))


@pytest.mark.parametrize(("day", "name"), HOLIDAYS_2026_2027, ids=lambda value: str(value))
def test_every_holiday_of_2026_and_2027(day, name):
    assert engine().calendar.day_type(day) is DayType.HOLIDAY
    general = "general"
    if in_new_year(day):
        # New Year's Day falls in the closure: closed all day, whatever the holiday rule says.
        for clock in ("09:30", "12:00", "17:29"):
            assert_status(
                status(general, iso(day, clock), "en"), closed_until(f"{day.year}-01-04T09:30")
            )
        return
    next_day = day + timedelta(days=1)
    for language in ("en", "th", None):
        assert_status(status(general, iso(day, "09:29"), language), closed_until(iso(day, "09:30")))
        assert_status(status(general, iso(day, "09:30"), language), open_until(iso(day, "17:30")))
        assert_status(status(general, iso(day, "17:29"), language), open_until(iso(day, "17:30")))
        assert_status(
            status(general, iso(day, "17:30"), language), closed_until(iso(next_day, "09:30"))
        )
        assert_status(
            status(general, iso(day, "19:59"), language), closed_until(iso(next_day, "09:30"))
        )
    # The card line ignores holidays: its hours hold every day.
    assert_status(status("card", iso(day, "19:59"), "en"), open_until(iso(day, "20:00")))
    assert_status(status("card", iso(day, "17:59"), "th"), open_until(iso(day, "18:00")))


def test_non_holidays_next_to_holidays_are_ordinary_weekdays():
    for day in (date(2026, 9, 24), date(2026, 5, 7), date(2027, 3, 23), date(2026, 11, 24)):
        assert engine().calendar.day_type(day) is DayType.WEEKDAY
        assert_status(status("general", iso(day, "17:30"), "en"), open_until(iso(day, "20:00")))


# --- the New Year's closure -------------------------------------------------------------------

YEAR_ENDS = list(range(2025, 2032))


def day_hours_end(day):
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return "17:30"
    return "20:00"


@pytest.mark.parametrize("year", YEAR_ENDS)
def test_december_28_is_open_with_its_day_type_hours(year):
    day = date(year, 12, 28)
    end = day_hours_end(day)
    assert_status(status("general", iso(day, "09:29"), "en"), closed_until(iso(day, "09:30")))
    assert_status(status("general", iso(day, "09:30"), "en"), open_until(iso(day, end)))
    before_end = "17:29" if end == "17:30" else "19:59"
    assert_status(status("general", iso(day, before_end), "vi"), open_until(iso(day, end)))
    # After the last minute of the 28th, the next opening is January 4, across the year boundary.
    assert_status(status("general", iso(day, end), "en"), closed_until(f"{year + 1}-01-04T09:30"))


@pytest.mark.parametrize("year", YEAR_ENDS)
def test_december_29_to_january_3_closed_all_day(year):
    first = date(year, 12, 29)
    reopening = f"{year + 1}-01-04T09:30"
    for offset in range(6):
        day = first + timedelta(days=offset)
        assert in_new_year(day)
        for clock in ("00:00", "09:29", "09:30", "12:00", "17:29", "19:59", "20:00", "23:59"):
            for language in ("en", "th", None):
                for need in Need:
                    actual = status("general", iso(day, clock), language, need=need)
                    assert_status(actual, closed_until(reopening))


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2029, 2030, 2031, 2032])
def test_january_4_reopens_with_its_day_type_hours(year):
    day = date(year, 1, 4)
    end = day_hours_end(day)
    assert_status(status("general", iso(day, "00:00"), "en"), closed_until(iso(day, "09:30")))
    assert_status(status("general", iso(day, "09:30"), "en"), open_until(iso(day, end)))


def test_new_year_weekdays_as_expected():
    # Guard the hand-picked weekdays the tests above rely on.
    assert date(2027, 1, 4).weekday() == 0  # Monday: weekday hours, 20:00
    assert date(2026, 1, 4).weekday() == 6  # Sunday: 17:30
    assert date(2026, 12, 28).weekday() == 0
    assert_status(status("general", "2027-01-04T19:59", "en"), open_until("2027-01-04T20:00"))
    assert_status(status("general", "2026-01-04T17:29", "en"), open_until("2026-01-04T17:30"))
    assert_status(status("general", "2026-12-28T20:00", "en"), closed_until("2027-01-04T09:30"))
    assert_status(status("general", "2025-12-28T17:30", "en"), closed_until("2026-01-04T09:30"))
    # 2023-01-02 was the substitute holiday for New Year's Day: still inside the closure.
    assert_status(status("general", "2023-01-02T12:00", "en"), closed_until("2023-01-04T09:30"))


@pytest.mark.parametrize("line_id", ["card", "card-navi", "card-navi-ip", "ja-navi"])
def test_card_lines_stay_open_over_new_year(line_id):
    speaker = "ja" if line_id == "ja-navi" else "en"
    for day in (date(2026, 12, 29), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 3)):
        next_day = day + timedelta(days=1)
        assert_status(status(line_id, iso(day, "08:30"), speaker), open_until(iso(day, "20:00")))
        assert_status(
            status(line_id, iso(day, "20:00"), speaker), closed_until(iso(next_day, "08:30"))
        )
        assert_status(
            status(line_id, iso(day, "23:00"), speaker, need=Need.SMARTPHONE_SUSPENSION),
            Status(open=True),
        )
        if line_id != "ja-navi":
            for language in TH_GROUP:
                assert_status(
                    status(line_id, iso(day, "09:00"), language), open_until(iso(day, "18:00"))
                )
            for language in EN_GROUP:
                assert_status(
                    status(line_id, iso(day, "19:59"), language), open_until(iso(day, "20:00"))
                )


# --- searching for the next opening across weekends and holidays ------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Silver Week 2026: Sat 9/19, Sun 9/20, Mon 9/21 (holiday), Tue 9/22 (citizens'), Wed 9/23.
        ("2026-09-18T20:30", closed_until("2026-09-19T09:30")),
        ("2026-09-18T19:59", open_until("2026-09-18T20:00")),
        ("2026-09-19T17:30", closed_until("2026-09-20T09:30")),
        ("2026-09-20T17:30", closed_until("2026-09-21T09:30")),
        ("2026-09-21T09:30", open_until("2026-09-21T17:30")),
        ("2026-09-21T18:00", closed_until("2026-09-22T09:30")),
        ("2026-09-22T12:00", open_until("2026-09-22T17:30")),
        ("2026-09-23T17:29", open_until("2026-09-23T17:30")),
        ("2026-09-23T17:30", closed_until("2026-09-24T09:30")),
        ("2026-09-24T17:30", open_until("2026-09-24T20:00")),
        # Golden Week 2026: Wed 4/29; Sat 5/2 to Wed 5/6 (substitute); Thu 5/7 is a weekday.
        ("2026-04-28T20:00", closed_until("2026-04-29T09:30")),
        ("2026-04-29T17:30", closed_until("2026-04-30T09:30")),
        ("2026-05-01T20:00", closed_until("2026-05-02T09:30")),
        ("2026-05-05T17:30", closed_until("2026-05-06T09:30")),
        ("2026-05-06T09:30", open_until("2026-05-06T17:30")),
        ("2026-05-06T17:30", closed_until("2026-05-07T09:30")),
        ("2026-05-07T09:30", open_until("2026-05-07T20:00")),
        # A Friday night before a holiday Monday (Coming of Age Day 2027-01-11).
        ("2027-01-08T20:30", closed_until("2027-01-09T09:30")),
        ("2027-01-10T23:59", closed_until("2027-01-11T09:30")),
        ("2027-01-11T19:00", closed_until("2027-01-12T09:30")),
        # A holiday on a Sunday, observed on the Monday (Vernal Equinox 2027).
        ("2027-03-21T12:00", open_until("2027-03-21T17:30")),
        ("2027-03-22T17:30", closed_until("2027-03-23T09:30")),
        ("2027-03-23T17:30", open_until("2027-03-23T20:00")),
        # A holiday on a Saturday gets no substitute: Monday 2028-05-01 is a weekday.
        ("2028-04-28T20:00", closed_until("2028-04-29T09:30")),
        ("2028-04-29T17:30", closed_until("2028-04-30T09:30")),
        ("2028-05-01T17:30", open_until("2028-05-01T20:00")),
    ],
)
def test_opens_at_across_weekends_and_holidays(at, expected):
    for language in ("en", "ne", None):
        assert_status(status("general", at, language), expected)
