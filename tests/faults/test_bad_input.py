"""Bad input at serve's doors gets a 4xx, never a 500, and one cap holds every body, with a
Content-Length or chunked; Slack's retries after a timeout are answered like first
deliveries, and once only."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from adapters.host import read_settings
from adapters.serve.app import build_asgi_app
from testkit.slack.stand_in import StandInSlack
from tests.serve.helpers import (
    SLACK_SECRET,
    TELEGRAM_SECRET,
    environment,
    post_slack,
    serving,
    slack_dm,
    slack_stand_in,
    telegram_stand_in,
    wait_for,
)
from tests.slack.helpers import signature

TELEGRAM = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StandInSlack]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('bad')}/bot.sqlite3"
    with telegram_stand_in() as telegram, slack_stand_in() as slack:
        settings = read_settings(environment(db=db, telegram=telegram, slack=slack))
        with serving(build_asgi_app(settings)) as base:
            yield base, slack


def _slack(base: str, body: str, *, stamp: str | None = None, **headers: str) -> httpx.Response:
    stamp = stamp if stamp is not None else str(int(time.time()))
    sent = {
        "Content-Type": headers.pop("content_type", "application/json"),
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(SLACK_SECRET, stamp, body),
        **headers,
    }
    return httpx.post(f"{base}/slack/events", content=body, headers=sent, timeout=30)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"update_id": 1, "message": ' * 20_000 + "1" + "}" * 20_000,
        '{"update_id": "one"}',
        "[1, 2, 3]",
        "\xff\xfe not even text",
    ],
    ids=["nested-list", "nested-update", "no-id", "a-list", "bytes"],
)
def test_a_telegram_body_that_is_not_an_update_gets_400(
    served: tuple[str, StandInSlack], body: str
) -> None:
    base, _ = served
    answer = httpx.post(
        f"{base}/telegram", content=body.encode("utf-8", "surrogateescape"),
        headers=TELEGRAM, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("payload=%5B1%5D", "application/x-www-form-urlencoded"),
        ("payload={oops", "application/x-www-form-urlencoded"),
    ],
)
def test_a_signed_slack_body_that_is_not_slacks_gets_400(
    served: tuple[str, StandInSlack], body: str, content_type: str
) -> None:
    base, _ = served
    assert _slack(base, body, content_type=content_type).status_code == 400


@pytest.mark.parametrize("stamp", ["abc", "", "99999999999999999999", "-1", "1.5"])
def test_a_slack_timestamp_that_is_no_time_gets_401(
    served: tuple[str, StandInSlack], stamp: str
) -> None:
    base, _ = served
    assert (
        _slack(
            base, json.dumps(slack_dm("hi", event_id="EvT", channel="D0T")), stamp=stamp
        ).status_code
        == 401
    )


@pytest.mark.parametrize("path", ["/telegram", "/slack/events"])
def test_a_body_over_the_cap_is_refused_before_it_is_read(
    served: tuple[str, StandInSlack], path: str
) -> None:
    base, _ = served
    megabytes = 20

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, as an attacker would send
        for _ in range(megabytes):
            yield b"x" * (1024 * 1024)

    chunked = httpx.post(f"{base}{path}", content=chunks(), headers=TELEGRAM, timeout=60)
    assert chunked.status_code == 413
    big = httpx.post(
        f"{base}{path}", content=b"x" * (2 * 1024 * 1024), headers=TELEGRAM, timeout=60
    )
    assert big.status_code == 413


def test_a_delivery_seen_only_as_a_timeout_retry_is_answered_once(
    served: tuple[str, StandInSlack],
) -> None:
    """Its first attempt died with a worker: the retry is the only chance to answer it."""
    base, slack = served
    mark = slack.count()
    body = slack_dm("I lost my card", event_id="EvRetry1", channel="D0RETRY")
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert _slack(base, json.dumps(body), **headers).status_code == 200
    wait_for(lambda: [c for c in slack.calls("chat.postMessage", since=mark)
                      if c.params["channel"] == "D0RETRY"], what="the answer")  # fmt: skip
    again = {**headers, "X-Slack-Retry-Num": "2"}
    assert _slack(base, json.dumps(body), **again).status_code == 200
    assert post_slack(base, body).status_code == 200
    time.sleep(0.5)  # time enough for a wrong second answer
    posts = [
        c for c in slack.calls("chat.postMessage", since=mark) if c.params["channel"] == "D0RETRY"
    ]
    assert len(posts) == 1
