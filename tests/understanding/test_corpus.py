"""The understanding corpus: its loader refuses what it cannot vouch for, and the corpus keeps
the size and spread the benchmark of issue #15 is reported on."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tests.understanding.corpus import (
    CORPUS_DIR,
    FOREIGN_LANGUAGES,
    LANGUAGES,
    NEEDS,
    SPLITS,
    URGENT,
    Case,
    load_corpus,
)

CORPUS = load_corpus()
OTHER_FOREIGN = tuple(code for code in FOREIGN_LANGUAGES if code != "en")


def by_language(language: str) -> list[Case]:
    return [case for case in CORPUS if case.language == language]


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """\
language: en
cases:
  - text: "I lost my card"
    need: lost_card
    split: tune
  - text: "card expiry, in Thai please"
    need: card
    phone_language: th
    split: held_out
    note: "expiry date, speaks Thai"
"""


# The loader


def test_a_good_file_loads_into_typed_cases(tmp_path: Path) -> None:
    write(tmp_path, "en.yaml", GOOD)
    first, second = load_corpus(directory=tmp_path)
    assert first == Case(
        text="I lost my card",
        need="lost_card",
        language="en",
        split="tune",
        file="en.yaml",
        index=0,
    )
    assert first.urgent and not second.urgent
    assert (second.phone_language, second.note, second.index) == (
        "th",
        "expiry date, speaks Thai",
        1,
    )


def test_the_split_argument_selects_and_an_unknown_split_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "en.yaml", GOOD)
    assert [case.text for case in load_corpus("held_out", tmp_path)] == [
        "card expiry, in Thai please"
    ]
    with pytest.raises(ValueError, match="unknown split 'test'"):
        load_corpus("test", tmp_path)


def test_a_frozen_case_cannot_be_changed() -> None:
    with pytest.raises(AttributeError):
        CORPUS[0].need = "card"  # type: ignore[misc]


CASE_HEAD = 'language: en\ncases:\n  - text: "ok"\n    need: card\n    split: tune\n'


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ('  - text: "x"\n    need: card\n    split: tune\n    lang: en\n', r"case 1: .*'lang'"),
        ('  - text: "x"\n    need: cards\n    split: tune\n', r"case 1: unknown need 'cards'"),
        ('  - text: "x"\n    need: card\n    split: test\n', r"case 1: unknown split 'test'"),
        (
            '  - text: "x"\n    need: card\n    split: tune\n    phone_language: fr\n',
            r"case 1: .*'fr'",
        ),
        (
            '  - text: "x"\n    need: card\n    split: tune\n    phone_language: EN\n',
            r"case 1: .*'EN'",
        ),
        ("  - need: card\n    split: tune\n", r"case 1: missing text"),
        ('  - text: "  "\n    need: card\n    split: tune\n', r"case 1: missing text"),
        ("  - text: 42\n    need: card\n    split: tune\n", r"case 1: missing text"),
        ('  - text: "x"\n    split: tune\n', r"case 1: unknown need None"),
        ('  - text: "x"\n    need: card\n', r"case 1: unknown split None"),
        ('  - text: "x"\n    need: card\n    split: tune\n    note: ""\n', r"case 1: note"),
        ("  - just a string\n", r"case 1: expected a mapping"),
        ('  - text: "ok"\n    need: card\n    split: held_out\n', r"case 1: duplicate text 'ok'"),
        (
            '  - text: "ＯＫ"\n    need: card\n    split: held_out\n',
            r"case 1: duplicate text 'ＯＫ'",
        ),
    ],
)
def test_a_bad_case_is_refused_naming_the_file_and_the_case(
    tmp_path: Path, case: str, message: str
) -> None:
    write(tmp_path, "en.yaml", CASE_HEAD + case)
    with pytest.raises(ValueError, match=f"^en.yaml: {message}"):
        load_corpus(directory=tmp_path)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("en.yaml", "language: en\ncases: []\n", "'cases' must be a non-empty list"),
        ("en.yaml", "- a list\n", "expected a mapping"),
        ("en.yaml", "language: en\ncases: [\n", "not valid YAML"),
        ("en.yaml", CASE_HEAD + "extra: 1\n", r"file: unknown key\(s\) \['extra'\]"),
        ("fr.yaml", CASE_HEAD.replace("en", "fr", 1), "unknown language 'fr'"),
        ("th.yaml", CASE_HEAD, "language 'en' does not match the file name"),
    ],
)
def test_a_bad_file_is_refused_with_its_name(
    tmp_path: Path, name: str, body: str, message: str
) -> None:
    write(tmp_path, name, body)
    with pytest.raises(ValueError, match=f"^{name}: {message}"):
        load_corpus(directory=tmp_path)


def test_a_text_repeated_in_another_file_is_refused_naming_both(tmp_path: Path) -> None:
    write(tmp_path, "en.yaml", CASE_HEAD)
    write(tmp_path, "ja.yaml", CASE_HEAD.replace("en", "ja", 1).replace('"ok"', '"Ok"'))
    with pytest.raises(ValueError, match=r"^ja.yaml: case 0: duplicate .*en.yaml: case 0"):
        load_corpus(directory=tmp_path)


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no corpus files"):
        load_corpus(directory=tmp_path)


# The corpus itself


def test_there_is_one_file_for_each_language() -> None:
    assert sorted(path.stem for path in CORPUS_DIR.glob("*.yaml")) == sorted(LANGUAGES)
    assert {case.language for case in CORPUS} == set(LANGUAGES)


def test_the_corpus_is_large_enough() -> None:
    sizes = Counter(case.language for case in CORPUS)
    assert len(CORPUS) >= 820
    assert all(sizes[code] >= 45 for code in OTHER_FOREIGN), sizes
    assert sizes["en"] >= 180 and sizes["ja"] >= 180, sizes


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_need_is_written_in_every_language(language: str) -> None:
    assert {case.need for case in by_language(language)} == NEEDS


@pytest.mark.parametrize("language", LANGUAGES)
def test_urgent_messages_are_about_a_quarter_of_each_language(language: str) -> None:
    cases = by_language(language)
    share = sum(case.need in URGENT for case in cases) / len(cases)
    assert 0.15 <= share <= 0.40, f"{language}: {share:.0%} urgent"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_split_about_in_half(language: str) -> None:
    splits = Counter(case.split for case in by_language(language))
    assert set(splits) == SPLITS
    assert abs(splits["tune"] - splits["held_out"]) <= max(2, len(by_language(language)) // 20)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_need_with_two_cases_has_both_splits(language: str) -> None:
    by_need: dict[str, set[str]] = {}
    sizes = Counter(case.need for case in by_language(language))
    for case in by_language(language):
        by_need.setdefault(case.need, set()).add(case.split)
    assert [need for need, splits in by_need.items() if sizes[need] >= 2 and splits != SPLITS] == []


def test_every_need_is_split_about_in_half_over_all_languages() -> None:
    splits = Counter((case.need, case.split) for case in CORPUS)
    uneven = {
        need: (splits[need, "tune"], splits[need, "held_out"])
        for need in NEEDS
        if abs(splits[need, "tune"] - splits[need, "held_out"]) > 2
    }
    assert uneven == {}


def test_no_two_texts_are_the_same_after_nfkc_and_casefold() -> None:
    folded = Counter(unicodedata.normalize("NFKC", case.text).casefold() for case in CORPUS)
    assert [text for text, count in folded.items() if count > 1] == []


def test_the_japanese_need_speaks_japanese_on_the_phone() -> None:
    assert {case.phone_language for case in CORPUS if case.need == "japanese"} <= {"ja", None}
