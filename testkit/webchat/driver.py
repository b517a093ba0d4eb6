"""Transcripts through the web chat's real HTTP endpoints: `mynumber-bot replay --channel
webchat`.

Each turn is posted as the widget posts it (``POST /webchat/messages``, with a message id of
its own), and what the bot said is read back from the conversation's event stream, opened with
``Last-Event-ID`` after the last message read, as a reconnecting browser opens it. The stream
must show the user's own message once, then the replies. A ``wait:`` turn pumps the driver's
courier on the transcript's clock (reminders go into the mailbox through the channel's sender)
and reads the stream the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import httpx

from adapters.bootstrap import NoCounters
from adapters.webchat.settings import PER_ADDRESS, PER_CONVERSATION
from bot.channel import Bot
from bot.clock import wall_clock
from bot.courier import courier_for
from bot.messages import Button, Reply
from bot.runner import TurnRunner
from bot.service import BotService
from bot.settings import Settings
from testkit.replay import Meanwhile
from testkit.webchat.serving import caught_up, draw_id, post, serving

# A replay sends faster than any person: no rate limit (the tests check the limits).
UNLIMITED = Settings({PER_CONVERSATION.name: 0.0, PER_ADDRESS.name: 0.0})


class WebchatDriver:
    """The replay's driver (see the module's docstring); its courier is pumped by
    :meth:`wait` only, on the transcript's clock."""

    def __init__(self, service: BotService) -> None:
        self.at = wall_clock()
        self.courier = courier_for(service, conversation_clock=self.now)
        self.meanwhile = Meanwhile(service.store, self.courier)
        self.client: httpx.Client | None = None
        self._ids: dict[str, str] = {}  # transcript conversation -> web chat conversation
        self._read: dict[str, int] = {}  # web chat conversation -> last message read
        self._labels: dict[str, str] = {}  # button payload -> label, as last shown

    @classmethod
    @contextlib.contextmanager
    def running(cls, bot: Bot) -> Iterator[WebchatDriver]:
        driver = cls(bot.service)
        # Turns on the event loop, as `mynumber-bot webchat` runs them on SQLite.
        runner = TurnRunner(bot.service, driver.courier, threads=0)
        served_bot = Bot(bot.service, driver.courier, runner, None, NoCounters())
        try:
            with (
                serving(served_bot, UNLIMITED, clock=driver.now) as served,
                httpx.Client(base_url=served.url) as client,
            ):
                driver.client = client
                yield driver
        finally:
            runner.close()
            driver.courier.close()

    def now(self) -> datetime:
        """The channel's clock: the time of the turn being replayed."""
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
        self.at = at
        chat = self._ids.setdefault(conversation, draw_id())
        message: dict[str, Any] = {"id": draw_id(), "locale": locale}
        if button is not None:
            message |= {"button": button, "label": self._labels.get(button, button)}
        else:
            message["text"] = text
        assert self.client is not None
        answer = post(self.client, chat, **message)
        if answer.status_code != 200:
            raise AssertionError(f"the web chat answered {answer.status_code}: {answer.text}")
        data = answer.json()
        if data["forgotten"]:  # erased, mailbox and all: the widget starts a new conversation
            del self._ids[conversation]
            return self._replies(data["direct"])
        shown = self._new(chat)
        own = [m for m in shown if m["from"] == "user" and m["client"] == message["id"]]
        if len(own) != 1:
            raise AssertionError(f"the stream showed the user's message {len(own)} times")
        return self._replies(shown)

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        self.at = at
        self.meanwhile.begin()
        self.courier.pump()  # sends into the mailbox before it returns
        chat = self._ids.get(conversation)
        return self._replies(self._new(chat)) if chat is not None else ()

    def notes(self, conversation: str) -> list[str]:
        return self.meanwhile.notes(conversation)

    def _new(self, chat: str) -> list[dict[str, Any]]:
        assert self.client is not None
        shown = caught_up(self.client, chat, self._read.get(chat, 0))
        if shown:
            self._read[chat] = shown[-1]["seq"]
        return shown

    def _replies(self, shown: list[dict[str, Any]]) -> tuple[Reply, ...]:
        replies = []
        for message in shown:
            if message.get("from", "bot") != "bot":
                continue
            buttons = tuple(Button(b["label"], b["payload"]) for b in message["buttons"])
            self._labels.update((button.payload, button.label) for button in buttons)
            replies.append(Reply(text=message["text"], buttons=buttons))
        return tuple(replies)


def running(bot: Bot) -> AbstractContextManager[WebchatDriver]:
    """This channel's replay (its ``replay_kit``): the driver, for the block."""
    return WebchatDriver.running(bot)
