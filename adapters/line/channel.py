"""The LINE channel: `POST /line/webhook` (alone with `mynumber-bot line`, or among serve's
routes), answered at once and the turns run after; replies on the event's reply token, what
comes later pushed (see ``outbound``); the user's language from their profile.

line-bot-sdk is imported when the channel opens, so that other commands start fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.catalog import Catalog
from bot.channel import Bot, Command, HttpRequest, HttpResponse, Route
from bot.courier import Sender
from bot.messages import Reply
from bot.settings import Setting, Settings, text

NAME = "line"
PATH = "/line/webhook"
SECRET = text("LINE_CHANNEL_SECRET", "the channel secret (LINE Developers console)", secret=True)
ACCESS_TOKEN = text(
    "LINE_CHANNEL_ACCESS_TOKEN", "the channel access token (long-lived)", secret=True
)
API_URL = text("LINE_API_URL", "the Messaging API base", default="https://api.line.me")
LOADING_AFTER = 1.0  # seconds of a turn before the user is shown it is on its way
PUSH_TIMEOUT = 60.0  # seconds a pumped push may take


class LineChannel:
    name = NAME
    replay_kit = "testkit.line.driver"
    command = Command(
        NAME,
        "run the LINE webhook alone (POST /line/webhook)",
        "Environment: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_URL. Set the "
        "webhook URL (https://.../line/webhook) in the LINE Developers console.",
        port=8000,
    )
    settings: Sequence[Setting[Any]] = (SECRET, ACCESS_TOKEN, API_URL)
    options = ()

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        return settings.missing(SECRET, ACCESS_TOKEN)

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """Nothing: the webhook's URL is set once, in the LINE Developers console."""

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> LineSession:
        return LineSession(bot, settings)

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        return {}


class LineSession:
    """The webhook, its turns in flight, and one Messaging API client."""

    def __init__(self, bot: Bot, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings
        self.routes = (Route(PATH, self.webhook),)
        self._turns: set[asyncio.Task[None]] = set()
        self._languages: dict[str, str | None] = {}  # user -> profile language, cached

    async def start(self) -> None:
        from linebot.v3 import WebhookParser
        from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

        from adapters.line.outbound import Outbox

        configuration = Configuration(
            host=self.settings.get(API_URL), access_token=self.settings.require(ACCESS_TOKEN)
        )
        self.client = AsyncApiClient(configuration)
        self.api = AsyncMessagingApi(self.client)
        self.outbox = Outbox(self.api, self.bot.counters)
        self.parser = WebhookParser(self.settings.require(SECRET))
        self.loop = asyncio.get_running_loop()

    def senders(self) -> Mapping[str, Sender]:
        return {NAME: self._pump}

    async def stop(self) -> None:
        if self._turns:
            await asyncio.wait(self._turns, timeout=10)
        await self.client.close()

    async def webhook(self, request: HttpRequest) -> HttpResponse:
        """Verified first; acknowledged at once (LINE waits a few seconds at most), each event's
        turn run after, in order per conversation."""
        from adapters.line import inbound  # with line-bot-sdk, once the channel runs

        signature = request.headers.get("x-line-signature", "")
        if not inbound.signed(self.settings.require(SECRET), request.body, signature):
            return HttpResponse.error(401, "the request is not signed by LINE")
        try:
            events = self.parser.parse(request.body.decode("utf-8"), signature)
        except (ValueError, KeyError, TypeError):  # bad UTF-8 or JSON, or no events list
            return HttpResponse.error(400, "the body is not LINE's webhook JSON")
        for event in events:  # LINE's verification request has none
            task = asyncio.create_task(self._handle(event))
            self._turns.add(task)
            task.add_done_callback(self._turns.discard)
        return HttpResponse(200, b"{}")

    async def _handle(self, line_event: Any) -> None:
        from adapters.line import inbound

        chat = inbound.chat_of(line_event)
        user = chat[1] if chat and inbound.one_to_one(line_event) else None
        event = inbound.to_event(line_event, await self._language(user))
        if event is None:
            self.bot.runner.finished(line_event.webhook_event_id)
            return
        loading = asyncio.create_task(self._loading(user)) if user else None
        try:
            await self.bot.runner.arun_batch(event, self.outbox.turn)
        finally:
            if loading is not None:
                loading.cancel()

    async def _language(self, user: str | None) -> str | None:
        """The profile's language, asked once per user (None: the engine reads the text)."""
        if user is None:
            return None
        if user not in self._languages:
            from linebot.v3.messaging.exceptions import ApiException

            try:
                profile = await self.api.get_profile(user)
                self._languages[user] = profile.language
            except (ApiException, OSError):
                return None  # asked again next time
        return self._languages[user]

    async def _loading(self, user: str) -> None:
        """The loading animation, for a one-to-one turn that takes more than a moment."""
        from linebot.v3.messaging import ShowLoadingAnimationRequest

        await asyncio.sleep(LOADING_AFTER)
        with contextlib.suppress(Exception):  # a nicety: never worth a failure
            request = ShowLoadingAnimationRequest(chatId=user, loadingSeconds=20)
            await self.api.show_loading_animation(request)

    def _pump(self, to: str, reply: Reply, key: str) -> None:
        """The courier's way to LINE (from its thread): a push on the session's loop."""
        from adapters.line.outbound import messages

        push = self.outbox.push(json.loads(to)["to"], messages((reply,)), key)
        asyncio.run_coroutine_threadsafe(push, self.loop).result(PUSH_TIMEOUT)


CHANNEL = LineChannel()
