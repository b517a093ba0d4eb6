"""The engine's own message types: what a channel hands in, and what it gets back.

Every adapter translates its platform's update into an :class:`Event` and renders :class:`Reply`
objects; nothing platform-specific crosses this line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from knowledge.hours import Status

# JSON's `\ud800` escapes give Python strings half a character that no database, platform or
# UTF-8 encoder takes: in what users type it becomes the replacement character, at the door.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One inbound message or button press.

    ``conversation`` identifies the dialogue across turns (e.g. ``telegram:12345``); ``locale`` is
    the client's language setting when the platform tells it; ``at`` is the clock of the turn;
    ``address`` says where the replies go, in the channel's own terms: given, the replies are
    kept in the outbox with the turn's state until the channel has sent them. ``message_id``:
    the platform's id of the message, where it lets users take one back; ``unsent``: such an id
    taken back (no text, no button: what it gave is forgotten, and nothing is said).
    """

    conversation: str
    at: datetime
    text: str | None = None
    button: str | None = None
    locale: str | None = None
    channel: str = "console"
    user: str | None = None
    delivery_id: str | None = None
    address: str | None = None
    message_id: str | None = None
    unsent: str | None = None

    def __post_init__(self) -> None:
        if self.text is not None and not self.text.isascii():
            object.__setattr__(self, "text", _LONE_SURROGATE.sub("\ufffd", self.text))


@dataclass(frozen=True, slots=True)
class Button:
    """A choice the user can press; ``payload`` is short (under 64 bytes) and stable."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One status of a number, for the languages named (all of the line's when empty)."""

    text: str
    status: Status
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PhoneCard:
    """A phone number as given to the user, with everything rule 4 of DESIGN.md asks for;
    ``line``: its id in the knowledge."""

    number: str
    name: str
    charge: str
    statuses: tuple[StatusLine, ...]
    note: str | None = None
    line: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user. ``text`` is complete plain text (phone cards included), so a
    channel that renders nothing richer loses nothing; ``phones`` is the same content, structured.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    phones: tuple[PhoneCard, ...] = field(default=())

    def all_text(self) -> str:
        """The reply's words as transcripts see them: text, then button labels."""
        return "\n".join([self.text, *(button.label for button in self.buttons)])
