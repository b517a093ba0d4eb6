"""The Slack adapter end to end: signed HTTP requests in, Web API calls out (a stand-in)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from adapters.host import web_app
from bot.channel import Route as ChannelRoute
from testkit.slack.stand_in import BOT_ID, BOT_USER
from tests.adapters.helpers import AT, SUSPENSION_NUMBER
from tests.slack.helpers import (
    DM,
    USER,
    Slack,
    dm_event,
    labels_of,
    running_slack,
    text_of,
    ts_of,
)

CHALLENGE = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})


def test_a_correctly_signed_request_is_answered(slack: Slack) -> None:
    status, body = slack.post(CHALLENGE)
    assert (status, json.loads(body)) == (200, {"challenge": "c-123"})


def test_a_wrongly_signed_or_stale_request_is_refused(slack: Slack) -> None:
    assert slack.post(CHALLENGE, secret="not-the-secret")[0] == 401
    assert slack.post(CHALLENGE, timestamp=int(time.time()) - 10 * 60)[0] == 401
    # A bad signature on an event: refused before anything runs.
    event = {"type": "event_callback", "event_id": "Ev1", "event": dm_event("I lost my card")}
    assert slack.post(json.dumps(event), secret="not-the-secret")[0] == 401
    assert slack.stand_in.calls("chat.postMessage") == []


def test_a_direct_message_is_answered_in_the_dm(slack: Slack) -> None:
    (post,) = slack.dm("I lost my card")
    assert SUSPENSION_NUMBER in text_of(post)
    assert post.params.get("thread_ts") is None
    assert "Main menu" in labels_of(post)
    actions = [
        e["action_id"]
        for b in post.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert len(set(actions)) == len(actions), "action_ids must be unique in a message"
    assert SUSPENSION_NUMBER in post.params["text"]  # the notification's text too


def test_a_mention_in_a_channel_is_answered_in_its_thread(slack: Slack) -> None:
    mark = slack.stand_in.count()
    mention = {
        "type": "app_mention",
        "channel": "C0GENERAL",
        "user": USER,
        "text": f"<@{BOT_USER}> I lost my phone",
        "ts": ts_of(AT),
        "event_ts": ts_of(AT),
    }
    slack.event(mention)
    (post,) = slack.posts("C0GENERAL", since=mark)
    assert post.params["thread_ts"] == ts_of(AT)
    assert SUSPENSION_NUMBER in text_of(post)


def test_a_retried_event_is_never_answered_twice(slack: Slack) -> None:
    event = dm_event("I lost my card")
    slack.event(event, event_id="Ev0RETRY")
    assert len(slack.posts(DM)) == 1
    # After an error reply Slack retries; the delivery was handled, so nothing is said again.
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    slack.event(event, event_id="Ev0RETRY", headers=retry)
    # After a timeout, the first delivery is still being handled: acknowledged, not run.
    timeout = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.send_event(event, event_id="Ev0RETRY", headers=timeout)[0] == 200
    slack.dm("thanks")  # a later turn, so anything still running would have posted by now
    assert len(slack.posts(DM)) == 2


def test_bots_edits_and_the_bot_itself_are_ignored(slack: Slack) -> None:
    slack.event({**dm_event("I lost my card"), "bot_id": "B0OTHER", "subtype": "bot_message"})
    slack.event({**dm_event("I lost my card"), "bot_id": "B0OTHER"})
    edited = {"type": "message", "subtype": "message_changed", "channel": DM, "ts": ts_of(AT)}
    slack.event({**edited, "channel_type": "im", "message": {"text": "I lost my card"}})
    own = {**dm_event("I lost my card", user=BOT_USER), "bot_id": BOT_ID}
    assert slack.send_event(own, event_id="Ev0OWN")[0] == 200  # dropped by Bolt before listeners
    slack.dm("thanks")
    assert len(slack.posts(DM)) == 1


def test_the_slash_command_answers_ephemerally(slack: Slack) -> None:
    (answer,) = slack.command("lost phone")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert SUSPENSION_NUMBER in text_of(answer)
    assert slack.stand_in.calls("chat.postMessage") == []  # nothing visible to the channel


def test_the_slash_command_alone_shows_the_menu(slack: Slack) -> None:
    (answer,) = slack.command("")
    assert "Lost card or notice" in labels_of(answer)


def test_a_button_of_an_ephemeral_answer_answers_ephemerally(slack: Slack) -> None:
    (menu,) = slack.command("", channel="C0GENERAL")
    label = "Lost card or notice"
    _, calls = slack.press(menu, label, channel="C0GENERAL", ephemeral=True)
    (answer,) = calls[-1:]
    assert (answer.method, answer.params["response_type"]) == ("response_url", "ephemeral")
    assert SUSPENSION_NUMBER in text_of(answer)
    assert slack.stand_in.calls("chat.postMessage") == []


def test_a_thread_in_a_dm_is_answered_in_the_thread(slack: Slack) -> None:
    mark = slack.stand_in.count()
    slack.event({**dm_event("I lost my card"), "thread_ts": "1795000000.000100"})
    (post,) = slack.posts(DM, since=mark)
    assert post.params["thread_ts"] == "1795000000.000100"


def test_the_slash_command_gives_the_hours_of_every_line_for_a_language(slack: Slack) -> None:
    (answer,) = slack.command("hours th")
    table = text_of(answer)
    assert answer.params["response_type"] == "ephemeral"
    for number in ("0120-0178-26", "0120-0178-27", "0570-064-738", "050-3818-1250"):
        assert number in table
    assert "0120-95-0178" not in table  # a Thai caller's lines only
    assert "English" not in table  # one status per line: Thai's, with no language groups
    assert re.search(r"(Open|Closed) now", table)
    (unknown,) = slack.command("hours xx")
    assert "0120-95-0178" in text_of(unknown) and "0120-0178-27" in text_of(unknown)


@pytest.mark.parametrize("word", ["受付時間", "horario", "Hours"])
def test_the_hours_command_word_is_understood_in_every_language(slack: Slack, word: str) -> None:
    (answer,) = slack.command(f"{word} th")
    table = text_of(answer)
    assert "0120-0178-27" in table and "0120-95-0178" not in table


def test_a_button_press_gives_the_next_reply(slack: Slack) -> None:
    (menu,) = slack.dm("menu")
    _, calls = slack.press(menu, "Lost card or notice")
    (answer,) = [call for call in calls if call.method == "chat.postMessage"]
    assert answer.params["channel"] == DM
    assert SUSPENSION_NUMBER in text_of(answer)


def test_the_app_home_shows_every_line_and_whether_it_is_open(slack: Slack) -> None:
    opened = {"type": "app_home_opened", "user": USER, "channel": DM, "tab": "home"}
    slack.event({**opened, "event_ts": ts_of(AT)})
    (call,) = slack.stand_in.calls("views.publish")
    assert call.params["user_id"] == USER
    view = call.params["view"]
    assert view["type"] == "home"
    table = "\n".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    for number in ("0120-0178-26", "0120-0178-27", "0570-064-738", "0120-95-0178", "0570-783-578"):
        assert number in table
    assert "Open now" in table  # Wednesday 10:00
    assert "Hours not listed" in table  # 0120-95-0178
    slack.event({**opened, "tab": "messages", "event_ts": ts_of(AT)})
    assert len(slack.stand_in.calls("views.publish")) == 1


def test_what_users_typed_is_escaped_for_mrkdwn(slack: Slack) -> None:
    slack.dm("write an inquiry")
    slack.dm("I agree")
    slack.dm("<mailto:ann@example.com|ann@example.com>")
    slack.dm("ann@example.com")
    typed = "Hi &lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt; where is my card?"
    (summary,) = slack.dm(typed)
    shown = text_of(summary)
    assert "&lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in shown
    assert "<!channel>" not in shown and "<!channel>" not in summary.params["text"]
    assert "E-mail: ann@example.com" in shown  # the mailto markup was read as the address


def test_a_rate_limited_post_is_retried(slack: Slack) -> None:
    slack.stand_in.rate_limit_once("chat.postMessage", retry_after=0)
    slack.dm("I lost my card")
    statuses = [call.status for call in slack.stand_in.calls("chat.postMessage")]
    assert statuses == [429, 200]
    (post,) = [call for call in slack.posts(DM) if call.status == 200]
    assert SUSPENSION_NUMBER in text_of(post)


def test_the_users_locale_is_asked_once_and_chooses_the_language(slack: Slack) -> None:
    slack.stand_in.add_user("U0HANAKO", locale="ja-JP")
    (first,) = slack.dm("メニュー", user="U0HANAKO", channel="D0HANAKO")
    slack.dm("1", user="U0HANAKO", channel="D0HANAKO")
    assert "0120-0178-27" in text_of(slack.posts("D0HANAKO")[-1])
    assert re.search(r"[\u3040-\u30ff]", text_of(first))  # written in Japanese
    asked = [c for c in slack.stand_in.calls("users.info") if c.params["user"] == "U0HANAKO"]
    assert len(asked) == 1
    assert asked[0].params["include_locale"] in (True, "true", "1")


def test_an_unknown_user_is_answered_all_the_same(slack: Slack) -> None:
    (post,) = slack.dm("I lost my card", user="U0NOBODY", channel="D0NOBODY")
    assert SUSPENSION_NUMBER in text_of(post)


class _BrokenStore:
    """A conversation store whose every transaction fails as a bug would."""

    def transaction(self, conversation: str) -> object:
        raise RuntimeError("a bug, not an outage")


def test_a_failing_turn_gets_an_apology(slack: Slack) -> None:
    slack.app.service.store = _BrokenStore()  # type: ignore[assignment]
    (post,) = slack.dm("I lost my card")
    assert text_of(post) == "Sorry, something went wrong on our side. Please try again in a moment."


def test_the_route_mounts_in_a_bigger_app(tmp_path: Path) -> None:
    def bigger(routes: list[ChannelRoute]) -> Starlette:
        health = Route("/healthz", lambda request: PlainTextResponse("ok"))
        return Starlette(routes=[health, *web_app(routes).routes])

    with running_slack(tmp_path, asgi=bigger) as slack:
        (post,) = slack.dm("I lost my card")
        assert SUSPENSION_NUMBER in text_of(post)
