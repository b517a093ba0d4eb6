"""Transcripts through the real Telegram adapter: `mynumber-bot replay --channel telegram`.

The whole path is real: the PTB application long-polls a stand-in Bot API server on 127.0.0.1
over HTTP, each turn is an update the stand-in serves, and what the bot said is read back from
the ``sendMessage`` calls it recorded (HTML turned back into the text users read, inline
keyboards into buttons). :class:`Rig` does this inside a running event loop (the tests use it
so); :class:`TelegramDriver` runs a rig in a background thread for the synchronous replay.
Both run the channel's own session (:class:`adapters.telegram.channel.TelegramSession`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from adapters.bootstrap import NoCounters
from adapters.telegram.app import Context
from adapters.telegram.channel import API_URL, CHANNEL, NAME, RATE, TOKEN, TelegramSession
from adapters.telegram.outbound import from_html
from bot.channel import Bot
from bot.clock import Clock, wall_clock
from bot.courier import Courier, courier_for
from bot.messages import Button, Reply
from bot.runner import TurnRunner
from bot.service import BotService
from bot.settings import Settings
from testkit.replay import Meanwhile
from testkit.telegram.stand_in import Call, StandIn
from testkit.telegram.updates import callback_update, message_update

TIMEOUT = 30.0  # seconds for a turn: milliseconds, unless a 429 is being waited out
_AFTER_EVERYTHING = 1_000_000  # a handler group that runs after the adapter's, per update


class Rig:
    """The channel polling a stand-in, in the running event loop: :meth:`deliver` an update and
    get the Bot API calls the channel made for it, once it has finished with it."""

    def __init__(self, stand_in: StandIn, session: TelegramSession) -> None:
        self.stand_in = stand_in
        self.session = session
        self._waiting: dict[int, asyncio.Future[None]] = {}

    @classmethod
    @contextlib.asynccontextmanager
    async def running(
        cls,
        service: BotService,
        *,
        clock: Clock = wall_clock,
        stand_in: StandIn | None = None,
        courier: Courier | None = None,
        threads: int = 0,
        rate: float = 0.0,
    ) -> AsyncIterator[Rig]:
        """Start a stand-in (unless given one already running) and the channel against it, as
        `mynumber-bot telegram` runs it (its commands registered, then long polling), with a
        courier of the service's store (unless given one, started by its owner). ``threads``:
        the turn runner's; ``rate``: the flood limit (none against a stand-in by default)."""
        own = stand_in is None
        stand_in = stand_in or StandIn()
        if own:
            await stand_in.start()
        own_courier = courier is None
        courier = courier or courier_for(service, conversation_clock=clock)
        runner = TurnRunner(service, courier, threads=threads)
        bot = Bot(service, courier, runner, None, NoCounters())
        settings = Settings(
            {TOKEN.name: stand_in.token, API_URL.name: stand_in.url, RATE.name: rate}
        )
        await CHANNEL.prepare(bot, settings, alone=True)
        session = TelegramSession(bot, settings, polling=True, clock=clock)
        rig = cls(stand_in, session)
        session.application.add_handler(TypeHandler(Update, rig._handled), group=_AFTER_EVERYTHING)
        if own_courier:
            courier.start()
        try:
            await session.start()
            for name, sender in session.senders().items():
                courier.route(name, sender)
            try:
                yield rig
            finally:
                courier.unroute(NAME)
                await session.stop()
        finally:
            runner.close()
            if own_courier:
                courier.close()
            if own:
                await stand_in.stop()

    async def deliver(self, *updates: dict[str, Any]) -> list[Call]:
        """Serve ``updates`` at once; wait until the adapter has finished with every one."""
        before = len(self.stand_in.calls)
        loop = asyncio.get_running_loop()
        waiting = [self._waiting.setdefault(u["update_id"], loop.create_future()) for u in updates]
        for update in updates:
            self.stand_in.push(update)
        await asyncio.wait_for(asyncio.gather(*waiting), TIMEOUT)
        return self.stand_in.calls[before:]

    async def _handled(self, update: object, _context: Context) -> None:
        """Runs after the adapter's handler (and its error handler) finished the update."""
        done = self._waiting.pop(getattr(update, "update_id", -1), None)
        if done is not None and not done.done():
            done.set_result(None)


class TelegramDriver:
    """The replay's driver: each turn an update through a rig, the replies read back; its
    courier is pumped by :meth:`wait` only, on the transcript's clock."""

    def __init__(self, loop: asyncio.AbstractEventLoop, service: BotService) -> None:
        self.loop = loop
        self.rig: Rig | None = None
        self.at = wall_clock()
        self.courier = courier_for(service, conversation_clock=self.now)
        self.meanwhile = Meanwhile(service.store, self.courier)
        # Ids unlike those of an earlier replay on the same database: it remembers deliveries.
        start = time.time_ns() // 1000
        self._update_ids = itertools.count(start)
        self._next_chat = itertools.count(start)
        self._chats: dict[str, int] = {}

    @classmethod
    @contextlib.contextmanager
    def running(cls, app: Bot) -> Iterator[TelegramDriver]:
        """A rig on ``app``'s service, in a background thread, for the block."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="telegram-replay", daemon=True)
        thread.start()
        driver = cls(loop, app.service)
        ready, stop = threading.Event(), asyncio.Event()

        async def run() -> None:
            # No flood limit against a stand-in: it would only slow the replay down. Turns on the
            # loop, as `mynumber-bot telegram` runs them on SQLite.
            rig = Rig.running(app.service, clock=driver.now, courier=driver.courier)
            async with rig as driver.rig:
                ready.set()
                await stop.wait()

        runner = asyncio.run_coroutine_threadsafe(run(), loop)
        try:
            while not ready.wait(0.05):
                if runner.done():
                    runner.result()  # it failed to start: say why
            yield driver
        finally:
            loop.call_soon_threadsafe(stop.set)
            with contextlib.suppress(Exception):
                runner.result(TIMEOUT)
            driver.courier.close()
            loop.call_soon_threadsafe(loop.stop)
            thread.join(TIMEOUT)
            loop.close()

    def now(self) -> datetime:
        """The adapter's clock: the time of the turn being replayed."""
        return self.at

    def send(
        self,
        *,
        conversation: str,
        at: datetime,
        locale: str | None,
        text: str | None = None,
        button: str | None = None,
    ) -> tuple[Reply, ...]:
        """One turn: a message, or with ``button`` a press of it, in the conversation's chat."""
        chat_id = self._chats.setdefault(conversation, next(self._next_chat))
        update_id = next(self._update_ids)
        if button is not None:
            update = callback_update(update_id, chat_id=chat_id, data=button, language_code=locale)
        else:
            update = message_update(update_id, chat_id=chat_id, text=text, language_code=locale)
        self.at = at
        assert self.rig is not None
        calls = asyncio.run_coroutine_threadsafe(self.rig.deliver(update), self.loop).result()
        return tuple(_reply(call) for call in calls if call.method == "sendMessage")

    def notes(self, conversation: str) -> list[str]:
        return self.meanwhile.notes(conversation)

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        """The messages the courier's pump sends the conversation's chat at ``at``."""
        assert self.rig is not None
        self.at = at
        before = len(self.rig.stand_in.calls)
        self.meanwhile.begin()
        self.courier.pump()  # here, off the loop: its sends run on the loop and are awaited
        chat_id = self._chats.get(conversation)
        calls = self.rig.stand_in.calls[before:]
        return tuple(
            _reply(call)
            for call in calls
            if call.method == "sendMessage" and call.params.get("chat_id") == chat_id
        )


def _reply(call: Call) -> Reply:
    markup: dict[str, Any] = call.params.get("reply_markup") or {}
    buttons = tuple(
        Button(label=button["text"], payload=button["callback_data"])
        for row in markup.get("inline_keyboard", ())
        for button in row
    )
    return Reply(text=from_html(call.params["text"]), buttons=buttons)


def running(bot: Bot) -> AbstractContextManager[TelegramDriver]:
    """This channel's replay (its ``replay_kit``): the driver, for the block."""
    return TelegramDriver.running(bot)
