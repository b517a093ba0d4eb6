"""A worker of `mynumber-bot serve --workers 2` dies between committing a turn and sending its
reply: the reply is in the outbox, and the other worker sends it, once.

The stand-in Bot API holds the messages to the test's chat (a Telegram slow to answer), so the
turn is committed and its reply on its way when the worker that ran it is SIGKILLed. Its
connection dies with it, so the held message never arrives. Telegram, without its 200,
redelivers the update; the worker that gets it must not answer it again, and the other
worker's pump must send the reply the dead one committed as soon as it knows that worker dead
(its lock released with its process), long before the parcel's lease of a minute runs out.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from adapters.sql.database import Database
from adapters.sql.outbox import SqlOutbox
from testkit.telegram.updates import message_update
from tests.serve.helpers import (
    SUSPENSION_NUMBER,
    environment,
    post_update,
    sent_to,
    telegram_stand_in,
    wait_for,
)
from tests.serve.processes import REDELIVERIES, TURNS, children, deliver, serve

CHAT = 50_000
LEASE_SECONDS = 60
TAKEN_OVER_WITHIN = LEASE_SECONDS / 4  # seconds: the dead worker's lock, not its lease
QUIET_FOR = 3  # seconds after the reply without a second one


def test_a_reply_committed_by_a_worker_killed_before_sending_it_is_sent_once(
    tmp_path: Path, served_db: str
) -> None:
    retried: list[str] = []
    settings = {"OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}
    with (
        telegram_stand_in() as stand_in,
        serve(tmp_path, environment(db=served_db, telegram=stand_in) | settings) as served,
    ):
        served.workers(2)
        stand_in.hold(CHAT)
        lost = message_update(1, chat_id=CHAT, text="I lost my smartphone", language_code="en")
        first_post: list[BaseException] = []

        def post_first() -> None:
            try:
                post_update(served.base, lost)
            except httpx.HTTPError as exc:  # the worker died under it: expected
                first_post.append(exc)

        poster = threading.Thread(target=post_first)
        poster.start()
        wait_for(lambda: stand_in.holding == 1, timeout=15, what="the reply to be on its way")
        [running] = [pid for pid, page in served.workers(2).items() if page[TURNS] == 1]
        os.kill(running, signal.SIGKILL)
        wait_for(lambda: running not in children(served.process.pid), what="the reaping")
        poster.join(timeout=30)
        assert first_post, "the webhook of a killed worker answered"
        stand_in.release(CHAT)  # the dead worker's message arrives nowhere

        assert deliver(served.base, lost, retried).status_code == 200  # Telegram's redelivery
        answers = wait_for(
            lambda: sent_to(stand_in, CHAT), timeout=TAKEN_OVER_WITHIN, what="the pumped reply"
        )
        time.sleep(QUIET_FOR)
        answers = sent_to(stand_in, CHAT)
        assert len(answers) == 1, f"one update, {len(answers)} messages: {answers}"
        assert SUSPENSION_NUMBER in answers[0]
        living = served.workers(2)
        assert sum(page[REDELIVERIES] for page in living.values()) == 1
        assert sum(page[TURNS] for page in living.values()) == 0

        database = Database(served_db, upgrade=False)
        try:
            assert SqlOutbox(database).pending() == 0, "a sent reply was not forgotten"
        finally:
            database.dispose()
        served.stop(stopped=2)
    if retried:
        pytest.fail(f"the redelivery needed retries: {retried}")
