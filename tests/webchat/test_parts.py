"""The web chat's parts on their own: the origins setting, the rate limiter's buckets, the
client's language, the lost-card panel at the hours that change it, and the widget's words in
every language."""

from __future__ import annotations

import string
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from adapters.bootstrap import build_engine
from adapters.host import read_settings
from adapters.serve.app import served_channels, wanted
from adapters.webchat.channel import CHANNEL
from adapters.webchat.guard import Limiter, parse_origins
from adapters.webchat.texts import Words, urgent
from bot.catalog import LOCALE_DIR
from common.errors import SettingsError

JAPAN = ZoneInfo("Asia/Tokyo")
LANGUAGES = ("en", "ja", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")
ENGINE = build_engine()
WORDS = Words(ENGINE.catalog.languages)


def test_allowed_origins_are_read_once_and_checked() -> None:
    assert parse_origins("https://WWW.Example.jp, http://127.0.0.1:8080/") == (
        "https://www.example.jp",
        "http://127.0.0.1:8080",
    )
    for bad in ("*", "https://example.jp/contact", "ftp://example.jp", "example.jp"):
        with pytest.raises(ValueError, match="not an origin"):
            parse_origins(bad)
    with pytest.raises(SettingsError, match="WEBCHAT_ALLOWED_ORIGINS"):
        read_settings({"WEBCHAT_ALLOWED_ORIGINS": "https://example.jp/page"})


def test_serve_mounts_the_web_chat_once_its_origins_are_set() -> None:
    quiet = read_settings({})
    assert not wanted(CHANNEL, quiet)
    assert CHANNEL.name not in [c.name for c in served_channels(quiet)[0]]
    on = read_settings({"WEBCHAT_ALLOWED_ORIGINS": "https://www.example.jp"})
    assert wanted(CHANNEL, on) and CHANNEL.name in [c.name for c in served_channels(on)[0]]
    assert CHANNEL.problems(quiet, alone=True) == []


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    now = [100.0]
    limiter = Limiter(6, clock=lambda: now[0])  # 6 a minute: one every 10 s
    assert [limiter.take("a") for _ in range(6)] == [0.0] * 6
    assert limiter.take("a") == pytest.approx(10.0)
    assert limiter.take("b") == 0.0  # each key its own bucket
    now[0] += 5
    assert limiter.take("a") == pytest.approx(5.0)
    now[0] += 5
    assert limiter.take("a") == 0.0
    assert Limiter(0).take("a") == 0.0  # 0: no limit


def test_the_clients_language_and_accept_language() -> None:
    assert WORDS.language("pt-BR") == "pt" and WORDS.language("fil") == "tl"
    assert WORDS.language("xx", None, "ja-JP") == "ja" and WORDS.language() == "en"
    assert WORDS.accepted("fr-FR, ko;q=0.8, ja;q=0.9") == "ja"
    assert WORDS.accepted("vi;q=0, th") == "th"
    assert WORDS.accepted("de, fr") is None and WORDS.accepted(None) is None


@pytest.mark.parametrize(
    ("at", "first"),
    [
        ("2026-11-25T10:00", "Open now, until 20:00"),
        ("2026-11-25T02:00", "Closed now"),
    ],
)
def test_the_lost_card_panel_follows_the_hours(at: str, first: str) -> None:
    moment = datetime.fromisoformat(at).replace(tzinfo=JAPAN)
    panel = urgent(ENGINE.renderer, WORDS, moment, "en")
    [card] = panel["phones"]
    assert card["statuses"][0].startswith(first)
    if first == "Closed now":  # the night: a lost smartphone is taken all the same
        assert "smartphone" in card["statuses"][0]


def test_the_widgets_words_are_complete_in_every_language() -> None:
    every = WORDS.every()
    assert tuple(sorted(every)) == tuple(sorted(LANGUAGES))
    english = every["en"]
    assert "chat" in english["launcher"].casefold() and english["send"] == "Send"
    for language, words in every.items():
        assert set(words) == set(english), language
        for key, text in words.items():
            assert _fields(text) == _fields(english[key]), (language, key)
        assert words["language.self"] != english["language.self"] or language == "en"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_the_widgets_words_never_use_a_wording_the_glossary_forbids(language: str) -> None:
    from tests.flows.test_glossary import contains

    with (LOCALE_DIR / language / "glossary.yaml").open(encoding="utf-8") as handle:
        wrong = [entry["text"] for entry in yaml.safe_load(handle).get("wrong", [])]
    for key, text in WORDS.every()[language].items():
        used = [form for form in wrong if contains(text, form)]
        assert not used, f"{language} {key}: {used}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
