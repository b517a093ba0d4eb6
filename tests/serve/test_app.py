"""The serve app over real HTTP (uvicorn in a thread): webhooks, health and metrics."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from adapters.bootstrap import YOUNG_COLLECTION
from adapters.host import read_settings
from adapters.serve.app import build_asgi_app
from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database
from bot.reminders import Reminder
from testkit.slack.stand_in import StandInSlack
from testkit.telegram.stand_in import StandIn
from testkit.telegram.updates import message_update
from tests.serve.helpers import (
    CLOSED_POSTGRES,
    SUSPENSION_NUMBER,
    environment,
    metrics,
    post_slack,
    post_update,
    sent_to,
    serving,
    slack_dm,
    slack_stand_in,
    telegram_stand_in,
    wait_for,
)

_ids = itertools.count(1000)


def lost_phone(chat_id: int, update_id: int | None = None) -> dict:
    return message_update(
        update_id if update_id is not None else next(_ids),
        chat_id=chat_id,
        text="I lost my phone",
        language_code="en",
    )


@dataclass
class Served:
    base: str
    telegram: StandIn
    slack: StandInSlack
    db: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Both channels configured, on an SQLite file."""
    db = f"sqlite:///{tmp_path_factory.mktemp('serve')}/bot.sqlite3"
    with telegram_stand_in() as telegram, slack_stand_in() as slack:
        settings = read_settings(environment(db=db, telegram=telegram, slack=slack))
        with serving(build_asgi_app(settings)) as base:
            yield Served(base, telegram, slack, db)


def test_serving_settles_the_collector(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/bot.sqlite3"
    with telegram_stand_in() as telegram, slack_stand_in() as slack:
        settings = read_settings(environment(db=db, telegram=telegram, slack=slack))
        gc.unfreeze()
        with serving(build_asgi_app(settings)):
            assert gc.get_threshold()[0] == YOUNG_COLLECTION
            assert gc.get_freeze_count() > 10_000


def test_health_is_ok_when_the_database_answers(served: Served) -> None:
    response = httpx.get(f"{served.base}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_a_webhook_with_the_secret_is_answered(served: Served) -> None:
    response = post_update(served.base, lost_phone(501))
    assert response.status_code == 200
    [text] = sent_to(served.telegram, 501)  # sent before the webhook was answered
    assert SUSPENSION_NUMBER in text


@pytest.mark.parametrize("secret", [None, "", "wrong", "serve-test-secret_012345678"])
def test_a_webhook_without_the_right_secret_is_refused_and_not_answered(
    served: Served, secret: str | None
) -> None:
    chat = 600 + next(_ids)
    response = post_update(served.base, lost_phone(chat), secret=secret)
    assert response.status_code == 403
    assert sent_to(served.telegram, chat) == []


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}']
)
def test_a_body_that_is_not_an_update_is_a_bad_request(served: Served, body: bytes) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "serve-test-secret_0123456789"}
    response = httpx.post(f"{served.base}/telegram", content=body, headers=headers, timeout=10)
    assert response.status_code == 400


def test_a_redelivered_update_is_answered_once(served: Served) -> None:
    update = lost_phone(502)
    before = metrics(served.base)
    assert post_update(served.base, update).status_code == 200
    assert post_update(served.base, update).status_code == 200  # Telegram retries: same id
    assert len(sent_to(served.telegram, 502)) == 1
    after = metrics(served.base)
    redeliveries = 'mynumber_redeliveries_total{channel="telegram"}'
    assert after[redeliveries] == before[redeliveries] + 1


def test_metrics_count_the_turns(served: Served) -> None:
    turns, replies = (
        'mynumber_turns_total{channel="telegram"}',
        'mynumber_replies_total{channel="telegram"}',
    )
    histogram = 'mynumber_turn_seconds_count{channel="telegram"}'
    before = metrics(served.base)
    for chat in (503, 504, 505):
        assert post_update(served.base, lost_phone(chat)).status_code == 200
    after = metrics(served.base)
    assert after[turns] == before[turns] + 3
    assert after[replies] >= before[replies] + 3
    assert after[histogram] == before[histogram] + 3
    assert after['mynumber_turn_seconds_bucket{channel="telegram",le="+Inf"}'] == after[histogram]
    assert after['mynumber_errors_total{channel="telegram"}'] == 0
    assert 'mynumber_turns_total{channel="slack"}' in after
    assert "mynumber_inquiries_total" in after


def test_metrics_show_the_backlog_every_worker_shares(served: Served) -> None:
    database = Database(served.db)
    store = SqlConversationStore(database)
    try:
        before = metrics(served.base)
        with store.transaction("telegram:metrics") as transaction:
            reminders = transaction.reminders("telegram", '{"chat": 9, "quote": null}')
            reminders.add(Reminder("general", datetime(2099, 1, 5, tzinfo=UTC), "en"))
        during = metrics(served.base)
        with store.transaction("telegram:metrics") as transaction:
            transaction.reminders("telegram", "").clear()
    finally:
        database.dispose()
    assert during["mynumber_reminders_pending"] == before["mynumber_reminders_pending"] + 1
    # Every reply of the earlier turns was sent, and then forgotten.
    assert wait_for(lambda: metrics(served.base)["mynumber_outbox_unsent"] == 0, what="sends")


def test_a_signed_slack_event_is_answered(served: Served) -> None:
    before = metrics(served.base)
    response = post_slack(served.base, slack_dm("I lost my phone", event_id="Ev1", channel="D01"))
    assert response.status_code == 200
    posts = wait_for(
        lambda: [c for c in served.slack.calls("chat.postMessage") if c.params["channel"] == "D01"],
        what="the bot's reply in Slack",
    )
    assert SUSPENSION_NUMBER in str(posts[0].params["blocks"])
    after = wait_for(
        lambda: (
            (m := metrics(served.base))['mynumber_turns_total{channel="slack"}']
            > before['mynumber_turns_total{channel="slack"}']
            and m
        ),
        what="the Slack turn in the metrics",
    )
    assert after['mynumber_turns_total{channel="slack"}'] == (
        before['mynumber_turns_total{channel="slack"}'] + 1
    )


def test_a_badly_signed_slack_event_is_refused(served: Served) -> None:
    body = slack_dm("I lost my phone", event_id="Ev2", channel="D02")
    response = post_slack(served.base, body, secret="not-the-signing-secret")
    assert response.status_code == 401
    assert all(call.params["channel"] != "D02" for call in served.slack.calls("chat.postMessage"))


def test_only_the_four_routes_answer(served: Served) -> None:
    assert httpx.get(f"{served.base}/telegram", timeout=10).status_code == 405
    assert httpx.get(f"{served.base}/nothing", timeout=10).status_code == 404


def test_unconfigured_channels_say_what_they_need(tmp_path: Path) -> None:
    settings = read_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3"})
    with serving(build_asgi_app(settings)) as base:
        telegram = post_update(base, lost_phone(701))
        slack = post_slack(base, slack_dm("hello", event_id="Ev3", channel="D03"))
        health = httpx.get(f"{base}/healthz", timeout=10)
    assert telegram.status_code == 404
    assert "TELEGRAM_BOT_TOKEN" in telegram.json()["error"]
    assert slack.status_code == 404
    assert "SLACK_SIGNING_SECRET" in slack.json()["error"]
    assert health.status_code == 200


def test_with_the_database_down_health_says_so_and_the_bot_still_answers() -> None:
    with telegram_stand_in() as telegram:
        settings = read_settings(environment(db=CLOSED_POSTGRES, telegram=telegram))
        with serving(build_asgi_app(settings)) as base:
            health = httpx.get(f"{base}/healthz", timeout=10)
            webhook = post_update(base, lost_phone(801))
            counted = metrics(base)
        assert health.status_code == 503
        assert health.json() == {"status": "degraded", "database": "unavailable"}
        assert webhook.status_code == 200
        [text] = sent_to(telegram, 801)
        assert SUSPENSION_NUMBER in text
        assert counted['mynumber_turns_total{channel="telegram"}'] == 1
        assert counted['mynumber_errors_total{channel="telegram"}'] == 0
        assert "mynumber_outbox_unsent" not in counted  # unknown, rather than a made-up 0
