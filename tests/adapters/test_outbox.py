"""The outbox in SQL (SQLite, and PostgreSQL when it can be reached): parcels written with the
turn or not at all, claimed by one worker at a time, leased, postponed, forgotten."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database
from bot.messages import Button, Reply
from tests.clocks import MovingClock

LEASE = timedelta(seconds=30)
REPLIES = (Reply("☎ 0120-0178-27", (Button("Main menu", "after_answer:menu"),)),)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def store(database: Database, clock: MovingClock) -> SqlConversationStore:
    return SqlConversationStore(database, lease=LEASE, clock=clock)


def enqueue(store: SqlConversationStore, n: int = 1, channel: str = "telegram") -> list[int]:
    ids = []
    for number in range(n):
        with store.transaction(f"{channel}:{number}") as transaction:
            transaction.save("{}")
            ids.append(transaction.enqueue(channel, f'{{"chat": {number}}}', REPLIES).id)
    return ids


def lease_over(clock: MovingClock) -> None:
    clock.advance((LEASE + timedelta(seconds=1)).total_seconds())


def test_a_parcel_commits_with_its_turn_or_not_at_all(
    store: SqlConversationStore, clock: MovingClock
) -> None:
    with pytest.raises(RuntimeError), store.transaction("telegram:1") as transaction:
        transaction.enqueue("telegram", '{"chat": 1}', REPLIES)
        raise RuntimeError("the turn failed after writing its replies")
    assert store.pending() == 0
    [parcel] = enqueue(store)
    assert store.pending() == 1
    created = clock.now
    lease_over(clock)
    [claimed] = store.claim_parcels(["telegram"], limit=10)
    assert (claimed.id, claimed.replies, claimed.address) == (parcel, REPLIES, '{"chat": 0}')
    assert claimed.attempts == 1
    assert claimed.created_at == created  # the outbox's clock, as stored


def test_a_lease_keeps_a_parcel_from_every_other_claim(
    store: SqlConversationStore, clock: MovingClock
) -> None:
    enqueue(store, 3)
    assert store.claim_parcels(["telegram"], limit=10) == []  # the turn's worker's
    lease_over(clock)
    claimed = store.claim_parcels(["telegram"], limit=2)
    assert len(claimed) == 2 and claimed[0].id < claimed[1].id  # oldest first
    assert len(store.claim_parcels(["telegram"], limit=10)) == 1
    assert store.claim_parcels(["telegram"], limit=10) == []
    clock.advance(LEASE.total_seconds() * 3)
    assert store.claim_parcels(["slack"], limit=10) == []


def test_renewed_postponed_and_forgotten(store: SqlConversationStore, clock: MovingClock) -> None:
    first, second = enqueue(store, 2)
    lease_over(clock)
    store.renew([first])  # still being sent at the end of its first lease
    clock.advance(1)
    due = store.claim_parcels(["telegram"], limit=10)
    assert [parcel.id for parcel in due] == [second]
    store.postpone(second, (Reply("only the rest"),), until=clock.now)
    [again] = store.claim_parcels(["telegram"], limit=10)
    assert again.replies == (Reply("only the rest"),) and again.attempts == 2
    store.acknowledge([first, second])
    assert store.pending() == 0


def test_workers_claiming_at_once_never_claim_the_same_parcel(
    store: SqlConversationStore, clock: MovingClock
) -> None:
    ids = enqueue(store, 120)
    lease_over(clock)
    claims: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(len(claims))

    def worker(mine: list[int]) -> None:
        start.wait()
        while batch := store.claim_parcels(["telegram"], limit=7):
            mine += [parcel.id for parcel in batch]

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [parcel for mine in claims for parcel in mine]
    assert sorted(everything) == ids, "a parcel claimed twice, or never"
    print(f"claims per worker: {[len(mine) for mine in claims]}")
