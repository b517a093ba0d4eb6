"""The serve app under test, over real HTTP: uvicorn in a thread (or `mynumber-bot serve` in a
subprocess), the stand-in Bot API and Slack Web API on 127.0.0.1, and request builders.

Slack requests are signed with Slack's v0 HMAC written out (tests.slack.helpers.signature), not
with the product's code.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.types import ASGIApp

from testkit.serving import serving_in_background
from testkit.slack.stand_in import StandInSlack
from testkit.telegram.stand_in import TOKEN, Call, StandIn
from tests.slack.helpers import signature

TELEGRAM_SECRET = "serve-test-secret_0123456789"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SUSPENSION_NUMBER = "0120-0178-27"
CLOSED_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1


@contextmanager
def telegram_stand_in() -> Iterator[StandIn]:
    """The stand-in Bot API, served from an event loop of its own in a thread."""
    loop = asyncio.new_event_loop()
    stand_in = StandIn()
    thread = threading.Thread(target=loop.run_forever, name="telegram-stand-in", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(stand_in.start(), loop).result(timeout=10)
    try:
        yield stand_in
    finally:
        asyncio.run_coroutine_threadsafe(stand_in.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@contextmanager
def slack_stand_in() -> Iterator[StandInSlack]:
    stand_in = StandInSlack()
    stand_in.add_user("U0ALICE", locale="en-US")
    with stand_in.running():
        yield stand_in


def environment(
    *,
    db: str,
    telegram: StandIn | None = None,
    slack: StandInSlack | None = None,
) -> dict[str, str]:
    """The settings `serve` reads, for the channels given (their stand-ins' URLs)."""
    env = {"DATABASE_URL": db}
    if telegram is not None:
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_URL": telegram.url,
        }
    if slack is not None:
        env |= {
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": slack.api_url,
        }
    return env


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """``app`` under uvicorn in a thread, lifespan included, on a free port; its base URL."""
    with serving_in_background(app, lifespan=True, timeout=20) as base:
        yield base


def post_update(
    base: str, update: dict[str, Any], *, secret: str | None = TELEGRAM_SECRET
) -> httpx.Response:
    """Deliver ``update`` as Telegram's webhook does (each on a new connection)."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return httpx.post(f"{base}/telegram", json=update, headers=headers, timeout=30)


def delivered_to(stand_in: StandIn, chat_id: int) -> list[Call]:
    """The messages the stand-in delivered to ``chat_id``."""
    return [
        call
        for call in list(stand_in.calls)
        if call.method == "sendMessage" and call.result is not None
        if call.params.get("chat_id") == chat_id
    ]


def sent_to(stand_in: StandIn, chat_id: int) -> list[str]:
    """The texts of the messages the stand-in delivered to ``chat_id``."""
    return [call.params.get("text", "") for call in delivered_to(stand_in, chat_id)]


def post_slack(base: str, body: dict[str, Any], *, secret: str = SLACK_SECRET) -> httpx.Response:
    text = json.dumps(body)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, text),
    }
    return httpx.post(f"{base}/slack/events", content=text, headers=headers, timeout=30)


def slack_dm(text: str, *, event_id: str, channel: str, user: str = "U0ALICE") -> dict[str, Any]:
    now = f"{time.time():.6f}"
    return {
        "token": "legacy",
        "team_id": "T0STANDIN",
        "api_app_id": "A0STANDIN",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": now,
            "event_ts": now,
        },
    }


def wait_for(condition: Callable[[], Any], *, timeout: float = 15, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)
    return result


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def samples(exposition: str) -> dict[str, float]:
    """``name{labels}`` -> value, for every sample of a Prometheus text exposition."""
    found = {}
    for line in exposition.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


def metrics(base: str, *, this_worker: bool = False) -> dict[str, float]:
    """The samples of /metrics: summed over the workers, or the answering worker's own."""
    response = httpx.get(f"{base}/metrics" + ("?worker=this" if this_worker else ""), timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(response.text)
