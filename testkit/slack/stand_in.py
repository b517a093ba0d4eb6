"""A stand-in for Slack's Web API on 127.0.0.1, for `replay --channel slack` and the tests.

A real HTTP server (as slack-bolt's own tests/mock_web_api_server) that answers what Bolt and
the adapter call (auth.test, chat.postMessage, chat.postEphemeral, chat.update, views.publish,
users.info) and the response_urls of slash commands and buttons, and records every call. It can
answer one call of a method with 429 and Retry-After, as Slack does when rate-limiting.

With :meth:`StandInSlack.socket_mode` it also serves Socket Mode: apps.connections.open (with
the app-level token) hands out the URL of a real WebSocket endpoint (aiohttp), which greets each
connection with ``hello``, pushes envelopes, and records what the client sends back (its acks).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TEAM = "T0STANDIN"
BOT_USER = "U0STANDBOT"
BOT_ID = "B0STANDBOT"
APP_ID = "A0STANDIN"
SOCKET_PATH = "/socket"
RESPONSE_URL = "response_url"  # the method name recorded for a post to a response_url
_JSON_FIELDS = ("blocks", "view", "attachments")  # JSON strings when sent as form fields


@dataclass(frozen=True, slots=True)
class Call:
    """One request the stand-in received; ``status`` 429 for a rate-limited one, ``error``
    Slack's error for one refused."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    error: str | None = None


class StandInSlack:
    """Slack's Web API for one bot token; start it with :meth:`running`."""

    def __init__(self, *, token: str = "xoxb-stand-in", app_token: str = "xapp-stand-in") -> None:
        self.token = token
        self.app_token = app_token
        self.socket: SocketModeServer | None = None
        self.users: dict[str, dict[str, Any]] = {}
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._limited: dict[str, int] = {}
        self._refusals: dict[str, str] = {}
        self._expired: set[str] = set()
        self._ts = itertools.count(1)
        self._port = 0

    @contextmanager
    def running(self) -> Iterator[StandInSlack]:
        """Serve on a free port of 127.0.0.1 for the block."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._port = server.server_address[1]
        # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
        thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name="slack-stand-in", daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    @contextmanager
    def socket_mode(self) -> Iterator[SocketModeServer]:
        """Serve Socket Mode's WebSocket on a free port of 127.0.0.1 for the block: from then
        on apps.connections.open answers with its URL."""
        server = SocketModeServer()
        with server.running():
            self.socket = server
            try:
                yield server
            finally:
                self.socket = None

    @property
    def api_url(self) -> str:
        """The Web API base, for ``SLACK_API_URL``."""
        return f"http://127.0.0.1:{self._port}/api/"

    def response_url(self, name: str) -> str:
        """A response_url whose posts are recorded as calls of ``response_url``."""
        return f"http://127.0.0.1:{self._port}/respond/{name}"

    def add_user(self, user: str, *, locale: str | None = None) -> None:
        """Make ``user`` known to users.info, with the client locale Slack would report."""
        self.users[user] = {
            "id": user,
            "name": user.lower(),
            **({"locale": locale} if locale else {}),
        }

    def rate_limit_once(self, method: str, *, retry_after: int = 0) -> None:
        """The next call of ``method`` gets 429 with ``Retry-After: retry_after``."""
        with self._lock:
            self._limited[method] = retry_after

    def refuse_once(self, method: str, error: str) -> None:
        """The next call of ``method`` answers ``{"ok": false, "error": error}``."""
        with self._lock:
            self._refusals[method] = error

    def expire(self, name: str) -> None:
        """Posts to the response_url ``name`` answer 404, as to one used up or too old."""
        with self._lock:
            self._expired.add(name)

    def calls(self, method: str | None = None, *, since: int = 0) -> list[Call]:
        """The calls received (from index ``since``), of ``method`` if given."""
        with self._lock:
            return [c for c in self._calls[since:] if method is None or c.method == method]

    def count(self) -> int:
        """How many calls so far: a mark for :meth:`calls` ``since``."""
        with self._lock:
            return len(self._calls)

    def answer(
        self, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request (the HTTP handler only carries them);
        ``headers`` looked up case-insensitively, as http.server's are."""
        url = urlsplit(path)
        params: dict[str, Any] = dict(parse_qsl(url.query))
        if body:
            is_json = "json" in headers.get("Content-Type", "")
            params.update(json.loads(body) if is_json else dict(parse_qsl(body.decode())))
        for name in _JSON_FIELDS:
            if isinstance(params.get(name), str):
                params[name] = json.loads(params[name])
        if url.path.startswith("/respond/"):
            name = url.path.rsplit("/", 1)[1]
            if name in self._expired:
                return 404, {"Content-Type": "text/plain"}, b"expired_url"
            self._record(Call(RESPONSE_URL, {"url": name, **params}))
            return 200, {"Content-Type": "text/plain"}, b"ok"
        method = url.path.removeprefix("/api/")
        with self._lock:
            retry_after = self._limited.pop(method, None)
            refusal = self._refusals.pop(method, None)
        if refusal is not None:
            self._record(Call(method, params, error=refusal))
            return (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"ok": False, "error": refusal}).encode(),
            )
        if retry_after is not None:
            self._record(Call(method, params, status=429))
            limited = {"Retry-After": str(retry_after), "Content-Type": "application/json"}
            return 429, limited, b'{"ok": false, "error": "ratelimited"}'
        authorization = headers.get("Authorization")
        if method == "apps.connections.open":  # the one method called with the app-level token
            result: dict[str, Any] = self._connections_open(authorization)
        elif authorization != f"Bearer {self.token}":
            result = {"ok": False, "error": "invalid_auth"}
        else:
            result = self._result(method, params)
        self._record(Call(method, params))
        return 200, {"Content-Type": "application/json"}, json.dumps(result).encode()

    def _connections_open(self, authorization: str | None) -> dict[str, Any]:
        if authorization == f"Bearer {self.token}":
            return {"ok": False, "error": "not_allowed_token_type"}
        if authorization != f"Bearer {self.app_token}":
            return {"ok": False, "error": "invalid_auth"}
        if self.socket is None:
            return {"ok": False, "error": "socket_mode_not_served"}  # the stand-in's own error
        return {"ok": True, "url": self.socket.url}

    def _result(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://stand-in.slack.com/",
                "team": "Stand-in",
                "user": "mynumber-bot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method == "chat.postMessage":
            ts = f"1800000000.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": params}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1800000000.{next(self._ts):06d}"}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "views.publish":
            return {"ok": True, "view": params.get("view")}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        return {"ok": False, "error": "unknown_method"}

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)


def _handler(stand_in: StandInSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = stand_in.answer(self.path, self.headers, body)  # type: ignore[arg-type]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the calls are recorded; a line per request on stderr would drown the output

    return Handler


class SocketModeServer:
    """Socket Mode's WebSocket endpoint (``GET /socket``), served by aiohttp on its own event
    loop thread. Each connection is greeted with ``hello``; :meth:`push` sends an envelope to
    the latest connection; every JSON message a client sends is recorded (:meth:`received`)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sockets: list[Any] = []  # aiohttp WebSocketResponses, open ones
        self._received: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._connections = 0
        self._port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._port}{SOCKET_PATH}"

    @contextmanager
    def running(self) -> Iterator[SocketModeServer]:
        from aiohttp import web

        loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_get(SOCKET_PATH, self._serve)
        runner = web.AppRunner(app, handle_signals=False)

        async def start() -> None:
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self._port = runner.addresses[0][1]

        thread = threading.Thread(target=loop.run_forever, name="slack-socket-mode", daemon=True)
        thread.start()
        self._loop = loop
        try:
            asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()

    async def _serve(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        socket = web.WebSocketResponse(autoping=True)  # answers the client's pings with pongs
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "stand-in"},
                "connection_info": {"app_id": APP_ID},
            }
        )
        with self._changed:
            self._sockets.append(socket)
            self._connections += 1
            self._changed.notify_all()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    with self._changed:
                        self._received.append(json.loads(message.data))
                        self._changed.notify_all()
        finally:
            with self._changed:
                self._sockets.remove(socket)
                self._changed.notify_all()
        return socket

    def connections(self) -> int:
        """How many connections there have been."""
        with self._changed:
            return self._connections

    def wait_connected(self, timeout: float = 10) -> int:
        """Wait for an open connection; how many there have been."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._sockets, timeout=timeout):
                raise TimeoutError("no Socket Mode connection")
            return self._connections

    def push(self, envelope: dict[str, Any], *, timeout: float = 10) -> None:
        """Send ``envelope`` (as JSON) over the latest open connection."""
        self.wait_connected(timeout)
        with self._changed:
            socket = self._sockets[-1]
        assert self._loop is not None
        sent = asyncio.run_coroutine_threadsafe(socket.send_json(envelope), self._loop)
        sent.result(timeout=timeout)

    def push_event(
        self, body: dict[str, Any], *, envelope_id: str, timeout: float = 10
    ) -> dict[str, Any]:
        """Deliver an Events API callback ``body`` as Slack does over Socket Mode, and wait for
        the client's acknowledgement of ``envelope_id``; that acknowledgement."""
        self.push(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "payload": body,
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
            },
            timeout=timeout,
        )
        return self.wait_ack(envelope_id, timeout=timeout)

    def wait_ack(self, envelope_id: str, *, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self._received:
                    if message.get("envelope_id") == envelope_id:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no acknowledgement of {envelope_id}")
                self._changed.wait(left)

    def received(self) -> list[dict[str, Any]]:
        """Every JSON message the clients sent, in order."""
        with self._changed:
            return list(self._received)
