"""Turns of one conversation from several threads (or workers) are serialized by the store:
a delivery is answered once, and no turn overwrites another's state."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.bootstrap import build_engine
from adapters.sql.conversations import SqlConversationStore
from bot.messages import Event
from bot.service import BotService
from bot.state import ConversationState

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def service_on(database) -> BotService:
    return BotService(engine=build_engine(), store=SqlConversationStore(database))


def test_the_same_delivery_from_many_threads_is_answered_once(database):
    services = [service_on(database) for _ in range(4)]
    start = threading.Barrier(len(services))

    def deliver(service: BotService):
        start.wait()
        return service.handle(
            Event(
                conversation="c:1",
                at=AT,
                text="I lost my phone",
                channel="test",
                delivery_id="update-1",
            )
        )

    with ThreadPoolExecutor(len(services)) as pool:
        answers = list(pool.map(deliver, services))
    answered = [replies for replies in answers if replies]
    assert len(answered) == 1
    assert "0120-0178-27" in answered[0][0].text


def test_racing_turns_of_one_conversation_lose_no_update(database):
    # "card question" and "Thai" sent at the same moment from two workers. In either order the
    # conversation ends answered in Thai: card question then language, or language noted then
    # card question answered at once. Had both turns read the same state, one write would be
    # lost and the conversation would still wait for the language, or forget it.
    services = [service_on(database), service_on(database)]
    conversations = [f"c:{index}" for index in range(10)]

    def race(conversation: str) -> None:
        start = threading.Barrier(2)

        def send(service: BotService, text: str) -> None:
            start.wait()
            service.handle(Event(conversation=conversation, at=AT, text=text))

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(send, services, ["card question", "Thai"]))

    for conversation in conversations:
        race(conversation)
    store = SqlConversationStore(database)
    for conversation in conversations:
        with store.transaction(conversation) as transaction:
            state = ConversationState.from_json(transaction.load() or "")
        assert state.slots.get("phone_language") == "th"
        assert state.last_answer == "answer_card"
