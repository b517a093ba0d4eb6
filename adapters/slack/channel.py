"""The Slack channel: its settings, how it is served (Socket Mode alone when an app token is set,
else the route `POST /slack/events`), how it sends, its staff inbox, how it is replayed.

Slack's libraries are imported when the channel opens, so that other commands start fast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.catalog import Catalog
from bot.channel import Bot, Command, Option, Route
from bot.courier import Sender
from bot.settings import Setting, Settings, text

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from adapters.slack.staff import StaffDesk

log = logging.getLogger(__name__)
NAME = "slack"
TOKEN = text("SLACK_BOT_TOKEN", "the Bot User OAuth token (xoxb-...)", secret=True)
SIGNING_SECRET = text(
    "SLACK_SIGNING_SECRET", "the Slack app's signing secret (for HTTP)", secret=True
)
APP_TOKEN = text("SLACK_APP_TOKEN", "the app-level token (xapp-...) for Socket Mode", secret=True)
API_URL = text("SLACK_API_URL", "the Web API base", default="https://slack.com/api/")
STAFF_CHANNEL = text(
    "SLACK_STAFF_CHANNEL", "the channel ID (C0...) where staff receive each new inquiry"
)
STAFF_LOCALE = text("SLACK_STAFF_LOCALE", "the language of the staff posts: en or ja")
HTTP = text("SLACK_HTTP", "serve POST /slack/events over HTTP even with SLACK_APP_TOKEN set")


class SlackChannel:
    name = NAME
    replay_kit = "testkit.slack.driver"
    command = Command(
        NAME,
        "run the Slack adapter (Socket Mode with SLACK_APP_TOKEN, else --http)",
        "Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP), SLACK_APP_TOKEN (Socket "
        "Mode), SLACK_API_URL (default https://slack.com/api/), SLACK_STAFF_CHANNEL (new "
        "inquiries are posted there), SLACK_STAFF_LOCALE (its language; default en).",
        port=3000,
    )
    settings: Sequence[Setting[Any]] = (
        TOKEN,
        SIGNING_SECRET,
        APP_TOKEN,
        API_URL,
        STAFF_CHANNEL,
        STAFF_LOCALE,
        HTTP,
    )
    options = (Option("--http", HTTP, "serve POST /slack/events over HTTP", switch=True),)

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        problems = settings.missing(TOKEN)
        if not _socket_mode(settings, alone=alone):
            if alone and not settings.get(HTTP):
                return [*problems, "set SLACK_APP_TOKEN for Socket Mode, or pass --http"]
            problems += settings.missing(SIGNING_SECRET)
        return problems

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """Nothing: Slack's app and its URLs are configured once in its manifest."""

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> SlackSession:
        return SlackSession(bot, settings, socket_mode=_socket_mode(settings, alone=alone))

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        desk = staff_desk(settings, catalog)
        if desk is None:
            return {}
        from adapters.slack.staff import NOTICES

        return {NOTICES: desk.announce}


class SlackSession:
    """The Bolt app of one process: over Socket Mode, or answering the events route."""

    def __init__(self, bot: Bot, settings: Settings, *, socket_mode: bool) -> None:
        from adapters.slack.app import build_bolt_app
        from adapters.slack.web import EVENTS_PATH, MAX_BODY, events_handler

        self.client = client_for(settings)
        self.settings = settings
        self.socket_mode = socket_mode
        secret = settings.get(SIGNING_SECRET) or ""
        desk = staff_desk(settings, bot.service.engine.catalog, self.client)
        self.bolt = build_bolt_app(bot, client=self.client, signing_secret=secret, desk=desk)
        self.routes: tuple[Route, ...] = (
            ()
            if socket_mode
            else (Route(EVENTS_PATH, events_handler(self.bolt, secret), max_body=MAX_BODY),)
        )
        self._socket: Any = None

    async def start(self) -> None:
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self._socket = SocketModeHandler(self.bolt, self.settings.require(APP_TOKEN))
            await asyncio.to_thread(self._socket.connect)  # its own threads from now on
            log.info("connected to Slack over Socket Mode")

    def senders(self) -> Mapping[str, Sender]:
        from adapters.slack.outbound import sender

        return {NAME: sender(self.client)}

    async def stop(self) -> None:
        if self._socket is not None:
            await asyncio.to_thread(self._socket.close)


def client_for(settings: Settings) -> WebClient:
    from adapters.slack.web import web_client

    return web_client(settings.require(TOKEN), settings.get(API_URL) or "")


def staff_desk(
    settings: Settings, catalog: Catalog, client: WebClient | None = None
) -> StaffDesk | None:
    """The staff channel's desk when SLACK_BOT_TOKEN and SLACK_STAFF_CHANNEL are set."""
    channel = settings.get(STAFF_CHANNEL)
    if not (settings.get(TOKEN) and channel):
        return None
    from adapters.slack.language import Texts
    from adapters.slack.staff import StaffDesk

    return StaffDesk(
        client=client or client_for(settings),
        channel=channel,
        texts=Texts(catalog),
        locale=settings.get(STAFF_LOCALE),
    )


def _socket_mode(settings: Settings, *, alone: bool) -> bool:
    return alone and settings.given(APP_TOKEN) and not settings.given(HTTP)


CHANNEL = SlackChannel()
