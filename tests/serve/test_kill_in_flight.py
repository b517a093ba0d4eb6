"""One of two workers of `mynumber-bot serve` is SIGKILLed with 32 updates in flight.

The stand-in Bot API delivers each message at once and answers its sender only later (a slow
Telegram), so that replies are on their way when the kill comes. Every user must get an answer:
Telegram redelivers what the dead worker never acknowledged, and the replies it had committed
go out from the other worker as soon as its lock is released, well before their leases (a
minute) run out. A reply may be sent twice only when the dead worker's send of it was in flight:
delivered, its answer never read (the stand-in counts those); any other reply, once.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from testkit.telegram.stand_in import StandIn
from testkit.telegram.updates import message_update
from tests.serve.helpers import SUSPENSION_NUMBER, environment, sent_to, telegram_stand_in, wait_for
from tests.serve.processes import children, deliver, serve

FIRST_CHAT = 60_000
USERS = 32
LATENCY = 0.5  # seconds between Telegram delivering a message and answering its sender
LEASE_SECONDS = 60
ANSWERED_WITHIN = LEASE_SECONDS / 4  # seconds after the kill: by the dead worker's lock
QUIET_FOR = 3  # seconds after the last answer without another


def replies(stand_in: StandIn) -> int:
    return sum(call.method == "sendMessage" for call in list(stand_in.calls))


def test_a_worker_killed_with_updates_in_flight_doubles_only_sends_in_flight(
    tmp_path: Path, served_db: str
) -> None:
    chats = range(FIRST_CHAT, FIRST_CHAT + USERS)
    updates = [
        message_update(n + 1, chat_id=chat, text="I lost my card", language_code="en")
        for n, chat in enumerate(chats)
    ]
    retried: list[str] = []
    settings = {"OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}
    with (
        telegram_stand_in() as stand_in,
        serve(tmp_path, environment(db=served_db, telegram=stand_in) | settings) as served,
    ):
        victim = min(served.workers(2))
        stand_in.latency = LATENCY
        with ThreadPoolExecutor(max_workers=USERS) as webhook:
            posts = [webhook.submit(deliver, served.base, update, retried) for update in updates]
            wait_for(lambda: replies(stand_in) >= USERS // 4, what="replies on their way")
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            statuses = [post.result().status_code for post in posts]
        assert statuses == [200] * USERS
        wait_for(lambda: victim not in children(served.process.pid), what="the reaping")

        def everyone_answered() -> bool:
            return all(sent_to(stand_in, chat) for chat in chats)

        wait_for(everyone_answered, timeout=ANSWERED_WITHIN, what="an answer to every user")
        answered_after = time.monotonic() - killed_at
        time.sleep(QUIET_FOR)
        answers = {chat: sent_to(stand_in, chat) for chat in chats}
        assert all(SUSPENSION_NUMBER in texts[0] for texts in answers.values()), answers
        doubled = sum(len(texts) - 1 for texts in answers.values())
        assert doubled <= stand_in.unanswered, (
            f"{doubled} replies sent twice, {stand_in.unanswered} sends in flight at the kill"
        )
        assert stand_in.unanswered > 0, "no send was in flight: the kill came too late"
    print(
        f"all {USERS} answered {answered_after:.1f} s after the kill; {doubled} doubled of "
        f"{stand_in.unanswered} in flight; {len(retried)} webhook retries"
    )
