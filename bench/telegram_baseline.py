"""The benchmark's baseline: the lost-phone answer and the menu, written as a Telegram developer
would with python-telegram-bot alone: a ConversationHandler, default HTTPXRequest, updates
handled one after another (PTB's default), nothing persisted, the texts hard-coded.

It gives the same numbers in the same words as the bot does at 18:00 on a weekday, so that both
sides send messages of the same size; it knows nothing of hours, languages or typos.
"""

from __future__ import annotations

import warnings
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

MENU = 0
LOST_PHONE = (
    "Lost or stolen smartphone with your Individual Number Card's electronic certificate: "
    "call to suspend it temporarily.\n\n"
    "☎ <b>0120-0178-27</b> (toll-free)\n"
    "Individual Number Card line, incl. temporary suspension after loss or theft\n"
    "Open now, until 20:00 · English, 中文 (Chinese), 한국어 (Korean), Español (Spanish), "
    "Português (Portuguese)\n\n"
    "☎ <b>0570-064-738</b> (charged)\n"
    "Individual Number Card Call Center (nation-wide Navi-Dial)\n"
    "Open now, until 20:00 · English, 中文 (Chinese), 한국어 (Korean), Español (Spanish), "
    "Português (Portuguese)\n\n"
    "⚠ Calls to wrong numbers happen often. Please check the number before dialing.\n\n"
    "Times are Japan time.\n\nAnything else? Choose below, or type your question."
)
MENU_TEXT = (
    "What is your question about? Choose below, type its number, or describe it in your own words."
)
MENU_BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton(
                "Lost or stolen card, notice or notification card", callback_data="lost_card"
            )
        ],
        [InlineKeyboardButton("Lost or stolen smartphone", callback_data="lost_phone")],
        [InlineKeyboardButton("My Number Card", callback_data="card")],
        [InlineKeyboardButton("My Number (Individual Number) system", callback_data="mynumber")],
        [InlineKeyboardButton("Write an inquiry", callback_data="inquiry")],
    ]
)
AFTER_BUTTONS = InlineKeyboardMarkup([[InlineKeyboardButton("Main menu", callback_data="menu")]])


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
