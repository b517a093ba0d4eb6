"""Transcripts through the real LINE channel: `mynumber-bot replay --channel line`.

The whole path is real: the channel's session serves `POST /line/webhook` over HTTP (uvicorn
in a thread), each turn is a webhook event the stand-in LINE API signs and posts, and what the
bot said is read back from the messages the stand-in delivered (replies on reply tokens,
pushes with their retry keys), quick replies as buttons. :class:`LineRig` runs all of it for
a block (the tests use it too); :class:`LineDriver` plays transcript turns over a rig.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any

from adapters.bootstrap import NoCounters
from adapters.host import web_app
from adapters.line.channel import ACCESS_TOKEN, API_URL, NAME, PATH, SECRET, LineSession
from bot.channel import Bot, Counters
from bot.courier import Courier, courier_for
from bot.messages import Button, Reply
from bot.runner import TurnRunner
from bot.service import BotService
from bot.settings import Settings
from testkit.line.stand_in import SECRET as STAND_IN_SECRET
from testkit.line.stand_in import StandInLine
from testkit.replay import Completions, Meanwhile, TranscriptClock
from testkit.serving import serving_in_background

_ids = itertools.count(1)


class LineRig:
    """The stand-in LINE API (a loop in a thread of its own) and the channel's session over
    HTTP against it, with a courier of the service's store and the runner's completions."""

    def __init__(
        self, stand_in: StandInLine, url: str, courier: Courier, done: Completions
    ) -> None:
        self.stand_in = stand_in
        self.url = url + PATH
        self.courier = courier
        self.done = done

    @classmethod
    @contextmanager
    def running(
        cls,
        service: BotService,
        *,
        courier: Courier | None = None,
        counters: Counters | None = None,
        stand_in: StandInLine | None = None,
    ) -> Iterator[LineRig]:
        courier = courier or courier_for(service)
        done = Completions()
        runner = TurnRunner(service, courier, threads=1)
        runner.watch(done.finished)
        bot = Bot(service, courier, runner, None, counters or NoCounters())
        with stand_in_running(stand_in) as line:
            settings = Settings(
                {
                    SECRET.name: STAND_IN_SECRET,
                    ACCESS_TOKEN.name: line.token,
                    API_URL.name: line.url,
                }
            )
            session = LineSession(bot, settings)

            @asynccontextmanager
            async def lifespan(_app: object) -> AsyncIterator[None]:
                await session.start()
                courier.route(NAME, session.senders()[NAME])
                try:
                    yield
                finally:
                    courier.unroute(NAME)
                    await session.stop()

            asgi = web_app(session.routes, lifespan=lifespan)
            try:
                with serving_in_background(asgi, lifespan=True) as base:
                    yield cls(line, base, courier, done)
            finally:
                runner.close()

    def post(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Deliver ``event`` as LINE would; the messages the bot sent its chat for it."""
        to = event["source"].get("groupId") or event["source"]["userId"]
        mark = len(self.stand_in.messages_to(to))
        status = self.stand_in.webhook(self.url, [event])
        if status != 200:
            raise RuntimeError(f"{PATH} answered {status}")
        self.done.wait(event["webhookEventId"])
        return self.stand_in.messages_to(to)[mark:]


def user_of(conversation: str) -> str:
    return "U" + hashlib.sha256(conversation.encode()).hexdigest()[:32]


def event(
    user: str,
    at: datetime,
    *,
    text: str | None = None,
    data: str | None = None,
    reply_token: str | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """A webhook event as LINE sends it: a text message, a postback (``data``), or ``kind``
    (follow, unfollow...) from a user in a one-to-one chat."""
    number = next(_ids)
    base: dict[str, Any] = {
        "type": kind or ("postback" if data is not None else "message"),
        "mode": "active",
        "timestamp": round(at.timestamp() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"01J{number:023d}",
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token is not None:
        base["replyToken"] = reply_token
    if kind == "follow":
        base["follow"] = {"isUnblocked": False}
    if data is not None:
        base["postback"] = {"data": data}
    elif kind is None:
        base["message"] = {
            "type": "text",
            "id": f"m{number}",
            "text": text or "",
            "quoteToken": "q",
        }
    return base


def reply_of(message: dict[str, Any]) -> Reply:
    items = (message.get("quickReply") or {}).get("items", [])
    buttons = tuple(Button(i["action"]["label"], i["action"]["data"]) for i in items)
    return Reply(text=message.get("text", ""), buttons=buttons)


class LineDriver:
    """Transcript turns as webhook events; the courier is pumped by :meth:`wait` only, on the
    transcript's clock."""

    def __init__(self, rig: LineRig, meanwhile: Meanwhile, clock: TranscriptClock) -> None:
        self.rig = rig
        self.meanwhile = meanwhile
        self.clock = clock

    def send(
        self,
        *,
        conversation: str,
        at: datetime,
        locale: str | None,
        text: str | None = None,
        button: str | None = None,
    ) -> tuple[Reply, ...]:
        self.clock.at = at
        user = user_of(conversation)
        self.rig.stand_in.profiles[user] = locale
        token = self.rig.stand_in.reply_token(user)
        sent = self.rig.post(event(user, at, text=text, data=button, reply_token=token))
        return tuple(reply_of(message) for message in sent)

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        self.clock.at = at
        user = user_of(conversation)
        mark = len(self.rig.stand_in.messages_to(user))
        self.meanwhile.begin()
        self.rig.courier.pump()
        return tuple(reply_of(m) for m in self.rig.stand_in.messages_to(user)[mark:])

    def notes(self, conversation: str) -> list[str]:
        return self.meanwhile.notes(conversation)


@contextmanager
def _driver(bot: Bot) -> Iterator[LineDriver]:
    clock = TranscriptClock()
    courier = courier_for(bot.service, conversation_clock=clock)
    meanwhile = Meanwhile(bot.service.store, courier)
    try:
        with LineRig.running(bot.service, courier=courier) as rig:
            yield LineDriver(rig, meanwhile, clock)
    finally:
        courier.close()


def running(bot: Bot) -> AbstractContextManager[LineDriver]:
    """This channel's replay (its ``replay_kit``): the driver, for the block."""
    return _driver(bot)


@contextmanager
def stand_in_running(given: StandInLine | None = None) -> Iterator[StandInLine]:
    """``given`` (already started by the caller), or a stand-in on a loop of its own."""
    if given is not None:
        yield given
        return
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="line-stand-in", daemon=True)
    thread.start()
    line = StandInLine()
    asyncio.run_coroutine_threadsafe(line.start(), loop).result(timeout=10)
    try:
        yield line
    finally:
        asyncio.run_coroutine_threadsafe(line.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
