"""Slack over HTTP, both ways: the Web API client, and the route Slack posts to.

Events, slash commands and interactions all arrive at one Starlette route,
``POST /slack/events``, served by uvicorn; Bolt verifies each request's signature with the
signing secret (a wrong or stale one gets 401) before anything else. `mynumber-bot serve`
mounts :func:`slack_route` in its own Starlette app.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from slack_bolt import App as BoltApp
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

EVENTS_PATH = "/slack/events"


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out rate limits (429, Retry-After) and retries dropped
    connections, instead of losing a reply."""
    return WebClient(
        token=token,
        base_url=api_url if api_url.endswith("/") else api_url + "/",
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


def skip_timeout_retries(request: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Bolt middleware: acknowledge, and drop, Slack's retries after a timeout."""
    # A retry "because of http_timeout" means the first delivery reached us and is being
    # handled. Other retries (connection_failed, http_error) may be the first to arrive; they go
    # on, and the service's delivery_id claim answers them only if nothing answered before.
    if request.headers.get("x-slack-retry-reason", [""])[0] == "http_timeout":
        return BoltResponse(status=200, body="")
    return next_()


def slack_route(bolt: BoltApp, path: str = EVENTS_PATH) -> Route:
    """``POST path`` handled by ``bolt``: the route to mount in any Starlette app."""

    async def events(request: Request) -> Response:
        body = await request.body()
        # dispatch() verifies, then waits for the listener's ack() (milliseconds, but blocking):
        # off the event loop, so one slow request never holds up the others.
        response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    return Route(path, events, methods=["POST"])


def starlette_app(bolt: BoltApp) -> Starlette:
    """An ASGI app with :func:`slack_route` only."""
    return Starlette(routes=[slack_route(bolt)])


def serve(bolt: BoltApp, *, host: str, port: int) -> None:
    """Serve ``bolt`` on ``host:port`` until interrupted."""
    uvicorn.run(starlette_app(bolt), host=host, port=port, log_level="info")


@contextmanager
def serving_in_background(
    app: ASGIApp, host: str = "127.0.0.1", *, lifespan: bool = False, timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` from a uvicorn thread on a free port for the block; yields its base URL.

    The port is bound here, before uvicorn starts, so no other process can take it between
    choosing and listening. ``lifespan`` runs the app's start-up and shut-down; ``timeout``
    bounds both the start and the stop.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((host, 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on" if lifespan else "off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="slack-http", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:  # uvicorn offers no start-up callback
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.005)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
        listener.close()
        if thread.is_alive():
            raise RuntimeError("the HTTP server did not stop")
