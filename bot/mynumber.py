r"""Finding Individual Numbers in text, so that none is ever stored (DESIGN.md rule 6).

An Individual Number has 12 digits, the last a check digit (Ministerial Ordinance on the check
digit, Article 5): with P(n) the n-th digit counted from the right after the check digit and
Q(n) = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is 0 when sum(P(n) * Q(n)) mod 11 <= 1,
else 11 minus that remainder.

How text is read:

- A *digit* is any Unicode decimal digit (``str.isdecimal``, regex ``\d``): ASCII, full-width,
  Devanagari, Bengali, Thai, Arabic-Indic, mathematical bold...; forms may be mixed.
- A *separator* is any run, of any length and mix, of white space and controls, dashes of
  every width (Unicode Pd, plus ``−`` and ``ー``), underscores (Pc), ``. , / \ ( )`` in
  every width, ``、。・``, Arabic commas, and invisible characters: format characters (Cf:
  zero-width spaces and joiners, word joiner, soft hyphen, direction marks, BOM) and the
  combining marks that can follow a digit (the keycap, variation selectors).
- A *group* is an unbroken string of digits; a *run* is groups joined by separators. Anything
  else (a letter, ``:``, ``*``, ``+``) ends a run.

The rule:

1. Kept whole, never part of a number:
   - Application IDs, which users are asked for: a group of 23 digits, or six groups of
     4-4-4-4-4-3 digits (as the application form prints it) joined by one separator
     throughout and set apart from other digits of their run by another one
     (`1234 5678 9012 3456 7890 123, 090-1234-5678`). Except 23 digits written whole that read
     as an 11-digit mobile, IP or 0800 number (050, 070, 080, 090) glued to 12 digits passing
     the check: that is a phone number and an Individual Number.
   - Dates written year first (`2024/11/25`, `2024-1-5`, `2024.11.25`; years 1900 to 2099)
     and set apart from other digits by another separator, so that a date range
     (`2024/11/25 - 2024/12/01`) does not add up to 12 digits.
2. Everywhere else, 12 digits passing the check are masked when they are
   - consecutive whole groups holding 12 digits together (`1234 5678 9018`, `12-34567-89018`,
     a digit a group, beside a phone number or a postcode: the neighbours' groups stay out), or
   - the first or the last 12 digits of a group longer than 12: other digits glued to the
     number (a phone number, a key pressed twice). The whole group is masked, as which of its
     digits belong to the number cannot always be told (`123456789018123456789018` holds two).
3. Each digit of the groups holding a number becomes ``*``; separators stay, so the text keeps
   its length and shape. Only whole groups are masked, so what is left reads the same again:
   masking what was masked finds nothing more.

What it costs (12 random digits pass the check with probability 1/10: the last digit is
uniform whatever the check digit of the others):

- Numbers written next to each other whose groups add up to 12 digits are masked one time in
  ten, and any other long number (a 16-digit card number, a 13-digit corporate number) whose
  first or last 12 digits pass: about 1 in 5 of them. (Trying every 12-digit window of a long
  number would mask most of them.)
- A mobile number glued to a number is masked with it.
- About 1 in 1,250 random Application IDs written whole read as a mobile number beside an
  Individual Number, and are masked (and refused as an Application ID); written as the form
  prints them, in groups of four, they are always kept. One written in another grouping, or
  with the same separator as the numbers beside it, is not told from an Individual Number
  beside them: a part of it passing the check is masked.

What it does not find, as it cannot be told from an Application ID or a date, or is not
a realistic writing: a number glued to 11 digits that are not a mobile number (23 digits);
a number glued to digits on both sides; a number in groups whose first or last group is glued
to other digits; a number whose 4-4-4 groups, with neighbours written the same way, make up the
form's grouping of an Application ID; one with three groups written like a date
(`1985/3/12-3456`); digits without a decimal value (superscripts, circled digits); numbers
in words or kanji numerals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from operator import mul

NUMBER_DIGITS = 12
APPLICATION_ID_DIGITS = 23
# How the application form prints the Application ID.
APPLICATION_ID_GROUPS = (4, 4, 4, 4, 4, 3)
# 11-digit numbers people write: mobile (070, 080, 090), IP phones (050), toll-free 0800.
MOBILE_PREFIXES = ("050", "070", "080", "090")
MOBILE_DIGITS = 11
MASK = "*"


# What may stand between the groups of a number, as contents of a regex character class
# (Unicode 14, which Python 3.11 has; a test checks the categories against unicodedata).
_SPACES = r"\s\x00-\x1f\x7f-\x9f"  # white space and controls
_DASHES = (  # Unicode category Pd; the minus sign, the katakana long vowel mark, full and half
    r"\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030"
    r"\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u30fc\uff70"
)
_CONNECTORS = r"_\u203f\u2040\u2054\ufe33\ufe34\ufe4d-\ufe4f\uff3f"  # Pc: the underscore's kin
_PUNCTUATION = r".,/\\()\u00b7\u2027\u2044\u2215、。・，．／＼（）｡､･\u060c\u066b\u066c"
_INVISIBLE = (  # Cf: soft hyphen, zero-width spaces and joiners, direction marks, BOM, tags...
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_MARKS = (  # combining marks that can follow a digit: diacritics, the keycap, variation selectors
    r"\u0300-\u036f\u0488\u0489\u1abe\u20d0-\u20ff\ua670-\ua672\ufe00-\ufe0f\ufe20-\ufe2f"
    r"\U000e0100-\U000e01ef"
)
_SEPARATOR = f"[{_SPACES}{_DASHES}{_CONNECTORS}{_PUNCTUATION}{_INVISIBLE}{_MARKS}]"
# Possessive throughout: digits and separators never overlap, so nothing is ever backtracked.
_RUN = re.compile(rf"\d++(?:{_SEPARATOR}++\d++)*+")
_GROUP = re.compile(r"\d+")
_SEPARATORS = re.compile(f"({_SEPARATOR}++)")
_DIGITS_AND_SEPARATORS = re.compile(rf"(?:\d|{_SEPARATOR})*+")
_DATE_SEPARATORS = frozenset({"/", "-", ".", "／", "－", "．"})
# Separators that do not show: they count as a space when separators are compared.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me"})


class _AsciiDigits(dict[int, str]):
    """A str.translate table from any decimal digit to its ASCII digit, filled as met."""

    def __missing__(self, code: int) -> str:
        digit = str(unicodedata.decimal(chr(code)))
        self[code] = digit
        return digit


_TO_ASCII = _AsciiDigits()
# Q(n) of the ordinance for the first eleven digits, left to right (n = 11 down to 1).
_WEIGHTS = tuple(n + 1 if n <= 6 else n - 5 for n in range(11, 0, -1))


def check_digit(first_eleven: str) -> int:
    """The check digit of the first eleven digits of an Individual Number (the ordinance's)."""
    total = sum(map(mul, map(int, first_eleven), _WEIGHTS))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_individual_number(digits: str) -> bool:
    """True for 12 ASCII digits whose last is the check digit of the other eleven."""
    return (
        len(digits) == NUMBER_DIGITS
        and digits.isascii()
        and digits.isdigit()
        and check_digit(digits[:11]) == int(digits[11])
    )


def digits_of(text: str) -> str | None:
    """The digits of ``text`` in ASCII, when it holds nothing but digits and separators.

    For a field that wants a number however it was typed (``१२३४ ५६७८`` is ``12345678``);
    None when anything else is in it, or no digit.
    """
    if not _DIGITS_AND_SEPARATORS.fullmatch(text):
        return None
    return "".join(_GROUP.findall(text)).translate(_TO_ASCII) or None


def mask_individual_numbers(text: str) -> tuple[str, int]:
    """The text with each Individual Number's digits replaced by ``*``, and how many were.

    What counts as one, and as an Application ID kept whole, is the module's rule.
    """
    masked: list[str] | None = None
    found = 0
    for run in _runs(text):
        counted_until = -1
        for first, last, start in sorted(set(_candidates(run))):
            if not is_individual_number(run.digits[start : start + NUMBER_DIGITS]):
                continue
            if masked is None:
                masked = list(text)
            for index in range(first, last + 1):
                place, size = run.places[index], len(run.groups[index])
                masked[place : place + size] = MASK * size
            # Overlapping windows are one number written oddly, not two.
            if start >= counted_until:
                found += 1
                counted_until = start + NUMBER_DIGITS
    return ("".join(masked) if masked is not None else text), found


@dataclass(frozen=True, slots=True)
class _Run:
    """Digit groups joined by separators, as read from the text."""

    groups: tuple[str, ...]  # as written
    separators: tuple[str, ...]  # between group i and i + 1, as written
    places: tuple[int, ...]  # where each group starts in the text
    digits: str  # every digit of the run, in ASCII
    bounds: tuple[int, ...]  # where each group starts in ``digits``, then len(digits)

    def group(self, index: int) -> str:
        return self.digits[self.bounds[index] : self.bounds[index + 1]]


def _runs(text: str) -> Iterator[_Run]:
    """Every run of ``text`` holding at least 12 digits (shorter ones cannot hold a number)."""
    for run in _RUN.finditer(text):
        if run.end() - run.start() < NUMBER_DIGITS:
            continue
        parts = _SEPARATORS.split(run[0])  # group, separator, group, ..., group
        groups = tuple(parts[::2])
        digits = "".join(groups)
        if len(digits) < NUMBER_DIGITS:
            continue
        yield _Run(
            groups=groups,
            separators=tuple(parts[1::2]),
            places=tuple(accumulate(map(len, parts), initial=run.start()))[::2],
            digits=digits if digits.isascii() else digits.translate(_TO_ASCII),
            bounds=tuple(accumulate(map(len, groups), initial=0)),
        )


def _candidates(run: _Run) -> Iterator[tuple[int, int, int]]:
    """The 12-digit windows of ``run`` that may be an Individual Number: the first and last
    group masked if it is, and where its digits start in ``run.digits``."""
    sizes = [len(group) for group in run.groups]
    kept = _kept_groups(run, sizes)
    for index, size in enumerate(sizes):
        if index in kept:
            continue
        start = run.bounds[index]
        if size > NUMBER_DIGITS:
            for offset in _glued_offsets(run.group(index)):
                yield index, index, start + offset
            continue
        total = 0
        for last in range(index, len(sizes)):
            if last in kept or total + sizes[last] > NUMBER_DIGITS:
                break
            total += sizes[last]
            if total == NUMBER_DIGITS:
                yield index, last, start
                break


def _kept_groups(run: _Run, sizes: list[int]) -> set[int]:
    """The indexes of the groups of ``run`` that no window may take: Application IDs and dates."""
    kept: set[int] = set()
    for index, size in enumerate(sizes):
        if size == APPLICATION_ID_DIGITS and not _mobile_beside_number(run.group(index)):
            kept.add(index)
        elif size != 4:  # both an Application ID as printed and a date start with 4 digits
            continue
        elif sizes[index + 5 : index + 6] == [3] and _printed_application_id_at(run, sizes, index):
            kept.update(range(index, index + len(APPLICATION_ID_GROUPS)))
        elif index + 2 < len(sizes) and sizes[index + 1] <= 2 and _date_at(run, sizes, index):
            kept.update(range(index, index + 3))
    return kept


def _printed_application_id_at(run: _Run, sizes: list[int], index: int) -> bool:
    """Whether the groups from ``index`` are an Application ID as the form prints it: 4-4-4-4-4-3,
    one separator throughout, and another one (or none) between it and other digits."""
    count = len(APPLICATION_ID_GROUPS)
    if tuple(sizes[index : index + count]) != APPLICATION_ID_GROUPS:
        return False
    inside = {_separator_key(sep) for sep in run.separators[index : index + count - 1]}
    if len(inside) != 1:
        return False
    around = run.separators[max(index - 1, 0) : index] + run.separators[index + count - 1 :][:1]
    return not inside & {_separator_key(sep) for sep in around}


def _date_at(run: _Run, sizes: list[int], index: int) -> bool:
    """Whether the groups from ``index`` are a date written year first (`2024/11/25`,
    `2024-1-5`), set apart from other digits of the run by another separator (or none)."""
    if sizes[index + 1 : index + 3] not in ([1, 1], [1, 2], [2, 1], [2, 2]):
        return False
    first, second = run.separators[index : index + 2]
    around = run.separators[max(index - 1, 0) : index] + run.separators[index + 2 : index + 3]
    if first != second or first not in _DATE_SEPARATORS or first in around:
        return False
    year, month, day = (int(run.group(part)) for part in range(index, index + 3))
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _glued_offsets(group: str) -> tuple[int, ...]:
    """Where in a group longer than 12 digits a number glued to other digits may start: at
    either end; in 23 digits, only beside an 11-digit mobile number."""
    if len(group) != APPLICATION_ID_DIGITS:
        return (0, len(group) - NUMBER_DIGITS)
    sides = ((MOBILE_DIGITS, group[:MOBILE_DIGITS]), (0, group[NUMBER_DIGITS:]))
    return tuple(offset for offset, other in sides if other.startswith(MOBILE_PREFIXES))


def _mobile_beside_number(group: str) -> bool:
    """Whether 23 digits read as an 11-digit mobile number glued to an Individual Number."""
    return any(
        is_individual_number(group[offset : offset + NUMBER_DIGITS])
        for offset in _glued_offsets(group)
    )


def _separator_key(separator: str) -> str:
    """A separator as compared between groups: its visible characters other than spaces, or
    " " for white space and invisible ones (so `1234  5678 9012` and `1234 - 5678-9012` are
    each written one way throughout)."""
    visible = (
        char
        for char in separator
        if not char.isspace() and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
    )
    return "".join(visible) or " "
