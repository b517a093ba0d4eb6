"""One of two workers of `mynumber-bot serve` SIGKILLed with 32 updates in flight: the scenario,
for the test (`test_kill_in_flight.py`) and the benchmark (`python -m bench.faults`).

The stand-in Bot API delivers each message at once and answers its sender only later (a slow
Telegram), so that replies are on their way when the kill comes. Telegram redelivers what the
dead worker never acknowledged; the replies it had committed go out from the other worker once
its lock is released. A send in flight at the kill (delivered, its answer never read: the
stand-in counts those) is the only kind of reply that may go twice.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from testkit.telegram.stand_in import StandIn
from testkit.telegram.updates import message_update
from tests.serve.helpers import delivered_to, environment, sent_to, telegram_stand_in, wait_for
from tests.serve.processes import children, deliver, serve

FIRST_CHAT = 60_000
USERS = 32
LATENCY = 0.5  # seconds between Telegram delivering a message and answering its sender
LEASE_SECONDS = 60
ANSWERED_WITHIN = LEASE_SECONDS / 4  # seconds after the kill: by the dead worker's lock
QUIET_FOR = 3  # seconds after the last answer without another


@dataclass(frozen=True)
class Outcome:
    answers: dict[int, list[str]]  # each user's replies, in the order sent
    answered_after: float  # seconds from the kill to the last user's first answer
    in_flight: int  # sends delivered by the stand-in whose answer the dead worker never read
    statuses: list[int]  # the webhook's answer to each update
    retried: int  # webhook posts made again after a dropped connection

    @property
    def doubled(self) -> int:
        return sum(len(texts) - 1 for texts in self.answers.values())


def _replies(stand_in: StandIn) -> int:
    return sum(call.method == "sendMessage" for call in list(stand_in.calls))


def kill_one_in_flight(tmp_path: Path, db: str) -> Outcome:
    """Two workers on ``db``; one SIGKILLed once a quarter of the replies are on their way."""
    chats = range(FIRST_CHAT, FIRST_CHAT + USERS)
    updates = [
        message_update(n + 1, chat_id=chat, text="I lost my card", language_code="en")
        for n, chat in enumerate(chats)
    ]
    retried: list[str] = []
    settings = {"OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}
    with (
        telegram_stand_in() as stand_in,
        serve(tmp_path, environment(db=db, telegram=stand_in) | settings) as served,
    ):
        victim = min(served.workers(2))
        stand_in.latency = LATENCY
        with ThreadPoolExecutor(max_workers=USERS) as webhook:
            posts = [webhook.submit(deliver, served.base, update, retried) for update in updates]
            wait_for(lambda: _replies(stand_in) >= USERS // 4, what="replies on their way")
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            statuses = [post.result().status_code for post in posts]
        wait_for(lambda: victim not in children(served.process.pid), what="the reaping")
        wait_for(
            lambda: all(sent_to(stand_in, chat) for chat in chats),
            timeout=ANSWERED_WITHIN,
            what="an answer to every user",
        )
        time.sleep(QUIET_FOR)
        answers = {chat: sent_to(stand_in, chat) for chat in chats}
        last = max(delivered_to(stand_in, chat)[0].at for chat in chats)
        return Outcome(answers, last - killed_at, stand_in.unanswered, statuses, len(retried))
