"""The engine's only door to storage: a store that opens one transaction per turn.

A turn's state and the inquiries it confirmed are written together, or not at all: a crash or
an unreachable database between the two can leave neither a sent inquiry without its state nor
a state that says "sent" without its inquiry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from bot.inquiry import InquiryDraft


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


class ConversationStore(Protocol):
    def transaction(self, conversation: str) -> AbstractContextManager[Transaction]:
        """Commits when the block ends normally, rolls back when it raises.

        Raises:
            StorageUnavailable: the store cannot be reached, on entry or at commit.
            StorageConflict: a write clashed; nothing of the turn was kept.
        """
        ...


class MemoryStore:
    """A store that lives as long as the process: unit tests, and a bot with no database."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.inquiries: dict[str, InquiryDraft] = {}
        self.deliveries: set[tuple[str, str]] = set()

    @contextmanager
    def transaction(self, conversation: str) -> Iterator[_MemoryTransaction]:
        pending = _MemoryTransaction(self, conversation)
        yield pending
        pending.commit()


class _MemoryTransaction:
    def __init__(self, store: MemoryStore, conversation: str) -> None:
        self.store = store
        self.conversation = conversation
        self.state: str | None = store.states.get(conversation)
        self.new_inquiries: list[InquiryDraft] = []
        self.claimed: set[tuple[str, str]] = set()

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

    def commit(self) -> None:
        if self.state is None:
            self.store.states.pop(self.conversation, None)
        else:
            self.store.states[self.conversation] = self.state
        for draft in self.new_inquiries:
            self.store.inquiries[draft.key] = draft
        self.store.deliveries |= self.claimed
