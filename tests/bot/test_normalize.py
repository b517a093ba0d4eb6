"""bot.normalize: the folded form answers are compared in, and bare numbers."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.matching_thresholds import corpus
from bot.normalize import digits_only, normalize

CASES = corpus()


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ＥＮＧＬＩＳＨ", "english"),
        ("ｔｈａｉ", "thai"),
        ("１２３＠ｅｘａｍｐｌｅ", "123@example"),
        ("ｽﾏﾎ", "スマホ"),
        ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ", "マイナンバーカード"),
        ("Straße", "strasse"),
        ("<b>thai</b>", "thai"),
        ("*english*", "english"),
        ("_Thai_", "thai"),
        ("~~no~~ `code`", "no code"),
        ("snake_case stays", "snake_case stays"),
        ("&lt;b&gt;Spanish&lt;/b&gt;", "spanish"),
        ("<@U024BE7LH> lost my phone", "lost my phone"),
        ("see <https://example.com/a|the page> now", "see the page now"),
        ("<https://example.com/a>", "https://example.com/a"),
        ("<!here> <#C123|general> hi", "hi"),
        ("lost\x00my\u200bphone\ttoday", "lost myphone today"),
        ("  many   spaces\n\nand lines  ", "many spaces and lines"),
        ("Thai!!!", "thai"),
        ("「英語」", "英語"),
        ("英語でお願いします。", "英語でお願いします"),
        ("¿Español?", "español"),
        ("I'm lost, really.", "i'm lost, really"),
        ("0120-0178-27", "0120-0178-27"),
        ("/start@MyBot", "/start@mybot"),
        ("👍 english 👍", "english"),
        ("😀😀", ""),
        ("", ""),
    ],
)
def test_examples(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_limit_truncates_and_trims() -> None:
    assert normalize("abc def", limit=4) == "abc"
    assert normalize("x" * 10_000, limit=10) == "x" * 10
    assert normalize("anything", limit=0) == ""


def test_a_long_message_is_looked_at_only_as_far_as_the_limit_needs() -> None:
    """What keeps 10,000 characters as cheap as a short message (``python -m
    bench.matching_thresholds`` measures it): beyond four times the limit, nothing is read,
    not even a word that markup before it would have left room for."""
    assert 1990 <= len(normalize("ＬＯＳＴ <b>my</b> phone! " * 500)) <= 2000  # edges trimmed
    markup_then_word = "<br/>" * 2000 + " lost"  # 10,000 characters of markup, then a word
    assert normalize(markup_then_word, limit=10_000) == "lost"  # the whole text is read
    assert normalize(markup_then_word) == ""  # the first 8,000 only: markup, nothing more


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("2", "2"),
        ("２", "2"),
        ("①", "1"),
        ("2.", "2"),
        (" 3 ", "3"),
        ("0120-0178-27", "0120017827"),
        ("０１２０ー０１７８ー２７", "0120017827"),
        ("1 2 3", "123"),
        ("๒", "2"),
        ("१२", "12"),
        ("12a", None),
        ("two", None),
        ("1-", "1"),
        ("--", None),
        ("", None),
        ("1/2", None),
    ],
)
def test_digits_only(raw: str, digits: str | None) -> None:
    assert digits_only(raw) == digits


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['set']}-{c['mode']}-{c['text'][:30]}" for c in CASES]
)
def test_corpus_texts_fold_stably(case: dict[str, object]) -> None:
    folded = normalize(str(case["text"]))
    assert normalize(folded) == folded
    assert len(folded) <= 2000
    assert folded == folded.strip()


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=0, max_value=300))
@example("e<b>\u0301", 2000)
@example("<<b>b>", 2000)
@example("&amp;lt;b&amp;gt;", 2000)
@example("a\u0345", 2000)
@example("ß" * 50, 20)
def test_normalize_is_idempotent_and_bounded(text: str, limit: int) -> None:
    folded = normalize(text, limit=limit)
    assert len(folded) <= limit
    assert normalize(folded, limit=limit) == folded
    assert folded == folded.strip()
    assert not any(ch in folded for ch in "<>&*`~\x00\n\t")


_MARKUPISH = st.text(alphabet=st.sampled_from(list("ab_*~`<>&;|@#!/: lt\u0301\u200bｱ１．")))


@settings(max_examples=300)
@given(_MARKUPISH)
def test_markup_soup_is_idempotent(text: str) -> None:
    folded = normalize(text)
    assert normalize(folded) == folded


@given(st.text())
def test_digits_only_is_digits_or_none(text: str) -> None:
    digits = digits_only(text)
    assert digits is None or (digits.isascii() and digits.isdigit())


def test_short_texts_come_from_the_cache_long_ones_do_not() -> None:
    from bot import normalize as module

    short, long = "ＥＮＧＬＩＳＨ please!", "ｘ" * (module._CACHED_LENGTH + 1)
    before = module._normalize_short.cache_info()
    assert normalize(short) == module._normalize(short, 2000) == "english please"
    assert normalize(short) == "english please"
    after = module._normalize_short.cache_info()
    assert after.hits >= before.hits + 1
    assert normalize(long, limit=10) == "x" * 10
    assert module._normalize_short.cache_info().currsize == after.currsize
