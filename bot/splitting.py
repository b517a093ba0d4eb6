"""Long texts in parts a platform takes (Telegram's 4,096 and LINE's 5,000 units a message),
cut between paragraphs where they can be, else lines, else words, never inside a character."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

_SEPARATORS = ("\n\n", "\n", " ")  # paragraphs, else lines, else words, else anywhere


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` UTF-16 units, cut between paragraphs if it can."""
    if len(text) * 2 <= limit:  # the common case: no character takes more than two units
        return [text]
    return list(_pieces(text, _SEPARATORS, limit)) or [text]


def _pieces(text: str, separators: Sequence[str], limit: int) -> Iterator[str]:
    if _units(text) <= limit:
        yield text
        return
    if not separators:
        yield from _cut(text, limit)
        return
    separator, finer = separators[0], separators[1:]
    current = ""
    for piece in text.split(separator):
        joined = f"{current}{separator}{piece}" if current else piece
        if _units(joined) <= limit:
            current = joined
            continue
        if current:
            yield current
        current = piece if _units(piece) <= limit else ""
        if not current:
            yield from _pieces(piece, finer, limit)
    if current:
        yield current


def _cut(text: str, limit: int) -> Iterator[str]:
    """Anywhere, but never inside a character (one outside the BMP takes two units)."""
    start, size = 0, 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            yield text[start:index]
            start, size = index, 0
        size += width
    yield text[start:]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
