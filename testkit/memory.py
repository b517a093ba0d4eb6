"""A store that lives as long as the process: unit tests, and a bot with no database."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

from bot.clock import Clock, wall_clock
from bot.inquiry import InquiryDraft
from bot.messages import Reply
from bot.parcel import Parcel
from bot.reminders import Decision, DueReminder, Reminder
from bot.storage import LEASE


class MemoryStore:
    """:class:`~bot.storage.ConversationStore` in dictionaries; a transaction's writes are
    applied when it ends without an exception; ``clock``: the outbox's."""

    def __init__(self, *, lease: timedelta = LEASE, clock: Clock = wall_clock) -> None:
        self.states: dict[str, str] = {}
        self.inquiries: dict[str, InquiryDraft] = {}
        self.deliveries: set[tuple[str, str]] = set()
        self.outbox: dict[int, tuple[Parcel, datetime]] = {}  # with each its lease's end
        self.reminders: dict[tuple[str, str], DueReminder] = {}  # by conversation and line
        self.lease = lease
        self.clock = clock
        self._ids = itertools.count(1)

    def now(self) -> datetime:
        return self.clock()

    def scrub(self) -> None:
        """Nothing outlives its deletion in memory."""

    def interrupt(self, thread: int) -> None:
        """Nothing in memory waits."""

    @contextmanager
    def transaction(self, conversation: str) -> Iterator[_MemoryTransaction]:
        pending = _MemoryTransaction(self, conversation)
        yield pending
        pending.commit()

    def claim_parcels(self, channels: Sequence[str], *, limit: int) -> list[Parcel]:
        now = self.now()
        due = [
            parcel
            for parcel, until in self.outbox.values()
            if parcel.channel in channels and until <= now
        ][:limit]
        claimed = [replace(parcel, attempts=parcel.attempts + 1) for parcel in due]
        for parcel in claimed:
            self.outbox[parcel.id] = (parcel, now + self.lease)
        return claimed

    def renew(self, ids: Sequence[int]) -> None:
        until = self.now() + self.lease
        for parcel_id in ids:
            if parcel_id in self.outbox:
                self.outbox[parcel_id] = (self.outbox[parcel_id][0], until)

    def acknowledge(self, ids: Sequence[int]) -> None:
        for parcel_id in ids:
            self.outbox.pop(parcel_id, None)

    def postpone(self, parcel: int, replies: tuple[Reply, ...], *, until: datetime) -> None:
        if parcel in self.outbox:
            self.outbox[parcel] = (replace(self.outbox[parcel][0], replies=replies), until)

    def reminders_of(self, conversation: str) -> list[Reminder]:
        return [due.reminder for (owner, _), due in self.reminders.items() if owner == conversation]

    def fire_due(
        self,
        channels: Sequence[str],
        *,
        now: datetime,
        limit: int,
        decide: Callable[[DueReminder], Decision],
    ) -> list[Parcel]:
        due = sorted(
            (kept for kept in self.reminders.values() if kept.channel in channels),
            key=lambda kept: kept.reminder.due_at,
        )
        parcels = []
        for kept in [kept for kept in due if kept.reminder.due_at <= now][:limit]:
            key = (kept.conversation, kept.reminder.line)
            decision = decide(kept)
            if isinstance(decision, datetime):
                self.reminders[key] = replace(
                    kept, reminder=replace(kept.reminder, due_at=decision)
                )
                continue
            del self.reminders[key]
            if not decision:
                continue
            created = self.now()  # due by the conversations' clock, created by the outbox's
            parcel = Parcel(next(self._ids), kept.channel, kept.address, decision, created)
            self.outbox[parcel.id] = (parcel, created + self.lease)
            parcels.append(parcel)
        return parcels


class _MemoryTransaction:
    def __init__(self, store: MemoryStore, conversation: str) -> None:
        self.store = store
        self.conversation = conversation
        self.state: str | None = store.states.get(conversation)
        self.new_inquiries: list[InquiryDraft] = []
        self.claimed: set[tuple[str, str]] = set()
        self.parcels: list[Parcel] = []
        self.book: _MemoryBook | None = None

    def claim(self, channel: str, delivery_id: str) -> bool:
        key = (channel, delivery_id)
        if key in self.store.deliveries or key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def load(self) -> str | None:
        return self.state

    def save(self, state: str) -> None:
        self.state = state

    def delete(self) -> None:
        self.state = None

    def add_inquiry(self, draft: InquiryDraft) -> bool:
        known = draft.key in self.store.inquiries or any(
            pending.key == draft.key for pending in self.new_inquiries
        )
        if not known:
            self.new_inquiries.append(draft)
        return not known

    def enqueue(self, channel: str, address: str, replies: tuple[Reply, ...]) -> Parcel:
        parcel = Parcel(next(self.store._ids), channel, address, replies, self.store.now())
        self.parcels.append(parcel)
        return parcel

    def reminders(self, channel: str, address: str) -> _MemoryBook:
        mine = {
            line: kept
            for (conversation, line), kept in self.store.reminders.items()
            if conversation == self.conversation
        }
        self.book = _MemoryBook(self, channel, address, mine)
        return self.book

    def commit(self) -> None:
        if self.state is None:
            self.store.states.pop(self.conversation, None)
        else:
            self.store.states[self.conversation] = self.state
        for draft in self.new_inquiries:
            self.store.inquiries[draft.key] = draft
        self.store.deliveries |= self.claimed
        for parcel in self.parcels:
            self.store.outbox[parcel.id] = (parcel, parcel.created_at + self.store.lease)
        if self.book is not None:
            kept = self.store.reminders
            for key in [key for key in kept if key[0] == self.conversation]:
                del kept[key]
            kept |= {(self.conversation, line): due for line, due in self.book.kept.items()}


class _MemoryBook:
    def __init__(
        self,
        transaction: _MemoryTransaction,
        channel: str,
        address: str,
        kept: dict[str, DueReminder],
    ) -> None:
        self.transaction = transaction
        self.channel = channel
        self.address = address
        self.kept = kept

    def pending(self) -> list[Reminder]:
        return [due.reminder for due in self.kept.values()]

    def add(self, reminder: Reminder) -> bool:
        if reminder.line in self.kept:
            return False
        conversation = self.transaction.conversation
        reminder_id = next(self.transaction.store._ids)
        self.kept[reminder.line] = DueReminder(
            reminder_id, conversation, self.channel, self.address, reminder
        )
        return True

    def cancel(self, line: str) -> bool:
        return self.kept.pop(line, None) is not None

    def clear(self) -> None:
        self.kept.clear()
