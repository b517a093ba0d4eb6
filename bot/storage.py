"""The engine's only door to storage: a store that opens one transaction per turn.

A turn's state and the inquiries it confirmed are written together, or not at all: a crash or
an unreachable database between the two can leave neither a sent inquiry without its state nor
a state that says "sent" without its inquiry.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.inquiry import InquiryDraft
from bot.messages import Reply
from bot.parcel import Parcel, load_replies

LEASE = timedelta(seconds=60)  # a parcel's sender has this long before a pump may send it


class StorageUnavailable(RuntimeError):
    """The store cannot be reached now; raised by stores, handled by the service."""


class StorageConflict(RuntimeError):
    """The turn's writes clashed with data already stored (a drawn reference taken, another
    worker's write); the service runs the turn again."""


class Transaction(Protocol):
    """One conversation's storage for the length of one turn."""

    def claim(self, channel: str, delivery_id: str) -> bool:
        """Record that this turn handles the delivery; False when one already did."""
        ...

    def load(self) -> str | None:
        """The conversation's serialized state, or None for a new conversation."""
        ...

    def save(self, state: str) -> None: ...

    def delete(self) -> None: ...

    def add_inquiry(self, draft: InquiryDraft) -> bool:
        """Store a confirmed inquiry; False when that draft was stored before."""
        ...

    def enqueue(self, channel: str, address: str, replies: str) -> int:
        """Put the turn's replies (:func:`~bot.parcel.dump_replies`) in the outbox, leased to
        the worker running the turn; the parcel's id."""
        ...


class Outbox(Protocol):
    """Replies committed and not yet accepted by their platform (see :mod:`bot.courier`)."""

    def claim_parcels(self, channels: Sequence[str], *, now: datetime, limit: int) -> list[Parcel]:
        """Parcels of ``channels`` whose lease ran out by ``now``, oldest first, leased anew to
        the caller: no other worker claims them meanwhile."""
        ...

    def renew(self, ids: Sequence[int], *, now: datetime) -> None:
        """Extend the leases of parcels still being sent."""
        ...

    def acknowledge(self, ids: Sequence[int]) -> None:
        """Forget parcels the platform accepted (or refused for good)."""
        ...

    def postpone(self, parcel: int, replies: tuple[Reply, ...], *, until: datetime) -> None:
        """Keep the parcel, with ``replies`` (those still unsent), for an attempt from ``until``."""
        ...


class ConversationStore(Outbox, Protocol):
    def transaction(self, conversation: str) -> AbstractContextManager[Transaction]:
        """Commits when the block ends normally, rolls back when it raises.

        Raises:
            StorageUnavailable: the store cannot be reached, on entry or at commit.
            StorageConflict: a write clashed; nothing of the turn was kept.
        """
        ...


class MemoryStore:
    """A store that lives as long as the process: unit tests, and a bot with no database."""

    def __init__(self, *, lease: timedelta = LEASE) -> None:
        self.states: dict[str, str] = {}
        self.inquiries: dict[str, InquiryDraft] = {}
        self.deliveries: set[tuple[str, str]] = set()
        self.outbox: dict[int, tuple[Parcel, datetime]] = {}  # with each its lease's end
        self.lease = lease
        self._ids = itertools.count(1)

    @contextmanager
    def transaction(self, conversation: str) -> Iterator[_MemoryTransaction]:
        pending = _MemoryTransaction(self, conversation)
        yield pending
        pending.commit()

    def claim_parcels(self, channels: Sequence[str], *, now: datetime, limit: int) -> list[Parcel]:
        due = [
            parcel
            for parcel, until in self.outbox.values()
            if parcel.channel in channels and until <= now
        ][:limit]
        claimed = [replace(parcel, attempts=parcel.attempts + 1) for parcel in due]
        for parcel in claimed:
            self.outbox[parcel.id] = (parcel, now + self.lease)
        return claimed

    def renew(self, ids: Sequence[int], *, now: datetime) -> None:
        for parcel_id in ids:
            if parcel_id in self.outbox:
                self.outbox[parcel_id] = (self.outbox[parcel_id][0], now + self.lease)

    def acknowledge(self, ids: Sequence[int]) -> None:
        for parcel_id in ids:
            self.outbox.pop(parcel_id, None)

    def postpone(self, parcel: int, replies: tuple[Reply, ...], *, until: datetime) -> None:
        if parcel in self.outbox:
            self.outbox[parcel] = (replace(self.outbox[parcel][0], replies=replies), until)


class _MemoryTransaction:
    def __init__(self, store: MemoryStore, conversation: str) -> None:
        self.store = store
        self.conversation = conversation
        self.state: str | None = store.states.get(conversation)
        self.new_inquiries: list[InquiryDraft] = []
        self.claimed: set[tuple[str, str]] = set()
        self.parcels: list[Parcel] = []

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

    def enqueue(self, channel: str, address: str, replies: str) -> int:
        parcel = Parcel(
            next(self.store._ids), channel, address, load_replies(replies), datetime.now(UTC)
        )
        self.parcels.append(parcel)
        return parcel.id

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
