"""The transcript fixtures replayed through the real Telegram and Slack adapters, each against its
stand-in platform server: in-process (a test per fixture and channel, through the same
`channel_driver` the command uses), and the whole folder with `mynumber-bot replay --channel`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import build_app
from testkit.replay import Driver, channel_driver, run_transcript
from testkit.transcripts import find_transcripts, load_transcript

REPO = Path(__file__).resolve().parents[1]
TRANSCRIPTS = REPO / "tests" / "transcripts"
FILES = find_transcripts([TRANSCRIPTS])
CHANNELS = ("telegram", "slack", "webchat")


@pytest.fixture(scope="module", params=CHANNELS)
def driver(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Driver]:
    """One adapter, stand-in and database per channel: starting them is the slow part."""
    folder = tmp_path_factory.mktemp(f"{request.param}-replay")
    app = build_app(f"sqlite:///{folder}/bot.sqlite3")
    try:
        with channel_driver(request.param, app) as running:
            yield running
    finally:
        app.database.dispose()


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_transcript_through_the_adapter(driver: Driver, path: Path) -> None:
    transcript = load_transcript(path)
    outcome = run_transcript(driver, transcript, f"channel-test:{path.stem}")
    assert not outcome.failures, f"{transcript.name} ({path.name}):\n" + "\n".join(outcome.failures)


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_replay_command_passes_every_fixture_through(channel: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", str(TRANSCRIPTS), "--channel", channel],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines and lines[-1] == f"{len(FILES)} passed, 0 failed", result.stdout + result.stderr
