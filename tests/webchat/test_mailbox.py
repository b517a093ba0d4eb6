"""The mailbox in SQL, on SQLite and PostgreSQL: numbers without gaps or doubles however many
write at once, a key posted twice kept once, reads after a number, erasing and retention, and
PostgreSQL's notifications."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database
from adapters.sql.mailbox import SqlMailbox
from bot.state import ConversationState

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_messages_are_numbered_in_their_conversation_and_a_key_is_kept_once(
    database: Database,
) -> None:
    mailbox = SqlMailbox(database)
    assert mailbox.post("a", key="user:1", sender="user", body="[]") == (1, True)
    assert mailbox.post("a", key="bot:1", sender="bot", body="[]") == (2, True)
    assert mailbox.post("b", key="user:1", sender="user", body="[]") == (1, True)
    assert mailbox.post("a", key="user:1", sender="user", body="changed") == (1, False)
    letters = mailbox.letters("a", after=0, limit=10)
    assert [(x.seq, x.key, x.body) for x in letters] == [(1, "user:1", "[]"), (2, "bot:1", "[]")]
    assert [x.seq for x in mailbox.letters("a", after=1, limit=10)] == [2]
    assert [x.seq for x in mailbox.letters("a", after=0, limit=1)] == [1]


def test_concurrent_writers_leave_no_gap_and_no_double(database: Database) -> None:
    mailbox = SqlMailbox(database)

    def write(worker: int) -> list[int]:
        return [
            mailbox.post("shared", key=f"k{worker}-{n}", sender="bot", body="[]")[0]
            for n in range(10)
        ]

    with ThreadPoolExecutor(6) as pool:
        numbers = [n for batch in pool.map(write, range(6)) for n in batch]
    assert sorted(numbers) == list(range(1, 61))
    assert [x.seq for x in mailbox.letters("shared", after=0, limit=100)] == list(range(1, 61))


def test_changed_names_the_conversations_written_since(database: Database) -> None:
    mailbox = SqlMailbox(database)
    mailbox.post("a", key="1", sender="user", body="[]")
    seen = mailbox.newest()
    assert mailbox.changed(seen) == (seen, set())
    mailbox.post("b", key="1", sender="user", body="[]")
    mailbox.post("c", key="1", sender="user", body="[]")
    newest, changed = mailbox.changed(seen)
    assert newest == seen + 2 and changed == {"b", "c"}


def test_a_bot_message_is_tagged_with_the_conversations_language(database: Database) -> None:
    store = SqlConversationStore(database)
    with store.transaction("webchat:abc") as transaction:
        transaction.save(ConversationState(flow="main", step="topic", locale="th").to_json())
    mailbox = SqlMailbox(database)
    mailbox.post("abc", key="bot:1", sender="bot", body="[]", state_of="webchat:abc")
    mailbox.post("abc", key="bot:2", sender="bot", body="[]", state_of="webchat:none")
    assert [x.lang for x in mailbox.letters("abc", after=0, limit=5)] == ["th", None]
    assert mailbox.kept("webchat:abc") and not mailbox.kept("webchat:none")


def test_erase_and_the_purge_of_idle_conversations(database: Database) -> None:
    clock = [NOW]
    mailbox = SqlMailbox(database, clock=lambda: clock[0])
    mailbox.post("old", key="1", sender="user", body="[]")
    mailbox.post("busy", key="1", sender="user", body="[]")
    clock[0] = NOW + timedelta(hours=30)
    mailbox.post("busy", key="2", sender="user", body="[]")  # its newest message is recent
    mailbox.post("gone", key="1", sender="user", body="[]")
    assert mailbox.purge_idle(before=NOW + timedelta(hours=6)) == 1
    assert mailbox.letters("old", after=0, limit=5) == []
    assert len(mailbox.letters("busy", after=0, limit=5)) == 2
    assert mailbox.erase("gone") == 1 and mailbox.letters("gone", after=0, limit=5) == []


@pytest.mark.postgres
def test_postgresql_tells_listeners_of_each_message_at_commit(postgres_url: str) -> None:
    database = Database(postgres_url, upgrade=True)
    try:
        mailbox = SqlMailbox(database)
        heard: list[str | None] = []
        connected, arrived, stop = threading.Event(), threading.Event(), threading.Event()

        def hear(conversation: str | None) -> None:
            heard.append(conversation)
            (arrived if conversation else connected).set()

        listener = threading.Thread(target=mailbox.listen, args=(hear, stop), daemon=True)
        listener.start()
        assert connected.wait(10)
        mailbox.post("told", key="1", sender="user", body="[]")
        assert arrived.wait(10)
        stop.set()
        listener.join(10)
        # NOTIFY is the database's, not the schema's: tests running beside this one, each in
        # a schema of its own, are heard too.
        assert [conversation for conversation in heard if conversation in (None, "told")] == [
            None,
            "told",
        ]
    finally:
        database.dispose()


def test_a_reused_parcel_id_still_gives_each_reply_a_key_of_its_own(database: Database) -> None:
    """The web chat keeps a reply once per key: SQLite gives a forgotten parcel's id to the next
    parcel, and the same reply again (the menu, say) must still be a new message."""
    from bot.courier import reply_key
    from bot.messages import Reply

    store = SqlConversationStore(database, lease=timedelta(0))  # claimable at once
    again = Reply("What is your question about?")
    with store.transaction("webchat:k") as transaction:
        first = transaction.enqueue("webchat", "k", (again,))
    store.acknowledge([first.id])
    with store.transaction("webchat:k") as transaction:
        second = transaction.enqueue("webchat", "k", (again,))
    [claimed] = store.claim_parcels(["webchat"], limit=5)  # read back, as a pump does
    assert claimed.id == second.id
    assert reply_key(first, 0, again) != reply_key(second, 0, again)
    assert reply_key(second, 0, again) == reply_key(claimed, 0, again)  # on every attempt
