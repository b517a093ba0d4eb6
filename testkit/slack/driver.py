"""`replay --channel slack`: each transcript turn through the real Slack adapter.

The Bolt app is served over HTTP (uvicorn, a background thread) and talks to a stand-in Web API;
a turn is a signed request to ``/slack/events``, a DM event or a button press as Slack would
send it, and the replies are read back from the chat.postMessage calls the bot made for it.
Slack's acknowledgement comes before the turn runs, so the driver waits for the adapter's
``on_finished`` signal of that delivery, never for a fixed time.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
import time
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from adapters.bootstrap import NoCounters
from adapters.host import web_app
from adapters.slack.blocks import escape, unescape
from adapters.slack.channel import API_URL, NAME, SIGNING_SECRET, TOKEN, SlackSession
from adapters.slack.web import EVENTS_PATH
from bot.channel import Bot
from bot.clock import wall_clock
from bot.courier import courier_for
from bot.messages import Button, Reply
from bot.runner import TurnRunner
from bot.service import BotService
from bot.settings import Settings
from testkit.replay import Completions, Meanwhile
from testkit.serving import serving_in_background
from testkit.slack.stand_in import BOT_USER, TEAM, Call, StandInSlack

TURN_TIMEOUT = 30.0  # seconds; a turn takes milliseconds, this only bounds a hang
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def reply_of(call: Call) -> Reply:
    """The Reply a chat.postMessage (or response_url) call shows: sections as plain text,
    buttons as (label, value)."""
    blocks = call.params.get("blocks") or []
    text = "\n".join(unescape(b["text"]["text"]) for b in blocks if b["type"] == "section")
    buttons = tuple(
        Button(label=element["text"]["text"], payload=element["value"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    )
    return Reply(text=text, buttons=buttons)


class SlackDriver:
    """Sends transcript turns as signed Slack requests; see the module docstring."""

    def __init__(
        self, *, stand_in: StandInSlack, secret: str, done: Completions, service: BotService
    ) -> None:
        self.stand_in = stand_in
        self.url = ""  # once served
        self.signer = SignatureVerifier(secret)
        self.done = done
        self._ids = itertools.count(1)
        self.at = wall_clock()
        # Pumped by :meth:`wait` only, on the transcript's clock.
        self.courier = courier_for(service, conversation_clock=lambda: self.at)
        self.meanwhile = Meanwhile(service.store, self.courier)

    @classmethod
    @contextmanager
    def running(cls, app: Bot) -> Iterator[SlackDriver]:
        """The stand-in Web API and the channel's session over HTTP, both on 127.0.0.1, for
        the block."""
        stand_in = StandInSlack()
        secret = secrets.token_hex(16)
        done = Completions()
        with stand_in.running():
            driver = cls(stand_in=stand_in, secret=secret, done=done, service=app.service)
            runner = TurnRunner(app.service, driver.courier, threads=0)
            runner.watch(done.finished)
            bot = Bot(app.service, driver.courier, runner, app.inbox, NoCounters())
            settings = Settings(
                {
                    TOKEN.name: stand_in.token,
                    SIGNING_SECRET.name: secret,
                    API_URL.name: stand_in.api_url,
                }
            )
            session = SlackSession(bot, settings, socket_mode=False)
            driver.courier.route(NAME, session.senders()[NAME])
            try:
                with serving_in_background(web_app(session.routes)) as base:
                    driver.url = base + EVENTS_PATH
                    yield driver
            finally:
                driver.courier.close()

    def send(
        self,
        *,
        conversation: str,
        at: datetime,
        locale: str | None,
        text: str | None = None,
        button: str | None = None,
    ) -> tuple[Reply, ...]:
        """One turn: a DM (``text``) or a press of the button with payload ``button``."""
        self.at = at
        channel, user = _channel_and_user(conversation)
        self.stand_in.add_user(user, locale=locale)
        micros = round(at.timestamp() * 1_000_000)
        ts = f"{micros // 1_000_000}.{micros % 1_000_000:06d}"
        mark = self.stand_in.count()
        serial = next(self._ids)
        if button is None:
            delivery = f"Ev{serial:08d}"
            body = json.dumps(_dm_event(delivery, channel, user, ts, text or ""))
            content_type = "application/json"
        else:
            delivery = f"{serial}.{user}.trigger"
            payload = self._press(delivery, channel, user, ts, button)
            body = urlencode({"payload": json.dumps(payload)})
            content_type = "application/x-www-form-urlencoded"
        status = self.post(body, content_type)
        if status != 200:
            raise RuntimeError(f"/slack/events answered {status}")
        self.done.wait(delivery)
        return self._posted(channel, since=mark)

    def notes(self, conversation: str) -> list[str]:
        return self.meanwhile.notes(conversation)

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        """The messages the courier's pump posts in the conversation's DM at ``at``."""
        self.at = at
        mark = self.stand_in.count()
        self.meanwhile.begin()
        self.courier.pump()
        return self._posted(_channel_and_user(conversation)[0], since=mark)

    def _posted(self, channel: str, *, since: int) -> tuple[Reply, ...]:
        calls = self.stand_in.calls("chat.postMessage", since=since)
        return tuple(reply_of(call) for call in calls if call.params.get("channel") == channel)

    def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None) -> int:
        """POST ``body`` to /slack/events, signed now with the signing secret; the status."""
        timestamp = str(int(time.time()))
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=timestamp, body=body)
            or "",
            **(headers or {}),
        }
        request = urllib.request.Request(self.url, data=body.encode(), headers=signed)
        with urllib.request.urlopen(request, timeout=TURN_TIMEOUT) as response:
            return int(response.status)

    def _press(self, trigger: str, channel: str, user: str, ts: str, value: str) -> dict[str, Any]:
        # The press of the newest button with that payload in the channel, as Slack sends it.
        action_id, message = "choice-0", {"ts": ts, "blocks": []}
        for call in reversed(self.stand_in.calls("chat.postMessage")):
            if call.params.get("channel") != channel:
                continue
            blocks = call.params.get("blocks") or []
            found = [
                element["action_id"]
                for block in blocks
                if block["type"] == "actions"
                for element in block["elements"]
                if element.get("value") == value
            ]
            if found:
                action_id, message = found[0], {"ts": ts, "blocks": blocks}
                break
        return {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "stand-in"},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0STANDIN",
            "trigger_id": trigger,
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", **message},
            "actions": [
                {"type": "button", "action_id": action_id, "value": value, "action_ts": ts}
            ],
        }


def _channel_and_user(conversation: str) -> tuple[str, str]:
    key = hashlib.sha256(conversation.encode()).hexdigest()[:10].upper()
    return f"D{key}", f"U{key}"


def _dm_event(event_id: str, channel: str, user: str, ts: str, text: str) -> dict[str, Any]:
    # Slack escapes & < > and wraps e-mail addresses in its link markup.
    slack_text = _EMAIL.sub(lambda m: f"<mailto:{m[0]}|{m[0]}>", escape(text))
    return {
        "token": "stand-in",
        "team_id": TEAM,
        "api_app_id": "A0STANDIN",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(float(ts)),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        "event": {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": user,
            "text": slack_text,
            "ts": ts,
            "event_ts": ts,
        },
    }


def running(bot: Bot) -> AbstractContextManager[SlackDriver]:
    """This channel's replay (its ``replay_kit``): the driver, for the block."""
    return SlackDriver.running(bot)
