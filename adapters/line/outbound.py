"""The engine's replies as LINE messages, within LINE's limits, and their sending: a turn's
replies in one reply call while its reply token lasts, anything later a push whose
``X-Line-Retry-Key`` is the same on every attempt (LINE answers 409 to a second copy: sent)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from linebot.v3.messaging import (
    AsyncMessagingApi,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException

from bot.channel import Counters
from bot.messages import Reply
from bot.splitting import split_text
from common.errors import Refused

TEXT_LIMIT, PER_CALL, QUICK_REPLIES, LABEL = 5000, 5, 13, 20  # LINE's limits
_KEYS = uuid.UUID("6f0c2f4e-4b7e-4d53-9a0e-6c1b1f0e5a11")  # the namespace of retry keys
_QUOTA = "monthly limit"  # in the 429 that ends the month's pushes (not a rate limit)


def address(to: str, reply_token: str | None) -> str:
    return json.dumps({"to": to, "reply": reply_token})


def messages(replies: Sequence[Reply]) -> list[TextMessage]:
    """Each reply's text in parts LINE takes; its buttons as quick replies on its last part."""
    out: list[TextMessage] = []
    for reply in replies:
        parts = split_text(reply.text, TEXT_LIMIT)
        out += [TextMessage(text=part) for part in parts[:-1]]
        out.append(TextMessage(text=parts[-1], quickReply=_quick_reply(reply)))
    return out


def _quick_reply(reply: Reply) -> QuickReply | None:
    if not reply.buttons:
        return None
    items = [
        QuickReplyItem(
            action=PostbackAction(label=_label(b.label), data=b.payload, displayText=b.label)
        )
        for b in reply.buttons[:QUICK_REPLIES]
    ]
    return QuickReply(items=items)


def _label(label: str) -> str:
    # The catalogs keep labels within 20 characters (a test holds them): this only guards.
    return label if len(label) <= LABEL else label[: LABEL - 1] + "…"


class Outbox:
    """Sends to LINE for one session, counting pushes (they use the monthly quota)."""

    def __init__(self, api: AsyncMessagingApi, counters: Counters) -> None:
        self.api = api
        self.counters = counters

    async def turn(self, to: str, replies: tuple[Reply, ...], keys: tuple[str, ...]) -> None:
        """A turn's replies: the first five messages on its reply token, the rest (and all of
        them, once the token is spent or gone) pushed."""
        where = json.loads(to)
        out = messages(replies)
        token = where.get("reply")
        if token:
            try:
                request = ReplyMessageRequest(replyToken=token, messages=out[:PER_CALL])
                await self.api.reply_message(request)
                out = out[PER_CALL:]
            except ApiException as exc:
                if exc.status != 400 or "reply token" not in _body(exc).lower():
                    raise _translated(exc) from exc
        await self.push(where["to"], out, keys[0] if keys else "")

    async def push(self, to: str, out: list[TextMessage], key: str) -> None:
        for start in range(0, len(out), PER_CALL):
            retry = str(uuid.uuid5(_KEYS, f"{key}:{start}"))
            request = PushMessageRequest(to=to, messages=out[start : start + PER_CALL])
            try:
                await self.api.push_message(request, x_line_retry_key=retry)
            except ApiException as exc:
                if exc.status != 409:  # 409: this very message was taken before
                    raise _translated(exc, self.counters) from exc
            self.counters.count("push", "line")


def _translated(exc: Exception, counters: Counters | None = None) -> Exception:
    """LINE's refusals for good as Refused; a quota spent until next month too (counted, not
    retried in a storm); anything else (rate limits, 5xx) worth another attempt."""
    status = getattr(exc, "status", None)
    if status == 429 and _QUOTA in _body(exc):
        if counters is not None:
            counters.count("push_quota_refused", "line")
        return Refused("LINE's monthly push quota is spent")
    if status in (400, 403, 404):
        return Refused(f"LINE refused the message ({status})")
    return exc


def _body(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
