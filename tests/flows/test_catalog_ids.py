"""flows/locale/messages.pot, the template a new translation starts from, is the English
catalog: the same ids, each with the English text as its translator's comment."""

from __future__ import annotations

import re
import string

from babel.messages.pofile import read_po

from bot.catalog import LOCALE_DIR, Catalog

ENGLISH = Catalog.load()
TEMPLATE = LOCALE_DIR / "messages.pot"


def _template() -> dict[str, tuple[str, str]]:
    """Each id of the template: its comment and its (empty) translation."""
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    return {
        str(message.id): (" ".join(message.auto_comments), str(message.string))
        for message in template
        if message.id
    }


def _flagged() -> set[str]:
    """The ids marked python-brace-format, read from the file as written: babel derives the
    flag from the id, and ids here are keys without braces, so it drops the flag on reading;
    translators' editors read it, and check the placeholders of what they write."""
    entries = TEMPLATE.read_text(encoding="utf-8").split("\n\n")
    return {
        match.group(1)
        for entry in entries
        if "#, python-brace-format" in entry
        for match in [re.search(r'^msgid "(.+)"$', entry, re.MULTILINE)]
        if match
    }


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_template_has_exactly_the_english_ids():
    ids = set(_template())
    english = ENGLISH.keys("en")
    assert not english - ids, f"messages.pot lacks {sorted(english - ids)}"
    assert not ids - english, f"messages.pot has ids English lacks: {sorted(ids - english)}"


def test_the_template_shows_translators_the_current_english():
    stale = [
        key
        for key, (comment, _) in _template().items()
        if _flat(comment) != _flat(ENGLISH.raw("en", key))
    ]
    assert not stale, f"messages.pot's English comment differs from the catalog in {stale}"


def test_the_template_translates_nothing_and_flags_placeholders():
    flagged = _flagged()
    for key, (_, translation) in _template().items():
        assert translation == "", key
        fields = {name for _, name, _, _ in string.Formatter().parse(ENGLISH.raw("en", key))}
        assert (key in flagged) == bool(fields - {None}), f"{key}: python-brace-format flag"
