"""Replies as Telegram messages: escaping, bold numbers, and cutting long texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import TelegramError
from telegram.request import BaseRequest

from adapters.telegram.outbound import MAX_MESSAGE, from_html, to_html
from adapters.telegram.request import AiohttpRequest
from bot.messages import PhoneCard
from bot.splitting import split_text

CARD = PhoneCard(number="0120-0178-27", name="Card line", charge="toll_free", statuses=())


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_everything_is_escaped_and_the_numbers_are_bold() -> None:
    html = to_html("Call 0120-0178-27 <now> & not 0120-0178-270 or 10120-0178-27.", (CARD,))
    assert html == (
        "Call <b>0120-0178-27</b> &lt;now&gt; &amp; not 0120-0178-270 or 10120-0178-27."
    )


@given(st.text(), st.booleans())
def test_what_is_read_is_what_the_engine_wrote(text: str, with_phone: bool) -> None:
    assert from_html(to_html(text, (CARD,) if with_phone else ())) == text


def test_a_short_text_is_one_message() -> None:
    assert split_text("Hello\n\nworld", MAX_MESSAGE) == ["Hello\n\nworld"]


def test_a_long_text_is_cut_between_paragraphs() -> None:
    paragraphs = ["a" * 3000, "b" * 3000, "c" * 100]
    assert split_text("\n\n".join(paragraphs), MAX_MESSAGE) == [
        "a" * 3000,
        "b" * 3000 + "\n\n" + "c" * 100,
    ]


def test_a_paragraph_longer_than_a_message_is_cut_between_lines_then_words() -> None:
    lines = "\n".join(["line " * 100] * 20)
    parts = split_text(lines, MAX_MESSAGE)
    assert len(parts) > 1
    assert all(_units(part) <= MAX_MESSAGE for part in parts)
    assert all(not part.startswith("\n") and not part.endswith("\n") for part in parts)


def test_characters_outside_the_bmp_count_double_and_are_never_cut() -> None:
    parts = split_text(
        "☎😀" * 3000, MAX_MESSAGE
    )  # no separator at all: cut anywhere, but between characters
    assert all(_units(part) <= MAX_MESSAGE for part in parts)
    assert "".join(parts) == "☎😀" * 3000


@given(st.text(alphabet=st.sampled_from("ab \n😀"), max_size=400), st.integers(8, 60))
def test_parts_fit_and_lose_nothing_but_the_separators(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(_units(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


@pytest.mark.parametrize(
    ("payload", "parsed"),
    [
        (b'{"ok": true, "result": [{"update_id": 1}]}', {"ok": True, "result": [{"update_id": 1}]}),
        ('{"text": "日本 ☎"}'.encode(), {"text": "日本 ☎"}),
        (b'{"text": "a\\ud800b"}', {"text": "a\ud800b"}),  # Event replaces it, at the door
        (b'{"text": "a\xffb"}', {"text": "a\ufffdb"}),  # not UTF-8: PTB's way, replaced
    ],
)
def test_telegrams_answers_are_parsed_as_ptb_parses_them(payload: bytes, parsed: object) -> None:
    assert AiohttpRequest.parse_json_payload(payload) == parsed
    assert AiohttpRequest.parse_json_payload(payload) == BaseRequest.parse_json_payload(payload)


def test_what_is_not_json_is_ptbs_error() -> None:
    with pytest.raises(TelegramError, match="Invalid server response"):
        AiohttpRequest.parse_json_payload(b"<html>502 Bad Gateway</html>")
