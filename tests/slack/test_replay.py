"""The transcript fixtures replayed through the real Slack adapter (`replay --channel slack`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import build_app
from adapters.replay import run_transcript
from adapters.slack.replay_driver import SlackDriver
from bot.transcripts import find_transcripts, load_transcript

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "tests" / "transcripts"
FILES = find_transcripts([TRANSCRIPTS])


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackDriver]:
    """One adapter, stand-in and database for the module: starting them is the slow part."""
    folder = tmp_path_factory.mktemp("slack-replay")
    app = build_app(f"sqlite:///{folder}/bot.sqlite3")
    try:
        with SlackDriver.running(app) as running:
            yield running
    finally:
        app.database.dispose()


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_transcript_through_slack(driver: SlackDriver, path: Path) -> None:
    transcript = load_transcript(path)
    outcome = run_transcript(driver, transcript, f"slack-test:{path.stem}")
    assert not outcome.failures, f"{transcript.name} ({path.name}):\n" + "\n".join(outcome.failures)


def test_the_replay_command_passes_every_fixture_through_slack() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", str(TRANSCRIPTS), "--channel", "slack"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines and lines[-1] == f"{len(FILES)} passed, 0 failed", result.stdout + result.stderr
