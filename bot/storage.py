"""The engine's only door to storage: a conversation store interface and an in-memory one."""

from __future__ import annotations

from typing import Protocol


class StorageUnavailable(RuntimeError):
    """The store cannot be reached now; raised by stores, translated at the edges."""


class ConversationStore(Protocol):
    """Keeps each conversation's state (serialized) between turns."""

    def load(self, conversation: str) -> str | None: ...

    def save(self, conversation: str, state: str) -> None: ...

    def delete(self, conversation: str) -> None: ...


class MemoryStore:
    """A store that lives as long as the process: replay without --db, and unit tests."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def load(self, conversation: str) -> str | None:
        return self._states.get(conversation)

    def save(self, conversation: str, state: str) -> None:
        self._states[conversation] = state

    def delete(self, conversation: str) -> None:
        self._states.pop(conversation, None)
