"""PostgreSQL goes away during a conversation and comes back (README, "Configuration and storage").

The bot's connections run through a TCP proxy that can cut them all and refuse new ones, so the
failure is a real one: the driver sees its sockets closed, SQLAlchemy's pool has to notice
(``pool_pre_ping``) and the store translates it into ``StorageUnavailable``. What is stored is
checked with psycopg on a direct connection, bypassing both the proxy and the product's code.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from adapters.bootstrap import App, build_app
from adapters.sql.database import Database
from bot.messages import Event
from testkit.tcp_proxy import TcpProxy
from tests.adapters import conftest as pg

pytestmark = pytest.mark.postgres
# The storage tests' fixtures: a URL on a fresh schema of its own, or a skip saying what is missing.
postgres_admin_url = pg.postgres_admin_url
postgres_url = pg.postgres_url

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Wednesday: lines open
CHANNEL = "test"
CONVERSATION = "test:outage"
LANGUAGE_QUESTION = "Which language do you want to speak on the phone?"
CONSENT_QUESTION = "Do you agree to the handling of personal information?"
UNAVAILABLE = "The written inquiry is unavailable for a moment"
SUSPENSION_NUMBER = "0120-0178-27"
EMAIL = "outage@example.com"
INQUIRY = "Where is my card? I applied in May."


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    with TcpProxy((pg.PG_HOST, pg.PG_PORT)) as running:
        yield running


@pytest.fixture
def proxied_url(postgres_url: str, proxy: TcpProxy) -> str:
    """``postgres_url`` through the proxy, its fresh schema kept (?options=-csearch_path=...)."""
    direct = f"{pg.PG_HOST}:{pg.PG_PORT}"
    assert direct in postgres_url and "search_path" in postgres_url, postgres_url
    return postgres_url.replace(direct, f"{proxy.host}:{proxy.port}", 1)


@pytest.fixture
def bot(proxied_url: str, proxy: TcpProxy) -> Iterator[App]:
    """The real wiring, on the proxied URL, with the schema upgraded beforehand."""
    Database(proxied_url, upgrade=True).dispose()
    app = build_app(proxied_url)
    try:
        yield app
    finally:
        app.database.dispose()


class Chat:
    """One conversation through ``app.service.handle``, each turn a distinct delivery."""

    _ids = itertools.count(1)

    def __init__(self, app: App, conversation: str = CONVERSATION) -> None:
        self.app = app
        self.conversation = conversation

    def say(self, text: str, *, delivery_id: str | None = None) -> str:
        return self._turn(delivery_id, text=text)

    def press(self, payload: str) -> str:
        return self._turn(None, button=payload)

    def _turn(self, delivery_id: str | None, **said: str) -> str:
        replies = self.app.service.handle(
            Event(
                conversation=self.conversation,
                at=AT,
                locale="en",
                channel=CHANNEL,
                delivery_id=delivery_id or f"delivery-{next(self._ids)}",
                **said,
            )
        )
        assert replies, f"the bot went silent on {said!r}"
        return "\n".join(reply.all_text() for reply in replies)

    def up_to_the_summary(self) -> None:
        assert CONSENT_QUESTION in self.say("write an inquiry")
        self.say("I agree")
        self.say(EMAIL)
        self.say(EMAIL)
        assert "Send it?" in self.say(INQUIRY)


def direct(url: str, query: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Rows read with psycopg straight from 127.0.0.1:5432 (``url``: ``postgres_url``, not
    through the proxy), in the test's schema."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, connect_timeout=5) as connection:
        return connection.execute(query, params).fetchall()


def stored_state(url: str) -> str | None:
    rows = direct(url, "SELECT state FROM conversations WHERE key = %s", (CONVERSATION,))
    return rows[0][0] if rows else None


def inquiry_rows(url: str) -> list[tuple]:
    return direct(url, "SELECT reference, email, text FROM inquiries")


def test_an_outage_mid_conversation_degrades_and_recovers_by_itself(bot, proxy, postgres_url):
    chat = Chat(bot)
    assert LANGUAGE_QUESTION in chat.say("card question")
    before = stored_state(postgres_url)
    assert before is not None and json.loads(before)["flow"]
    assert proxy.forwarded >= 1 and proxy.bytes_down > 0  # the bot really talks through it

    proxy.cut()
    lost = chat.say("I lost my phone")
    assert SUSPENSION_NUMBER in lost and "Open now" in lost
    refused_inquiry = chat.say("write an inquiry")
    assert UNAVAILABLE in refused_inquiry
    assert CONSENT_QUESTION not in refused_inquiry
    assert proxy.refused >= 2  # both turns did try the database, and were turned away
    forwarded_during_outage = proxy.forwarded

    proxy.restore()
    # Nothing half-written: the state is the last successful turn's, and no inquiry exists.
    assert stored_state(postgres_url) == before
    assert inquiry_rows(postgres_url) == []
    # The very first turn after the outage is served normally: no restart, no retry.
    assert CONSENT_QUESTION in chat.say("write an inquiry")
    assert proxy.forwarded > forwarded_during_outage
    after = stored_state(postgres_url)
    assert after is not None and after != before
    assert json.loads(after)["flow"] != json.loads(before)["flow"]  # now in the inquiry
    assert inquiry_rows(postgres_url) == []


def test_a_send_during_an_outage_stores_nothing_and_works_once_repeated(bot, proxy, postgres_url):
    chat = Chat(bot)
    chat.up_to_the_summary()
    summary = stored_state(postgres_url)

    proxy.cut()
    failed = chat.say("send")
    assert "Your reference is" not in failed
    assert proxy.refused >= 1
    proxy.restore()
    assert inquiry_rows(postgres_url) == []
    assert stored_state(postgres_url) == summary  # still waiting at "Send it?"

    sent = chat.say("send")
    assert "Your reference is MN-" in sent
    ((reference, email, text),) = inquiry_rows(postgres_url)
    assert f"Your reference is {reference}" in sent
    assert (email, text) == (EMAIL, INQUIRY)


def test_sending_during_an_outage_says_so_and_the_button_works_afterwards(bot, proxy, postgres_url):
    # With the database unreachable the conversation's state cannot even be read, so the bot
    # cannot know the user was at the summary. Pressed, Send says it could not be sent and to
    # press it again; typed, "send" is answered with what the bot can tell: it cannot reach its
    # records, numbers and hours still work. Nothing is stored either way, and the Send button,
    # pressed again after the outage, sends.
    chat = Chat(bot)
    chat.up_to_the_summary()
    proxy.cut()
    pressed = chat.press("send_cancel:send")
    typed = chat.say("send")
    proxy.restore()
    assert proxy.refused >= 2
    assert "could not be sent" in pressed and "press Send again" in pressed
    assert "cannot reach my records" in typed and "Phone numbers and hours still work" in typed
    assert inquiry_rows(postgres_url) == []
    sent = chat.press("send_cancel:send")
    assert "Your reference is MN-" in sent
    assert len(inquiry_rows(postgres_url)) == 1


def test_a_delivery_answered_during_the_outage_is_handled_again_after_it(bot, proxy, postgres_url):
    # A degraded turn records nothing, not even the delivery's id: the platform's redelivery
    # after the outage is a new turn, served in full; a further redelivery is then ignored.
    chat = Chat(bot)
    claimed = "SELECT delivery_id FROM deliveries WHERE channel = %s AND delivery_id = %s"
    proxy.cut()
    assert UNAVAILABLE in chat.say("write an inquiry", delivery_id="update-42")
    proxy.restore()
    assert direct(postgres_url, claimed, (CHANNEL, "update-42")) == []
    assert stored_state(postgres_url) is None

    assert CONSENT_QUESTION in chat.say("write an inquiry", delivery_id="update-42")
    assert direct(postgres_url, claimed, (CHANNEL, "update-42")) == [("update-42",)]
    state = stored_state(postgres_url)
    assert state is not None

    event = Event(
        conversation=CONVERSATION,
        at=AT,
        text="write an inquiry",
        locale="en",
        channel=CHANNEL,
        delivery_id="update-42",
    )
    assert bot.service.handle(event) == ()  # now it was committed: not answered twice
    assert stored_state(postgres_url) == state


def test_connections_dropped_between_turns_are_replaced_unnoticed(bot, proxy, postgres_url):
    # The pool still holds the connection of the first turn when the server drops it: the
    # next turn must find out by itself (pool_pre_ping) and be served normally.
    chat = Chat(bot)
    assert LANGUAGE_QUESTION in chat.say("card question")
    opened = proxy.forwarded
    assert proxy.open_connections >= 1  # a pooled connection, alive through the proxy
    proxy.cut()
    assert proxy.open_connections == 0
    proxy.restore()
    assert CONSENT_QUESTION in chat.say("write an inquiry")
    assert proxy.refused == 0 and proxy.forwarded > opened
    assert "inquiry" in json.loads(stored_state(postgres_url) or "{}")["flow"]
