"""`mynumber-bot serve --workers 2` as a real subprocess: two worker processes share nothing but
the database, and between them answer every webhook exactly once, redeliveries included."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from adapters.telegram.stand_in import StandIn
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
UPDATES = 20
STOP_WITHIN = 15.0  # seconds from SIGTERM to the whole process tree gone
_CHANNEL_SETTINGS = ("TELEGRAM_", "SLACK_", "DATABASE_URL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(*args: str, env: dict[str, str], **options) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", *args], cwd=ROOT, env=env, **options
    )


def _env(settings: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_CHANNEL_SETTINGS)}
    return inherited | settings


@contextmanager
def serve(tmp_path: Path, settings: dict[str, str], *args: str) -> Iterator[tuple[str, Path]]:
    """`mynumber-bot serve --workers 2 ...` until both workers have started; its base URL and
    log. Stopped with SIGTERM afterwards, which must end it cleanly and quickly."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = _cli(
            "serve", "--port", str(port), "--workers", "2", *args,
            env=_env(settings), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(
            lambda: (
                log.read_text().count("Application startup complete.") == 2
                or process.poll() is not None
            ),
            timeout=30,
            what="two workers to start",
        )
        assert process.poll() is None, log.read_text()
        yield f"http://127.0.0.1:{port}", log
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            try:
                code = process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired as late:
                process.kill()
                process.wait()
                raise AssertionError(
                    f"serve did not stop within {STOP_WITHIN} s of SIGTERM"
                ) from late
            stopped = time.monotonic() - started
            assert code == 0, log.read_text()
            assert stopped < STOP_WITHIN
            text = log.read_text()
            assert text.count("Application shutdown complete.") == 2, text
            assert "Traceback" not in text, text


def _answer_every_update_once(base: str, stand_in: StandIn, first_chat: int) -> None:
    chats = range(first_chat, first_chat + UPDATES)
    updates = [
        message_update(chat, chat_id=chat, text="I lost my phone", language_code="en")
        for chat in chats
    ]
    # Each update delivered twice (a redelivery), concurrently, each on a new connection:
    # the two copies can reach different workers.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda u: post_update(base, u).status_code, updates * 2))
    assert statuses == [200] * (2 * UPDATES)
    for chat in chats:
        answers = sent_to(stand_in, chat)
        assert len(answers) == 1, f"chat {chat} answered {len(answers)} times"
        assert SUSPENSION_NUMBER in answers[0]

    # Each worker counts its own turns; scrape until both have answered a scrape.
    per_worker: dict[str, dict[str, float]] = {}

    def both_seen() -> bool:
        page = metrics(base)
        [pid] = [key for key in page if key.startswith("mynumber_worker_info")]
        per_worker[pid] = page
        return len(per_worker) == 2

    wait_for(both_seen, timeout=20, what="a scrape from each of the two workers")
    turns = [page['mynumber_turns_total{channel="telegram"}'] for page in per_worker.values()]
    again = [
        page['mynumber_redeliveries_total{channel="telegram"}'] for page in per_worker.values()
    ]
    assert sum(turns) == UPDATES
    assert sum(again) == UPDATES
    assert all(count > 0 for count in turns), f"one worker answered nothing: {turns}"


def test_two_workers_on_sqlite_answer_each_update_once(tmp_path: Path) -> None:
    with telegram_stand_in() as stand_in:
        settings = environment(db=f"sqlite:///{tmp_path}/bot.sqlite3", telegram=stand_in)
        webhook = "https://bot.example.org/telegram"
        with serve(tmp_path, settings, "--telegram-webhook-url", webhook) as (base, _log):
            health = httpx.get(f"{base}/healthz", timeout=10)
            assert (health.status_code, health.json()["database"]) == (200, "ok")
            _answer_every_update_once(base, stand_in, first_chat=10_000)
    # The webhook is set once for the deployment, by the parent, not once per worker.
    [set_webhook] = [call for call in stand_in.calls if call.method == "setWebhook"]
    assert set_webhook.params["url"] == webhook
    assert set_webhook.params["secret_token"] == settings["TELEGRAM_WEBHOOK_SECRET"]
    assert set_webhook.params["allowed_updates"] == ["message", "callback_query"]
    assert any(call.method == "setMyCommands" for call in stand_in.calls)


@pytest.mark.postgres
def test_two_workers_on_postgresql_answer_each_update_once(
    tmp_path: Path, postgres_url: str
) -> None:
    upgrade = _cli("db", "upgrade", "--db", postgres_url, env=_env({}))
    assert upgrade.wait(timeout=60) == 0
    with telegram_stand_in() as stand_in:
        settings = environment(db="sqlite:///unused.sqlite3", telegram=stand_in)
        # --db, not DATABASE_URL, must reach the workers
        with serve(tmp_path, settings, "--db", postgres_url) as (base, _log):
            health = httpx.get(f"{base}/healthz", timeout=10)
            assert (health.status_code, health.json()["database"]) == (200, "ok")
            _answer_every_update_once(base, stand_in, first_chat=20_000)


@pytest.mark.postgres
def test_serve_refuses_a_postgresql_schema_never_migrated(postgres_url: str) -> None:
    process = _cli(
        "serve", "--port", str(_free_port()), "--db", postgres_url,
        env=_env({}), stderr=subprocess.PIPE,
    )  # fmt: skip
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"mynumber-bot db upgrade" in err
