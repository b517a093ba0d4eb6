"""`mynumber-bot chat` as scripts and testers use it: piped input, numbered options, --record."""

import subprocess
import sys

import yaml

from testkit.transcripts import load_transcript


def chat(tmp_path, lines, *extra):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli",
            "chat",
            "--db",
            f"sqlite:///{tmp_path}/c.sqlite3",
            *extra,
        ],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_piped_input_answers_each_line_and_exits_zero(tmp_path):
    done = chat(tmp_path, ["hello", "3", "English"], "--at", "2026-11-28T18:00:00+09:00")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # the menu as numbered options, "3" picked the third, then the language was asked
    assert "  3) My Number Card" in out
    assert "Which language do you want to speak on the phone?" in out
    assert "0120-0178-27" in out and "Open now, until 20:00" in out
    assert "> " not in out  # no prompt when standard input is not a terminal


def test_an_empty_input_is_fine(tmp_path):
    done = chat(tmp_path, [])
    assert done.returncode == 0 and done.stdout == ""


def test_record_writes_a_transcript_that_replays(tmp_path):
    record = tmp_path / "session.yaml"
    done = chat(
        tmp_path,
        ["I lost my phone", "menu", "health insurance"],
        "--at",
        "2026-11-25T02:00:00+09:00",
        "--locale",
        "en",
        "--record",
        str(record),
    )
    assert done.returncode == 0, done.stderr
    fixture = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert fixture["at"] == "2026-11-25T02:00:00+09:00"
    assert fixture["locale"] == "en"
    assert [turn["user"] for turn in fixture["turns"]] == [
        "I lost my phone",
        "menu",
        "health insurance",
    ]
    assert fixture["turns"][0]["expect"]["contains"][0] == "0120-0178-27"
    assert "0120-95-0178" in fixture["turns"][2]["expect"]["contains"]
    assert "expect" not in fixture["turns"][1]  # the menu gives no number
    load_transcript(record)  # valid as a fixture
    replay = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", str(record)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert replay.returncode == 0, replay.stdout
    assert replay.stdout.strip().endswith("1 passed, 0 failed")


def test_without_a_fixed_clock_each_turn_records_its_time(tmp_path):
    record = tmp_path / "live.yaml"
    chat(tmp_path, ["I lost my card"], "--record", str(record))
    fixture = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert "at" not in fixture
    assert fixture["turns"][0]["at"].startswith("20")


def test_broken_fixture_is_reported_with_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nturns:\n  - user: hi\n    press: Menu\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.yaml: turns[0]: needs exactly one of `user`, `press` and `wait`" in done.stderr
