"""bot.matching over the real choice sets: the labeled corpus, properties and caches."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.matching_thresholds import corpus, matchers, outcome
from bot import matching
from bot.matching import ChoiceMatcher, Match, Thresholds
from bot.normalize import normalize

CASES = corpus()
MATCHERS = matchers()


def _id(case: dict[str, Any]) -> str:
    text = case["text"] if "repeat" not in case else f"{case['text'][:5]}...x{case['repeat']}"
    return f"{case['set']}-{case['mode']}-{text[:40]}"


def _run(case: dict[str, Any]) -> object:
    matcher = MATCHERS[case["set"]]
    return (matcher.match_answer if case["mode"] == "answer" else matcher.find_in)(case["text"])


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_corpus(case: dict[str, Any]) -> None:
    found = _run(case)
    result = outcome(case, found)
    if case.get("known_miss") or case.get("accept"):
        # A typo out of reach may go unrecognised, never be taken for another option.
        assert result != "wrong", found
    else:
        assert result == "correct", found


def test_corpus_is_large_and_balanced() -> None:
    kinds = {c["kind"] for c in CASES}
    assert len(CASES) >= 150
    assert {"typo", "negative", "ambiguous", "ja", "markup", "case", "sentence"} <= kinds
    assert {c["set"] for c in CASES} >= {"topic", "phone_language", "lost_item", "after_answer"}
    for case in CASES:
        assert case["set"] in MATCHERS and case["mode"] in ("answer", "find")


def test_corpus_known_misses_stay_few() -> None:
    # A threshold change that loses typos shows here, not only as skipped cases.
    correct = sum(outcome(c, _run(c)) == "correct" for c in CASES)
    assert correct >= len(CASES) - 10


def test_exact_answer_is_exact_and_spanless() -> None:
    match = MATCHERS["phone_language"].match_answer("ＥＮＧＬＩＳＨ")
    assert match == Match("en", 100.0, "english", 0, 0, True)
    fuzzy = MATCHERS["phone_language"].match_answer("englsh")
    assert fuzzy is not None and not fuzzy.exact and 90 <= fuzzy.score < 100


def test_numbers_and_short_words_are_not_answers() -> None:
    matcher = MATCHERS["phone_language"]
    assert matcher.match_answer("2") is None
    assert matcher.match_answer("１") is None
    assert matcher.match_answer("enn") is None
    assert matcher.match_answer("en") == Match("en", 100.0, "en", 0, 0, True)


def test_find_in_spans_point_into_the_normalized_text() -> None:
    text = "Hi!! I LOST my ｐｈｏｎｅ, and I speak THAI"
    folded = normalize(text)
    for name in ("topic", "phone_language", "lost_item"):
        for match in MATCHERS[name].find_in(text):
            assert 0 <= match.start < match.end <= len(folded)
    (thai,) = MATCHERS["phone_language"].find_in(text)
    assert folded[thai.start : thai.end] == "thai"


def test_find_in_orders_by_priority_then_length() -> None:
    matcher = ChoiceMatcher(
        [("low", ["pink elephant"]), ("high", ["tax"]), ("mid", ["long phrase here"])],
        priorities={"high": 10, "mid": 5},
    )
    found = matcher.find_in("a pink elephant, a long phrase here and tax")
    assert [m.option_id for m in found] == ["high", "mid", "low"]


def test_a_phrase_shared_by_two_options_needs_priority_to_decide() -> None:
    tied = ChoiceMatcher([("a", ["same words"]), ("b", ["same words"])])
    assert tied.match_answer("same words") is None
    ranked = ChoiceMatcher([("a", ["same words"]), ("b", ["same words"])], priorities={"b": 1})
    assert ranked.match_answer("same words") == Match("b", 100.0, "same words", 0, 0, True)


def test_thresholds_are_the_module_constants() -> None:
    th = Thresholds()
    assert (th.answer, th.window, th.cjk_partial) == (
        matching.ANSWER_MIN,
        matching.WINDOW_MIN,
        matching.CJK_PARTIAL_MIN,
    )
    # Looser thresholds really do change answers: the corpus guards the chosen ones.
    loose = matchers(Thresholds(answer=80.0, window=80.0))
    assert loose["topic"].match_answer("mission") is not None
    assert MATCHERS["topic"].match_answer("mission") is None


def test_empty_and_phraseless_matchers() -> None:
    empty = ChoiceMatcher([])
    assert empty.match_answer("english") is None
    assert empty.find_in("english") == []
    blank = ChoiceMatcher([("x", ["", "!!!", "  "])])
    assert blank.match_answer("") is None
    assert blank.find_in("!!!") == []


_PHRASEY = st.lists(
    st.sampled_from(
        [
            "lost",
            "my",
            "phone",
            "card",
            "englsh",
            "thai",
            "tax",
            "スマホ",
            "を",
            "落とした",
            "英語",
            "pin",
            "<b>",
            "*",
            " ",
            "!",
            "ｔｈａｉ",
            "한국어",
            "ไทย",
            "x",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=200)
@given(st.one_of(st.text(), _PHRASEY))
def test_matchers_never_raise_and_keep_their_promises(text: str) -> None:
    folded = normalize(text)
    for matcher in MATCHERS.values():
        answer = matcher.match_answer(text)
        assert answer is None or (0 <= answer.score <= 100 and answer.start == answer.end == 0)
        found = matcher.find_in(text)
        ids = [m.option_id for m in found]
        assert len(ids) == len(set(ids))
        for match in found:
            assert 0 <= match.score <= 100
            assert 0 <= match.start < match.end <= len(folded)


def _uncached(matcher: ChoiceMatcher) -> ChoiceMatcher:
    """``matcher`` computing everything afresh, as it did before its caches."""
    matcher._window_near = matcher._window_near.__wrapped__  # type: ignore[method-assign]
    matcher._message_hits = matcher._message_hits.__wrapped__  # type: ignore[method-assign]
    return matcher


def test_the_caches_change_no_answer() -> None:
    """The corpus twice through cached matchers (cold, then every message and window
    remembered) gives what matchers without caches give."""
    cached, plain = matchers(), {name: _uncached(m) for name, m in matchers().items()}

    def results(sets: dict[str, ChoiceMatcher]) -> list[object]:
        return [
            (sets[c["set"]].match_answer if c["mode"] == "answer" else sets[c["set"]].find_in)(
                c["text"]
            )
            for c in CASES
        ]

    expected = results(plain)
    assert results(cached) == expected
    assert results(cached) == expected
    assert sum(m._message_hits.cache_info().hits for m in cached.values()) >= len(CASES) // 2


def test_long_messages_are_not_remembered() -> None:
    matcher = matchers()["topic"]
    long = "i lost my smartphone yesterday " * 5
    assert len(normalize(long)) > matching.CACHED_MESSAGE_LENGTH
    assert matcher.find_in(long) == matcher.find_in(long)
    assert matcher._message_hits.cache_info().currsize == 0
    matcher.find_in("i lost my smartphone")
    assert matcher._message_hits.cache_info().currsize == 1
