"""A stand-in LINE Messaging API on 127.0.0.1, for tests, replays and benchmarks.

It answers what the bot calls (reply, push, profile, the loading animation) as LINE does,
LINE's rules included: a reply token works once and for a minute; a push's
``X-Line-Retry-Key`` accepted before is answered 409 and not delivered again; a monthly quota
of pushes ends in 429; messages over LINE's limits (5 a call, 5,000 characters, 13 quick-reply
items, 20-character labels, 300-character postback data) are refused with 400. Tests may make
the next call of a path fail (429, 5xx), hold a user's messages until released, and sign and
post webhook events to the bot as LINE would (:meth:`webhook`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "stand-in-access-token"
SECRET = "stand-in-channel-secret"
REPLY_TOKEN_SECONDS = 60.0
QUOTA_REACHED = "You have reached your monthly limit."
LIMITS = {"messages": 5, "text": 5000, "quick_replies": 13, "label": 20, "data": 300}


@dataclass(frozen=True, slots=True)
class Call:
    """A request the stand-in received and what it answered."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int


@dataclass
class StandInLine:
    token: str = TOKEN
    quota: int | None = None  # pushes left this month; None: no limit
    calls: list[Call] = field(default_factory=list)
    delivered: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (to, message)
    profiles: dict[str, str | None] = field(default_factory=dict)  # user -> language
    url: str = ""
    holding: int = 0  # messages waiting on a hold now
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (to, issued)
    _retry_keys: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    _failures: dict[str, list[int]] = field(default_factory=dict)
    _lost: dict[str, int] = field(default_factory=dict)  # path -> answers to lose
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def start(self, port: int = 0) -> str:
        self._loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_get("/v2/bot/profile/{user}", self._profile)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do ---------------------------------------------------------------------------

    def reply_token(self, to: str) -> str:
        """A reply token for an event of ``to``, valid for a minute from now."""
        token = f"rt{next(self._ids)}"
        self._tokens[token] = (to, time.monotonic())
        return token

    def expire(self, token: str) -> None:
        self._tokens.pop(token, None)

    def fail(self, path: str, status: int = 500) -> None:
        """Answer the next call of ``path`` (``push``, ``reply``...) with ``status``."""
        self._failures.setdefault(path, []).append(status)

    def lose_answer(self, path: str) -> None:
        """Deliver the next call of ``path`` but answer 500: LINE took it, the bot cannot know
        (a connection cut after the send, a worker killed before it recorded it)."""
        self._lost[path] = self._lost.get(path, 0) + 1

    def hold(self, to: str) -> None:
        """Keep messages to ``to`` waiting until :meth:`release`; one whose sender has gone
        meanwhile (its connection closed) is not delivered: LINE never got it whole."""
        self._held[to] = asyncio.Event()

    def release(self, to: str) -> None:
        """From any thread."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._held.pop(to).set)

    def messages_to(self, to: str) -> list[dict[str, Any]]:
        return [message for target, message in self.delivered if target == to]

    def webhook(self, url: str, events: list[dict[str, Any]], *, secret: str = SECRET) -> int:
        """Sign and post ``events`` to the bot's webhook, as LINE does; the answer's status."""
        body = json.dumps({"destination": "Ubot", "events": events}, ensure_ascii=False).encode()
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Line-Signature": base64.b64encode(digest).decode(),
        }
        request = urllib.request.Request(url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)

    # -- what the bot calls ------------------------------------------------------------------------

    async def _reply(self, request: web.Request) -> web.Response:
        body, refusal = await self._accept(request, "reply")
        if refusal is not None:
            return refusal
        to, issued = self._tokens.pop(body.get("replyToken", ""), ("", 0.0))
        if not to or time.monotonic() - issued > REPLY_TOKEN_SECONDS:
            return self._answer(request, body, 400, {"message": "Invalid reply token"})
        return await self._deliver(request, body, to)

    async def _push(self, request: web.Request) -> web.Response:
        body, refusal = await self._accept(request, "push")
        if refusal is not None:
            return refusal
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None and key in self._retry_keys:
            answer = {"message": "The retry key is already accepted",
                      "sentMessages": self._retry_keys[key]}  # fmt: skip
            return self._answer(request, body, 409, answer)
        if self.quota is not None and self.quota <= 0:
            return self._answer(request, body, 429, {"message": QUOTA_REACHED})
        if self.quota is not None:
            self.quota -= 1
        return await self._deliver(request, body, str(body.get("to", "")), key)

    async def _profile(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"message": "Authentication failed"}, status=401)
        user = request.match_info["user"]
        profile: dict[str, Any] = {"userId": user, "displayName": f"User {user}"}
        if self.profiles.get(user):
            profile["language"] = self.profiles[user]
        self.calls.append(Call("profile", {"userId": user}, dict(request.headers), 200))
        return web.json_response(profile)

    async def _loading(self, request: web.Request) -> web.Response:
        body, refusal = await self._accept(request, "loading")
        if refusal is not None:
            return refusal
        return self._answer(request, body, 202, {})

    async def _accept(
        self, request: web.Request, path: str
    ) -> tuple[dict[str, Any], web.Response | None]:
        body: dict[str, Any] = await request.json()
        if not self._authorized(request):
            return body, self._answer(request, body, 401, {"message": "Authentication failed"})
        failures = self._failures.get(path)
        if failures:
            status = failures.pop(0)
            told = {"message": f"failed as told ({status})"}
            return body, self._answer(request, body, status, told)
        problems = _beyond_limits(body.get("messages", []))
        if problems:
            answer = {"message": f"The request body has {len(problems)} error(s)",
                      "details": [{"message": problem} for problem in problems]}  # fmt: skip
            return body, self._answer(request, body, 400, answer)
        return body, None

    async def _deliver(
        self, request: web.Request, body: dict[str, Any], to: str, key: str | None = None
    ) -> web.Response:
        held = self._held.get(to)
        if held is not None:
            self.holding += 1
            try:
                await held.wait()
            finally:
                self.holding -= 1
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)  # nobody reads it: LINE never got it whole
        sent = [{"id": str(next(self._ids)), "quoteToken": "q"} for _ in body["messages"]]
        self.delivered += [(to, message) for message in body["messages"]]
        if key is not None:
            self._retry_keys[key] = sent
        path = request.path.rsplit("/", 1)[-1]
        if self._lost.get(path):
            self._lost[path] -= 1
            return self._answer(request, body, 500, {"message": "the answer was lost"})
        return self._answer(request, body, 200, {"sentMessages": sent})

    def _answer(
        self, request: web.Request, body: dict[str, Any], status: int, answer: dict[str, Any]
    ) -> web.Response:
        path = request.path.rsplit("/", 1)[-1] if "message" in request.path else "loading"
        self.calls.append(Call(path, body, dict(request.headers), status))
        return web.json_response(answer, status=status)

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"


def _beyond_limits(messages: list[dict[str, Any]]) -> list[str]:
    problems = []
    if not 1 <= len(messages) <= LIMITS["messages"]:
        problems.append(f"messages: {len(messages)} messages, 1 to 5 allowed")
    for number, message in enumerate(messages):
        if len(message.get("text", "")) > LIMITS["text"]:
            problems.append(f"messages[{number}].text: longer than 5000 characters")
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > LIMITS["quick_replies"]:
            problems.append(f"messages[{number}].quickReply.items: more than 13")
        for item in items:
            action = item.get("action", {})
            if len(action.get("label", "")) > LIMITS["label"]:
                problems.append(f"messages[{number}].quickReply: a label over 20 characters")
            if len(action.get("data", "")) > LIMITS["data"]:
                problems.append(f"messages[{number}].quickReply: data over 300 characters")
    return problems
