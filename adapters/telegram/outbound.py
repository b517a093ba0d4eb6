"""The engine's plain-text replies as Telegram messages: HTML with everything escaped (replies
quote what users typed, such as the inquiry summary), the phone numbers in bold, texts longer
than Telegram's limit cut between paragraphs, buttons as an inline keyboard (one per row) on
the last part; sent with retries after network errors, and from the outbox by its pump."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache, partial
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.warnings import PTBUserWarning

from bot.courier import Sender
from bot.messages import Button, PhoneCard, Reply
from bot.splitting import split_text
from common.errors import Refused

MAX_MESSAGE = 4096  # Telegram's limit: UTF-16 units of the text after entity parsing
_ATTEMPTS = 4
_BACKOFF = 0.5  # seconds before the first retry after a network error, doubled each time
_SEND_MESSAGE = "send_message"
PUMP_SEND_TIMEOUT = 120.0  # seconds a pumped reply may take, flood-limit waits included
# What Telegram refuses for good: a malformed message, a chat gone, a bot blocked or removed.
REFUSALS = (BadRequest, Forbidden)

log = logging.getLogger(__name__)
T = TypeVar("T")


async def send_reply(bot: Bot, to: str, reply: Reply, *, quote: bool = True) -> None:
    """Send ``reply`` to the chat of the :func:`address` ``to``, as one message or more, the
    first quoting the message the address names (in groups, so that everyone sees whom the bot
    answers) unless ``quote`` is False. Raises :class:`Refused` for what Telegram refuses for
    good (a malformed message, a chat gone, a bot blocked).

    Sent with ``do_api_request``, PTB's public call of any Bot API method: through the same rate
    limiter, request layer and error translation as ``send_message``, without turning the
    message Telegram sends back into a :class:`telegram.Message`, which nothing reads, and with
    the keyboard serialized once per menu. Under ``bench.telegram_bench`` (service stubbed) that
    took the adapter from 0.65 to 0.37 ms of CPU an update."""
    where = json.loads(to)
    quoted = where.get("quote") if quote else None
    parts = split_text(reply.text, MAX_MESSAGE)
    last = len(parts)
    try:
        for number, part in enumerate(parts, 1):
            message: dict[str, object] = {
                "chat_id": where["chat"],
                "text": to_html(part, reply.phones),
                "parse_mode": ParseMode.HTML.value,
            }
            if number == last and reply.buttons:
                message["reply_markup"] = keyboard(reply.buttons)
            if quoted is not None and number == 1:
                message["reply_parameters"] = {
                    "message_id": quoted,
                    "allow_sending_without_reply": True,
                }
            await retrying(partial(bot.do_api_request, _SEND_MESSAGE, message))
    except REFUSALS as exc:
        raise Refused(str(exc)) from exc


def address(chat_id: int, quote: int | None = None) -> str:
    """A chat (and the message answered, in groups) as the outbox keeps it."""
    return json.dumps({"chat": chat_id, "quote": quote})


def pump_sender(bot: Bot, loop: asyncio.AbstractEventLoop) -> Sender:
    """The outbox pump's way to Telegram (from its thread): each reply sent on ``loop``, the
    application's, through its rate limiter like every other message."""

    def send(to: str, reply: Reply, _key: str) -> None:
        sending = send_reply(bot, to, reply)
        asyncio.run_coroutine_threadsafe(sending, loop).result(PUMP_SEND_TIMEOUT)

    return send


def quiet_send_advice() -> None:
    """Silence PTB's advice to call ``send_message`` rather than ``do_api_request`` with it
    (a warning on every message; :func:`send_reply` says why it does so)."""
    warnings.filterwarnings("ignore", r"Please use 'Bot\.send_message'", PTBUserWarning)


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, again after a network error, with exponential backoff. A refusal
    (BadRequest) is not retried: it would be refused again. Flood limits (429) are the rate
    limiter's. A timed-out send may have arrived: sending it twice is the lesser evil next to
    a user left without an answer."""
    delay = _BACKOFF
    for _ in range(_ATTEMPTS - 1):
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:
            log.warning("Bot API call failed (%s); retrying in %.1f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay *= 2
    return await call()


def to_html(text: str, phones: Sequence[PhoneCard] = ()) -> str:
    """``text`` for ``parse_mode=HTML``: escaped, with the numbers of ``phones`` in bold."""
    escaped = html.escape(text, quote=False)
    if phones:
        escaped = _numbers(tuple(card.number for card in phones)).sub(_bold, escaped)
    return escaped


def from_html(text: str) -> str:
    """What a user reads of a message sent with ``to_html``: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


@lru_cache(maxsize=1024)  # menus repeat: each one built and serialized once
def keyboard(buttons: tuple[Button, ...]) -> dict[str, object] | None:
    """One button per row; the payload (under 64 bytes, stable) is the callback data. As the
    Bot API's JSON (PTB's own serialization of the markup); shared: not to be modified."""
    if not buttons:
        return None
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.payload)] for button in buttons]
    )
    return markup.to_dict()


@lru_cache(maxsize=256)
def _numbers(numbers: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(set(numbers), key=len, reverse=True)
    alternatives = "|".join(re.escape(html.escape(number, quote=False)) for number in longest_first)
    # No look-behind: it would keep the regex engine from skipping ahead to a literal "0"
    # (20 µs a reply instead of 3); _bold looks behind instead.
    return re.compile(rf"(?:{alternatives})(?![\w-])")


def _bold(match: re.Match[str]) -> str:
    """The number in bold, unless it is the tail of a longer one."""
    before = match.string[match.start() - 1 : match.start()]
    if before and (before.isalnum() or before in "-_"):
        return match.group()
    return f"<b>{match.group()}</b>"
