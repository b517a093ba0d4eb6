"""Slack's replies through the outbox: kept when Slack fails, sent again by the courier's pump,
dropped when Slack refuses them for good (an archived channel, a response_url used up)."""

from __future__ import annotations

from typing import Any

from adapters.slack.stand_in import RESPONSE_URL
from tests.serve.helpers import wait_for
from tests.slack.helpers import DM, Slack, text_of

LOST_PHONE = "I lost my smartphone"


def pending(slack: Slack) -> int:
    store: Any = slack.app.service.store
    return store.pending()


def test_a_reply_slack_failed_to_take_is_sent_again_once(slack: Slack) -> None:
    slack.stand_in.refuse_once("chat.postMessage", "internal_error")
    assert [call.error for call in slack.dm(LOST_PHONE)] == ["internal_error"]
    assert pending(slack) == 1
    # The courier's thread pumps it once its back-off (a second) is over.
    wait_for(lambda: pending(slack) == 0, timeout=10, what="the pumped reply")
    [sent] = [call for call in slack.posts(DM) if call.error is None]
    assert "0120-0178-27" in text_of(sent)
    assert len(slack.stand_in.calls("chat.postMessage")) == 2  # the failure, then the reply


def test_a_reply_slack_refuses_for_good_is_dropped(slack: Slack) -> None:
    slack.stand_in.refuse_once("chat.postMessage", "is_archived")
    slack.dm(LOST_PHONE)
    assert pending(slack) == 0
    assert [call.error for call in slack.stand_in.calls("chat.postMessage")] == ["is_archived"]


def test_an_ephemeral_answer_to_a_used_up_response_url_is_dropped(slack: Slack) -> None:
    slack.stand_in.expire("1.trigger")  # the first command's response_url
    assert slack.command("lost phone") == []
    assert pending(slack) == 0
    answered = slack.command("lost phone")  # the next one, with a fresh URL, is answered
    assert [call.method for call in answered] == [RESPONSE_URL]
    assert pending(slack) == 0
