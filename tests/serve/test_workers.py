"""`mynumber-bot serve --workers 2` as a real subprocess: two worker processes share nothing but
the database, and between them answer every webhook exactly once, redeliveries included."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from testkit.telegram.stand_in import StandIn
from testkit.telegram.updates import message_update
from tests.serve.helpers import (
    SUSPENSION_NUMBER,
    environment,
    metrics,
    post_update,
    sent_to,
    telegram_stand_in,
    wait_for,
)
from tests.serve.processes import (
    REDELIVERIES,
    TURNS,
    Served,
    cli,
    environ,
    free_port,
    migrated,
    serve,
)

UPDATES = 20


def _answer_every_update_once(served: Served, stand_in: StandIn, first_chat: int) -> None:
    base = served.base
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

    # Each worker counts its own turns.
    per_worker = served.workers(2)
    turns = [page[TURNS] for page in per_worker.values()]
    again = [page[REDELIVERIES] for page in per_worker.values()]
    assert sum(turns) == UPDATES
    assert sum(again) == UPDATES
    assert all(count > 0 for count in turns), f"one worker answered nothing: {turns}"

    # What Prometheus scrapes, whichever worker answers: the sum of the two, each worker's
    # part at most a second old.
    def summed() -> tuple[float, float]:
        page = metrics(base)
        return page[TURNS], page[REDELIVERIES]

    wait_for(lambda: summed() == (UPDATES, UPDATES), timeout=5, what="the summed figures")
    assert [summed() for _ in range(4)] == [(UPDATES, UPDATES)] * 4


def test_two_workers_on_sqlite_answer_each_update_once(tmp_path: Path) -> None:
    with telegram_stand_in() as stand_in:
        settings = environment(db=f"sqlite:///{tmp_path}/bot.sqlite3", telegram=stand_in)
        webhook = "https://bot.example.org/telegram"
        with serve(tmp_path, settings, "--telegram-webhook-url", webhook) as served:
            health = httpx.get(f"{served.base}/healthz", timeout=10)
            assert (health.status_code, health.json()["database"]) == (200, "ok")
            _answer_every_update_once(served, stand_in, first_chat=10_000)
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
    migrated(postgres_url)
    with telegram_stand_in() as stand_in:
        settings = environment(db="sqlite:///unused.sqlite3", telegram=stand_in)
        # --db, not DATABASE_URL, must reach the workers
        with serve(tmp_path, settings, "--db", postgres_url) as served:
            health = httpx.get(f"{served.base}/healthz", timeout=10)
            assert (health.status_code, health.json()["database"]) == (200, "ok")
            _answer_every_update_once(served, stand_in, first_chat=20_000)


@pytest.mark.postgres
def test_serve_refuses_a_postgresql_schema_never_migrated(postgres_url: str) -> None:
    process = cli(
        "serve", "--port", str(free_port()), "--db", postgres_url,
        env=environ({}), stderr=subprocess.PIPE,
    )  # fmt: skip
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"mynumber-bot db upgrade" in err
