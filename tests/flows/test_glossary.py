"""Every catalog uses its glossary's terms where English names them, and never a wording its
glossary marks wrong (flows/locale/<lang>/glossary.yaml; how to change one: its README)."""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cache
from typing import Any

import pytest
import yaml

from bot.catalog import LOCALE_DIR, Catalog

CATALOG = Catalog.load()
LANGUAGES = ("en", "ja", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")
TRANSLATIONS = tuple(code for code in LANGUAGES if code != "en")


@cache
def glossary(language: str) -> dict[str, Any]:
    with (LOCALE_DIR / language / "glossary.yaml").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def words(message: str) -> str:
    """The message's own words: placeholders (`{consultation_phone}`) are facts filled in
    later, and their names ("consultation") must not count as the catalog's words."""
    return "".join(literal for literal, *_ in string.Formatter().parse(message))


# Letters of spaced scripts that continue a word: Latin (Vietnamese included) and digits.
_WORD = r"0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff"


def _latin(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def contains(text: str, form: str) -> bool:
    """Whether ``text`` has ``form``, ignoring case. Where a form starts or ends with a Latin
    letter, a word must start or end there ("mo" is not in "mobile"), unless a `*` lets it
    go on (`suspen*`: suspend, suspensión); other scripts write no spaces between words, so
    a substring counts there (`申請書ID` in `申請書IDは`)."""
    core = form.strip("*")
    before = "" if form.startswith("*") or not _latin(core[0]) else f"(?<![{_WORD}])"
    after = "" if form.endswith("*") or not _latin(core[-1]) else f"(?![{_WORD}])"
    return re.search(before + re.escape(core) + after, text, re.IGNORECASE) is not None


def naming(term_id: str) -> list[str]:
    """The keys whose English names the term, found by the English glossary's pattern."""
    pattern = re.compile(glossary("en")["terms"][term_id]["pattern"])
    english = CATALOG.keys("en")
    return sorted(key for key in english if pattern.search(words(CATALOG.raw("en", key))))


def is_sentence(key: str) -> bool:
    """A message that says something in full (not a label, a heading or a fragment), as its
    English shows: it ends a sentence."""
    english = words(CATALOG.raw("en", key)).rstrip()
    return english.endswith((".", "?", "!")) and " " in english


TERM_IDS = sorted(glossary("en")["terms"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_glossary_for_every_language_with_every_term(language):
    found = glossary(language)
    assert found["language"] == language
    differ = set(found["terms"]) ^ set(TERM_IDS)
    assert not differ, f"{language}: terms not in both this and the English glossary: {differ}"
    for term_id, entry in found["terms"].items():
        # The term, as a reader sees it, is one of its own forms.
        assert any(contains(entry["term"], form) for form in entry["forms"]), (language, term_id)


@pytest.mark.parametrize("term_id", TERM_IDS)
def test_every_english_pattern_finds_its_term(term_id):
    # A pattern that names no message would check nothing in any language.
    assert naming(term_id), f"{term_id}: the English catalog never names it"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("term_id", TERM_IDS)
def test_the_catalog_writes_the_term_wherever_english_names_it(language, term_id):
    forms = glossary(language)["terms"][term_id]["forms"]
    missing = [
        key
        for key in naming(term_id)
        if not any(contains(words(CATALOG.raw(language, key)), form) for form in forms)
    ]
    assert not missing, f"{language} does not write {forms[0]!r} ({term_id}) in {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_uses_a_wording_marked_wrong(language):
    wrong = glossary(language).get("wrong", [])
    found = [
        (key, entry["text"])
        for key in sorted(CATALOG.keys(language))
        for entry in wrong
        if contains(words(CATALOG.raw(language, key)), entry["text"])
    ]
    assert not found, f"{language}: {found}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_glossary_marks_its_own_term_wrong(language):
    found = glossary(language)
    forms = [form for entry in found["terms"].values() for form in entry["forms"]]
    clashes = [
        (entry["text"], form)
        for entry in found.get("wrong", [])
        for form in forms
        if contains(form, entry["text"])
    ]
    assert not clashes, f"{language}: {clashes}"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if "register" in glossary(code)])
def test_every_sentence_keeps_the_register(language):
    # Thai ค่ะ/กรุณา, Tagalog po/ninyo, Korean 합니다/하십시오, Japanese です・ます.
    markers = glossary(language)["register"]["sentence_markers"]
    plain = [
        key
        for key in sorted(CATALOG.keys("en"))
        if is_sentence(key)
        and not any(contains(words(CATALOG.raw(language, key)), marker) for marker in markers)
    ]
    assert not plain, f"{language}: no {markers} in {plain}"


def test_the_wrong_wordings_the_review_found_would_be_caught():
    # The check itself: the review's examples, as the catalogs wrote them, are flagged.
    examples = {
        "zh": "关于您个人信息的请求（公开、更正）",
        "tl": "Walang itinatago ang bot na ito",
        "ja": "カードの一時停止の電話をしてください。",
        "ko": "이 봇은 당신에 대해 아무것도 저장하지 않습니다.",
        "es": 'Escriba "skip" si no lo tiene.',
    }
    for language, text in examples.items():
        wrong = [entry["text"] for entry in glossary(language)["wrong"]]
        assert any(contains(text, entry) for entry in wrong), (language, text)
    assert not contains("Ang inyong mobile", "mo")
