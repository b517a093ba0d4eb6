"""Every boundary minute of every line and language group, on every kind of day.

The expectations are written by hand from the page:
- general: weekdays 9:30-20:00; Saturdays, Sundays and national holidays 9:30-17:30;
- card lines: en zh ko es pt 8:30-20:00, th ne id vi tl 9:00-18:00, every day; from 20:00 to 8:29
  the next day only the suspension after losing a smartphone (so 8:29 is the last open minute);
- ja-navi: "the same" hours: 8:30-20:00, with the night window for the smartphone suspension.
"""

from datetime import date, datetime, timedelta

import pytest

from knowledge import Need, Status
from tests.knowledge.helpers import (
    EN_GROUP,
    FOREIGN,
    TH_GROUP,
    assert_status,
    closed_until,
    engine,
    jst,
    line,
    open_until,
    status,
)

WEEKDAY = date(2026, 11, 25)  # Wednesday
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
HOLIDAY_MONDAY = date(2026, 11, 23)  # Labor Thanksgiving Day
DAYS = {
    "weekday": WEEKDAY,
    "saturday": SATURDAY,
    "sunday": SUNDAY,
    "holiday": HOLIDAY_MONDAY,
}
CARD_LINES = ("card", "card-navi", "card-navi-ip")
ALWAYS = "always"  # open around the clock: Status(open=True, closes_at=None)


def expect(day, case):
    """``"09:29 closed 09:30"``, ``"20:00 closed +1 09:30"`` or ``"02:00 always"``, on ``day``.

    Returns the instant and the expected Status; ``+1`` means the next day.
    """
    clock, state, *rest = case.split()
    at = datetime.combine(day, datetime.strptime(clock, "%H:%M").time())
    if state == ALWAYS:
        return jst(at.isoformat()), Status(open=True)
    shift = 0
    if rest[0].startswith("+"):
        shift = int(rest.pop(0))
    target = datetime.combine(
        day + timedelta(days=shift), datetime.strptime(rest[0], "%H:%M").time()
    )
    make = open_until if state == "open" else closed_until
    return jst(at.isoformat()), make(target.isoformat(timespec="minutes"))


GENERAL_WEEKDAY = [
    "00:00 closed 09:30",
    "08:29 closed 09:30",
    "08:30 closed 09:30",
    "08:59 closed 09:30",
    "09:00 closed 09:30",
    "09:29 closed 09:30",
    "09:30 open 20:00",
    "17:29 open 20:00",
    "17:30 open 20:00",
    "17:59 open 20:00",
    "18:00 open 20:00",
    "19:59 open 20:00",
    "20:00 closed +1 09:30",
    "23:59 closed +1 09:30",
]
GENERAL_SHORT_DAY = [
    "00:00 closed 09:30",
    "08:29 closed 09:30",
    "08:30 closed 09:30",
    "08:59 closed 09:30",
    "09:00 closed 09:30",
    "09:29 closed 09:30",
    "09:30 open 17:30",
    "17:29 open 17:30",
    "17:30 closed +1 09:30",
    "17:59 closed +1 09:30",
    "18:00 closed +1 09:30",
    "19:59 closed +1 09:30",
    "20:00 closed +1 09:30",
    "23:59 closed +1 09:30",
]
CARD_EN_REGULAR = [
    "00:00 closed 08:30",
    "02:00 closed 08:30",
    "08:29 closed 08:30",
    "08:30 open 20:00",
    "08:59 open 20:00",
    "09:00 open 20:00",
    "09:29 open 20:00",
    "09:30 open 20:00",
    "17:29 open 20:00",
    "17:30 open 20:00",
    "17:59 open 20:00",
    "18:00 open 20:00",
    "19:59 open 20:00",
    "20:00 closed +1 08:30",
    "23:59 closed +1 08:30",
]
CARD_TH_REGULAR = [
    "00:00 closed 09:00",
    "02:00 closed 09:00",
    "08:29 closed 09:00",
    "08:30 closed 09:00",
    "08:59 closed 09:00",
    "09:00 open 18:00",
    "09:29 open 18:00",
    "09:30 open 18:00",
    "17:29 open 18:00",
    "17:30 open 18:00",
    "17:59 open 18:00",
    "18:00 closed +1 09:00",
    "19:59 closed +1 09:00",
    "20:00 closed +1 09:00",
    "23:59 closed +1 09:00",
]
CARD_TH_SMARTPHONE = [
    "00:00 open 08:30",
    "02:00 open 08:30",
    "08:29 open 08:30",
    "08:30 closed 09:00",
    "08:45 closed 09:00",
    "08:59 closed 09:00",
    "09:00 open 18:00",
    "17:59 open 18:00",
    "18:00 closed 20:00",
    "18:30 closed 20:00",
    "19:59 closed 20:00",
    "20:00 open +1 08:30",
    "23:59 open +1 08:30",
]
AROUND_THE_CLOCK = [
    f"{clock} always"
    for clock in (
        *("00:00", "02:00", "08:29", "08:30", "08:59", "09:00"),
        *("17:59", "18:00", "18:30", "19:59", "20:00", "23:59"),
    )
]


def check(line_ids, languages, need, day, cases):
    for case in cases:
        at, expected = expect(day, case)
        for line_id in line_ids:
            for language in languages:
                actual = status(line_id, at, language, need=need)
                assert actual == expected, (line_id, language, need.value, at.isoformat(), case)
                assert_status(actual, expected)


@pytest.mark.parametrize("need", list(Need), ids=lambda need: need.value)
def test_general_weekday(need):
    check(["general"], (*FOREIGN, None), need, WEEKDAY, GENERAL_WEEKDAY)


@pytest.mark.parametrize("need", list(Need), ids=lambda need: need.value)
@pytest.mark.parametrize("day_type", ["saturday", "sunday", "holiday"])
def test_general_saturday_sunday_holiday(day_type, need):
    check(["general"], (*FOREIGN, None), need, DAYS[day_type], GENERAL_SHORT_DAY)


def test_general_friday_night_opens_saturday_and_sunday_evening_opens_holiday_monday():
    assert_status(status("general", "2026-11-27T20:00", "en"), closed_until("2026-11-28T09:30"))
    assert_status(status("general", "2026-11-22T17:30", "en"), closed_until("2026-11-23T09:30"))
    assert_status(status("general", "2026-11-23T09:30", "en"), open_until("2026-11-23T17:30"))
    assert_status(status("general", "2026-11-24T09:30", "en"), open_until("2026-11-24T20:00"))


@pytest.mark.parametrize("day_type", list(DAYS))
def test_card_en_group_regular(day_type):
    check(CARD_LINES, (*EN_GROUP, None), Need.REGULAR, DAYS[day_type], CARD_EN_REGULAR)


@pytest.mark.parametrize("day_type", list(DAYS))
def test_card_th_group_regular(day_type):
    check(CARD_LINES, TH_GROUP, Need.REGULAR, DAYS[day_type], CARD_TH_REGULAR)


@pytest.mark.parametrize("day_type", list(DAYS))
def test_card_smartphone_suspension_en_group_and_any_language_around_the_clock(day_type):
    check(
        CARD_LINES, (*EN_GROUP, None), Need.SMARTPHONE_SUSPENSION, DAYS[day_type], AROUND_THE_CLOCK
    )


@pytest.mark.parametrize("day_type", list(DAYS))
def test_card_smartphone_suspension_th_group(day_type):
    check(CARD_LINES, TH_GROUP, Need.SMARTPHONE_SUSPENSION, DAYS[day_type], CARD_TH_SMARTPHONE)


@pytest.mark.parametrize("day_type", list(DAYS))
@pytest.mark.parametrize("language", ["ja", None])
def test_ja_navi_same_hours_as_card_navi(day_type, language):
    check(["ja-navi"], [language], Need.REGULAR, DAYS[day_type], CARD_EN_REGULAR)
    check(["ja-navi"], [language], Need.SMARTPHONE_SUSPENSION, DAYS[day_type], AROUND_THE_CLOCK)


@pytest.mark.parametrize("need", list(Need), ids=lambda need: need.value)
@pytest.mark.parametrize("language", ["ja", None])
@pytest.mark.parametrize("at", ["2026-11-25T12:00", "2026-11-28T02:00", "2027-01-01T10:00"])
def test_japanese_line_hours_not_listed(at, language, need):
    assert_status(status("ja", at, language, need=need), Status(open=None))


def test_saturday_evening_example_from_the_brief():
    at = jst("2026-11-28T18:00")
    general = status("general", at, "en")
    assert general.open is False
    assert general.closes_at is None
    assert general.opens_at == datetime.fromisoformat("2026-11-29T09:30+09:00")
    assert general.opens_at.isoformat() == "2026-11-29T09:30:00+09:00"
    card = status("card", at, "en")
    assert card == Status(open=True, closes_at=datetime.fromisoformat("2026-11-28T20:00+09:00"))
    assert card.closes_at.isoformat() == "2026-11-28T20:00:00+09:00"


def test_card_question_at_two_is_closed_but_smartphone_suspension_is_open():
    at = "2026-11-25T02:00"
    assert_status(status("card", at, "en"), closed_until("2026-11-25T08:30"))
    assert_status(status("card", at, "th"), closed_until("2026-11-25T09:00"))
    assert_status(status("card", at, None), closed_until("2026-11-25T08:30"))
    smartphone = Need.SMARTPHONE_SUSPENSION
    assert_status(status("card", at, "en", need=smartphone), Status(open=True))
    assert_status(status("card", at, "th", need=smartphone), open_until("2026-11-25T08:30"))


def test_language_none_is_the_union_of_the_groups():
    # 8:30-9:00 only the en group is open, 18:00-20:00 too; the union is the en group's hours.
    for clock in ("08:45", "17:00", "18:30"):
        union = status("card", f"2026-11-25T{clock}", None)
        assert union == status("card", f"2026-11-25T{clock}", "en")
        assert union == open_until("2026-11-25T20:00")
    assert status("card", "2026-11-25T08:45", "th").open is False
    assert status("card", "2026-11-25T18:30", "th").open is False
    # Smartphone at 18:30: th is closed until 20:00, but some language (en) is open, all night.
    assert status("card", "2026-11-25T18:30", "th", need=Need.SMARTPHONE_SUSPENSION).open is False
    assert status("card", "2026-11-25T18:30", None, need=Need.SMARTPHONE_SUSPENSION) == Status(
        open=True
    )


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ("09:29:59.999999", closed_until("2026-11-28T09:30")),
        ("09:30:00", open_until("2026-11-28T17:30")),
        ("17:29:59.999999", open_until("2026-11-28T17:30")),
        ("17:30:00", closed_until("2026-11-29T09:30")),
        ("17:30:00.000001", closed_until("2026-11-29T09:30")),
    ],
)
def test_sub_minute_instants(clock, expected):
    assert_status(status("general", jst(f"2026-11-28T{clock}"), "th"), expected)


@pytest.mark.parametrize(
    ("line_id", "language"),
    [
        ("general", "ja"),
        ("card", "ja"),
        ("card-navi-ip", "ja"),
        ("ja", "en"),
        ("ja-navi", "th"),
        ("general", "xx"),
        ("card", "EN"),
    ],
)
def test_unserved_language_raises(line_id, language):
    with pytest.raises(ValueError, match="language"):
        status(line_id, "2026-11-25T12:00", language)


@pytest.mark.parametrize("line_id", ["general", "card", "ja"])
def test_naive_datetime_raises(line_id):
    with pytest.raises(ValueError, match="time zone"):
        engine().status(line(line_id), datetime(2026, 11, 25, 12, 0), language=None)
