"""A stand-in for Slack's Web API on 127.0.0.1, for `replay --channel slack` and the tests.

A real HTTP server (as slack-bolt's own tests/mock_web_api_server) that answers what Bolt and
the adapter call (auth.test, chat.postMessage, chat.postEphemeral, chat.update, views.publish,
users.info) and the response_urls of slash commands and buttons, and records every call. It can
answer one call of a method with 429 and Retry-After, as Slack does when rate-limiting.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TEAM = "T0STANDIN"
BOT_USER = "U0STANDBOT"
BOT_ID = "B0STANDBOT"
RESPONSE_URL = "response_url"  # the method name recorded for a post to a response_url
_JSON_FIELDS = ("blocks", "view", "attachments")  # JSON strings when sent as form fields


@dataclass(frozen=True, slots=True)
class Call:
    """One request the stand-in received; ``status`` 429 for a rate-limited one."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 200


class StandInSlack:
    """Slack's Web API for one bot token; start it with :meth:`running`."""

    def __init__(self, *, token: str = "xoxb-stand-in") -> None:
        self.token = token
        self.users: dict[str, dict[str, Any]] = {}
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._limited: dict[str, int] = {}
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
            self._record(Call(RESPONSE_URL, {"url": url.path.rsplit("/", 1)[1], **params}))
            return 200, {"Content-Type": "text/plain"}, b"ok"
        method = url.path.removeprefix("/api/")
        with self._lock:
            retry_after = self._limited.pop(method, None)
        if retry_after is not None:
            self._record(Call(method, params, status=429))
            limited = {"Retry-After": str(retry_after), "Content-Type": "application/json"}
            return 429, limited, b'{"ok": false, "error": "ratelimited"}'
        if headers.get("Authorization") != f"Bearer {self.token}":
            result: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
        else:
            result = self._result(method, params)
        self._record(Call(method, params))
        return 200, {"Content-Type": "application/json"}, json.dumps(result).encode()

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
