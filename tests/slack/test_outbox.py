"""Slack's replies through the outbox: kept when Slack fails, sent again by the courier's pump,
dropped when Slack refuses them for good (an archived channel), and what a used-up response_url
no longer takes posted to the user's direct messages (where a reminder set with the slash command
arrives, long after its response_url expired)."""

from __future__ import annotations

from typing import Any

from testkit.slack.stand_in import RESPONSE_URL
from tests.serve.helpers import wait_for
from tests.slack.helpers import DM, USER, Slack, text_of

LOST_PHONE = "I lost my smartphone"


def pending(slack: Slack) -> int:
    store: Any = slack.app.service.store
    return store.pending()


def forgotten(slack: Slack) -> None:
    """Until the courier's thread has forgotten every parcel (it does so in batches)."""
    wait_for(lambda: pending(slack) == 0, timeout=10, what="the outbox to be empty")


def test_a_reply_slack_failed_to_take_is_sent_again_once(slack: Slack) -> None:
    slack.stand_in.refuse_once("chat.postMessage", "internal_error")
    assert [call.error for call in slack.dm(LOST_PHONE)] == ["internal_error"]
    assert pending(slack) == 1
    # The courier's thread pumps it once its back-off (a second) is over.
    forgotten(slack)  # pumped, then forgotten
    [sent] = [call for call in slack.posts(DM) if call.error is None]
    assert "0120-0178-27" in text_of(sent)
    assert len(slack.stand_in.calls("chat.postMessage")) == 2  # the failure, then the reply


def test_a_reply_slack_refuses_for_good_is_dropped(slack: Slack) -> None:
    slack.stand_in.refuse_once("chat.postMessage", "is_archived")
    slack.dm(LOST_PHONE)
    forgotten(slack)
    assert [call.error for call in slack.stand_in.calls("chat.postMessage")] == ["is_archived"]


def test_what_a_used_up_response_url_no_longer_takes_goes_to_the_users_dm(slack: Slack) -> None:
    slack.stand_in.expire("1.trigger")  # the first command's response_url
    mark = slack.stand_in.count()
    assert slack.command("lost phone") == []
    [dm] = slack.posts(USER, since=mark)  # Slack opens the DM for a user ID as channel
    assert "0120-0178-27" in text_of(dm)
    forgotten(slack)
    answered = slack.command("lost phone")  # the next one, with a fresh URL, is answered there
    assert [call.method for call in answered] == [RESPONSE_URL]
    forgotten(slack)
