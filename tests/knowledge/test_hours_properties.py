"""Properties of the hours engine, checked against a minute-by-minute scan of its own ``open``.

``opens_at`` and ``closes_at`` come from a search over windows; the scan asks only whether the line
is open at each minute, so the two are computed independently and must agree.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from knowledge import Need
from tests.knowledge.helpers import NINE_HOURS, TOKYO, engine, jst, knowledge

MINUTE = timedelta(minutes=1)
# The longest closed stretch is the New Year's closure: Dec 28 17:30 to Jan 4 9:30, under 7 days.
SCAN_LIMIT = timedelta(days=8)
START = datetime(2025, 1, 1)
END = datetime(2031, 12, 31, 23, 59)
OTHER_ZONES = [ZoneInfo("UTC"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Kathmandu")]
LINES = [line for line in knowledge().lines if line.hours_known]

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


def _any_minute():
    minutes = int((END - START) / MINUTE)
    return st.integers(0, minutes).map(lambda offset: START + offset * MINUTE)


def _around_new_year():
    """Instants from December 26 to January 6, where the closure and the year boundary lie."""
    return st.builds(
        lambda year, offset: datetime(year, 12, 26) + offset * MINUTE,
        st.integers(2025, 2030),
        st.integers(0, 11 * 24 * 60),
    )


instants = st.builds(
    lambda wall, second, micro: (wall + timedelta(seconds=second, microseconds=micro)).replace(
        tzinfo=TOKYO
    ),
    st.one_of(_any_minute(), _around_new_year()),
    st.integers(0, 59),
    st.one_of(st.just(0), st.integers(0, 999_999)),
)
callers = st.sampled_from(LINES).flatmap(
    lambda line: st.tuples(st.just(line), st.sampled_from((*line.languages, None)))
)
needs = st.sampled_from(list(Need))


def _next_minute(at):
    """The first whole minute strictly after ``at``."""
    return at.replace(second=0, microsecond=0) + MINUTE


def _is_open(line, at, language, need):
    # The engine's own `open` (what status() says), without its search for the next change.
    return engine().is_open(line, at, language=language, need=need)


def _first_minute(line, at, language, need, *, is_open):
    """The first whole minute after ``at`` whose ``open`` is ``is_open``; None past the limit."""
    minute = _next_minute(at)
    while minute - at <= SCAN_LIMIT:
        if _is_open(line, minute, language, need) is is_open:
            return minute
        minute += MINUTE
    return None


@PROPERTY_SETTINGS
@given(instants, callers, needs)
@example(jst("2026-12-28T20:00:30"), (knowledge().line("general"), "en"), Need.REGULAR)
@example(jst("2025-12-28T17:29:59"), (knowledge().line("general"), None), Need.REGULAR)
@example(jst("2026-11-28T18:30"), (knowledge().line("card"), "th"), Need.SMARTPHONE_SUSPENSION)
@example(jst("2026-11-28T08:29:59"), (knowledge().line("card"), "vi"), Need.SMARTPHONE_SUSPENSION)
def test_opens_at_and_closes_at_agree_with_a_minute_scan(at, caller, need):
    line, language = caller
    status = engine().status(line, at, language=language, need=need)
    assert status.open in (True, False)
    assert _is_open(line, at, language, need) is status.open
    kind = "closed" if not status.open else "open" if status.closes_at else "around the clock"
    event(kind)
    event(f"{line.id}: {kind}")
    # Windows start and end on whole minutes: the seconds of the instant do not matter.
    assert (
        engine().status(line, at.replace(second=0, microsecond=0), language=language, need=need)
        == status
    )
    if status.open is False:
        assert status.closes_at is None
        expected = _first_minute(line, at, language, need, is_open=True)
        assert expected is not None, "closed for more than 8 days"
        assert status.opens_at == expected
    elif status.closes_at is not None:
        assert status.opens_at is None
        assert status.closes_at > at
        expected = _first_minute(line, at, language, need, is_open=False)
        assert status.closes_at == expected
    else:
        # Open around the clock: no closed minute in the scan either.
        assert status.opens_at is None
        assert _first_minute(line, at, language, need, is_open=False) is None


@PROPERTY_SETTINGS
@given(instants, callers, needs)
# 1:00 in Los Angeles, twice (fold 0, then 1), as daylight saving time ends on 2027-11-07.
@example(jst("2027-11-07T17:00"), (knowledge().line("general"), "en"), Need.REGULAR)
@example(jst("2027-11-07T18:00:30"), (knowledge().line("card"), "th"), Need.REGULAR)
def test_answers_are_in_japan_time_whatever_the_zone_of_the_question(at, caller, need):
    line, language = caller
    status = engine().status(line, at, language=language, need=need)
    for moment in (status.closes_at, status.opens_at):
        if moment is not None:
            assert moment.utcoffset() == NINE_HOURS
            assert moment.tzinfo.key == "Asia/Tokyo"
            assert moment.second == moment.microsecond == 0
    rendered = [None if m is None else m.isoformat() for m in (status.closes_at, status.opens_at)]
    for zone in OTHER_ZONES:
        elsewhere = at.astimezone(zone)
        # The same instant (compared in UTC: Python never finds a datetime in a DST fold equal
        # to one in another zone).
        assert elsewhere.astimezone(UTC) == at.astimezone(UTC)
        answer = engine().status(line, elsewhere, language=language, need=need)
        assert answer == status
        assert [
            None if m is None else m.isoformat() for m in (answer.closes_at, answer.opens_at)
        ] == rendered
