"""A conversation's state between turns, and its JSON form for storage."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

STATE_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationState:
    """Where a conversation stands: the flow and step, what is known, what was offered.

    ``slots`` hold what the user told (topic, phone language, ...); ``buttons`` the payloads of the
    last reply's buttons, so that typing an option's number means what the user saw; ``misses``
    counts answers in a row that could not be placed.
    """

    flow: str
    step: str
    awaiting: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    misses: int = 0
    locale: str | None = None
    buttons: tuple[str, ...] = ()
    last_answer: str | None = None

    def with_slots(self, **changes: str | None) -> ConversationState:
        """A copy with slots set (or removed, for None)."""
        slots = dict(self.slots)
        for name, value in changes.items():
            if value is None:
                slots.pop(name, None)
            else:
                slots[name] = value
        return replace(self, slots=slots)

    def to_json(self) -> str:
        return json.dumps({"version": STATE_VERSION, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        """Raises ValueError for a stored state this version cannot read."""
        data: dict[str, Any] = json.loads(text)
        if data.pop("version", None) != STATE_VERSION:
            raise ValueError("stored state has another version")
        try:
            state = cls(**data)
        except TypeError as exc:
            raise ValueError(f"stored state does not fit: {exc}") from exc
        if not isinstance(state.slots, dict) or not all(
            isinstance(value, str) for value in state.slots.values()
        ):
            raise ValueError("stored slots are not text")
        return replace(state, buttons=tuple(state.buttons))
