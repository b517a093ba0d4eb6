"""The benchmark's baseline: the lost-phone answer and the menu, written as a Telegram developer
would with python-telegram-bot alone: a ConversationHandler, default HTTPXRequest, updates
handled one after another (PTB's default), nothing persisted, the texts hard-coded.

It gives the same numbers in the same words, with the same buttons, as the bot does at ``AT``
(18:00 on a weekday), the moment both sides answer at, so that both send messages of the same
size (tests/telegram/test_bench_baseline.py keeps them so); it knows nothing of hours,
languages or typos.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

_LANGUAGES = "English, 中文 (Chinese), 한국어 (Korean), Español, Português"
_MORE_LANGUAGES = "Tiếng Việt, ภาษาไทย (Thai), Bahasa Indonesia, Tagalog, नेपाली (Nepali)"

MENU = 0
# The moment both sides answer at: a weekday evening, no holiday (Japan time).
AT = datetime(2026, 12, 2, 18, 0, tzinfo=timezone(timedelta(hours=9)))
LOST_PHONE = (
    "Lost or stolen smartphone with your Individual Number Card's electronic certificate: "
    "call to suspend it for now.\n\n"
    "☎ <b>0120-0178-27</b> (toll-free)\n"
    "Individual Number Card line, also to suspend a lost or stolen card\n"
    f"Open now, around the clock · {_LANGUAGES}\n"
    f"Closed now, opens 20:00 · {_MORE_LANGUAGES}\n\n"
    "☎ <b>0570-064-738</b> (charged)\n"
    "Individual Number Card Call Center (nation-wide Navi-Dial)\n"
    f"Open now, around the clock · {_LANGUAGES}\n"
    f"Closed now, opens 20:00 · {_MORE_LANGUAGES}\n\n"
    "☎ <b>050-3818-1250</b> (Free or charged: not stated)\n"
    "Individual Number Card Call Center, for IP phones that cannot call Navi-Dial\n"
    f"Open now, around the clock · {_LANGUAGES}\n"
    f"Closed now, opens 20:00 · {_MORE_LANGUAGES}\n\n"
    "Even from 20:00 to 8:29 the next morning, you can call to suspend the card after losing a "
    "smartphone.\n\n"
    "⚠ Calls to wrong numbers happen often. Please check the number before dialing.\n\n"
    "Times are Japan time.\n\nAnything else? Choose below, or type your question."
)
MENU_TEXT = (
    "What is your question about? Choose below, type its number, or write it in your own words."
)
MENU_BUTTONS = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton(label, callback_data=data)]
        for label, data in (
            ("Lost card or notice", "lost_card"),
            ("Lost smartphone", "lost_phone"),
            ("My Number Card", "card"),
            ("My Number system", "mynumber"),
            ("Application status", "status"),
            ("Health insurance", "health_insurance"),
            ("Bank account", "bank_account"),
            ("My Number Points", "points"),
            ("Write an inquiry", "inquiry"),
            ("My personal data", "privacy"),
            ("The reply e-mail", "reply_email"),
            ("Help in Japanese", "japanese"),
        )
    ]
)
AFTER_BUTTONS = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Main menu", callback_data="menu")],
        [InlineKeyboardButton("Other phone language", callback_data="phone_language")],
    ]
)


async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None
    await update.message.reply_text(MENU_TEXT, reply_markup=MENU_BUTTONS)
    return MENU


async def lost_phone(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None
    await update.message.reply_text(
        LOST_PHONE, parse_mode=ParseMode.HTML, reply_markup=AFTER_BUTTONS
    )
    return ConversationHandler.END


async def menu_choice(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
    query, message = update.callback_query, update.effective_message
    assert query is not None and message is not None
    await query.answer()
    if query.data == "lost_phone":
        await message.reply_text(LOST_PHONE, parse_mode=ParseMode.HTML, reply_markup=AFTER_BUTTONS)
        return ConversationHandler.END
    await message.reply_text(MENU_TEXT, reply_markup=MENU_BUTTONS)
    return MENU


async def cancel(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.message is not None
    await update.message.reply_text("Cancelled.")
    return ConversationHandler.END


def build_baseline(*, token: str, api_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """The baseline bot, against ``api_url``; not yet running."""
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    with warnings.catch_warnings():
        # PTB warns that per_message=False tracks callback queries per chat, not per
        # message: what this bot wants.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[
                CommandHandler("start", start),
                MessageHandler(filters.Regex("(?i)lost|stolen"), lost_phone),
            ],
            states={MENU: [CallbackQueryHandler(menu_choice)]},
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    application.add_handler(conversation)
    return application


@contextlib.asynccontextmanager
async def polling(
    application: Application[Any, Any, Any, Any, Any, Any], *, timeout: int = 10
) -> AsyncIterator[None]:
    """Long polling inside a running event loop, as ``run_polling`` does in a loop of its own,
    for as long as the block lasts."""
    async with application:
        await application.start()
        assert application.updater is not None  # built with PTB's default updater
        await application.updater.start_polling(poll_interval=0, timeout=timeout)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
