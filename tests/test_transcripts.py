"""The transcript fixtures in tests/transcripts, replayed against the real bot.

Every fixture runs through the console channel (``ServiceDriver``) into a ``BotService`` built by
``build_app`` on an SQLite file, as ``mynumber-bot replay`` does; the command itself is run too,
once over the whole folder and once over a fixture that must fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import App, build_app
from adapters.sql.staff import SqlInquiries
from bot.messages import Reply
from bot.mynumber import mask_individual_numbers
from testkit.replay import ServiceDriver, run_transcript
from testkit.transcripts import find_transcripts, load_transcript

REPO = Path(__file__).resolve().parents[1]
TRANSCRIPTS = Path(__file__).resolve().parent / "transcripts"
FILES = find_transcripts([TRANSCRIPTS])
REFERENCE = re.compile(r"MN-[0-9A-Z]{5}-[0-9A-Z]{5}")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One app (and database file) for the module: building it is the slow part."""
    folder = tmp_path_factory.mktemp("transcripts")
    built = build_app(f"sqlite:///{folder}/bot.sqlite3")
    try:
        yield built
    finally:
        built.database.dispose()


def test_there_are_transcripts() -> None:
    assert len(FILES) >= 45, f"only {len(FILES)} transcripts in {TRANSCRIPTS}"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_transcript(app: App, path: Path) -> None:
    transcript = load_transcript(path)
    # A conversation of its own per fixture, so that no state leaks from one into another.
    driver = ServiceDriver(app.service)
    try:
        outcome = run_transcript(driver, transcript, f"pytest:{path.stem}")
    finally:
        driver.close()
    assert not outcome.failures, f"{transcript.name} ({path.name}):\n" + "\n".join(outcome.failures)


class _RecordingDriver:
    """The console driver, remembering everything the bot said."""

    def __init__(self, inner: ServiceDriver) -> None:
        self.inner = inner
        self.said: dict[str, list[str]] = defaultdict(list)

    def send(self, *, conversation: str, **turn: Any) -> tuple[Reply, ...]:
        return self._heard(conversation, self.inner.send(conversation=conversation, **turn))

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        return self._heard(conversation, self.inner.wait(conversation=conversation, at=at))

    def _heard(self, conversation: str, replies: tuple[Reply, ...]) -> tuple[Reply, ...]:
        self.said[conversation] += [reply.all_text() for reply in replies]
        return replies


def test_only_sent_inquiries_are_stored_and_without_individual_numbers(app: App) -> None:
    """Declined and cancelled inquiries leave nothing (rule 5); no Individual Number is kept (6)."""
    inquiries = SqlInquiries(app.database)
    before = {record.reference for record in inquiries.export()}
    driver = _RecordingDriver(ServiceDriver(app.service))
    for path in FILES:
        run_transcript(driver, load_transcript(path), f"store:{path.stem}")
    driver.inner.close()
    stored = [record for record in inquiries.export() if record.reference not in before]
    sent = {ref for said in driver.said.values() for ref in REFERENCE.findall("\n".join(said))}
    assert sent, "no transcript sends an inquiry"
    assert {record.reference for record in stored} == sent
    for record in stored:
        assert mask_individual_numbers(record.text)[1] == 0, record.text
        assert record.consent_at is not None


def _replay(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_replay_command_passes_every_fixture() -> None:
    result = _replay(TRANSCRIPTS)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines, result.stderr
    assert lines[-1] == f"{len(FILES)} passed, 0 failed", result.stdout + result.stderr


def test_replay_command_reports_a_wrong_fixture(tmp_path: Path) -> None:
    fixture = tmp_path / "wrong.yaml"
    fixture.write_text(
        "name: A deliberately wrong expectation\n"
        'at: "2026-11-25T02:00:00+09:00"\n'
        "locale: en\n"
        "turns:\n"
        '  - user: "I lost my phone"\n'
        "    expect:\n"
        '      contains: ["0120-0178-26"]\n',
        encoding="utf-8",
    )
    result = _replay(fixture)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert out.strip().splitlines()[-1] == "0 passed, 1 failed", out
    assert "A deliberately wrong expectation" in out
    assert "turn 1 (user: 'I lost my phone')" in out  # the turn
    assert "expected to contain '0120-0178-26'" in out  # what was expected
    assert "0120-0178-27" in out  # what the bot said


def test_a_reminder_that_did_not_come_says_why(app: App, tmp_path: Path) -> None:
    """A `wait:` whose message never came names the wait, the reminder still pending (with
    when it is due), and what the courier did meanwhile: not an empty "the bot said"."""
    fixture = tmp_path / "early.yaml"
    fixture.write_text(
        'at: "2026-11-28T20:30:00+09:00"\n'
        "locale: en\n"
        "turns:\n"
        '  - user: "question about my tax and social security number"\n'
        '  - user: "English"\n'
        '  - press: "Remind me"\n'
        '  - wait: "2026-11-29T09:29:00+09:00"\n'
        "    expect:\n"
        '      contains: ["⏰ Your reminder"]\n',
        encoding="utf-8",
    )
    driver = ServiceDriver(app.service)
    try:
        outcome = run_transcript(driver, load_transcript(fixture), "pytest:early-wait")
    finally:
        driver.close()
    [failure] = outcome.failures
    assert "turn 4 (wait: 2026-11-29T09:29:00+09:00)" in failure
    assert "expected to contain '⏰ Your reminder'" in failure
    assert "the bot said nothing meanwhile" in failure
    assert "the clock moved from 2026-11-28T20:30:00+09:00 to 2026-11-29T09:29:00+09:00" in failure
    assert "a reminder for line general is pending, due 2026-11-29T09:30:00+09:00" in failure
    assert "the courier handled no parcel during the wait" in failure
