"""`mynumber-bot hours`: the JSON contract of DESIGN.md and the table, from the command line."""

import json
import os
import subprocess
import sys

import pytest

PAGE_NUMBERS = {
    "0120-0178-26",
    "0120-0178-27",
    "0570-064-738",
    "050-3818-1250",
    "0120-95-0178",
    "0570-783-578",
}


def hours(*args, tz=None):
    env = {**os.environ, "TZ": tz} if tz else None
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "hours", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    return done


def hours_json(*args, tz=None):
    done = hours(*args, "--json", tz=tz)
    assert done.returncode == 0, done.stderr
    return {element["number"]: element for element in json.loads(done.stdout)}


def test_the_issue_example_saturday_evening_in_english():
    lines = hours_json("--at", "2026-11-28T18:00:00+09:00", "--language", "en")
    assert set(lines) == {"0120-0178-26", "0120-0178-27", "0570-064-738", "050-3818-1250"}
    general, card = lines["0120-0178-26"], lines["0120-0178-27"]
    assert general["open"] is False
    assert general["opens_at"] == "2026-11-29T09:30:00+09:00"
    assert general["closes_at"] is None
    assert card["open"] is True
    assert card["closes_at"] == "2026-11-28T20:00:00+09:00"


def test_every_number_once_without_a_language():
    done = hours("--at", "2026-11-25T10:00:00+09:00", "--json")
    elements = json.loads(done.stdout)
    assert sorted(e["number"] for e in elements) == sorted(PAGE_NUMBERS)
    for element in elements:
        assert {"number", "open", "closes_at", "opens_at"} <= set(element)
    card = next(e for e in elements if e["number"] == "0120-0178-27")
    assert [group["languages"][0] for group in card["by_language"]] == ["en", "vi"]


def test_at_night_the_card_lines_take_only_a_lost_smartphone():
    lines = hours_json("--at", "2026-11-25T02:00:00+09:00", "--language", "th")
    card = lines["0120-0178-27"]
    assert card["open"] is False
    assert card["opens_at"] == "2026-11-25T09:00:00+09:00"
    assert card["smartphone_suspension_only_now"] is True
    assert card["smartphone_suspension"] == {
        "open": True,
        "closes_at": "2026-11-25T08:30:00+09:00",
        "opens_at": None,
    }


def test_japanese_numbers_and_the_one_without_hours():
    lines = hours_json("--at", "2026-11-25T10:00:00+09:00", "--language", "ja")
    assert set(lines) == {"0120-95-0178", "0570-783-578"}
    assert lines["0120-95-0178"]["open"] is None
    assert lines["0120-95-0178"]["hours_listed"] is False
    assert [p["digit"] for p in lines["0120-95-0178"]["press"]] == ["5", "6"]
    assert lines["0570-783-578"]["open"] is True


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Pacific/Kiritimati"])
def test_answers_are_japan_time_whatever_the_server_zone(tz):
    # An --at without offset is Japan time, and so is every answer.
    lines = hours_json("--at", "2026-12-28T20:30", "--language", "en", tz=tz)
    assert lines["0120-0178-26"]["opens_at"] == "2027-01-04T09:30:00+09:00"


def test_the_table_says_open_or_closed_for_every_group():
    done = hours("--at", "2026-11-28T18:00:00+09:00")
    assert done.returncode == 0
    table = done.stdout
    assert table.startswith("Japan time: Sat 2026-11-28 18:00")
    for number in PAGE_NUMBERS:
        assert number in table
    assert "Closed now, opens tomorrow 09:30" in table
    assert "Open now, until 20:00" in table
    assert "Hours not listed on the contact page" in table
    assert "受付中" in hours("--at", "2026-11-28T18:00:00+09:00", "--locale", "ja").stdout


def test_a_bad_time_is_refused_clearly():
    done = hours("--at", "tomorrow")
    assert done.returncode == 2
    assert "not an ISO 8601 time" in done.stderr
