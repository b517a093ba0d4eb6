"""Sweeps the matcher's thresholds over the labeled corpus, and times the matcher.

Run: `python -m bench.matching_thresholds`. For each threshold it prints how many corpus cases
come out correct, wrong (an option the case does not expect: the failure rule 3 forbids) and
missed (nothing found where something was expected), for match_answer and find_in. The chosen
value (the module constant in bot/matching.py) is marked with `<`.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from bot import matching
from bot.matching import ChoiceMatcher, Thresholds
from bot.normalize import clear_cache

ROOT = Path(__file__).resolve().parents[1]
CHOICES = ROOT / "flows" / "choices.yaml"
CORPUS = ROOT / "tests" / "bot" / "matching_corpus.yaml"
SWEEP = [70.0, 75.0, 80.0, 82.5, 85.0, 87.5, 88.0, 90.0, 92.5, 95.0]
SWEEPS: dict[str, list[float]] = {
    "answer": SWEEP,
    "window": SWEEP,
    "cjk_partial": SWEEP,
    "margin": [0.0, 2.5, 5.0, 7.5, 10.0, 15.0],
    "word_max": [2, 3, 4],
    "single_max": [3, 4, 5, 6],
}


def choice_options(
    path: Path = CHOICES,
) -> dict[str, tuple[list[tuple[str, list[str]]], dict[str, int]]]:
    """Each choice set's options (id, phrases) and priorities, read straight from the YAML.

    Phrases are the synonyms in every language plus the option id (`lost_card` as `lost card`);
    `label` values are message keys, not text, so they are left out.
    """
    sets = yaml.safe_load(path.read_text(encoding="utf-8"))["choices"]
    loaded = {}
    for name, spec in sets.items():
        options, priorities = [], {}
        for option in spec["options"]:
            phrases = [option["id"].replace("_", " ")]
            for synonyms in (option.get("synonyms") or {}).values():
                phrases += [str(s) for s in synonyms]
            options.append((option["id"], phrases))
            priorities[option["id"]] = int(option.get("priority", 0))
        loaded[name] = (options, priorities)
    return loaded


def matchers(thresholds: Thresholds | None = None) -> dict[str, ChoiceMatcher]:
    """One matcher per choice set of flows/choices.yaml."""
    return {
        name: ChoiceMatcher(options, priorities=priorities, thresholds=thresholds)
        for name, (options, priorities) in choice_options().items()
    }


def corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The labeled cases, with `text` already repeated where a case says `repeat`."""
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    for case in cases:
        case["text"] = str(case["text"]) * int(case.get("repeat", 1))
    return cases


def outcome(case: dict[str, Any], found: object) -> str:
    """`correct`, `wrong` or `missed` for what the matcher returned on one case.

    An option listed under the case's `accept` (less specific, not wrong) counts as missed.
    """
    accept = list(case.get("accept") or [])
    if case["mode"] == "answer":
        got = found.option_id if isinstance(found, matching.Match) else None
        if got == case["expect"]:
            return "correct"
        return "missed" if got is None or got in accept else "wrong"
    wanted = list(case["expect"] or [])
    ids = [m.option_id for m in found] if isinstance(found, list) else []
    if any(i not in wanted + accept for i in ids):
        return "wrong"
    if sorted(ids) != sorted(wanted) or (case.get("ordered") and ids != wanted):
        return "missed"
    return "correct"


def run(
    cases: Iterable[dict[str, Any]], built: dict[str, ChoiceMatcher]
) -> dict[str, dict[str, int]]:
    """Counts of correct / wrong / missed per mode."""
    counts = {mode: {"correct": 0, "wrong": 0, "missed": 0} for mode in ("answer", "find")}
    for case in cases:
        matcher = built[case["set"]]
        call = matcher.match_answer if case["mode"] == "answer" else matcher.find_in
        counts[case["mode"]][outcome(case, call(case["text"]))] += 1
    return counts


def _sweep(cases: list[dict[str, Any]], field: str, values: list[float]) -> None:
    chosen = getattr(Thresholds(), field)
    print(f"\n{field} (the others at their chosen values)")
    print(f"  {'value':>6}   answer: correct wrong missed   find: correct wrong missed")
    for value in values:
        thresholds = dataclasses.replace(Thresholds(), **{field: value})  # type: ignore[arg-type]
        counts = run(cases, matchers(thresholds))
        a, f = counts["answer"], counts["find"]
        mark = "  < chosen" if value == chosen else ""
        print(
            f"  {value:6.1f}   {a['correct']:15d} {a['wrong']:5d} {a['missed']:6d}"
            f"   {f['correct']:13d} {f['wrong']:5d} {f['missed']:6d}{mark}"
        )


def _not_correct(cases: list[dict[str, Any]]) -> None:
    built = matchers()
    rows = []
    for case in cases:
        matcher = built[case["set"]]
        call = matcher.match_answer if case["mode"] == "answer" else matcher.find_in
        found = call(case["text"])
        result = outcome(case, found)
        if result != "correct":
            if isinstance(found, list):
                got: object = [m.option_id for m in found]
            else:
                got = found.option_id if isinstance(found, matching.Match) else found
            rows.append(
                f"  {result:<7} {case['set']}/{case['mode']} {case['text'][:40]!r} -> {got}"
            )
    print(f"\nat the chosen values, {len(rows)} cases not correct:", *rows, sep="\n")


def _dictionary_words() -> None:
    # An English word list is the best source of real words one typo away from a phrase; it
    # is an optional extra (`pip install english-words`), not a dependency of the project.
    try:
        from english_words import get_english_words_set  # type: ignore[import-not-found]
    except ImportError:
        print("\n(english-words not installed: dictionary scan skipped)")
        return
    words = sorted(get_english_words_set(["web2"], lower=True, alpha=True))
    built = matchers()
    hits = [
        f"{word}->{m.option_id}({m.score:.0f})"
        for name in ("topic", "phone_language", "lost_item", "after_answer")
        for word in words
        if (m := built[name].match_answer(word)) is not None and not m.exact
    ]
    print(f"\n{len(words)} dictionary words: {len(hits)} matched a phrase without being one:")
    print(" ", " ".join(hits))


def _answer_new(matcher: ChoiceMatcher, text: str) -> object:
    return _new(matcher).match_answer(text)


def _find_new(matcher: ChoiceMatcher, text: str) -> object:
    return _new(matcher).find_in(text)


def _per_call_us(call: Callable[[], object], calls: int) -> float:
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def _new(matcher: ChoiceMatcher) -> ChoiceMatcher:
    matcher.clear_caches()
    clear_cache()
    return matcher


def _timings() -> None:
    loaded = choice_options()
    messages = {
        "short answer `englsh`": "englsh",
        "`I lost my phone, I speak Thai`": "I lost my phone, I speak Thai",
        "`昨日スマホを落としました`": "昨日スマホを落としました",
        "10,000 characters": ("I lost my phone on the train yesterday. " * 250)[:10000],
    }
    print("\nmicroseconds per call (median of 7 rounds); new: a message not seen before (the")
    print("caches emptied before each call), again: the same message once more (from the caches)")
    columns = ("match_answer", 12), ("find_in", 9), ("again", 7)
    print(f"  {'set (phrases)':<22} {'message':<34}", *(f"{c:>{w}}" for c, w in columns))
    for name, matcher in matchers().items():
        title = f"{name} ({sum(len(p) for _, p in loaded[name][0])})"
        for label, text in messages.items():
            calls = 10 if len(text) > 1000 else 300
            answer = _per_call_us(partial(_answer_new, matcher, text), calls)
            find = _per_call_us(partial(_find_new, matcher, text), calls)
            again = _per_call_us(partial(matcher.find_in, text), calls)
            print(f"  {title:<22} {label:<34} {answer:12.1f} {find:9.1f} {again:7.1f}")
    start = time.perf_counter()
    matchers()
    print(f"  building every matcher: {(time.perf_counter() - start) * 1e3:.1f} ms")


def main() -> None:
    """Print the threshold sweeps, the cases not correct, and the timings."""
    cases = corpus()
    print(f"{len(cases)} labeled cases from {CORPUS.relative_to(ROOT)}")
    for field, values in SWEEPS.items():
        _sweep(cases, field, values)
    _not_correct(cases)
    _dictionary_words()
    _timings()


if __name__ == "__main__":
    main()
