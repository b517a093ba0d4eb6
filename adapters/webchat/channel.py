"""The web chat channel: the widget on the contact page itself, the third channel over the same
flows. Its settings, how it is served (its routes, alone with `mynumber-bot webchat` or among
every channel's in `serve` once ``WEBCHAT_ALLOWED_ORIGINS`` is set), how it sends (into the
mailbox its streams read), how it is replayed. The session is :mod:`adapters.webchat.session`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from adapters.webchat.inbound import NAME
from adapters.webchat.settings import (
    ALLOWED_ORIGINS,
    KEEP_HOURS,
    PAGE,
    PER_ADDRESS,
    PER_CONVERSATION,
)
from bot.catalog import Catalog
from bot.channel import Bot, Command, Option
from bot.courier import Sender
from bot.settings import Setting, Settings

if TYPE_CHECKING:
    from adapters.webchat.session import WebchatSession


class WebchatChannel:
    name = NAME
    replay_kit = "testkit.webchat.driver"
    command = Command(
        NAME,
        "serve the web chat alone, with its demo page (the contact page with the widget)",
        "Serves GET /webchat/ (the demo page; ?lang=CODE sets its language), /webchat/widget.js "
        "(the embed: one <script defer> tag), and the widget's routes, on the SQLite default "
        "unless --db or DATABASE_URL say otherwise, and prints the demo page's address. Other "
        "pages may embed it from the origins in WEBCHAT_ALLOWED_ORIGINS.",
        port=8000,
        page=PAGE,
    )
    settings: Sequence[Setting[Any]] = (ALLOWED_ORIGINS, PER_CONVERSATION, PER_ADDRESS, KEEP_HOURS)
    options: Sequence[Option] = ()

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        # Served among other channels only for the pages named: alone, its own demo page.
        return [] if alone else settings.missing(ALLOWED_ORIGINS)

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """Nothing: the pages that embed the widget need no registration."""

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> WebchatSession:
        from adapters.webchat.session import WebchatSession

        return WebchatSession(bot, settings)

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        return {}


CHANNEL = WebchatChannel()
