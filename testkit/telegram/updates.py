"""Bot API updates as Telegram sends them (JSON), for the stand-in server's users: the replay
driver, the tests and the benchmark. Commands and @mentions carry their entities, with offsets
in UTF-16 code units as the Bot API counts them."""

from __future__ import annotations

import re
import time
from typing import Any

from testkit.telegram.stand_in import BOT

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,}")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict[str, Any]]:
    found = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": _units(command.group())})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        offset = _units(text[: mention.start()])
        found.append({"type": "mention", "offset": offset, "length": _units(mention.group())})
    return found


def user(user_id: int, language_code: str | None = None) -> dict[str, Any]:
    """A Telegram user; ``language_code`` is the client's language, when it tells."""
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
    if language_code:
        person["language_code"] = language_code
    return person


def chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    """A chat: ``private``, or ``group``/``supergroup`` (negative ids, as on Telegram)."""
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
    return {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}


def message_update(
    update_id: int,
    *,
    chat_id: int,
    text: str | None,
    user_id: int | None = None,
    language_code: str | None = None,
    chat_type: str = "private",
    message_id: int = 1,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message update; ``text`` None is a message without text (a dice, say);
    ``reply_to`` is the message it replies to (e.g. one the bot sent)."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat(chat_id, chat_type),
        "from": user(user_id or chat_id, language_code),
    }
    if text is None:
        message["dice"] = {"emoji": "🎲", "value": 3}
    else:
        message["text"] = text
        if entities := _entities(text):
            message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": update_id, "message": message}


def callback_update(
    update_id: int,
    *,
    chat_id: int,
    data: str,
    user_id: int | None = None,
    language_code: str | None = None,
    chat_type: str = "private",
    message_id: int = 1,
) -> dict[str, Any]:
    """A press of an inline keyboard button carrying ``data``, on the bot's message."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}",
            "from": user(user_id or chat_id, language_code),
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat(chat_id, chat_type),
                "from": BOT,
                "text": "…",
            },
        },
    }
