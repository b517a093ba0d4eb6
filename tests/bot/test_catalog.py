"""The message catalogs: complete, consistent with English, and free of facts of their own."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from adapters.bootstrap import build_engine
from bot.catalog import LOCALE_DIR, Catalog, placeholders
from bot.messages import Event
from bot.service import BotService
from flows.loader import default_flows
from knowledge.loader import default_knowledge
from testkit.memory import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()
ENGLISH = CATALOG.keys("en")
# The languages the bot writes in: English, Japanese and the ten of the call centers' page.
LANGUAGES = ("en", "ja", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")
TRANSLATIONS = [code for code in LANGUAGES if code != "en"]
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


def test_a_catalog_for_every_language_the_bot_writes_in():
    assert set(LANGUAGES) <= set(CATALOG.languages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_file_declares_its_language(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    # As written, not as babel reads it (babel takes `tl` for `fil_PH`).
    assert f'"Language: {language}\\n"' in path.read_text(encoding="utf-8")
    assert catalog.charset.lower() == "utf-8"


def test_code_names_keys_and_the_scan_finds_them():
    named = _keys_named_in_code()
    assert {"error.unclear", "welcome", "after.prompt", "inquiry.privacy_notice"} <= named


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_used_is_in_the_catalog(language):
    used = default_flows().message_keys() | DERIVED | _keys_named_in_code()
    missing = sorted(used - CATALOG.keys(language))
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("language", [code for code in CATALOG.languages if code != "en"])
def test_translation_has_english_keys_and_placeholders(language):
    keys = CATALOG.keys(language)
    assert not keys - ENGLISH, f"{language} has keys English lacks: {sorted(keys - ENGLISH)}"
    # Complete: a missing (or empty, or fuzzy) translation would fall back to English unseen.
    assert not ENGLISH - keys, f"{language} lacks {sorted(ENGLISH - keys)}"
    for key in keys:
        english = placeholders(CATALOG.raw("en", key))
        translated = placeholders(CATALOG.raw(language, key))
        assert translated == english, f"{language} {key}: {translated} != {english}"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_translation_is_translated(language):
    # Format-only messages (`{time}`, `☎ {number} ({charge})`) and a few names read the same
    # in English; a catalog that is mostly English was copied, not translated.
    same = [key for key in ENGLISH if CATALOG.raw(language, key) == CATALOG.raw("en", key)]
    assert len(same) <= len(ENGLISH) // 10, f"{language} reads as English in {sorted(same)}"
    assert CATALOG.raw(language, "language.switched") != CATALOG.raw("en", "language.switched")


def _own_name(code: str) -> str:
    return CATALOG.raw(code, f"lang.{code}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_labels_lead_with_each_languages_own_name(language):
    # `lang.th` is "ภาษาไทย (Thai)" in English and "ภาษาไทย" in Thai: a caller finds their
    # language by its own name whatever the interface language.
    own = _own_name(language)
    assert own and not re.search(r"[(（]", own), f"{language}: lang.{language} is {own!r}"
    for code in LANGUAGES:
        label = CATALOG.raw(language, f"lang.{code}")
        assert label.startswith(_own_name(code)), f"{language} lang.{code}: {label!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_languages_own_name_alone_switches_to_it(language):
    understanding = build_engine().understanding
    assert understanding.ui_language(_own_name(language)) == language


def _lead(first: str, second: str) -> str:
    """What two status messages begin with alike: `Open now` of `Open now, until {when}`."""
    common = ""
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        common += a
    return common.rstrip(" ,;:(（")


def status_phrases(language: str) -> tuple[str, str, str]:
    """The phrases a user scans for: open now, closed now, hours not listed."""
    raw = CATALOG.raw
    return (
        _lead(raw(language, "status.open_until"), raw(language, "status.open_always")),
        _lead(raw(language, "status.closed_opens"), raw(language, "status.closed_no_opening")),
        raw(language, "status.unknown"),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_phrases_are_short_and_distinct(language):
    opened, closed, unknown = status_phrases(language)
    assert 2 <= len(opened) <= 20 and 2 <= len(closed) <= 20, (opened, closed)
    for a, b in ((opened, closed), (opened, unknown), (closed, unknown)):
        assert a not in b and b not in a, f"{language}: {a!r} and {b!r}"
    if language != "en":
        english = status_phrases("en")
        assert opened not in english and closed not in english, (opened, closed)


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


# One lost card and one lost phone per language, as people write them (rule 1: urgent first).
URGENT = {
    "en": ("I lost my card", "my phone was stolen"),
    "ja": ("カードを落としました", "スマホをなくしました"),
    "zh": ("我的卡丢了", "手机丢了"),
    "ko": ("카드를 잃어버렸어요", "휴대폰을 잃어버렸어요"),
    "es": ("perdí mi tarjeta", "me robaron el celular"),
    "pt": ("perdi meu cartão", "roubaram meu celular"),
    "vi": ("Tôi bị mất thẻ", "Tôi bị mất điện thoại"),
    "th": ("ฉันทำบัตรหาย", "ฉันทำโทรศัพท์หาย"),
    "id": ("kartu saya hilang", "HP saya dicuri"),
    "tl": ("nawala ang card ko", "ninakaw ang cellphone ko"),
    "ne": ("मेरो कार्ड हरायो", "मेरो फोन हरायो"),
}
KINDS = ("card", "phone")
WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_urgent_examples_cover_every_language():
    assert set(URGENT) == set(LANGUAGES)


@pytest.mark.parametrize("locale", [None, "client"], ids=["written", "locale"])
@pytest.mark.parametrize(
    ("language", "kind", "text"),
    [(code, kind, URGENT[code][i]) for code in LANGUAGES for i, kind in enumerate(KINDS)],
)
def test_a_lost_card_or_phone_is_answered_in_the_users_language(language, kind, text, locale):
    engine = build_engine()
    assert engine.understanding.mentions(text).urgent_topic() == f"lost_{kind}"
    service = BotService(engine=engine, store=MemoryStore())
    event = Event(
        conversation=f"t:{language}:{kind}",
        at=WEDNESDAY_10,
        text=text,
        locale=language if locale else None,
    )
    said = "\n".join(reply.all_text() for reply in service.handle(event))
    opened, closed, _ = status_phrases(language)
    assert "0120-0178-27" in said
    assert opened in said, f"{language}: {opened!r} not in {said}"
    assert closed not in said
    if language != "en":
        assert status_phrases("en")[0] not in said  # "Open now": the reply is not in English
    if language != "ja":
        # The group of the language written in comes first (rule 4).
        first_status = said.split("☎", 2)[1].splitlines()[2]
        assert _own_name(language) in first_status, first_status
