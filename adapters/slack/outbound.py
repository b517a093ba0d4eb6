"""Replies to Slack, from the turn or from the outbox's pump: where they go (a channel or
thread, or a slash command's or button's ``response_url`` for what only the user sees) kept
as the outbox's address, and Slack's answer sorted into refused for good or worth a retry.

A ``response_url`` lasts 30 minutes and five posts; a reminder due tomorrow outlives it, so an
address with one also names the user, whose direct messages take what it no longer does."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import message
from bot.courier import Sender
from bot.messages import Reply
from common.errors import Refused

# Slack's errors that another attempt may cure; any other error is the same the next time
# (channel_not_found, is_archived, not_in_channel, invalid_blocks...).
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_EXPIRED = (404, 410)  # a response_url used up (five posts) or older than 30 minutes


def address(
    channel: str,
    thread: str | None = None,
    *,
    response_url: str | None = None,
    user: str | None = None,
) -> str:
    if response_url is not None:
        return json.dumps({"response_url": response_url, "user": user})
    return json.dumps({"channel": channel, "thread": thread})


def sender(client: WebClient) -> Sender:
    """Posts one reply to an :func:`address`; :class:`Refused` when Slack will never take it."""

    def send(to: str, reply: Reply, _key: str) -> None:
        where = json.loads(to)
        if "response_url" in where:
            respond = Respond(response_url=where["response_url"])
            answer = respond(response_type="ephemeral", replace_original=False, **message(reply))
            if answer.status_code == 200:
                return
            if answer.status_code not in _EXPIRED:
                raise RuntimeError(f"response_url answered {answer.status_code}")
            if not where.get("user"):
                raise Refused(f"response_url answered {answer.status_code}")
            where = {"channel": where["user"], "thread": None}  # a DM: the user's ID as channel
        post_message(client, channel=where["channel"], thread_ts=where["thread"], **message(reply))

    return send


def post_message(client: WebClient, **message: Any) -> None:
    """chat.postMessage; :class:`Refused` when Slack will never take it."""
    try:
        client.chat_postMessage(**message)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in _TRANSIENT or exc.response.status_code >= 500:
            raise
        raise Refused(str(error)) from exc
