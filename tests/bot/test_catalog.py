"""The message catalogs: complete, consistent with English, and free of facts of their own."""

import re
from pathlib import Path

import pytest

from bot.catalog import Catalog, placeholders
from flows.loader import default_flows
from knowledge.loader import default_knowledge

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()
ENGLISH = CATALOG.keys("en")
# Keys the engine builds from data: one per line, charge, language, weekday.
DERIVED = (
    {f"line.{line.id}" for line in default_knowledge().lines}
    | {f"charge.{line.charge.value}" for line in default_knowledge().lines}
    | {f"weekday.{day}" for day in range(7)}
    | {
        f"lang.{code}"
        for code in ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne", "ja")
    }
)
KEY_IN_CODE = re.compile(r"""(?<!\w)(?:text|prompt)\(\s*["']([a-z_]+(?:\.[a-z0-9_.-]+)?)["']""")


def _keys_named_in_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        found |= set(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    return found


def test_catalogs_for_english_and_japanese_exist():
    assert {"en", "ja"} <= set(CATALOG.languages)


def test_code_names_keys_and_the_scan_finds_them():
    named = _keys_named_in_code()
    assert {"error.unclear", "welcome", "after.prompt", "inquiry.privacy_notice"} <= named


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_key_used_is_in_the_catalog(language):
    used = default_flows().message_keys() | DERIVED | _keys_named_in_code()
    missing = sorted(used - CATALOG.keys(language))
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("language", [code for code in CATALOG.languages if code != "en"])
def test_translation_has_english_keys_and_placeholders(language):
    keys = CATALOG.keys(language)
    assert not keys - ENGLISH, f"{language} has keys English lacks: {sorted(keys - ENGLISH)}"
    for key in keys:
        english = placeholders(CATALOG.raw("en", key))
        translated = placeholders(CATALOG.raw(language, key))
        assert translated == english, f"{language} {key}: {translated} != {english}"


PHONE = re.compile(r"\b0\d{1,4}-\d{2,4}-\d{2,4}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.mark.parametrize("language", CATALOG.languages)
def test_catalog_states_no_number_or_address_of_its_own(language):
    # Numbers and addresses come from knowledge/ through placeholders, so they cannot drift
    # from the page; a literal one in a message would escape the verbatim-source check.
    for key in CATALOG.keys(language):
        message = CATALOG.raw(language, key)
        assert not PHONE.search(message), f"{language} {key} writes a phone number"
        assert not EMAIL.search(message), f"{language} {key} writes an e-mail address"


def test_unknown_key_fails_loudly_and_missing_translation_falls_back():
    with pytest.raises(KeyError):
        CATALOG.text("en", "no.such.key")
    partial = Catalog({"en": {"a.b": "Hello {name}"}, "xx": {}})
    assert partial.text("xx", "a.b", name="Ann") == "Hello Ann"


def test_catalog_files_are_gettext_readable(tmp_path):
    from babel.messages.pofile import read_po

    for path in (ROOT / "flows" / "locale").glob("*/LC_MESSAGES/messages.po"):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        assert len(catalog) >= len(ENGLISH)


def test_the_staff_catalog_has_english_and_japanese_alike():
    staff = Catalog.load(domain="staff")
    assert set(staff.languages) == {"en", "ja"}
    assert staff.keys("en") == staff.keys("ja")
    assert {"staff.new_inquiry", "staff.details"} <= staff.keys("en")
    for key in staff.keys("en"):
        assert placeholders(staff.raw("ja", key)) == placeholders(staff.raw("en", key)), key
