"""The web chat served in one worker: its routes, its sender into the mailbox, the thread that
hears of other workers' messages, and the purge of idle conversations.

Routes (all under ``/webchat/``): the demo page, ``widget.js``, ``widget.css`` and
``page.css``; ``welcome`` (the lost-card panel, in a language, as of now); ``messages`` (POST:
one message, see :mod:`adapters.webchat.posting`); ``events`` (the conversation's stream, see
:mod:`adapters.webchat.stream`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import timedelta
from functools import partial

from adapters.sql.database import Database
from adapters.sql.mailbox import SqlMailbox
from adapters.webchat.assets import demo_page, static_assets
from adapters.webchat.guard import Limits, Origins
from adapters.webchat.inbound import MAX_BODY, NAME, conversation_key, valid_id
from adapters.webchat.posting import Desk, json_answer
from adapters.webchat.settings import (
    ALLOWED_ORIGINS,
    KEEP_HOURS,
    PAGE,
    PER_ADDRESS,
    PER_CONVERSATION,
)
from adapters.webchat.stream import Waker, Watch, letters
from adapters.webchat.texts import Words, urgent
from bot.channel import Bot, HttpRequest, HttpResponse, Route
from bot.clock import Clock, wall_clock
from bot.courier import Sender
from bot.messages import Reply
from bot.parcel import dump_replies
from bot.settings import Settings
from common.errors import Refused

log = logging.getLogger(__name__)

STREAMS_PER_CONVERSATION = 4  # a tab, and a few duplicates of it
STREAMS_PER_ADDRESS = 200  # open streams from one address in one worker (a shared NAT)
PURGE_EVERY = 600.0  # seconds between purges of idle conversations
_THREADS = 8  # for the mailbox's reads and writes, off the event loop


class WebchatSession:
    """The web chat of one worker; ``clock``: of each turn (a replay's gives the transcript's
    time), while the mailbox keeps to the wall clock."""

    def __init__(self, bot: Bot, settings: Settings, *, clock: Clock = wall_clock) -> None:
        engine = bot.service.engine
        self.clock = clock
        self.renderer = engine.renderer
        self.mailbox = SqlMailbox(_database(bot))
        self.words = Words(engine.catalog.languages)
        self.origins = Origins(settings.get(ALLOWED_ORIGINS) or ())
        self.keep = timedelta(hours=settings.get(KEEP_HOURS) or 24.0)
        self.waker = Waker()
        self.watch = Watch(self.mailbox, self.waker)
        self.executor = ThreadPoolExecutor(_THREADS, thread_name_prefix="webchat")
        self.assets = static_assets(self.words, engine.renderer.knowledge)
        self.desk = Desk(
            runner=bot.runner,
            mailbox=self.mailbox,
            words=self.words,
            origins=self.origins,
            limits=Limits(
                conversation=settings.get(PER_CONVERSATION) or 0.0,
                address=settings.get(PER_ADDRESS) or 0.0,
            ),
            deliver=self.deliver,
            wake=self.waker.wake,
            written=engine.understanding.written_language,
            clock=clock,
            executor=self.executor,
        )
        self._open: Counter[str] = Counter()
        self._closing = False
        self._purging: asyncio.Task[None] | None = None
        get = ("GET",)
        self.routes: tuple[Route, ...] = (
            Route(PAGE, self._page, methods=get),
            *(Route(f"{PAGE}{name}", self._asset, methods=get) for name in self.assets),
            Route(f"{PAGE}welcome", self._welcome, methods=get),
            Route(f"{PAGE}messages", self.desk.handle, ("POST", "OPTIONS"), max_body=MAX_BODY),
            Route(f"{PAGE}events", self._events, methods=get),
        )

    async def start(self) -> None:
        self.waker.bind(asyncio.get_running_loop())
        self.watch.start()
        self._purging = asyncio.create_task(self._purge())

    def senders(self) -> Mapping[str, Sender]:
        return {NAME: self.deliver}

    def end_streams(self) -> None:
        """End every stream of this worker now (their browsers reconnect, perhaps elsewhere)."""
        self._closing = True
        self.waker.wake(None)

    async def stop(self) -> None:
        self.end_streams()
        if self._purging is not None:
            self._purging.cancel()
            with suppress(asyncio.CancelledError):
                await self._purging
        await asyncio.to_thread(self.watch.stop)
        self.executor.shutdown(wait=False)

    def deliver(self, address: str, reply: Reply, key: str) -> None:
        """Put one reply into the conversation's mailbox, once whatever the attempts: the key
        is the same on every one (the courier's sender; reminders come this way too)."""
        if not valid_id(address):
            raise Refused("not a web chat conversation")
        body = dump_replies((reply,))
        self.mailbox.post(
            address, key=f"bot:{key}", sender="bot", body=body, state_of=conversation_key(address)
        )
        self.waker.wake(address)

    async def _page(self, request: HttpRequest) -> HttpResponse:
        asked = request.query.get("lang")
        language = self.words.language(
            asked, self.words.accepted(request.headers.get("accept-language"))
        )
        return demo_page(self.words, language)

    async def _asset(self, request: HttpRequest) -> HttpResponse:
        return self.assets[request.path.rsplit("/", 1)[-1]].answer(request)

    async def _welcome(self, request: HttpRequest) -> HttpResponse:
        cors = self.origins.headers(request)
        if cors is None:
            return HttpResponse.error(403, "this page's origin may not use the web chat")
        language = self.words.language(request.query.get("lang"))
        panel = urgent(self.renderer, self.words, self.clock(), language)
        return json_answer({"lang": language, "urgent": panel}, 200, cors)

    async def _events(self, request: HttpRequest) -> HttpResponse:
        cors = self.origins.headers(request)
        if cors is None:
            return HttpResponse.error(403, "this page's origin may not use the web chat")
        conversation = request.query.get("conversation", "")
        if not valid_id(conversation):
            return HttpResponse.error(400, "no conversation named")
        address = request.client or "unknown"
        crowded = self.waker.streams(conversation) >= STREAMS_PER_CONVERSATION
        if crowded or self._open[address] >= STREAMS_PER_ADDRESS:
            return HttpResponse(429, b"", headers={**cors, "retry-after": "5"})
        after = _number(request.headers.get("last-event-id")) or _number(request.query.get("after"))
        stream = letters(
            self.mailbox,
            self.waker,
            conversation,
            after,
            executor=self.executor,
            closing=lambda: self._closing,
        )
        headers = {**cors, "cache-control": "no-store", "x-accel-buffering": "no"}
        return HttpResponse(
            200,
            content_type="text/event-stream",
            headers=headers,
            stream=self._counted(address, stream),
        )

    async def _counted(self, address: str, stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        self._open[address] += 1
        try:
            async for chunk in stream:
                yield chunk
        finally:
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _purge(self) -> None:
        """Erase the conversations idle for ``WEBCHAT_KEEP_HOURS``, in every worker (deleting
        twice deletes nothing more)."""
        loop = asyncio.get_running_loop()
        while True:
            before = self.mailbox.clock() - self.keep
            try:
                purge = partial(self.mailbox.purge_idle, before=before)
                erased = await loop.run_in_executor(self.executor, purge)
                if erased:
                    log.info("erased %d web chat messages of idle conversations", erased)
            except Exception:  # the next round tries again; the log says why
                log.exception("purging idle web chat conversations failed")
            await asyncio.sleep(PURGE_EVERY)


def _number(raw: str | None) -> int:
    return int(raw) if raw is not None and raw.isdigit() and len(raw) < 10 else 0


def _database(bot: Bot) -> Database:
    database = getattr(bot.service.store, "database", None)
    if not isinstance(database, Database):
        raise TypeError("the web chat keeps its mailbox in the bot's SQL database")
    return database
