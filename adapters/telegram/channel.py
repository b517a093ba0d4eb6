"""The Telegram channel: its settings, how it is served (long polling alone, or the webhook
route `POST /telegram` with its secret header), how it sends, how it is replayed.

python-telegram-bot is imported when the channel opens, so that other commands start fast.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from adapters.settings import WORKERS
from bot.catalog import FALLBACK, Catalog
from bot.channel import Bot, Command, HttpRequest, HttpResponse, Option, Route
from bot.clock import Clock, wall_clock
from bot.courier import Sender
from bot.settings import Setting, Settings, number, text

if TYPE_CHECKING:
    from adapters.telegram.app import TelegramApp

NAME = "telegram"
PATH = "/telegram"
SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kilobytes
# The client's command menu: each command with the catalog key of its description.
COMMANDS = {
    "start": "command.menu",
    "help": "command.help",
    "cancel": "command.cancel",
    "forget": "command.forget",
    "language": "command.language",
    "hours": "command.hours",
    "reminders": "command.reminders",
}


def _secret(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ValueError("1-256 of A-Z a-z 0-9 _ -")
    return raw


TOKEN = text("TELEGRAM_BOT_TOKEN", "the bot's token from @BotFather", secret=True)
SECRET = Setting(
    "TELEGRAM_WEBHOOK_SECRET",
    "the webhook's secret, 1-256 of A-Z a-z 0-9 _ - (Telegram sends it in a header)",
    _secret,
    secret=True,
)
API_URL = text(
    "TELEGRAM_API_URL",
    "the Bot API base (tests give a stand-in's)",
    default="https://api.telegram.org",
)
RATE = number(
    "TELEGRAM_MAX_MESSAGES_PER_SECOND",
    "messages a second the whole bot may send (Telegram: about 30; 0: no limit)",
    default=30.0,
)
WEBHOOK_URL = text(
    "TELEGRAM_WEBHOOK_URL", "the public HTTPS URL Telegram posts updates to (its path is served)"
)


class TelegramChannel:
    name = NAME
    replay_kit = "testkit.telegram.driver"
    command = Command(
        NAME,
        "run the Telegram bot (long polling, or a webhook with --webhook-url)",
        "Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, and for a webhook "
        "TELEGRAM_WEBHOOK_SECRET, which every request must carry in "
        "X-Telegram-Bot-Api-Secret-Token (403 otherwise).",
    )
    settings: Sequence[Setting[Any]] = (TOKEN, SECRET, API_URL, RATE, WEBHOOK_URL)
    options = (
        Option(
            "--webhook-url",
            WEBHOOK_URL,
            "receive updates at this public HTTPS URL instead of polling (needs "
            "TELEGRAM_WEBHOOK_SECRET); the server listens on the URL's path",
        ),
        Option(
            "--telegram-webhook-url",
            WEBHOOK_URL,
            "before serving, point Telegram's webhook at this public HTTPS URL (ending in "
            "/telegram) with the secret, and register the command menu: once, not per worker",
            alone=False,
            served=True,
        ),
    )

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        problems = settings.missing(TOKEN)
        if not alone or settings.given(WEBHOOK_URL):
            # Without it anyone who finds the URL could post updates as any user.
            problems += settings.missing(SECRET)
        return problems

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """The command menu, in each catalog language; the webhook, when a URL is given."""
        from telegram import BotCommand
        from telegram.error import TelegramError

        from adapters.telegram.outbound import retrying

        session = TelegramSession(bot, settings, polling=False)
        application = session.application
        await retrying(application.initialize)
        try:
            catalog = bot.service.engine.catalog
            for language in catalog.languages:
                commands = [BotCommand(n, catalog.text(language, k)) for n, k in COMMANDS.items()]
                code = None if language == FALLBACK else language
                with suppress(TelegramError):  # a convenience: typed commands work without
                    await retrying(
                        partial(application.bot.set_my_commands, commands, language_code=code)
                    )
            url = settings.get(WEBHOOK_URL)
            if url:
                await application.bot.set_webhook(
                    url, secret_token=settings.require(SECRET), allowed_updates=_allowed()
                )
        finally:
            await application.shutdown()

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> TelegramSession:
        return TelegramSession(bot, settings, polling=alone and not settings.get(WEBHOOK_URL))

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        return {}


class TelegramSession:
    """The PTB application of one process: polling, or answering the webhook route."""

    def __init__(
        self, bot: Bot, settings: Settings, *, polling: bool, clock: Clock = wall_clock
    ) -> None:
        """``clock``: of each turn (a replay's gives the transcript's time)."""
        from adapters.telegram.app import build_application

        self.bot = bot
        self.settings = settings
        self.polling = polling
        self.application: TelegramApp = build_application(
            bot.runner,
            token=settings.require(TOKEN),
            api_url=settings.get(API_URL) or "",
            clock=clock,
            overall_max_rate=rate_per_worker(settings),
            polling=polling,
        )
        url = settings.get(WEBHOOK_URL)
        path = (urlsplit(url).path if url else "") or PATH
        self.routes: tuple[Route, ...] = (
            () if polling else (Route(path, self._webhook, max_body=MAX_UPDATE_BYTES),)
        )

    async def start(self) -> None:
        from adapters.telegram.outbound import quiet_send_advice, retrying

        quiet_send_advice()
        await retrying(self.application.initialize)  # getMe: the bot's name, for groups
        await self.application.start()
        if self.polling:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                poll_interval=0, timeout=10, allowed_updates=_allowed()
            )

    def senders(self) -> Mapping[str, Sender]:
        from adapters.telegram.outbound import pump_sender

        return {NAME: pump_sender(self.application.bot, asyncio.get_running_loop())}

    async def stop(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    async def _webhook(self, request: HttpRequest) -> HttpResponse:
        """An update as Telegram posts it, answered once handled (a redelivery is the
        service's to ignore)."""
        from telegram import Update

        given = request.headers.get(SECRET_HEADER, "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, self.settings.require(SECRET).encode()):
            return HttpResponse.error(403, "wrong or missing X-Telegram-Bot-Api-Secret-Token")
        try:
            data = request.json()
        except ValueError:
            return HttpResponse.error(400, "the body is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return HttpResponse.error(400, "the body is not a Telegram update")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # PTB raises KeyError, TypeError, RecursionError on malformed ones
            return HttpResponse.error(400, "the body is not a Telegram update")
        await self.application.process_update(update)
        return HttpResponse(200)


def rate_per_worker(settings: Settings) -> float:
    """Telegram's limit is the bot's, not a worker's: each of serve's workers keeps to its
    share (0: no limit)."""
    rate: float = settings.get(RATE) or 0.0
    workers: int = settings.get(WORKERS) or 1
    return rate / workers


def _allowed() -> list[str]:
    from adapters.telegram.app import ALLOWED_UPDATES

    return ALLOWED_UPDATES


CHANNEL = TelegramChannel()
