"""One turn for any channel, written once: answer the event, send the replies through the
courier, apologise when the bot itself failed.

Every channel hands its events here with its own way to send one reply; the runner does the
rest the same for all:

- **answer** with the service (off the event loop, in one thread of turns, or inline, as the
  channel's store allows: :class:`TurnThread`);
- **send** each reply inside the courier's delivery, so that what is not sent stays in the
  outbox for the pump, and a refusal for good (:class:`~common.errors.Refused`) is dropped;
- **apologise** in the user's language when the turn itself raised (the log gets the
  traceback and the delivery id, never what the user typed);
- **one turn at a time per conversation** on the async path (a chat's messages in order,
  chats concurrently).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from contextlib import suppress
from queue import SimpleQueue
from typing import Generic, TypeVar

from bot.catalog import FALLBACK, Catalog
from bot.courier import Courier, Sender, reply_key
from bot.language import catalog_language
from bot.messages import Event, Reply
from bot.service import Answer, BotService

log = logging.getLogger(__name__)
E = TypeVar("E")
R = TypeVar("R")
AsyncSender = Callable[[str, Reply, str], Awaitable[None]]
"""Sends one reply to an address (the reply's stable key third), on the event loop."""
BatchSender = Callable[[str, tuple[Reply, ...], tuple[str, ...]], Awaitable[None]]
"""Sends all of a turn's replies to an address in one call (platforms that answer a turn so:
LINE's reply token is good for one call), with their keys; all or none."""
_Job = tuple[E, asyncio.AbstractEventLoop, "asyncio.Future[R]"]


class TurnRunner:
    """Answers events and sends their replies (see the module's docstring).

    ``threads`` for the async path: 0 runs the service on the event loop (SQLite in a process
    of its own: a turn is a fraction of a millisecond of local I/O, and a thread of turns
    fought the loop for the GIL at each SQLite call), 1 in one thread of turns (SQLite shared
    with other processes: a turn waiting for the file's lock must not stall the loop), more in
    a pool of that many (PostgreSQL).
    """

    def __init__(self, service: BotService, courier: Courier, *, threads: int = 1) -> None:
        self.service = service
        self.courier = courier
        self.catalog: Catalog = service.engine.catalog
        self._threads = threads
        self._turns: TurnThread[Event, Answer] | None = None
        self._pool: list[TurnThread[Event, Answer]] = []
        self._next = 0
        self._watchers: list[Callable[[str], None]] = []
        # Weak: a conversation's lock lives only while one of its turns holds or awaits it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def run(self, event: Event, send: Sender) -> Answer:
        """A turn on this thread, its replies sent with ``send`` (synchronous channels)."""
        answer = self._answer(event)
        try:
            with self.courier.delivery(answer) as sent:
                for index, reply in enumerate(answer.replies):
                    send(event.address or "", reply, reply_key(answer.parcel, index, reply))
                    sent.one()
        except Exception:
            self._unsent(event, answer)
        finally:
            self.finished(event.delivery_id)
        return answer

    async def arun(self, event: Event, send: AsyncSender) -> Answer:
        """A turn from the event loop, after the conversation's turns before it."""
        async with self._locks.setdefault(event.conversation, asyncio.Lock()):
            answer = await self._aanswer(event)
            try:
                with self.courier.delivery(answer) as sent:
                    for index, reply in enumerate(answer.replies):
                        key = reply_key(answer.parcel, index, reply)
                        await send(event.address or "", reply, key)
                        sent.one()
            except Exception:
                self._unsent(event, answer)
            finally:
                self.finished(event.delivery_id)
            return answer

    async def arun_batch(self, event: Event, send: BatchSender) -> Answer:
        """:meth:`arun`, the replies sent in one call."""

        async with self._locks.setdefault(event.conversation, asyncio.Lock()):
            answer = await self._aanswer(event)
            keys = tuple(reply_key(answer.parcel, n, r) for n, r in enumerate(answer.replies))
            try:
                with self.courier.delivery(answer) as sent:
                    if answer.replies:
                        await send(event.address or "", answer.replies, keys)
                    sent.sent = len(answer.replies)
            except Exception:
                self._unsent(event, answer)
            finally:
                self.finished(event.delivery_id)
            return answer

    def watch(self, watcher: Callable[[str], None]) -> None:
        """Have ``watcher(delivery_id)`` called once each delivery has been fully handled
        (replies sent or failed): where a platform is acknowledged before the turn runs, the
        only point that says it is over (replay drivers and tests wait for it)."""
        self._watchers.append(watcher)

    def finished(self, delivery: str | None) -> None:
        """A delivery handled; channels call it too for what is not a turn (a staff button)."""
        if delivery is not None:
            for watcher in self._watchers:
                watcher(delivery)

    def close(self) -> None:
        """End the threads of turns once the turns queued have run."""
        for turns in (self._turns, *self._pool):
            if turns is not None:
                turns.close()

    def apology(self, locale: str | None) -> Reply:
        language = catalog_language(locale, self.catalog.languages) or FALLBACK
        return Reply(self.catalog.text(language, "error.apology"))

    def _answer(self, event: Event) -> Answer:
        try:
            return self.service.answer(event)
        except Exception:
            # Only here, for every channel: the user gets an apology, the log the traceback.
            log.exception("a %s turn failed (delivery %s)", event.channel, event.delivery_id)
            return Answer((self.apology(event.locale),))

    async def _aanswer(self, event: Event) -> Answer:
        if self._threads == 0:
            return self._answer(event)
        if self._threads == 1:
            if self._turns is None:
                self._turns = TurnThread(self._answer)
            return await self._turns(event)
        if not self._pool:
            self._pool = [TurnThread(self._answer) for _ in range(self._threads)]
        # One conversation's turns are serialized by its lock: any thread may take the next.
        self._next = (self._next + 1) % len(self._pool)
        return await self._pool[self._next](event)

    def _unsent(self, event: Event, answer: Answer) -> None:
        if answer.parcel is not None:
            # The outbox keeps what is unsent (or has dropped a refusal): its pump goes on.
            log.warning("sending a %s turn's replies failed; the outbox keeps them",
                        event.channel, exc_info=True)  # fmt: skip
        else:
            log.error("sending a %s turn's replies failed, with nothing kept to send again",
                      event.channel, exc_info=True)  # fmt: skip


class TurnThread(Generic[E, R]):
    """``await turns(event)`` runs ``handle(event)`` in a thread of its own, in order of
    arrival. Leaner per turn than ``run_in_executor``, whose Future, its chaining to an
    asyncio one and a loop wake-up cost 35 µs a turn: here a queue entry and one
    ``call_soon_threadsafe``."""

    def __init__(self, handle: Callable[[E], R], name: str = "turns") -> None:
        self._handle = handle
        self._jobs: SimpleQueue[_Job[E, R] | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    async def __call__(self, event: E) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._jobs.put((event, loop, future))
        return await future

    def close(self) -> None:
        """Let the thread end once the turns already queued have run."""
        self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            event, loop, future = job
            try:
                outcome: R | BaseException = self._handle(event)
            except Exception as exc:  # the awaiting caller's to raise
                outcome = exc
            with suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future[R], outcome: R | BaseException) -> None:
    if future.done():  # its caller was cancelled meanwhile
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
