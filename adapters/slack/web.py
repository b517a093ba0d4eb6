"""Slack over HTTP, both ways: the Web API client, and the route Slack posts to.

Events, slash commands and interactions all arrive at ``POST /slack/events``. The request's
signature is checked here, on the raw body and before anything is parsed (a wrong, stale or
malformed one gets 401, and nothing of the body reaches a log); Bolt then handles it, off the
event loop. Slack's retries are answered like first deliveries: the service claims each
event_id in the turn's transaction, so a retry after a turn that committed adds nothing, and
one after a worker that died is answered.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from slack_bolt import App as BoltApp
from slack_bolt import BoltRequest
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from bot.channel import Handler, HttpRequest, HttpResponse

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's payloads are a few kilobytes; a blocks payload far under this
_STALE = 60 * 5  # seconds: Slack's own advice for refusing replayed requests


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


def events_handler(bolt: BoltApp, signing_secret: str) -> Handler:
    """``POST /slack/events``: verified, then dispatched to ``bolt``."""
    verifier = SignatureVerifier(signing_secret)

    async def events(request: HttpRequest) -> HttpResponse:
        if not _signed(verifier, request):
            return HttpResponse.error(401, "the request is not signed by Slack")
        if not _readable(request):
            return HttpResponse.error(400, "the body is not a Slack request")
        bolt_request = BoltRequest(
            body=request.body.decode("utf-8", "replace"),
            query=dict(request.query),
            headers=dict(request.headers),
        )
        # dispatch() waits for the listener's ack() (milliseconds, but blocking): off the loop.
        answer = await run_in_threadpool(bolt.dispatch, bolt_request)
        headers = {name: values[0] for name, values in answer.headers.items() if values}
        content_type = headers.pop("content-type", "text/plain;charset=utf-8")
        return HttpResponse(
            answer.status, answer.body.encode(), content_type=content_type, headers=headers
        )

    return events


def _readable(request: HttpRequest) -> bool:
    """Whether the body is what Slack posts: a JSON object (events), or a form whose
    ``payload``, if any, is one (interactions; slash commands have none)."""
    try:
        text = request.body.decode("utf-8")
        if request.headers.get("content-type", "").startswith("application/json"):
            return isinstance(json.loads(text), dict)
        payload = parse_qs(text, strict_parsing=bool(text)).get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except (ValueError, RecursionError):
        return False


def _signed(verifier: SignatureVerifier, request: HttpRequest) -> bool:
    stamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > _STALE:
        return False
    return verifier.is_valid(body=request.body, timestamp=stamp, signature=signature)
