"""The transcript fixtures, replayed through the real Telegram adapter: each one in-process
(a test per fixture), and the whole folder with `mynumber-bot replay --channel telegram`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import build_app
from adapters.replay import run_transcript
from adapters.telegram.replay_driver import TelegramDriver
from bot.transcripts import find_transcripts, load_transcript

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "tests" / "transcripts"
FILES = find_transcripts([TRANSCRIPTS])


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramDriver]:
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('telegram')}/bot.sqlite3")
    try:
        with TelegramDriver.running(app) as running:
            yield running
    finally:
        app.database.dispose()


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_transcript_through_telegram(driver: TelegramDriver, path: Path) -> None:
    transcript = load_transcript(path)
    outcome = run_transcript(driver, transcript, f"telegram-test:{path.stem}")
    assert not outcome.failures, f"{transcript.name} ({path.name}):\n" + "\n".join(outcome.failures)


def test_the_replay_command_passes_every_fixture_through_telegram() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "replay", str(TRANSCRIPTS), "--channel", "telegram"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{len(FILES)} passed, 0 failed"
