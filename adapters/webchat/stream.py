"""A conversation's messages as Server-Sent Events, from the mailbox, in any worker.

Each event's ``id`` is the message's number in its conversation: the browser's EventSource sends
the last one back as ``Last-Event-ID`` when it reconnects, and the stream goes on after it, so a
drop, a reload or another worker loses and doubles nothing. A stream first sends what is there
after that number, then an ``event: ready`` (the widget announces only what comes after it), then
each new message as it is committed, waking on this worker's own posts at once and on other
workers' through the database (PostgreSQL's NOTIFY, or a poll of SQLite's newest id). A stream
ends after :data:`LIFETIME` seconds and the browser reconnects, so that streams spread over the
workers again and a stopping worker is left within that time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

from adapters.sql.mailbox import Letter, SqlMailbox
from bot.parcel import load_replies
from common.errors import StorageUnavailable

log = logging.getLogger(__name__)

LIFETIME = 15.0  # seconds a stream lasts before the browser reconnects (with Last-Event-ID)
HEARTBEAT = 10.0  # seconds of quiet before a comment line keeps proxies from closing it
POLL = 0.25  # seconds between SQLite polls of the newest message
BATCH = 200  # messages read at a time
RETRY_MS = 1000  # the browser's wait before reconnecting


class Waker:
    """The streams of this worker waiting for their conversation's next message; ``wake`` may
    be called from any thread."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self, conversation: str) -> asyncio.Event:
        event = asyncio.Event()
        self._waiting.setdefault(conversation, set()).add(event)
        return event

    def unsubscribe(self, conversation: str, event: asyncio.Event) -> None:
        waiting = self._waiting.get(conversation)
        if waiting is not None:
            waiting.discard(event)
            if not waiting:
                del self._waiting[conversation]

    def streams(self, conversation: str | None = None) -> int:
        """How many streams wait (for ``conversation``, or for any)."""
        if conversation is not None:
            return len(self._waiting.get(conversation, ()))
        return sum(len(events) for events in self._waiting.values())

    def wake(self, conversation: str | None) -> None:
        """Wake the streams of ``conversation`` (None: every stream)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._set, conversation)

    def _set(self, conversation: str | None) -> None:
        if conversation is None:
            events = [event for group in self._waiting.values() for event in group]
        else:
            events = list(self._waiting.get(conversation, ()))
        for event in events:
            event.set()


class Watch:
    """A thread that hears of other workers' messages and wakes this worker's streams."""

    def __init__(self, mailbox: SqlMailbox, waker: Waker) -> None:
        self.mailbox = mailbox
        self.waker = waker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webchat-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.mailbox.notifies:
                    self.mailbox.listen(self.waker.wake, self._stop)
                else:
                    self._poll()
            except StorageUnavailable as exc:
                log.warning("the mailbox cannot be watched (%s); trying again", exc.reason)
                self.waker.wake(None)  # the streams read again, and end if it is still down
                self._stop.wait(2.0)

    def _poll(self) -> None:
        seen = self.mailbox.newest()
        while not self._stop.wait(POLL):
            seen, changed = self.mailbox.changed(seen)
            for conversation in changed:
                self.waker.wake(conversation)


def event(letter: Letter) -> bytes:
    """One message as an SSE event (its number as the id, JSON data)."""
    (reply,) = load_replies(letter.body)
    data: dict[str, Any] = {
        "seq": letter.seq,
        "from": letter.sender,
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
        "phones": sorted({card.number for card in reply.phones}),
        "lang": letter.lang,
        "client": letter.key.removeprefix("user:") if letter.sender == "user" else None,
    }
    return f"id: {letter.seq}\nevent: message\ndata: {_json(data)}\n\n".encode()


def ready(seq: int) -> bytes:
    return f"event: ready\ndata: {_json({'seq': seq})}\n\n".encode()


async def letters(
    mailbox: SqlMailbox,
    waker: Waker,
    conversation: str,
    after: int,
    *,
    executor: Executor,
    closing: Callable[[], bool],
) -> AsyncIterator[bytes]:
    """The stream of one conversation after message ``after`` (see the module's docstring)."""
    loop = asyncio.get_running_loop()
    woken = waker.subscribe(conversation)
    deadline = loop.time() + LIFETIME
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        announced = False
        while not closing():
            woken.clear()  # before reading: a message committed meanwhile wakes the wait below
            read = partial(mailbox.letters, conversation, after=after, limit=BATCH)
            found = await loop.run_in_executor(executor, read)
            for letter in found:
                yield event(letter)
                after = letter.seq
            if len(found) == BATCH:
                continue
            if not announced:
                yield ready(after)
                announced = True
            left = deadline - loop.time()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(woken.wait(), min(left, HEARTBEAT))
            except TimeoutError:
                yield b": still here\n\n"
    except StorageUnavailable:
        return  # the browser reconnects after its retry, perhaps to a worker that can read
    finally:
        waker.unsubscribe(conversation, woken)


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
