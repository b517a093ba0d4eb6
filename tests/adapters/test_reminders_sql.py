"""Reminders in SQL (SQLite, and PostgreSQL when it can be reached): two workers racing for the
same due reminders fire each once; a reminder set before a restart fires after it; and the
Saturday-night transcript delivers exactly one reminder at 9:30 on Sunday."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.bootstrap import App, build_app
from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database
from bot.courier import courier_for
from bot.messages import Event, Reply
from bot.reminders import Reminder
from testkit.replay import ServiceDriver, run_transcript
from testkit.transcripts import load_transcript
from tests.bot.helpers import jst

TRANSCRIPT = Path(__file__).parents[1] / "transcripts" / "reminder_saturday_night_to_sunday_en.yaml"
DUE = jst("2026-11-29T09:30")
REMINDERS = 130  # more than a batch (50): both workers get some


@pytest.fixture
def app(database: Database) -> Iterator[App]:
    built = build_app(database.url)
    try:
        yield built
    finally:
        built.database.dispose()


def test_two_workers_racing_fire_each_reminder_once(app: App, database: Database) -> None:
    store = SqlConversationStore(database)
    for number in range(REMINDERS):
        with store.transaction(f"console:{number}") as transaction:
            book = transaction.reminders("console", f"console:{number}")
            assert book.add(Reminder("general", DUE, "en", "en"))
    delivered: list[tuple[str, str]] = []
    lock = threading.Lock()

    def deliver(to: str, reply: Reply, _key: str) -> None:
        with lock:
            delivered.append((threading.current_thread().name, to))
        assert "0120-0178-26" in reply.text

    # Two workers: their own connections, engines and couriers, the same database.
    workers = [build_app(database.url) for _ in range(2)]
    couriers = [courier_for(worker.service, conversation_clock=lambda: DUE) for worker in workers]
    for courier in couriers:
        courier.route("console", deliver)
    start = threading.Barrier(2)

    def work(index: int) -> None:
        start.wait()
        while couriers[index].pump():
            pass

    threads = [threading.Thread(target=work, args=(i,), name=f"w{i}") for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for courier in couriers:
            courier.close()
    finally:
        for worker in workers:
            worker.database.dispose()
    addresses = Counter(to for _, to in delivered)
    assert sorted(addresses) == sorted(f"console:{n}" for n in range(REMINDERS))
    assert set(addresses.values()) == {1}, "a reminder delivered twice"
    assert store.pending() == 0
    print(f"reminders fired per worker: {Counter(name for name, _ in delivered)}")


def test_a_reminder_set_before_a_restart_fires_after_it(database: Database) -> None:
    before = build_app(database.url)
    try:
        at = jst("2026-11-28T20:30")
        for text, button in (("tax question", None), ("English", None), (None, "remind:yes")):
            event = Event(
                conversation="console:r",
                at=at,
                text=text,
                button=button,
                locale="en",
                address="console:r",
            )
            before.service.answer(event)
    finally:
        before.database.dispose()  # the process ends, reminder and all

    after = build_app(database.url)
    heard: list[str] = []
    try:
        courier = courier_for(after.service, conversation_clock=lambda: DUE + timedelta(seconds=20))
        courier.route("console", lambda to, reply, _key: heard.append(f"{to}: {reply.text}"))
        # The dead process's undelivered answers go out too: its lock is gone with it.
        assert courier.pump() == 4
        assert courier.pump() == 0
        courier.close()
    finally:
        after.database.dispose()
    [message] = [text for text in heard if "⏰" in text]
    assert message.startswith("console:r: ⏰ Your reminder: 0120-0178-26 is open now.")


def test_the_saturday_night_transcript_delivers_one_reminder_on_sunday(app: App) -> None:
    driver = ServiceDriver(app.service)
    try:
        outcome = run_transcript(driver, load_transcript(TRANSCRIPT), "replay:saturday")
    finally:
        driver.close()
    assert not outcome.failures, "\n".join(outcome.failures)
