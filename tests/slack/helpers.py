"""The Slack adapter under test: the real Bolt app over HTTP, a stand-in Web API, builders.

Requests are signed here with Slack's v0 HMAC written out (not with the product's code), so the
tests check Bolt's verification against Slack's documented scheme.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette

from adapters.bootstrap import App, build_app, build_engine
from adapters.host import web_app
from adapters.slack.channel import API_URL, CHANNEL, NAME, SIGNING_SECRET, TOKEN, SlackSession
from adapters.slack.channel import STAFF_CHANNEL as STAFF_SETTING
from adapters.slack.web import EVENTS_PATH
from adapters.sql.staff import SqlInquiries
from bot.channel import Route
from bot.settings import Settings
from testkit.replay import Completions
from testkit.serving import serving_in_background
from testkit.slack.stand_in import TEAM, Call, StandInSlack
from tests.adapters.helpers import AT

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
STAFF_CHANNEL = "C0STAFF"
USER, DM = "U0ALICE", "D0ALICE"


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def ts_of(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


@dataclass
class Slack:
    """One running adapter: its URL, the stand-in Web API, and what it stored."""

    url: str
    stand_in: StandInSlack
    done: Completions
    app: App
    staff_log: SqlInquiries
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def post(
        self,
        body: str,
        *,
        form: bool = False,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST a signed request to /slack/events; the status and body of the answer."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        sent = {
            "Content-Type": "application/x-www-form-urlencoded" if form else "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret, stamp, body),
            **(headers or {}),
        }
        request = urllib.request.Request(self.url, data=body.encode(), headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **options: Any) -> str:
        """Deliver an Events API event and wait until the adapter finished it; its event_id."""
        event_id = event_id or f"Ev{next(self._ids):06d}"
        status, _ = self.send_event(event, event_id=event_id, **options)
        assert status == 200
        self.done.wait(event_id)
        return event_id

    def send_event(
        self, event: dict[str, Any], *, event_id: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        body = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0STANDIN",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(body), headers=headers)

    def dm(
        self, text: str, *, at: datetime = AT, user: str = USER, channel: str = DM
    ) -> list[Call]:
        """A direct message; the bot's messages in that channel for it."""
        mark = self.stand_in.count()
        self.event(dm_event(text, at=at, user=user, channel=channel))
        return self.posts(channel, since=mark)

    def posts(self, channel: str, *, since: int = 0) -> list[Call]:
        calls = self.stand_in.calls("chat.postMessage", since=since)
        return [call for call in calls if call.params["channel"] == channel]

    def command(self, text: str, *, user: str = USER, channel: str = "C0GENERAL") -> list[Call]:
        """``/mynumber text``: the HTTP answer must be an empty 200; the response_url calls."""
        trigger = f"{next(self._ids)}.trigger"
        mark = self.stand_in.count()
        fields = {
            "command": "/mynumber",
            "text": text,
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": user,
            "trigger_id": trigger,
            "response_url": self.stand_in.response_url(trigger),
        }
        status, body = self.post(urlencode(fields), form=True)
        assert (status, body) == (200, "")
        self.done.wait(trigger)
        return self.stand_in.calls("response_url", since=mark)

    def press(
        self,
        call: Call,
        label: str,
        *,
        user: str = USER,
        at: datetime = AT,
        channel: str | None = None,
        ephemeral: bool = False,
    ) -> tuple[str, list[Call]]:
        """Press the button labelled ``label`` on the message ``call`` posted (in ``channel``,
        else the call's); the trigger id and every call the adapter made for it."""
        trigger = f"{next(self._ids)}.trigger"
        element = next(
            element
            for block in call.params["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element["text"]["text"] == label
        )
        channel = channel or call.params["channel"]
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user},
            "trigger_id": trigger,
            "response_url": self.stand_in.response_url(trigger),
            "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral},
            "channel": {"id": channel},
            "message": {"ts": "1800000000.000001", **call.params},
            "actions": [{**element, "action_ts": ts_of(at)}],
        }
        mark = self.stand_in.count()
        status, _ = self.post(urlencode({"payload": json.dumps(payload)}), form=True)
        assert status == 200
        self.done.wait(trigger)
        return trigger, self.stand_in.calls(since=mark)


def dm_event(
    text: str, *, at: datetime = AT, user: str = USER, channel: str = DM
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts_of(at),
        "event_ts": ts_of(at),
    }


def text_of(call: Call) -> str:
    """What a message says, as posted (mrkdwn): its sections."""
    blocks = call.params.get("blocks") or []
    return "\n".join(block["text"]["text"] for block in blocks if block["type"] == "section")


def labels_of(call: Call) -> list[str]:
    return [
        element["text"]["text"]
        for block in call.params.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


@contextmanager
def running_slack(
    tmp_path: Path, *, asgi: Callable[[list[Route]], Starlette] = lambda routes: web_app(routes)
) -> Iterator[Slack]:
    """The channel as `mynumber-bot slack --http` runs it, staff channel included; ``asgi``
    builds the web app around the channel's routes."""
    stand_in = StandInSlack()
    stand_in.add_user(USER, locale="en-US")
    with stand_in.running():
        settings = Settings(
            {
                TOKEN.name: stand_in.token,
                SIGNING_SECRET.name: SECRET,
                API_URL.name: stand_in.api_url,
                STAFF_SETTING.name: STAFF_CHANNEL,
            }
        )
        engine = build_engine()
        app = build_app(
            f"sqlite:///{tmp_path}/bot.sqlite3",
            settings=settings,
            engine=engine,
            notify=CHANNEL.notices(settings, engine.catalog),
        )
        done = Completions()
        app.runner.watch(done.finished)
        session = SlackSession(app.bot(), settings, socket_mode=False)
        app.courier.route(NAME, session.senders()[NAME])
        app.courier.start()
        try:
            with serving_in_background(asgi(list(session.routes))) as base:
                yield Slack(base + EVENTS_PATH, stand_in, done, app, SqlInquiries(app.database))
        finally:
            app.courier.close()
            app.database.dispose()
