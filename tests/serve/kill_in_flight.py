"""One of two workers of `mynumber-bot serve` SIGKILLed with 32 updates in flight: the scenario,
for the test (`test_kill_in_flight.py`) and the benchmark (`python -m bench.faults`).

The stand-in Bot API delivers each message at once and answers its sender only later (a slow
Telegram), so that replies are on their way when the kill comes. Telegram redelivers what the
dead worker never acknowledged; the replies it had committed go out from the other worker once
its lock is released. A send in flight at the kill is the only kind of reply that may go twice:
delivered by the platform, but not recorded as sent (its answer never read, or read and not yet
written down). The worker is stopped (SIGSTOP) just before the kill, so that the outbox can be
read as it left it and set against what the stand-in delivered. Which worker takes which update
is the kernel's choice, so the victim may have had no send on the wire at the kill: the
scenario is then run again with new users (`kill_until_in_flight`), up to ATTEMPTS times.
"""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from adapters.sql.liveness import liveness_for
from bot.parcel import load_replies
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
SETTLE = 0.2  # seconds for sends on the wire to reach the stand-in once the worker is stopped
ATTEMPTS = 3  # runs, each with new users, until one kills a worker with sends in flight


@dataclass(frozen=True)
class Outcome:
    answers: dict[int, list[str]]  # each user's replies, in the order sent
    answered_after: float  # seconds from the worker's stop to the last user's first answer
    # replies the stand-in had delivered that the worker had not recorded as sent when it was
    # stopped for the kill: its sends in flight, whose answer it never read or never recorded
    in_flight: int
    statuses: list[int]  # the webhook's answer to each update
    retried: int  # webhook posts made again after a dropped connection

    @property
    def doubled(self) -> int:
        return sum(len(texts) - 1 for texts in self.answers.values())


def _replies(stand_in: StandIn) -> int:
    return sum(call.method == "sendMessage" for call in list(stand_in.calls))


def kill_until_in_flight(tmp_path: Path, db: str) -> list[Outcome]:
    """:func:`kill_one_in_flight` until a kill finds sends in flight (at most ATTEMPTS runs,
    each with new users and updates, in its own folder); every run's outcome."""
    outcomes: list[Outcome] = []
    for attempt in range(ATTEMPTS):
        folder = tmp_path / f"run{attempt}"
        folder.mkdir()
        outcomes.append(kill_one_in_flight(folder, db, first=attempt * USERS))
        if outcomes[-1].in_flight:
            break
    return outcomes


def kill_one_in_flight(tmp_path: Path, db: str, *, first: int = 0) -> Outcome:
    """Two workers on ``db``; one SIGKILLed once a quarter of the replies are on their way.
    ``first``: the offset of this run's users and updates (a run after another on ``db``)."""
    chats = range(FIRST_CHAT + first, FIRST_CHAT + first + USERS)
    updates = [
        message_update(first + n + 1, chat_id=chat, text="I lost my card", language_code="en")
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
            os.kill(victim, signal.SIGSTOP)  # what it has recorded stays as it is, to be read
            killed_at = time.monotonic()  # it does nothing more from here
            time.sleep(SETTLE)
            kept = _kept(db)
            delivered = {chat: len(delivered_to(stand_in, chat)) for chat, _ in kept}
            os.kill(victim, signal.SIGKILL)
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
        answer = min(len(texts) for texts in answers.values())  # replies of one answer
        dead = _dead(db, {owner for _, owner in kept})  # the victim's, by its lock gone
        in_flight = sum(
            max(0, delivered[chat] - (answer - count))
            for (chat, owner), count in kept.items()
            if owner in dead
        )  # delivered, and not recorded as sent: in flight for the worker
        return Outcome(answers, last - killed_at, in_flight, statuses, len(retried))


def _kept(db: str) -> dict[tuple[int, int | None], int]:
    """For each chat and owner with replies in the outbox, how many are kept there (not recorded
    as sent)."""
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT address, owner, replies FROM outbox")).all()
    finally:
        engine.dispose()
    kept: dict[tuple[int, int | None], int] = {}
    for address, owner, replies in rows:
        key = (json.loads(address)["chat"], owner)
        kept[key] = kept.get(key, 0) + len(load_replies(replies))
    return kept


def _dead(db: str, owners: set[int | None]) -> set[int]:
    """Those of ``owners`` whose worker is dead, asked as a third worker would."""
    engine = create_engine(db)
    file = engine.url.database if engine.dialect.name == "sqlite" else None
    liveness = liveness_for(engine, file, {})
    try:
        with engine.connect() as connection:
            return liveness.dead(connection, {owner for owner in owners if owner is not None})
    finally:
        liveness.close()
        engine.dispose()
