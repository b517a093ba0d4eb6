"""Slack's markup: escaping out, reading back in, and Block Kit's limits."""

from __future__ import annotations

import pytest

from adapters.slack.blocks import (
    BUTTON_LABEL_LIMIT,
    SECTION_LIMIT,
    escape,
    message,
    plain_text,
    reply_blocks,
    unescape,
)
from bot.messages import Button, Reply
from testkit.slack.driver import reply_of
from testkit.slack.stand_in import Call


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("a & b", "a &amp; b"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("&lt; stays literal", "&amp;lt; stays literal"),
        ("*bold* and ☎ 0120-0178-27", "*bold* and ☎ 0120-0178-27"),
    ],
)
def test_escape_and_back(typed: str, escaped: str) -> None:
    assert escape(typed) == escaped
    assert unescape(escaped) == typed


@pytest.mark.parametrize(
    ("delivered", "typed"),
    [
        ("<mailto:ann@example.com|ann@example.com>", "ann@example.com"),
        ("see <https://example.com/a?b=1|the page>", "see the page"),
        ("<https://example.com>", "https://example.com"),
        ("ask <@U0ANN|ann> in <#C0NEWS|news>", "ask @ann in #news"),
        ("<@U0ANN> and <!here>", "@U0ANN and @here"),
        ("<!subteam^S0123|@staff> hi", "@staff hi"),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
    ],
)
def test_plain_text_reads_what_the_user_typed(delivered: str, typed: str) -> None:
    assert plain_text(delivered) == typed


def test_the_bots_own_mention_is_dropped() -> None:
    assert plain_text("<@U0BOT> I lost my card", drop_user="U0BOT") == "I lost my card"


def test_a_reply_becomes_sections_and_buttons_and_back() -> None:
    reply = Reply("Call 0120-0178-27 & <check>", (Button("Main menu", "after:menu"),))
    rendered = message(reply)
    assert rendered["text"] == "Call 0120-0178-27 &amp; &lt;check&gt;"
    section, actions = rendered["blocks"]
    assert section["text"] == {"type": "mrkdwn", "text": rendered["text"]}
    assert actions["elements"][0]["value"] == "after:menu"
    assert reply_of(Call("chat.postMessage", rendered)) == reply


def test_long_texts_and_many_buttons_fit_slacks_limits() -> None:
    text = "\n".join(f"line {n} " + "&" * 300 for n in range(40))
    buttons = tuple(Button("x" * 100, f"p:{n}") for n in range(30))
    blocks = reply_blocks(Reply(text, buttons))
    sections = [b for b in blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in sections)
    assert unescape("\n".join(b["text"]["text"] for b in sections)) == text
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]
    ids = [e["action_id"] for b in actions for e in b["elements"]]
    assert len(set(ids)) == 30
    assert all(len(e["text"]["text"]) <= BUTTON_LABEL_LIMIT for b in actions for e in b["elements"])


def test_a_single_line_longer_than_a_section_is_cut() -> None:
    blocks = reply_blocks(Reply("<" * 5000))
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks)
    assert unescape("".join(b["text"]["text"] for b in blocks)) == "<" * 5000
