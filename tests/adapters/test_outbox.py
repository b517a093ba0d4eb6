"""The outbox in SQL (SQLite, and PostgreSQL when it can be reached): parcels written with the
turn or not at all, claimed by one worker at a time, leased, postponed, forgotten."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database
from bot.messages import Button, Reply
from bot.parcel import dump_replies

LEASE = timedelta(seconds=30)
REPLIES = (Reply("☎ 0120-0178-27", (Button("Main menu", "after_answer:menu"),)),)


@pytest.fixture
def store(database: Database) -> SqlConversationStore:
    return SqlConversationStore(database, lease=LEASE)


def enqueue(store: SqlConversationStore, n: int = 1, channel: str = "telegram") -> list[int]:
    ids = []
    for number in range(n):
        with store.transaction(f"{channel}:{number}") as transaction:
            transaction.save("{}")
            ids.append(transaction.enqueue(channel, f'{{"chat": {number}}}', dump_replies(REPLIES)))
    return ids


def later() -> datetime:
    return datetime.now(UTC) + LEASE + timedelta(seconds=1)


def test_a_parcel_commits_with_its_turn_or_not_at_all(store: SqlConversationStore) -> None:
    with pytest.raises(RuntimeError), store.transaction("telegram:1") as transaction:
        transaction.enqueue("telegram", '{"chat": 1}', dump_replies(REPLIES))
        raise RuntimeError("the turn failed after writing its replies")
    assert store.pending() == 0
    [parcel] = enqueue(store)
    assert store.pending() == 1
    [claimed] = store.claim_parcels(["telegram"], now=later(), limit=10)
    assert (claimed.id, claimed.replies, claimed.address) == (parcel, REPLIES, '{"chat": 0}')
    assert claimed.attempts == 1


def test_a_lease_keeps_a_parcel_from_every_other_claim(store: SqlConversationStore) -> None:
    enqueue(store, 3)
    now = datetime.now(UTC)
    assert store.claim_parcels(["telegram"], now=now, limit=10) == []  # the turn's worker's
    claimed = store.claim_parcels(["telegram"], now=later(), limit=2)
    assert len(claimed) == 2 and claimed[0].id < claimed[1].id  # oldest first
    assert len(store.claim_parcels(["telegram"], now=later(), limit=10)) == 1
    assert store.claim_parcels(["telegram"], now=later(), limit=10) == []
    assert store.claim_parcels(["slack"], now=later() + LEASE * 3, limit=10) == []


def test_renewed_postponed_and_forgotten(store: SqlConversationStore) -> None:
    first, second = enqueue(store, 2)
    store.renew([first], now=later())  # still being sent at the end of its first lease
    due = store.claim_parcels(["telegram"], now=later() + timedelta(seconds=1), limit=10)
    assert [parcel.id for parcel in due] == [second]
    store.postpone(second, (Reply("only the rest"),), until=datetime.now(UTC))
    [again] = store.claim_parcels(["telegram"], now=later(), limit=10)
    assert again.replies == (Reply("only the rest"),) and again.attempts == 2
    store.acknowledge([first, second])
    assert store.pending() == 0


def test_workers_claiming_at_once_never_claim_the_same_parcel(
    store: SqlConversationStore,
) -> None:
    ids = enqueue(store, 120)
    claims: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(len(claims))

    def worker(mine: list[int]) -> None:
        start.wait()
        while batch := store.claim_parcels(["telegram"], now=later(), limit=7):
            mine += [parcel.id for parcel in batch]

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [parcel for mine in claims for parcel in mine]
    assert sorted(everything) == ids, "a parcel claimed twice, or never"
    print(f"claims per worker: {[len(mine) for mine in claims]}")
