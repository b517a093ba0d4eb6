"""The engine's only door to storage: a store that opens one transaction per turn.

A turn's state and the inquiries it confirmed are written together, or not at all: a crash or
an unreachable database between the two can leave neither a sent inquiry without its state nor
a state that says "sent" without its inquiry.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Protocol

from bot.inquiry import InquiryDraft
from bot.messages import Reply
from bot.parcel import Parcel
from bot.reminders import ReminderBook, ReminderStore

LEASE = timedelta(seconds=60)  # a parcel's sender has this long before a pump may send it


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

    def enqueue(self, channel: str, address: str, replies: tuple[Reply, ...]) -> Parcel:
        """Put the turn's replies in the outbox, leased to the worker running the turn from
        the outbox's clock on; the parcel, as created."""
        ...

    def reminders(self, channel: str, address: str) -> ReminderBook:
        """The conversation's reminders; those added are delivered to ``address``."""
        ...


class Outbox(Protocol):
    """Replies committed and not yet accepted by their platform (see :mod:`bot.courier`)."""

    def now(self) -> datetime:
        """The outbox's clock (the wall clock, :mod:`bot.clock`): of every lease, every
        parcel's creation and age, whatever the conversations' clocks say."""
        ...

    def claim_parcels(self, channels: Sequence[str], *, limit: int) -> list[Parcel]:
        """Parcels of ``channels`` whose lease has run out, oldest first, leased anew to the
        caller: no other worker claims them meanwhile."""
        ...

    def renew(self, ids: Sequence[int]) -> None:
        """Extend the leases of parcels still being sent, from now."""
        ...

    def acknowledge(self, ids: Sequence[int]) -> None:
        """Forget parcels the platform accepted (or refused for good)."""
        ...

    def postpone(self, parcel: int, replies: tuple[Reply, ...], *, until: datetime) -> None:
        """Keep the parcel, with ``replies`` (those still unsent), for an attempt from ``until``
        (on the outbox's clock)."""
        ...


class ConversationStore(Outbox, ReminderStore, Protocol):
    def scrub(self) -> None:
        """Leave nothing deleted or overwritten in any file of the store (SQLite's write-ahead
        log keeps old pages until a checkpoint): called once a turn let go of what a user typed,
        before its reply is sent. Raises StorageUnavailable."""
        ...

    def interrupt(self, thread: int) -> None:
        """Make whatever ``thread`` waits for from the store fail now (a turn abandoned past
        its deadline: see :mod:`bot.guard`)."""
        ...

    def transaction(self, conversation: str) -> AbstractContextManager[Transaction]:
        """Commits when the block ends normally, rolls back when it raises.

        Raises:
            StorageUnavailable: the store cannot be reached, on entry or at commit.
            StorageConflict: a write clashed; nothing of the turn was kept.
        """
        ...
