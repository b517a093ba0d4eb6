"""Builders for the Telegram tests: updates from a user, and reading what the bot sent."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.telegram.outbound import from_html
from testkit.telegram.stand_in import Call
from testkit.telegram.updates import callback_update, message_update

TOKYO = ZoneInfo("Asia/Tokyo")
AT = datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)  # a Wednesday morning: every line is open
CHAT = 4242
SUSPENSION_NUMBER = "0120-0178-27"
_update_ids = itertools.count(1)


def say(text: str | None, *, chat_id: int = CHAT, language_code: str = "en", **more: Any) -> dict:
    """A message from the user of ``chat_id`` (in a group, pass ``user_id`` and ``chat_type``)."""
    return message_update(
        next(_update_ids), chat_id=chat_id, text=text, language_code=language_code, **more
    )


def press(data: str, *, chat_id: int = CHAT, language_code: str = "en", **more: Any) -> dict:
    """A press of the inline button whose callback data is ``data``."""
    return callback_update(
        next(_update_ids), chat_id=chat_id, data=data, language_code=language_code, **more
    )


def sent(calls: list[Call]) -> list[Call]:
    """The messages that reached the chat (failed attempts left out)."""
    return [call for call in calls if call.method == "sendMessage" and call.result is not None]


def texts(calls: list[Call]) -> list[str]:
    """The sent messages' text as the user reads it."""
    return [from_html(call.params["text"]) for call in sent(calls)]


def buttons(call: Call) -> dict[str, str]:
    """The inline keyboard of a sent message: label -> callback data."""
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def methods(calls: list[Call]) -> list[str]:
    """The Bot API methods called, long polls left out."""
    return [call.method for call in calls if call.method != "getUpdates"]
