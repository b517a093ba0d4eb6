"""A conversation's state between turns, and its JSON form for storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot import jsontext

STATE_VERSION = 1
_SOURCE = ".message"  # the slot beside an input's slot that names the message it came from


def source_slot(slot: str) -> str:
    """Where the id of the message that filled ``slot`` is kept (channels that let users take
    a message back: its text must go with it)."""
    return slot + _SOURCE


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

    def forgetting(self, message_id: str) -> ConversationState | None:
        """A copy without what the message ``message_id`` gave, None when it gave nothing."""
        given = [
            name[: -len(_SOURCE)]
            for name, value in self.slots.items()
            if name.endswith(_SOURCE) and value == message_id
        ]
        if not given:
            return None
        return self.with_slots(**dict.fromkeys((*given, *map(source_slot, given))))

    def to_json(self) -> str:
        # Field by field rather than dataclasses.asdict, whose deep copy cost more than the rest
        # of the serialization.
        data = {"version": STATE_VERSION, **{name: getattr(self, name) for name in _FIELD_TYPES}}
        return jsontext.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        """Raises ValueError for a stored state this version cannot read, whatever is wrong."""
        try:
            data = jsontext.loads(text)
        except ValueError as exc:
            raise ValueError(f"stored state is not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.pop("version", None) != STATE_VERSION:
            raise ValueError("stored state has another version or shape")
        if set(data) - set(_FIELD_TYPES) or not {"flow", "step"} <= set(data):
            raise ValueError("stored state has other fields")
        for name, value in data.items():
            if not _FIELD_TYPES[name](value):
                raise ValueError(f"stored state field {name!r} has the wrong type")
        return cls(**{**data, "buttons": tuple(data.get("buttons", ()))})


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _optional_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


_FIELD_TYPES: dict[str, Callable[[Any], bool]] = {
    "flow": _text,
    "step": _text,
    "awaiting": _optional_text,
    "slots": _text_map,
    "misses": _count,
    "locale": _optional_text,
    "buttons": _texts,
    "last_answer": _optional_text,
}
