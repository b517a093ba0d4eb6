"""Finding Individual Numbers in text, so that none is ever stored (DESIGN.md rule 6).

An Individual Number has 12 digits, the last a check digit (Ministerial Ordinance on the check
digit, Article 5): with P(n) the n-th digit counted from the right after the check digit and
Q(n) = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is 0 when sum(P(n) * Q(n)) mod 11 <= 1,
else 11 minus that remainder. People write it plain, in groups (spaces, hyphens, dashes, pasted
no-break spaces), in full-width digits, and next to other numbers such as a date.
"""

from __future__ import annotations

import re
import unicodedata

_DIGIT = "0-9０-９"
# A separator between groups of digits: up to three spaces or dashes of any width.
_SEPARATOR = r"[\s\-‐‑‒–—―−－ー]{1,3}"
_RUN = re.compile(rf"[{_DIGIT}]+(?:{_SEPARATOR}[{_DIGIT}]+)*")
_GROUP = re.compile(rf"[{_DIGIT}]+")
APPLICATION_ID_DIGITS = 23
MASK = "*"


def check_digit(first_eleven: str) -> int:
    digits = [int(ch) for ch in first_eleven]
    total = sum(
        digit * (n + 1 if n <= 6 else n - 5) for n, digit in enumerate(reversed(digits), start=1)
    )
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_individual_number(digits: str) -> bool:
    """True for 12 ASCII digits whose last is the check digit of the other eleven."""
    return (
        len(digits) == 12
        and digits.isascii()
        and digits.isdigit()
        and check_digit(digits[:11]) == int(digits[11])
    )


def mask_individual_numbers(text: str) -> tuple[str, int]:
    """The text with each Individual Number's digits replaced by ``*``, and how many were.

    Within a run of digit groups, any consecutive groups holding exactly 12 digits that pass the
    check are masked (so `25 1234 5678 9018` loses the number, keeps the 25). A run of exactly
    23 digits is an Application ID and stays whole; digits inside one unbroken group longer than
    12 are some other number and stay too.
    """
    masked = list(text)
    found = 0
    for run in _RUN.finditer(text):
        groups = [(group.start(), group.end()) for group in _GROUP.finditer(text, *run.span())]
        digits = ["".join(_ascii_digits(text[start:end])) for start, end in groups]
        if sum(len(part) for part in digits) == APPLICATION_ID_DIGITS:
            continue
        first = 0
        while first < len(groups):
            last = _twelve_digits_from(digits, first)
            if last is not None and is_individual_number("".join(digits[first : last + 1])):
                for start, end in groups[first : last + 1]:
                    masked[start:end] = MASK * (end - start)
                found += 1
                first = last + 1
            else:
                first += 1
    return "".join(masked), found


def _twelve_digits_from(digits: list[str], first: int) -> int | None:
    """The index of the group where 12 digits are reached exactly, counting from ``first``."""
    count = 0
    for index in range(first, len(digits)):
        count += len(digits[index])
        if count == 12:
            return index
        if count > 12:
            return None
    return None


def _ascii_digits(text: str) -> list[str]:
    return [unicodedata.normalize("NFKC", ch) for ch in text]
