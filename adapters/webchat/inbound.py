"""What the widget posts, read and checked at the door: one message of one conversation.

``{"conversation": ID, "id": ID, "text": "..."}`` or ``{"conversation": ID, "id": ID,
"button": PAYLOAD, "label": "..."}``, with the client's ``locale``. Both ids are the browser's own
random draws (22 characters of base64url: 132 bits): the conversation's lives in the tab's
sessionStorage once the widget is opened, the message's is drawn once per message and sent again
with every retry of it, so that a double click, a retry after a drop or a message typed offline
is one message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.channel import HttpRequest
from bot.messages import Event

NAME = "webchat"
# Characters: a long paste is still read and answered (the inquiry takes 2,000, and says so).
MAX_TEXT = 20_000
MAX_BODY = 256 * 1024  # bytes: MAX_TEXT in any script, even as \uXXXX escapes, and the rest
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_LOCALE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8}){0,3}")


class Unreadable(ValueError):
    """The body is not a message of the web chat; ``key``: the widget's words for why."""

    def __init__(self, reason: str, key: str = "refused") -> None:
        super().__init__(reason)
        self.key = key


@dataclass(frozen=True, slots=True)
class Message:
    conversation: str
    id: str
    text: str | None
    button: str | None
    label: str | None
    locale: str | None

    @property
    def shown(self) -> str:
        """What the transcript shows the user sent: the text, or the pressed button's label."""
        return self.text if self.text is not None else self.label or ""

    def event(self, at: datetime) -> Event:
        """The engine's event; the delivery id (claimed in the turn's transaction) is the
        message's own, so that a retried post is never answered twice."""
        return Event(
            conversation=conversation_key(self.conversation),
            at=at,
            text=self.text,
            button=self.button,
            locale=self.locale,
            channel=NAME,
            delivery_id=f"{self.conversation}:{self.id}",
            address=self.conversation,
        )


def conversation_key(conversation: str) -> str:
    return f"{NAME}:{conversation}"


def valid_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def read(request: HttpRequest) -> Message:
    """The posted message.

    Raises:
        Unreadable: not JSON, not an object, ids missing or malformed, no text or button, or
            a text over :data:`MAX_TEXT` characters (``key`` "too_long").
    """
    try:
        data = request.json()
    except ValueError:
        raise Unreadable("the body is not JSON") from None
    if not isinstance(data, dict):
        raise Unreadable("the body is not a JSON object")
    conversation, message = data.get("conversation"), data.get("id")
    if not (isinstance(conversation, str) and isinstance(message, str)):
        raise Unreadable("conversation and id must be given")
    if not (valid_id(conversation) and valid_id(message)):
        raise Unreadable("conversation and id must be 16-64 characters of A-Z a-z 0-9 _ -")
    text, button, label = data.get("text"), data.get("button"), data.get("label")
    locale = data.get("locale")
    if not (isinstance(locale, str) and _LOCALE.fullmatch(locale)):
        locale = None
    if isinstance(text, str) and button is None:
        if not text:  # blank is still a message: the bot never goes silent on it
            raise Unreadable("the text is empty")
        if len(text) > MAX_TEXT:
            raise Unreadable(f"the text is over {MAX_TEXT} characters", "too_long")
        return Message(conversation, message, text, None, None, locale)
    if isinstance(button, str) and text is None and 0 < len(button) <= 64:
        shown = label[:100] if isinstance(label, str) else None
        return Message(conversation, message, None, button, shown, locale)
    raise Unreadable("give a text, or a button with its label")
