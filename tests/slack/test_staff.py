"""The staff channel: new inquiries announced without personal data; Show details and Mark
answered recorded with who and when."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from adapters.sql.schema import inquiries
from testkit.slack.stand_in import TEAM, Call
from tests.adapters.helpers import AT, CONSENT_QUESTION, reference_in
from tests.serve.helpers import wait_for
from tests.slack.helpers import STAFF_CHANNEL, Slack, labels_of, text_of

EMAIL = "hanako.sato@example.jp"
TEXT = "I moved to Osaka & my card <still> shows the old address."
BOB = "U0BOB"


def _inquiry(slack: Slack) -> str:
    """A whole written inquiry through the DM; its reference."""
    assert CONSENT_QUESTION in text_of(slack.dm("write an inquiry")[0])
    slack.dm("I agree")
    slack.dm(f"<mailto:{EMAIL}|{EMAIL}>")
    slack.dm(EMAIL)
    slack.dm(TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    (sent,) = slack.dm("send")
    reference = reference_in(text_of(sent))
    assert reference is not None
    return reference


def _announcement(slack: Slack) -> Call:
    """The staff post, which the courier's thread sends right after the turn."""
    (post,) = wait_for(lambda: slack.posts(STAFF_CHANNEL), what="the staff post")
    return post


def test_a_new_inquiry_is_posted_to_staff_without_personal_data(slack: Slack) -> None:
    reference = _inquiry(slack)
    post = _announcement(slack)
    shown = text_of(post) + post.params["text"]
    assert reference in shown
    assert "Topic:" in shown and "Language: English" in shown
    assert "Received: 2026-11-25 10:00 JST" in shown
    assert EMAIL not in str(post.params) and "Osaka" not in str(post.params)
    assert labels_of(post) == ["Show details", "Mark answered"]


def test_show_details_reveals_to_the_presser_only_and_is_recorded(slack: Slack) -> None:
    reference = _inquiry(slack)
    pressed_at = AT + timedelta(minutes=5)
    _, calls = slack.press(_announcement(slack), "Show details", user=BOB, at=pressed_at)
    (ephemeral,) = [call for call in calls if call.method == "chat.postEphemeral"]
    assert ephemeral.params["user"] == BOB and ephemeral.params["channel"] == STAFF_CHANNEL
    shown = text_of(ephemeral)
    assert EMAIL in shown
    assert "Osaka &amp; my card &lt;still&gt; shows" in shown  # escaped as it is quoted
    assert not [call for call in calls if call.method == "chat.postMessage"]
    assert slack.staff_log.actions(reference) == [
        ("details_viewed", f"slack:{TEAM}:{BOB}", pressed_at)
    ]


def test_mark_answered_is_recorded_once_and_shown_in_the_post(slack: Slack) -> None:
    reference = _inquiry(slack)
    post = _announcement(slack)
    pressed_at = AT + timedelta(hours=2)
    _, calls = slack.press(post, "Mark answered", user=BOB, at=pressed_at)
    (update,) = [call for call in calls if call.method == "chat.update"]
    assert update.params["channel"] == STAFF_CHANNEL
    context = [b for b in update.params["blocks"] if b["type"] == "context"]
    assert f"<@{BOB}>" in context[0]["elements"][0]["text"]
    assert "2026-11-25 12:00 JST" in context[0]["elements"][0]["text"]
    assert labels_of(update) == ["Show details"]
    details = slack.staff_log.lookup(reference)
    assert details is not None
    assert (details.answered_by, details.answered_at) == (f"slack:{TEAM}:{BOB}", pressed_at)

    # Pressed again (an old copy of the post): nothing changes; the presser is told who did it.
    _, again = slack.press(post, "Mark answered", user="U0CAROL", at=pressed_at)
    (told,) = [call for call in again if call.method == "chat.postEphemeral"]
    assert f"<@{BOB}>" in text_of(told) and told.params["user"] == "U0CAROL"
    assert [a for a, _, _ in slack.staff_log.actions(reference)] == ["answered"]


def test_the_buttons_work_only_in_the_staff_channel(slack: Slack) -> None:
    reference = _inquiry(slack)
    elsewhere = Call("chat.postMessage", {**_announcement(slack).params, "channel": "C0OTHER"})
    _, calls = slack.press(elsewhere, "Show details", user=BOB)
    (told,) = [call for call in calls if call.method == "chat.postEphemeral"]
    assert EMAIL not in str(told.params)
    assert slack.staff_log.actions(reference) == []


def test_a_deleted_inquiry_says_so_and_its_staff_records_go_with_it(slack: Slack) -> None:
    reference = _inquiry(slack)
    post = _announcement(slack)
    slack.press(post, "Show details", user=BOB)
    assert slack.staff_log.actions(reference)
    with slack.app.database.begin() as connection:  # as `inquiries purge` deletes
        connection.execute(delete(inquiries).where(inquiries.c.reference == reference))
    assert slack.staff_log.actions(reference) == []  # ON DELETE CASCADE
    _, calls = slack.press(post, "Show details", user=BOB)
    (told,) = [call for call in calls if call.method == "chat.postEphemeral"]
    assert "no longer stored" in text_of(told)


def test_an_unknown_reference_has_no_details(slack: Slack) -> None:
    assert slack.staff_log.lookup("MN-00000-00000") is None
