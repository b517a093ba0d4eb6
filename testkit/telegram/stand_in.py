"""A stand-in Telegram Bot API on 127.0.0.1: for the tests, `replay --channel telegram` and the
benchmark, so that the real adapter is exercised over real HTTP without reaching Telegram.

It answers the methods the adapter calls, records every call, serves queued updates to
``getUpdates`` as Telegram does (an update is served until an ``offset`` past it confirms it;
long polls return as soon as one arrives), and can be told to fail the next call of a method
(a 429 with ``retry_after``, or a 502), to hold the messages sent to a chat (a Telegram that
is slow to answer) until released, or to answer every message late (``latency``: delivered at
once, its 200 sent after the delay, and counted as ``unanswered`` when its sender is gone by
then: a reply the sender cannot know was delivered). Run on its own
(``python -m testkit.telegram.stand_in``) it takes updates over ``POST /control/updates``, so
that a benchmark can serve from another process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:stand-in-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "MyNumber Help", "username": "MyNumberHelpBot"}
_JSON_FIELDS = ("reply_markup", "reply_parameters", "commands", "allowed_updates", "scope")
_TRUE_METHODS = frozenset(
    ("setMyCommands", "deleteWebhook", "setWebhook", "answerCallbackQuery", "deleteMyCommands")
)


@dataclass(frozen=True, slots=True)
class Call:
    """One request the stand-in received, with the ``result`` it answered (None for errors)
    and when it came (``time.monotonic()``)."""

    method: str
    params: dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class _Queued:
    update: dict[str, Any]
    delivered: bool = False


@dataclass
class StandIn:
    """The server; ``start()`` it inside a running event loop, ``push()`` updates to it."""

    token: str = TOKEN
    max_wait: float = 1.0  # the longest a long poll is held, whatever timeout the client asks
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _queue: list[_Queued] = field(default_factory=list)
    _failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _held: dict[int, asyncio.Event] = field(default_factory=dict)
    holding: int = 0  # sendMessage calls waiting on a hold now
    latency: float = 0.0  # seconds between delivering a message and answering its sender
    unanswered: int = 0  # messages delivered whose sender was gone before its answer
    _runner: web.AppRunner | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (a free port unless ``port``); returns the API base URL."""
        self._loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_post("/control/updates", self._control_updates)
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        """Answer the long polls held, and close."""
        self.max_wait = 0
        self._arrived.set()  # held long polls answer now rather than delay the shutdown
        if self._runner is not None:
            await self._runner.cleanup()

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update; an ``update_id`` served before is served again (a redelivery)."""
        message = update.get("message") or update.get("callback_query", {}).get("message") or {}
        if "chat" in message:  # so that the bot's messages in that chat say its type
            self._chats[message["chat"]["id"]] = message["chat"]
        self._queue.append(_Queued(update))
        self._arrived.set()

    def fail(self, method: str, *, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next call of ``method`` with an error: 429 (flood limit) or e.g. 502."""
        body: dict[str, Any] = {"ok": False, "error_code": status}
        if status == 429:
            body["description"] = f"Too Many Requests: retry after {retry_after}"
            body["parameters"] = {"retry_after": retry_after}
        else:
            body["description"] = "Bad Gateway"
        self._failures.setdefault(method, []).append(body)

    def hold(self, chat_id: int) -> None:
        """Keep messages to ``chat_id`` waiting until :meth:`release`. One whose sender has gone
        meanwhile (its connection closed) is not delivered: Telegram never got it whole."""
        self._held[chat_id] = asyncio.Event()

    def release(self, chat_id: int) -> None:
        """From any thread."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._held.pop(chat_id).set)

    async def _wait_if_held(self, request: web.Request, params: dict[str, Any]) -> bool:
        """Whether the call still has a sender once its chat's hold is over."""
        held = self._held.get(params.get("chat_id", 0))
        if held is None:
            return True
        self.holding += 1
        try:
            await held.wait()
        finally:
            self.holding -= 1
        return request.transport is not None and not request.transport.is_closing()

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            refusal = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return web.json_response(refusal, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        failures = self._failures.get(method)
        if failures:
            body = failures.pop(0)
            self.calls.append(Call(method, params))
            return web.json_response(body, status=body["error_code"])
        if method == "getUpdates":
            result: Any = await self._updates(params)
        elif method == "sendMessage":
            if not await self._wait_if_held(request, params):
                return web.Response(status=499)  # nobody reads it
            result = self._message(params)
            if self.latency:
                return await self._late(request, Call(method, params, result))
        elif method == "getMe":
            result = BOT
        elif method in _TRUE_METHODS:
            result = True
        else:
            self.calls.append(Call(method, params))
            body = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            return web.json_response(body, status=404)
        self.calls.append(Call(method, params, result))
        return web.json_response({"ok": True, "result": result})

    async def _late(self, request: web.Request, call: Call) -> web.Response:
        self.calls.append(call)  # delivered now: the sender learns of it only after latency
        await asyncio.sleep(self.latency)
        if request.transport is None or request.transport.is_closing():
            self.unanswered += 1
        return web.json_response({"ok": True, "result": call.result})

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.max_wait)
        # Confirmed (served, then passed by the offset) updates are gone, as on Telegram.
        self._queue = [q for q in self._queue if not (q.delivered and _id(q) < offset)]
        if not self._queue and wait > 0:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        batch = self._queue[:limit]
        for queued in batch:
            queued.delivered = True
        return [queued.update for queued in batch]

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        message: dict[str, Any] = {
            "message_id": len(self.calls) + 1,
            "date": int(time.time()),
            "chat": self._chats.get(chat_id) or {"id": chat_id, "type": "private"},
            "from": BOT,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _control_updates(self, request: web.Request) -> web.Response:
        for update in await request.json():
            self.push(update)
        return web.json_response({"ok": True})


def _id(queued: _Queued) -> int:
    return int(queued.update["update_id"])


async def _params(request: web.Request) -> dict[str, Any]:
    """A method's parameters, sent as JSON, a form (PTB's HTTPXRequest) or a query string."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.can_read_body:
        params.update((key, value) for key, value in (await request.post()).items())
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    if isinstance(params.get("chat_id"), str) and params["chat_id"].lstrip("-").isdigit():
        params["chat_id"] = int(params["chat_id"])
    return params


async def _serve(port: int) -> None:
    stand_in = StandIn()
    url = await stand_in.start(port)
    print(url, flush=True)  # the parent process reads where to send the bot's requests
    await asyncio.Event().wait()


def main() -> None:
    """Serve until interrupted, printing the API base URL first."""
    parser = argparse.ArgumentParser(description="A stand-in Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
