"""PostgreSQL stops answering (a link that carries nothing: the proxy's blackhole): every user is
answered all the same, the lost-card ones with their number, and nothing is half-written; once
the link is back, the next turns are stored again.

The proxy keeps every connection open and accepts new ones, but carries nothing either way:
the driver waits on sockets that will never be answered. The service's deadline
(``MYNUMBER_BOT_STORE_DEADLINE``) answers each turn without the store, and its guard then
leaves the store alone; how long the users waited is the benchmark's (``bench.faults``).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import Catalog
from bot.messages import Event
from tests.faults.test_database_outage import (
    CONSENT_QUESTION,
    SUSPENSION_NUMBER,
    Chat,
    bot,
    direct,
    postgres_admin_url,
    postgres_url,
    proxied_url,
    proxy,
)

pytestmark = pytest.mark.postgres
__all__ = ["bot", "postgres_admin_url", "postgres_url", "proxied_url", "proxy"]
AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
USERS = 12


def _lost(app, conversation: str) -> str:  # type: ignore[no-untyped-def]
    replies = app.service.handle(
        Event(conversation=conversation, at=AT, text="I lost my card", locale="en", channel="t")
    )
    return "\n".join(reply.text for reply in replies)


def test_a_hung_database_answers_everyone_and_keeps_nothing_half_written(
    bot, proxy, postgres_url
) -> None:  # type: ignore[no-untyped-def]
    chat = Chat(bot, "test:hang")
    assert CONSENT_QUESTION in chat.say("write an inquiry")  # the store works: stored
    proxy.blackhole()
    answers: dict[int, str] = {}

    def user(number: int) -> None:
        answers[number] = _lost(bot, f"test:hang:{number}")

    users = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
    for thread in users:
        thread.start()
    for thread in users:
        thread.join(timeout=60)  # bounds a hang of the test itself, not a speed
    assert sorted(answers) == list(range(USERS)), "a user was never answered"
    assert all(SUSPENSION_NUMBER in text for text in answers.values())
    assert bot.service.guard.down()  # known to hang: the next turns do not even try it
    # Its state cannot be read now: the bot says so rather than guess, and keeps nothing.
    assert Catalog.load().text("en", "error.degraded") in chat.say("I agree")

    proxy.restore()
    time.sleep(bot.service.guard.retry_after)
    rows = direct(postgres_url, "SELECT key FROM conversations WHERE key LIKE %s", ("test:hang:%",))
    assert rows == []  # nothing of the hung turns was written, late or half
    again = Chat(bot, "test:hang:after")
    assert CONSENT_QUESTION in again.say("write an inquiry")
    stored = direct(postgres_url, "SELECT key FROM conversations WHERE key = 'test:hang:after'")
    assert stored == [("test:hang:after",)]
