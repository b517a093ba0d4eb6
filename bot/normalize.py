"""Text normalization for matching what users type against choices (DESIGN.md, rule 3).

The output is for comparison only, never for storage or display: it is folded, stripped of
chat markup and trimmed, so that `＜b＞ＥＮＧＬＩＳＨ！＜/b＞` and `english` compare equal.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Raw input beyond this many times the limit is never looked at: markup and NFKC rarely shrink
# text by more, and slicing first keeps a 10,000-character message as cheap as a short one.
_RAW_FACTOR = 4

# Slack wraps links as <url|label> and mentions as <@U123>, <#C123|name>, <!here>.
_SLACK_LINK = re.compile(r"<((?:https?|mailto|tel):[^<>|\s]*)(?:\|([^<>]*))?>")
_SLACK_SPECIAL = re.compile(r"<[@#!][^<>]*>")
_HTML_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>")
# Whatever markup is left must not survive into a second pass, or normalize() would not be
# idempotent (`<<b>b>` becomes `<b>` after one pass).
_MARKUP_CHARS = re.compile(r"[<>&*`~|]")
# An underscore inside a word (`snake_case`, an e-mail address) is text; at a word's edge it is
# Markdown emphasis (`_thai_`).
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# Invisible format characters (zero-width space, soft hyphen, direction marks) are deleted before
# folding, as they can sit inside a word; control characters become a space after it.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
# Dashes people put in phone-like digit strings, including the katakana long vowel mark.
_DIGIT_RUN = re.compile(r"[0-9](?:[\s\-\u2010-\u2015\u2212\u30fc]*[0-9])*")
_EDGE = ("P", "S", "Z", "C")  # punctuation, symbols (emoji), spaces, controls


def _fold(text: str) -> str:
    # casefold() can produce text that NFKC changes again (and the reverse), so repeat until
    # stable; two rounds settle every string seen in practice, four is a hard stop.
    folded = unicodedata.normalize("NFKC", text)
    for _ in range(4):
        again = unicodedata.normalize("NFKC", folded.casefold())
        if again == folded:
            break
        folded = again
    return folded


def _strip_edges(text: str) -> str:
    start, end = 0, len(text)
    # A leading slash is kept: it makes `/start` a command.
    while start < end and text[start] != "/" and unicodedata.category(text[start])[0] in _EDGE:
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in _EDGE:
        end -= 1
    return text[start:end]


def normalize(text: str, *, limit: int = 2000) -> str:
    """Fold ``text`` (see :func:`_normalize`); short texts from a cache, since a turn compares
    its message several times over and the same short messages come back all the time."""
    if len(text) > _CACHED_LENGTH:
        return _normalize(text, limit)
    return _normalize_short(text, limit)


def _normalize(text: str, limit: int) -> str:
    """Fold ``text`` into the form choices are compared in, at most ``limit`` characters long.

    NFKC (full-width `１２３` and `＠` become ASCII, half-width katakana full-width), casefold,
    chat markup removed (HTML tags, Markdown markers, Slack mentions; a Slack link becomes its
    label), control characters and runs of white space become one space, and punctuation,
    symbols and spaces are trimmed from both ends (`Thai!` is `thai`; a leading `/` stays, for
    commands). Markup is replaced by a space rather than deleted, so no new word or character
    combination can form and a second pass changes nothing.
    """
    if limit <= 0:
        return ""
    text = text[: limit * _RAW_FACTOR]
    # Slack escapes < > & as entities; unescaping once, before markup is removed, lets
    # `&lt;b&gt;` go the way `<b>` goes. Any `&` left is then removed, so a second pass
    # finds no entity to unescape.
    if "&" in text:
        text = html.unescape(text)
    text = _fold(_INVISIBLE.sub("", text))
    if "<" in text:
        text = _SLACK_LINK.sub(lambda m: f" {m.group(2) or m.group(1)} ", text)
        text = _SLACK_SPECIAL.sub(" ", text)
        text = _HTML_TAG.sub(" ", text)
    text = _MARKUP_CHARS.sub(" ", text)
    if "_" in text:
        text = _EDGE_UNDERSCORE.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    return _strip_edges(_strip_edges(text)[:limit])


_CACHED_LENGTH = 200  # characters; longer messages are rare, and would fill the cache
_normalize_short = lru_cache(maxsize=4096)(_normalize)


def clear_cache() -> None:
    """Forget the texts normalized (the benchmark's cost of a new message)."""
    _normalize_short.cache_clear()


def digits_only(text: str) -> str | None:
    """The ASCII digits of ``text`` when it is only a number, else None.

    Lets the engine read an option number or a phone-like string however it was typed:
    `２`, `①`, `2.`, `0120-0178-27`, `1 2 3`, or in Thai or Devanagari digits.
    """
    folded = normalize(text, limit=200)
    if not folded:
        return None
    folded = "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal() else ch for ch in folded
    )
    if _DIGIT_RUN.fullmatch(folded) is None:
        return None
    return "".join(ch for ch in folded if ch.isdigit())
