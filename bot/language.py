"""Which language a message is written in, from its script: enough to order choices well.

Used for the phone language offered first (rule 4: the language the user writes in), never to
decide anything the user did not say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

_VIETNAMESE = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_SCRIPT_LANGUAGE = (
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("THAI", "th"),
    ("DEVANAGARI", "ne"),
)


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
        name = unicodedata.name(char, "")
        for script, language in _SCRIPT_LANGUAGE:
            if name.startswith(script):
                return language
        seen_han = seen_han or name.startswith("CJK UNIFIED IDEOGRAPH")
        seen_latin = seen_latin or name.startswith("LATIN")
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
