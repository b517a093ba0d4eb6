"""Redeliveries, flood limits, network errors, failing turns and concurrency."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from adapters.bootstrap import App, build_app
from bot.catalog import Catalog
from bot.messages import Reply
from bot.service import Answer, BotService
from testkit.telegram.driver import Rig
from testkit.telegram.stand_in import StandIn
from tests.telegram.helpers import AT, SUSPENSION_NUMBER, say, sent, texts


async def test_an_update_served_twice_is_answered_once(rig: Rig) -> None:
    update = say("I lost my smartphone")
    first = await rig.deliver(update)
    again = await rig.deliver(update)  # the same update_id, served again by getUpdates
    assert len(sent(first)) == 1
    assert sent(again) == []


async def test_a_redelivery_after_a_restart_is_not_answered_again(
    app: App, stand_in: StandIn
) -> None:
    update = say("I lost my smartphone")
    async with Rig.running(app.service, stand_in=stand_in, clock=lambda: AT) as rig:
        first = await rig.deliver(update)
    # Another process on the same database, served the same update: it knows it was answered.
    restarted = build_app(app.database.url)
    try:
        async with Rig.running(restarted.service, stand_in=stand_in, clock=lambda: AT) as rig:
            again = await rig.deliver(update)
            later = await rig.deliver(say("I lost my smartphone"))
    finally:
        restarted.database.dispose()
    assert len(sent(first)) == 1
    assert sent(again) == []
    assert len(sent(later)) == 1  # and it still answers what is new


# PTB's own AIORateLimiter reads RetryAfter.retry_after, which PTB 22 flags as changing type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_flood_limit_is_waited_out_and_the_message_still_arrives(rig: Rig) -> None:
    rig.stand_in.fail("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    calls = await rig.deliver(say("I lost my smartphone"))
    waited = time.monotonic() - started
    attempts = [call for call in calls if call.method == "sendMessage"]
    assert [call.result is not None for call in attempts] == [False, True]
    assert SUSPENSION_NUMBER in texts(calls)[0]
    assert waited >= 1.0, "sent again before retry_after had passed"


async def test_a_network_error_is_retried(rig: Rig) -> None:
    rig.stand_in.fail("sendMessage", status=502)
    calls = await rig.deliver(say("I lost my smartphone"))
    attempts = [call for call in calls if call.method == "sendMessage"]
    assert [call.result is not None for call in attempts] == [False, True]


class _BreaksOnce:
    """A conversation store with a bug that shows once (not an outage: those the service
    handles itself)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.broken = True

    def transaction(self, conversation: str) -> object:
        if self.broken:
            self.broken = False
            raise RuntimeError("a bug in the store")
        return self.inner.transaction(conversation)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:  # the outbox's methods: the inner store's
        return getattr(self.inner, name)


@pytest.mark.parametrize("language", ["en", "ja"])
async def test_a_failing_turn_gets_an_apology_and_the_bot_keeps_running(
    app: App, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    service = BotService(engine=app.service.engine, store=_BreaksOnce(app.service.store))
    with caplog.at_level(logging.ERROR):
        async with Rig.running(service, clock=lambda: AT) as rig:
            failed = await rig.deliver(say("I lost my smartphone", language_code=language))
            answered = await rig.deliver(say("I lost my smartphone", language_code=language))
    assert texts(failed) == [Catalog.load().text(language, "error.apology")]
    assert SUSPENSION_NUMBER in texts(answered)[0]
    assert "a bug in the store" in caplog.text  # logged, with its traceback
    assert "smartphone" not in caplog.text  # but not what the user typed


class _Meeting:
    """A service whose first turn in each chat waits for the first turns of all the others:
    run concurrently, they meet; run one after another, the first waits in vain (and fails)."""

    def __init__(self, app: App, chats: int) -> None:
        self.engine = app.service.engine
        self.store = app.service.store
        self.meeting = threading.Barrier(chats, timeout=10)
        self.met: set[str] = set()

    def answer(self, event: Any) -> Answer:
        if event.conversation not in self.met:
            self.met.add(event.conversation)
            self.meeting.wait()
        return Answer((Reply(text=f"echo {event.text}"),))


async def test_a_chats_updates_are_answered_in_order_while_chats_run_concurrently(
    app: App,
) -> None:
    chats = (1, 2, 3, 4)
    updates = [say(f"{turn}", chat_id=chat) for turn in range(3) for chat in chats]
    async with Rig.running(_Meeting(app, len(chats)), clock=lambda: AT, threads=4) as rig:  # type: ignore[arg-type]
        calls = await rig.deliver(*updates)
    for chat in chats:
        said = [call.params["text"] for call in sent(calls) if call.params["chat_id"] == chat]
        assert said == ["echo 0", "echo 1", "echo 2"]


def _pending(app: App) -> int:
    store: Any = app.service.store
    return store.pending()


async def test_a_message_telegram_refuses_for_good_leaves_the_outbox(rig: Rig, app: App) -> None:
    rig.stand_in.fail("sendMessage", status=403)  # the user blocked the bot
    calls = await rig.deliver(say("I lost my smartphone"))
    assert next(call.result for call in calls if call.method == "sendMessage") is None
    await _until(lambda: _pending(app) == 0)  # forgotten by the courier's thread


async def _until(condition: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_send_failing_past_its_retries_is_sent_later_by_the_pump(
    rig: Rig, app: App
) -> None:
    for _ in range(4):  # every attempt of the adapter's own
        rig.stand_in.fail("sendMessage", status=502)
    calls = await rig.deliver(say("I lost my smartphone"))
    assert [call.result for call in calls if call.method == "sendMessage"][:4] == [None] * 4
    assert _pending(app) == 1

    def delivered() -> list[str]:
        return [
            call.params["text"]
            for call in rig.stand_in.calls
            if call.method == "sendMessage" and call.result is not None
            if SUSPENSION_NUMBER in call.params["text"]
        ]

    await _until(delivered)
    await asyncio.sleep(1.5)  # a pump round more: nothing is sent twice
    assert len(delivered()) == 1
    apology = Catalog.load().text("en", "error.apology")
    sent_texts = [c.params["text"] for c in rig.stand_in.calls if c.method == "sendMessage"]
    assert apology not in sent_texts, "an apology ahead of an answer that was on its way"
    await _until(lambda: _pending(app) == 0)


async def test_turns_on_the_loop_keep_order_and_leave_no_chat_waiting_on_another(
    app: App, stand_in: StandIn
) -> None:
    """``threads=0`` (the command's on SQLite): turns run one at a time on the event
    loop, but a chat whose reply Telegram is slow to take holds up no other chat."""
    stand_in.hold(1)
    async with Rig.running(app.service, stand_in=stand_in, clock=lambda: AT, threads=0) as rig:
        first = say("I lost my smartphone", chat_id=1)
        held = asyncio.create_task(rig.deliver(first, say("/start", chat_id=1)))
        await _until(lambda: stand_in.holding == 1)
        other = await rig.deliver(say("I lost my smartphone", chat_id=2))
        assert SUSPENSION_NUMBER in texts(other)[0]
        assert not held.done()
        stand_in.release(1)
        calls = await held
    first_text, menu = texts([call for call in calls if call.params.get("chat_id") == 1])
    assert SUSPENSION_NUMBER in first_text and menu.startswith("What is your question about?")
