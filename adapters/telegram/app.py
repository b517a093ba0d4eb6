"""Telegram to the engine and back, over python-telegram-bot: an update becomes an
:class:`~bot.messages.Event`, each :class:`~bot.messages.Reply` a message (see ``outbound``).

A translator only: what to say is the engine's. Reliability is PTB's where PTB has it (flood
limits and 429 retries in AIORateLimiter, getUpdates retried by the Updater) and this module's
where it has none: a chat's updates handled one at a time while chats run concurrently, sends
retried after network errors, and an apology from the error handler when a turn fails. A
redelivered update is the service's to ignore: it remembers every update id it answered. The
replies of a turn are committed to the outbox with it and sent through the :class:`Courier`,
whose pump sends them from any worker when this one could not.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ChatType, FloodLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from adapters.telegram.inbound import conversation_key, read
from adapters.telegram.outbound import (
    REFUSALS,
    address,
    pump_sender,
    quiet_send_advice,
    retrying,
    send_reply,
)
from adapters.telegram.request import AiohttpRequest
from adapters.telegram.turns import TurnThread
from bot.catalog import FALLBACK
from bot.courier import Courier
from bot.messages import Event
from bot.service import Answer, BotService

API_URL = "https://api.telegram.org"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# The client's command menu: each command with the catalog key of its description.
COMMANDS = {
    "start": "command.menu",
    "help": "command.help",
    "cancel": "command.cancel",
    "forget": "command.forget",
    "language": "command.language",
    "hours": "command.hours",
    "reminders": "command.reminders",
}
_CONCURRENT_UPDATES = 256
_FLOOD_RETRIES = 3  # a 429 is retried after its retry_after, this many times

log = logging.getLogger(__name__)
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE


def build_application(
    service: BotService,
    *,
    courier: Courier,
    token: str,
    api_url: str = API_URL,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    request: BaseRequest | None = None,
    overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
    turn_threads: int | None = None,
) -> TelegramApp:
    """The bot as a PTB Application, to run with ``run_polling`` or ``run_webhook`` (or
    :func:`adapters.telegram.replay_driver.polling` inside a running event loop).

    Args:
        courier: sends the replies (the application routes Telegram's parcels to it once
            running; its owner starts and closes it).
        api_url: the Bot API's base (``TELEGRAM_API_URL``); tests give a stand-in's.
        clock: the time of each turn; the replay driver gives the transcript's.
        request: PTB's request layer for Bot API calls (default: :class:`AiohttpRequest`).
        overall_max_rate: messages a second for the whole bot (Telegram's limit; 0: none).
        turn_threads: threads that run the (synchronous) service; None: asyncio.to_thread's;
            0: none, the turns run on the event loop. With SQLite in a process of its own give
            0: a turn is a fraction of a millisecond of local I/O, and its writes queue for one
            lock anyway, while a thread of turns fought the loop for the GIL at each of SQLite's
            calls (``python -m bench.telegram_bench``: 0.2 ms of CPU an update more, 20% less
            throughput). Where other processes write to the same file all the time (``serve
            --workers``), give 1: a turn waiting in SQLite's busy handler would stall the loop.
    """
    adapter = _Adapter(service, courier, clock, turn_threads)
    quiet_send_advice()
    api_url = api_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .request(request or AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(AIORateLimiter(overall_max_rate=overall_max_rate, max_retries=_FLOOD_RETRIES))
        .concurrent_updates(_CONCURRENT_UPDATES)
        .post_init(adapter.register_commands)
        .post_shutdown(adapter.close)
        .build()
    )
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, adapter.on_message))
    application.add_handler(CallbackQueryHandler(adapter.on_button))
    application.add_error_handler(adapter.on_error)
    return application


def route_parcels(application: TelegramApp, courier: Courier) -> None:
    """Have ``courier`` pump Telegram's parcels through ``application``, on the running loop
    (where the application runs): ``run_polling`` and ``run_webhook`` do so through post_init,
    a server that initializes the application itself calls this."""
    courier.route("telegram", pump_sender(application.bot, asyncio.get_running_loop()))


class _Adapter:
    """What the handlers share: the service, the courier, the clock, and a lock per chat."""

    def __init__(
        self,
        service: BotService,
        courier: Courier,
        clock: Callable[[], datetime],
        threads: int | None,
    ) -> None:
        self.service = service
        self.courier = courier
        self.clock = clock
        # One thread: TurnThread, leaner per turn than an executor; more: a pool of them.
        self.inline = threads == 0
        self.turns: TurnThread[Event, Answer] | None = None
        self.threads: ThreadPoolExecutor | None = None
        if threads == 1:
            self.turns = TurnThread(service.answer)
        elif threads:
            self.threads = ThreadPoolExecutor(threads, "telegram-turn")
        self.catalog = service.engine.catalog
        # Weak: a chat's lock lives only while one of its updates holds or awaits it.
        self.locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def register_commands(self, application: TelegramApp) -> None:
        """The command menu, described in each catalog language (English for the others); and
        from now on, the outbox's Telegram parcels go out through this application."""
        route_parcels(application, self.courier)
        for language in self.catalog.languages:
            commands = [
                BotCommand(name, self.catalog.text(language, key)) for name, key in COMMANDS.items()
            ]
            code = None if language == FALLBACK else language
            try:
                await retrying(
                    partial(application.bot.set_my_commands, commands, language_code=code)
                )
            except TelegramError:
                # A menu is a convenience: the bot answers typed commands without one.
                log.warning("could not register the command menu for %s", code or "everyone")

    async def close(self, _application: TelegramApp) -> None:
        # The pump's sends run on this application's loop, which is ending: no more of them.
        self.courier.unroute("telegram")
        if self.turns is not None:
            self.turns.close()
        if self.threads is not None:
            self.threads.shutdown(wait=False)

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
        """Log the failure (by update id: nothing users type is logged) and apologise."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("handling update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        language = (user.language_code if user and user.language_code else FALLBACK).split("-")[0]
        with suppress(TelegramError):  # Telegram unreachable: nothing more to do here
            apology = self.catalog.text(language.lower(), "error.apology")
            await context.bot.send_message(update.effective_chat.id, apology)

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
        async with self.locks.setdefault(chat.id, asyncio.Lock()):
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
            # The service is synchronous (SQLAlchemy): off the event loop, unless told otherwise.
            if self.inline:
                answer = self.service.answer(event)
            elif self.turns is not None:
                answer = await self.turns(event)
            else:
                loop = asyncio.get_running_loop()
                answer = await loop.run_in_executor(self.threads, self.service.answer, event)
            try:
                with self.courier.delivery(answer, refusals=REFUSALS) as sent:
                    for reply in answer.replies:
                        await send_reply(context.bot, chat.id, reply, quote=quote)
                        sent.one()
                        quote = None
            except TelegramError:
                if answer.parcel is None:
                    raise  # nothing kept to send later: the error handler apologises
                # The outbox keeps what is unsent (or the chat refuses it for good): no apology
                # ahead of the answer itself.
                log.warning("sending update %s's replies failed", update.update_id, exc_info=True)
