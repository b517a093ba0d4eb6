"""Which language a message is written in, from its script: enough to order choices well.

Used for the phone language offered first (rule 4: the language the user writes in), never to
decide anything the user did not say.
"""

from __future__ import annotations

import unicodedata

_VIETNAMESE = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_SCRIPT_LANGUAGE = (
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("THAI", "th"),
    ("DEVANAGARI", "ne"),
)


def written_language(text: str, *, default_han: str = "zh") -> str | None:
    """The language of ``text`` as far as its letters tell; None when they tell nothing.

    Kana means Japanese; Hangul, Thai and Devanagari mean Korean, Thai and Nepali; Chinese
    characters alone mean ``default_han`` (Japanese writes them too); Vietnamese letters mean
    Vietnamese; other Latin letters mean English.
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
    return "en" if seen_latin else None
