"""Which language a message is written in, from its script: enough to order choices well.

Used for the phone language offered first (rule 4: the language the user writes in), never to
decide anything the user did not say.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def written_language(
    text: str,
    *,
    default_han: str = "zh",
    words: Mapping[str, frozenset[str]] | None = None,
) -> str | None:
    """The language of ``text`` as far as its letters and words tell; None when they tell
    nothing.

    Kana means Japanese; Hangul, Thai and Devanagari mean Korean, Thai and Nepali; Chinese
    characters alone mean ``default_han`` (Japanese writes them too); Vietnamese letters mean
    Vietnamese; other Latin letters mean the language of ``words`` with the most words in the
    text, English when none is found.
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
        seen_han = seen_han or any(low <= code <= high for low, high in _HAN_RANGES)
    if seen_han:
        return default_han
    if not seen_latin:
        return None
    return _by_words(text, words or {})


def _by_words(text: str, words: Mapping[str, frozenset[str]]) -> str:
    tokens = [token.strip(".,!?¿¡:;\"'()") for token in text[:300].lower().split()]
    counts = {
        language: sum(token in found for token in tokens) for language, found in words.items()
    }
    best = max(counts, key=lambda language: counts[language], default="en")
    return best if counts.get(best) else "en"
