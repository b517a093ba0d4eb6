"""The synchronous service's turns, off the event loop, in one thread of their own.

With SQLite the bot runs its turns in one thread (``turn_threads=1``: its writes queue for one
lock anyway). Through ``run_in_executor`` each turn paid for a ``concurrent.futures.Future``
(a lock and a condition), its chaining to an asyncio future, and a wake-up of the loop: 35 µs
a turn, measured. Here a turn is a queue entry and one ``call_soon_threadsafe`` for its answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import suppress
from queue import SimpleQueue
from typing import Generic, TypeVar

E = TypeVar("E")
R = TypeVar("R")
_Job = tuple[E, asyncio.AbstractEventLoop, "asyncio.Future[R]"]


class TurnThread(Generic[E, R]):
    """``await turns(event)`` runs ``handle(event)`` in the thread, in order of arrival, and
    returns what it returned or raises what it raised."""

    def __init__(self, handle: Callable[[E], R], name: str = "telegram-turn") -> None:
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
                outcome: R | Exception = self._handle(event)
            except Exception as exc:  # the awaiting handler's to raise (and apologise for)
                outcome = exc
            with suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future[R], outcome: R | Exception) -> None:
    if future.done():  # its handler was cancelled meanwhile
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
