"""Telegram to the engine and back, over python-telegram-bot: an update becomes an
:class:`~bot.messages.Event` for the turn runner, each reply a message (see ``outbound``).

A translator only: what to say is the engine's, how a turn runs the runner's. Reliability is
PTB's where PTB has it (flood limits and 429 retries in AIORateLimiter, getUpdates retried by
the Updater); a redelivered update is the service's to ignore (it remembers every update id it
answered).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram.inbound import conversation_key, read
from adapters.telegram.outbound import address, retrying, send_reply
from adapters.telegram.request import AiohttpRequest
from bot.messages import Event, Reply
from bot.runner import TurnRunner

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
_CONCURRENT_UPDATES = 256
_FLOOD_RETRIES = 3  # a 429 is retried after its retry_after, this many times

log = logging.getLogger(__name__)
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE


def build_application(
    runner: TurnRunner,
    *,
    token: str,
    api_url: str,
    clock: Callable[[], datetime],
    overall_max_rate: float,
    polling: bool,
) -> TelegramApp:
    """The bot as a PTB Application whose handlers hand each update to ``runner``.

    ``overall_max_rate``: messages a second for the whole bot (Telegram's limit; 0: none);
    ``polling``: with PTB's Updater (long polling), else updates come from a webhook route.
    """
    handlers = _Handlers(runner, clock)
    api_url = api_url.rstrip("/")
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(AIORateLimiter(overall_max_rate=overall_max_rate, max_retries=_FLOOD_RETRIES))
        .concurrent_updates(_CONCURRENT_UPDATES)
    )
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.on_message))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_error_handler(handlers.on_error)
    return application


class _Handlers:
    """PTB's handlers: each update an event for the runner, its replies sent to its chat."""

    def __init__(self, runner: TurnRunner, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.clock = clock

    async def on_message(self, update: Update, context: Context) -> None:
        message = update.message
        assert message is not None  # the handler's filter lets only new messages through
        addressed, text = read(message, context.bot.username, context.bot.id)
        if addressed:
            group = message.chat.type != ChatType.PRIVATE
            await self._turn(
                update, context, text=text, quote=message.message_id if group else None
            )

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        # Answered first, and always, so that the client stops its spinner; a query too old to
        # answer (a redelivery, say) is handled all the same.
        with suppress(BadRequest):
            await retrying(query.answer)
        if query.data is not None and update.effective_chat is not None:
            await self._turn(update, context, button=query.data)

    async def on_error(self, update: object, context: Context) -> None:
        """What failed outside a turn (the runner answers for those): logged by update id,
        never with what users typed."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("handling update %s failed", update_id, exc_info=context.error)

    async def _turn(
        self,
        update: Update,
        context: Context,
        *,
        text: str | None = None,
        button: str | None = None,
        quote: int | None = None,
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        event = Event(
            conversation=conversation_key(chat, user),
            at=self.clock(),
            text=text,
            button=button,
            locale=user.language_code if user else None,
            channel="telegram",
            user=str(user.id) if user else None,
            delivery_id=str(update.update_id),  # the service answers each update once
            address=address(chat.id, quote),
        )
        bot, first = context.bot, [True]

        async def send(to: str, reply: Reply, _key: str) -> None:
            quote, first[0] = first[0], False  # the first reply only answers the message
            await send_reply(bot, to, reply, quote=quote)

        await self.runner.arun(event, send)
