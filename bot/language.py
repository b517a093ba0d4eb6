"""Which language a message is written in, from its script: enough to order choices well.

Used for the phone language offered first (rule 4: the language the user writes in), never to
decide anything the user did not say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_VIETNAMESE = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
# Code point ranges of the scripts that name a language (unicodedata.name per character was the
# costliest step of a turn).
_SCRIPT_RANGES = (
    (0x3040, 0x30FF, "ja"),  # hiragana and katakana
    (0x31F0, 0x31FF, "ja"),  # katakana extensions
    (0xFF66, 0xFF9F, "ja"),  # half-width katakana
    (0x1100, 0x11FF, "ko"),  # hangul jamo
    (0x3130, 0x318F, "ko"),  # hangul compatibility jamo
    (0xAC00, 0xD7AF, "ko"),  # hangul syllables
    (0x0E00, 0x0E7F, "th"),
    (0x0900, 0x097F, "ne"),  # devanagari
)
_HAN_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))
# Client locales that name a catalog language by another code: Filipino for Tagalog, and the
# legacy code of Indonesian that some clients still send.
_LOCALE_ALIASES = {"fil": "tl", "in": "id"}


def catalog_language(locale: str | None, available: Iterable[str]) -> str | None:
    """The catalog language a client's locale names (``ja-JP``, ``pt_BR``, ``fil``), or None
    when it names none of ``available``: the one place a locale is read, for every channel."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    code = _LOCALE_ALIASES.get(code, code)
    return code if code in available else None


def han_hints(texts: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """The Chinese characters that ``texts`` (by language) write in Japanese and never in
    Chinese, and the other way round: 発, 証 and 紛 against 发, 证 and 丢, say."""
    seen = {
        language: frozenset(char for text in texts.get(language, ()) for char in text if _han(char))
        for language in ("ja", "zh")
    }
    return {"ja": seen["ja"] - seen["zh"], "zh": seen["zh"] - seen["ja"]}


def written_language(
    text: str,
    *,
    default_han: str = "zh",
    words: Mapping[str, frozenset[str]] | None = None,
    han: Mapping[str, frozenset[str]] | None = None,
) -> str | None:
    """The language of ``text`` as far as its letters and words tell; None when they tell
    nothing.

    Kana means Japanese; Hangul, Thai and Devanagari mean Korean, Thai and Nepali; Vietnamese
    letters mean Vietnamese. Chinese characters alone mean the language of ``han`` (from
    :func:`han_hints`) when only one of its sets has characters in the text (`暗証番号` is
    Japanese, `补办` Chinese), else ``default_han``. Other Latin letters mean the language of
    ``words`` with the most words in the text, English when none is found.
    """
    seen_han = seen_latin = False
    for char in text[:300]:
        if not char.isalpha():
            continue
        if char.lower() in _VIETNAMESE:
            return "vi"
        code = ord(char)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF:  # Latin, with Latin Extended Additional
            seen_latin = True
            continue
        for low, high, language in _SCRIPT_RANGES:
            if low <= code <= high:
                return language
        seen_han = seen_han or _han(char)
    if seen_han:
        return _by_han(text, han or {}) or default_han
    if not seen_latin:
        return None
    return _by_words(text, words or {})


def _han(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _HAN_RANGES)


def _by_han(text: str, han: Mapping[str, frozenset[str]]) -> str | None:
    told = [language for language, chars in han.items() if any(c in chars for c in text[:300])]
    return told[0] if len(told) == 1 else None


def _by_words(text: str, words: Mapping[str, frozenset[str]]) -> str:
    tokens = [token.strip(".,!?¿¡:;\"'()") for token in text[:300].lower().split()]
    counts = {
        language: sum(token in found for token in tokens) for language, found in words.items()
    }
    best = max(counts, key=lambda language: counts[language], default="en")
    return best if counts.get(best) else "en"
