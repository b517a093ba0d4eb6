"""What keeps the web chat to the pages and the pace it is meant for: the origins that may embed
it, and rate limits per conversation and per client address.

Origins: a browser names the page's origin in ``Origin`` on every cross-origin request (and on
same-origin POSTs); the bot's own pages (the demo) are always allowed, others only when listed
in ``WEBCHAT_ALLOWED_ORIGINS``, and those get the CORS headers that let their page read the
answer. A request without ``Origin`` is not a browser's cross-origin one and passes: the rate
limits hold for it as for any.

Rate limits are token buckets in this worker: a conversation may send a burst of its minute's
allowance and then that many a minute; an address (a household, or a city office's shared NAT)
many times more. What a refusal means for the user is the widget's to say, from ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from bot.channel import HttpRequest

_MAX_BUCKETS = 50_000  # past this, full (idle) buckets are dropped
_SCHEMES = ("http", "https")


def parse_origins(raw: str) -> tuple[str, ...]:
    """``WEBCHAT_ALLOWED_ORIGINS``: comma-separated origins, each ``scheme://host[:port]``.

    Raises:
        ValueError: one is not an origin (a path, a wildcard, another scheme), naming it.
    """
    origins = []
    for part in raw.split(","):
        origin = part.strip().rstrip("/")
        if not origin:
            continue
        split = urlsplit(origin)
        if split.scheme not in _SCHEMES or not split.hostname or split.path or "*" in origin:
            raise ValueError(f"{origin!r} is not an origin such as https://www.example.jp")
        origins.append(f"{split.scheme}://{split.netloc}".lower())
    return tuple(origins)


class Origins:
    """Which pages may use the web chat, and the CORS headers of their answers."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.allowed = frozenset(allowed)

    def headers(self, request: HttpRequest) -> dict[str, str] | None:
        """The CORS headers for an allowed request; None for an origin not allowed."""
        origin = request.headers.get("origin")
        if origin is None:
            return {}
        if origin.lower() in self.allowed:
            return {"access-control-allow-origin": origin, "vary": "Origin"}
        if urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower():
            return {"vary": "Origin"}  # the bot's own page
        return None

    def preflight(self, request: HttpRequest) -> dict[str, str] | None:
        """A CORS preflight's answer headers (POST with a JSON body); None: not allowed."""
        headers = self.headers(request)
        if headers is None:
            return None
        return headers | {
            "access-control-allow-methods": "POST",
            "access-control-allow-headers": "content-type",
            "access-control-max-age": "600",
        }


class Bucket:
    """Up to ``burst`` at once, refilled at ``per_minute``."""

    __slots__ = ("at", "tokens")

    def __init__(self, burst: float, now: float) -> None:
        self.tokens = burst
        self.at = now


class Limiter:
    """Token buckets by key; ``per_minute`` 0 lifts the limit."""

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.burst = max(per_minute, 1.0)
        self.clock = clock
        self._buckets: dict[str, Bucket] = {}

    def take(self, key: str) -> float:
        """Take one for ``key``: 0 when allowed, else the seconds until it would be."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._drop_full(now)
            bucket = self._buckets[key] = Bucket(self.burst, now)
        rate = self.per_minute / 60.0
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def give_back(self, key: str) -> None:
        """Undo a :meth:`take` of ``key`` (the message was refused on other grounds)."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(self.burst, bucket.tokens + 1.0)

    def _drop_full(self, now: float) -> None:
        rate = self.per_minute / 60.0
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.at) * rate < self.burst
        }


class Limits:
    """The web chat's limits: a message is taken from its conversation's bucket and its
    address's."""

    def __init__(self, *, conversation: float, address: float) -> None:
        self.conversation = Limiter(conversation)
        self.address = Limiter(address)

    def wait(self, conversation: str, address: str | None) -> int:
        """0 when the message may go now, else the whole seconds to wait (``Retry-After``);
        a refused message counts against neither."""
        wait = self.conversation.take(conversation)
        if wait:
            return math.ceil(wait)
        wait = self.address.take(address or "unknown")
        if wait:
            self.conversation.give_back(conversation)
        return math.ceil(wait)


def retry_after(seconds: int) -> Mapping[str, str]:
    return {"retry-after": str(seconds), "access-control-expose-headers": "Retry-After"}
