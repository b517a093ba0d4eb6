"""The web chat's settings: read once, at start, with the others (``adapters.host``)."""

from __future__ import annotations

from adapters.webchat.guard import parse_origins
from bot.settings import Setting, number

PAGE = "/webchat/"


def _origins(raw: str) -> tuple[str, ...]:
    origins = parse_origins(raw)
    if not origins:
        raise ValueError("no origin given")
    return origins


ALLOWED_ORIGINS = Setting(
    "WEBCHAT_ALLOWED_ORIGINS",
    "the origins of the pages that may embed the web chat, comma-separated "
    "(https://www.example.jp); once set, serve mounts the web chat",
    _origins,
)
PER_CONVERSATION = number(
    "WEBCHAT_MESSAGES_PER_MINUTE",
    "messages a minute one web chat conversation may send, in bursts of as many (default 20)",
    default=20.0,
)
PER_ADDRESS = number(
    "WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE",
    "messages a minute from one client address, for all its conversations: many people share "
    "an office's address (default 300)",
    default=300.0,
)
KEEP_HOURS = number(
    "WEBCHAT_KEEP_HOURS",
    "hours a web chat conversation's messages are kept after its last one (default 24)",
    default=24.0,
    minimum=0.1,
)
