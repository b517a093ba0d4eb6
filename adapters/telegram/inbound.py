"""What a Telegram message says to the engine: whether the bot is addressed, the text to hand
in, and whose conversation it belongs to."""

from __future__ import annotations

from telegram import Chat, Message, MessageEntity, User
from telegram.constants import ChatType


def conversation_key(chat: Chat, user: User | None) -> str:
    """``telegram:<chat>``; in a group ``telegram:<chat>:<user>``, since each member there has
    a conversation of their own with the bot."""
    if chat.type == ChatType.PRIVATE or user is None:
        return f"telegram:{chat.id}"
    return f"telegram:{chat.id}:{user.id}"


def read(message: Message, username: str, bot_id: int) -> tuple[bool, str | None]:
    """Whether the bot is addressed, and the text for the engine.

    In a private chat the bot is always addressed; in a group, by a command (``/start`` or
    ``/start@ThisBot``, not ``/start@OtherBot``), an @mention, or a reply to one of its
    messages. A command reaches the engine as ``/name``, without ``@bot`` or arguments, which
    is how the engine knows its commands; a mention of the bot is left out of the text.
    """
    private = message.chat.type == ChatType.PRIVATE
    replied_to = message.reply_to_message.from_user if message.reply_to_message else None
    replied = replied_to is not None and replied_to.id == bot_id
    text = message.text
    if text is None:
        return private or replied, None  # a sticker, a photo: the engine says what it can take
    if not message.entities:  # most messages: plain text, nothing to look for
        return private or replied, text
    entities = message.parse_entities([MessageEntity.BOT_COMMAND, MessageEntity.MENTION])
    for entity, part in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name, _, target = part[1:].partition("@")
            return not target or target.casefold() == username.casefold(), f"/{name.lower()}"
    mention = f"@{username}".casefold()
    mentioned = False
    for entity, part in entities.items():
        if entity.type == MessageEntity.MENTION and part.casefold() == mention:
            text, mentioned = text.replace(part, " "), True
    if mentioned:
        text = " ".join(text.split())
    return private or replied or mentioned, text
