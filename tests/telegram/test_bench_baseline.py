"""The benchmark's baseline says what the bot says, at its moment: both sides send messages of
the same size, or the comparison would measure the texts (bench/telegram_baseline.py)."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup

from adapters.bootstrap import build_engine
from adapters.telegram.outbound import keyboard, to_html
from bench import telegram_baseline as baseline
from bot.messages import Event, Reply


def _answer(**said: str) -> Reply:
    event = Event(conversation="bench", at=baseline.AT, channel="telegram", locale="en", **said)
    (reply,) = build_engine().respond(event, None).replies
    return reply


def _labels(markup: InlineKeyboardMarkup | dict[str, object] | None) -> list[str]:
    rows = markup.to_dict() if isinstance(markup, InlineKeyboardMarkup) else markup
    assert isinstance(rows, dict)
    return [button["text"] for row in rows["inline_keyboard"] for button in row]  # type: ignore[index, union-attr]


@pytest.mark.parametrize(
    ("said", "text", "buttons"),
    [
        ({"text": "I lost my smartphone"}, baseline.LOST_PHONE, baseline.AFTER_BUTTONS),
        ({"button": "topic:lost_phone"}, baseline.LOST_PHONE, baseline.AFTER_BUTTONS),
        ({"text": "/start"}, baseline.MENU_TEXT, baseline.MENU_BUTTONS),
    ],
)
def test_the_baseline_says_what_the_bot_says(
    said: dict[str, str], text: str, buttons: InlineKeyboardMarkup
) -> None:
    reply = _answer(**said)
    assert to_html(reply.text, reply.phones) == text
    assert _labels(keyboard(reply.buttons)) == _labels(buttons)
