"""The web chat served from a background thread for a test or a replay, and read as a browser
reads it: posts, and the event stream until it has caught up (``event: ready``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from adapters.host import web_app
from adapters.webchat.session import WebchatSession
from bot.channel import Bot
from bot.clock import Clock, wall_clock
from bot.settings import Settings
from testkit.serving import serving_in_background

TIMEOUT = 30.0  # seconds for a post (a turn) or a stream to catch up


@dataclass(frozen=True, slots=True)
class Served:
    url: str  # the server's base: http://127.0.0.1:PORT
    session: WebchatSession

    @property
    def page(self) -> str:
        return f"{self.url}/webchat/"


@contextmanager
def serving(bot: Bot, settings: Settings, *, clock: Clock = wall_clock) -> Iterator[Served]:
    """The web chat's routes on a free port of 127.0.0.1 for the block, its sender routed to
    ``bot``'s courier (which its owner starts and closes)."""
    session = WebchatSession(bot, settings, clock=clock)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await session.start()
        senders = session.senders()
        for name, sender in senders.items():
            bot.courier.route(name, sender)
        try:
            yield
        finally:
            for name in senders:
                bot.courier.unroute(name)
            await session.stop()

    with serving_in_background(web_app(session.routes, lifespan=lifespan), lifespan=True) as url:
        try:
            yield Served(url, session)
        finally:
            session.end_streams()  # the server waits for open streams before it stops


def draw_id() -> str:
    """An id as the widget draws one."""
    return secrets.token_urlsafe(16)


def post(client: httpx.Client, conversation: str, **message: Any) -> httpx.Response:
    """One message (``text=...``, or ``button=..., label=...``) with an id of its own unless
    one is given."""
    body = {"conversation": conversation, "id": message.pop("id", None) or draw_id(), **message}
    return client.post("/webchat/messages", json=body, timeout=TIMEOUT)


def caught_up(
    client: httpx.Client, conversation: str, after: int = 0, **headers: str
) -> list[dict[str, Any]]:
    """The messages a stream opened after message ``after`` (sent as ``Last-Event-ID``, as a
    reconnecting browser does) gives before it says it has caught up."""
    if after:
        headers = {"Last-Event-ID": str(after), **headers}
    params = {"conversation": conversation}
    found: list[dict[str, Any]] = []
    with client.stream(
        "GET", "/webchat/events", params=params, headers=headers, timeout=TIMEOUT
    ) as answer:
        answer.raise_for_status()
        for name, data in events(answer.iter_lines()):
            if name == "ready":
                return found
            if name == "message":
                found.append(json.loads(data))
    raise AssertionError("the stream ended before it caught up")


def events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """Server-sent events as (type, data), from the stream's lines."""
    name, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
