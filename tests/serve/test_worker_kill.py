"""A worker of `mynumber-bot serve --workers 2` is SIGKILLed mid-conversation.

The conversation is the card question asked in English, whose language question is answered
after the kill. The worker that answered the first turn is the one killed (the workers' own
/metrics pages say which one it was), so the second turn can only be answered correctly if the
state that worker stored is read by another one: on its own, "Thai" only notes the language and
asks what the question is about, with no number. The stand-in Bot API counts what was sent,
redeliveries included, and the server must still stop cleanly on SIGTERM afterwards (uvicorn
replaces the dead worker: the replacement and the survivor shut down, the dead one cannot).
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from adapters.telegram.updates import message_update
from tests.serve.helpers import (
    SUSPENSION_NUMBER,
    environment,
    metrics,
    post_update,
    sent_to,
    telegram_stand_in,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
CHAT = 40_000
LANGUAGE_QUESTION = "Which language do you want to speak on the phone?"
STARTED = "Application startup complete."
STOPPED = "Application shutdown complete."
STOP_WITHIN = 15.0  # seconds from SIGTERM to the whole process tree gone
RETRIES = 5  # reconnections per POST, as a load balancer would try again
TOKYO = ZoneInfo("Asia/Tokyo")
TURNS = 'mynumber_turns_total{channel="telegram"}'
REDELIVERIES = 'mynumber_redeliveries_total{channel="telegram"}'
_CHANNEL_SETTINGS = ("TELEGRAM_", "SLACK_", "DATABASE_URL")
_WORKER_INFO = re.compile(r'^mynumber_worker_info\{pid="(\d+)"\}$')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(*args: str, **options: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "adapters.cli", *args], cwd=ROOT, **options)


def _env(settings: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_CHANNEL_SETTINGS)}
    return inherited | settings


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started and has not reaped yet (from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(child) for child in (task / "children").read_text().split())
    return found


def _is_multiprocessing_child(pid: int) -> bool:
    """Whether ``pid`` is still one of uvicorn's spawned processes (not a reused pid)."""
    try:
        return b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _pages_by_worker(base: str, workers: int) -> dict[int, dict[str, float]]:
    """One /metrics page from each of ``workers`` workers (scraped until each has answered)."""
    pages: dict[int, dict[str, float]] = {}

    def all_seen() -> bool:
        page = metrics(base)
        [pid] = [int(m.group(1)) for key in page if (m := _WORKER_INFO.match(key))]
        pages[pid] = page
        return len(pages) >= workers

    wait_for(all_seen, timeout=15, what=f"a scrape from each of {workers} workers")
    return pages


def _deliver(base: str, update: dict[str, Any], retried: list[str]) -> httpx.Response:
    """POST the update, again on a new connection when the connection fails."""
    for attempt in range(RETRIES + 1):
        try:
            return post_update(base, update)
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            if attempt == RETRIES:
                raise
            retried.append(f"update {update['update_id']}: attempt {attempt + 1} failed")
            time.sleep(0.2)
    raise AssertionError("unreachable")


def _thai_status(line: str, *instants: datetime) -> bool:
    """Whether ``line`` is the Thai group's status at one of ``instants`` (a turn's start and
    end, should it straddle a boundary): 09:00-18:00 every day, Japan time (lines.yaml, from
    the call center's page), where the line's other languages say 08:30-20:00."""
    for at in instants:
        if 9 <= at.astimezone(TOKYO).hour < 18:
            if line == "Open now, until 18:00":
                return True
        elif re.match(r"Closed now, opens (tomorrow )?09:00\b", line):
            return True
    return False


def _card_line_status(answer: str) -> str:
    """The status line of the 0120-0178-27 card in an answer (sent with parse_mode HTML)."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", answer))
    [block] = [b for b in plain.split("\n\n") if b.startswith(f"☎ {SUSPENSION_NUMBER}")]
    [status] = [line for line in block.splitlines() if line.startswith(("Open", "Closed"))]
    return status


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite (serve upgrades it), or PostgreSQL's fresh schema migrated with `db upgrade`
    (skipped, saying why, when the server cannot be used)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.sqlite3"
    url = request.getfixturevalue("postgres_url")
    upgrade = _cli("db", "upgrade", "--db", url, env=_env({}))
    assert upgrade.wait(timeout=60) == 0
    return url


def test_a_killed_worker_loses_no_conversation_and_answers_nothing_twice(
    tmp_path: Path, db_url: str
) -> None:
    log = tmp_path / "serve.log"
    spawned: set[int] = set()  # every worker (and helper) process seen, for the cleanup
    retried: list[str] = []
    with telegram_stand_in() as stand_in:
        settings = environment(db=db_url, telegram=stand_in)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with log.open("wb") as output:
            process = _cli(
                "serve", "--port", str(port), "--workers", "2",
                env=_env(settings), stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            wait_for(
                lambda: log.read_text().count(STARTED) == 2 or process.poll() is not None,
                timeout=30,
                what="two workers to start",
            )
            assert process.poll() is None, log.read_text()

            # The two workers: children of the uvicorn parent (so is multiprocessing's
            # resource tracker), each naming itself on /metrics.
            before = _pages_by_worker(base, 2)
            spawned |= _children(process.pid)
            assert set(before) <= spawned, (before.keys(), spawned)
            assert [page[TURNS] for page in before.values()] == [0, 0]

            card = message_update(1, chat_id=CHAT, text="card question", language_code="en")
            assert _deliver(base, card, retried).status_code == 200
            assert [LANGUAGE_QUESTION in text for text in sent_to(stand_in, CHAT)] == [True]

            after_first = _pages_by_worker(base, 2)
            [served] = [pid for pid, page in after_first.items() if page[TURNS] == 1]
            [survivor] = set(after_first) - {served}
            os.kill(served, signal.SIGKILL)
            # uvicorn notices within its 0.5 s loop and reaps it (then starts a replacement).
            wait_for(lambda: served not in _children(process.pid), timeout=10, what="the reaping")

            thai = message_update(2, chat_id=CHAT, text="Thai", language_code="en", message_id=2)
            asked_at = datetime.now(TOKYO)
            assert _deliver(base, thai, retried).status_code == 200
            answered_at = datetime.now(TOKYO)
            # Telegram redelivers both the update answered by the dead worker and the new one.
            assert _deliver(base, card, retried).status_code == 200
            assert _deliver(base, thai, retried).status_code == 200
            more = message_update(
                3, chat_id=CHAT, text="and I also lost my card", language_code="en", message_id=3
            )
            assert _deliver(base, more, retried).status_code == 200

            answers = sent_to(stand_in, CHAT)
            assert len(answers) == 3, f"3 updates, {len(answers)} messages: {answers}"
            # "Thai" continued the card question: the state the dead worker stored was read.
            assert SUSPENSION_NUMBER in answers[1], answers[1]
            assert LANGUAGE_QUESTION not in answers[1]
            status = _card_line_status(answers[1])
            assert _thai_status(status, asked_at, answered_at), (
                f"not the Thai group's status at {asked_at:%H:%M} Japan time: {status!r}"
            )
            # ... and the next turn still speaks Thai, without asking the language again.
            assert SUSPENSION_NUMBER in answers[2] and LANGUAGE_QUESTION not in answers[2]
            later = _card_line_status(answers[2])
            assert _thai_status(later, asked_at, datetime.now(TOKYO)), later

            # The replacement starts; the dead worker never comes back, and the living ones
            # handled the two turns after the kill once and recognised both redeliveries.
            wait_for(
                lambda: log.read_text().count(STARTED) == 3,
                timeout=20,
                what="uvicorn's replacement worker to start",
            )
            assert f"Child process [{served}] died" in log.read_text()
            spawned |= _children(process.pid)
            living = _pages_by_worker(base, 2)
            assert served not in living and survivor in living, (served, survivor, living.keys())
            assert set(living) <= _children(process.pid)
            assert sum(page[TURNS] for page in living.values()) == 2
            assert sum(page[REDELIVERIES] for page in living.values()) == 2

            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            try:
                code = process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired as late:
                raise AssertionError(
                    f"serve did not stop within {STOP_WITHIN} s of SIGTERM"
                ) from late
            assert time.monotonic() - started < STOP_WITHIN
            text = log.read_text()
            assert code == 0, text
            assert text.count(STOPPED) == 2, text  # the survivor and the replacement
            assert "Traceback" not in text, text
            assert not [pid for pid in living if _is_multiprocessing_child(pid)]
        finally:
            if process.poll() is None:
                spawned |= _children(process.pid)
                process.terminate()
                try:
                    process.wait(timeout=STOP_WITHIN)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for pid in spawned:
                if _is_multiprocessing_child(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
    after = {pid: page[TURNS] for pid, page in living.items()}
    print(f"killed {served}; turns after the kill by worker: {after}; retried: {retried or 0}")
