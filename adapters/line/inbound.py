"""What a LINE webhook event says to the engine: whose conversation, what was typed or pressed,
where the replies go; and the signature that must come first.

The signature is checked on the raw bytes before anything is parsed (a request without it, or
with another, is refused and nothing is read further); events LINE holds for another channel
(``mode: standby``), those of a kind the bot does not answer (join, leave...) and group
messages that do not mention the bot give no event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from linebot.v3.webhooks import (
    Event as LineEvent,
)
from linebot.v3.webhooks import (
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnsendEvent,
    UserSource,
)

from adapters.line.outbound import address
from bot.messages import Event

CHANNEL = "line"


def signed(secret: str, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is the base64 HMAC-SHA256 of the raw ``body`` with ``secret``."""
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(digest, signature.encode("latin-1", "replace"))


def chat_of(event: LineEvent) -> tuple[str, str | None] | None:
    """The chat (user, group or room id) and the user in it, or None without a source."""
    source = event.source
    if source is None:
        return None
    chat = getattr(source, "group_id", None) or getattr(source, "room_id", None)
    user = getattr(source, "user_id", None)
    return (chat, user) if chat else (user, user) if user else None


def one_to_one(event: LineEvent) -> bool:
    return isinstance(event.source, UserSource)


def to_event(event: LineEvent, locale: str | None) -> Event | None:
    """The engine's event for ``event``, or None for what the bot does not answer."""
    chat = chat_of(event)
    if chat is None or event.mode != "active":  # standby: another channel answers it
        return None
    to, user = chat
    text = button = unsent = message_id = None
    if isinstance(event, MessageEvent):
        message_id = event.message.id
        if isinstance(event.message, TextMessageContent):
            text = event.message.text
        if not one_to_one(event) and not _mentions_the_bot(event.message):
            return None
    elif isinstance(event, PostbackEvent):
        button = event.postback.data
    elif isinstance(event, UnsendEvent):
        unsent = event.unsend.message_id
    elif not isinstance(event, FollowEvent):  # a follow is greeted as a first message
        return None
    return Event(
        conversation=f"{CHANNEL}:{to}" if to == user else f"{CHANNEL}:{to}:{user}",
        at=datetime.fromtimestamp(event.timestamp / 1000, UTC),
        text=text,
        button=button,
        locale=locale,
        channel=CHANNEL,
        user=user,
        delivery_id=event.webhook_event_id,  # claimed in the turn: never answered twice
        address=address(to, getattr(event, "reply_token", None)),
        message_id=message_id,
        unsent=unsent,
    )


def _mentions_the_bot(message: object) -> bool:
    mention = getattr(message, "mention", None)
    return any(getattr(m, "is_self", False) for m in getattr(mention, "mentionees", None) or ())
