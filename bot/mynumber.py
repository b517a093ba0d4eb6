"""Finding Individual Numbers in text, so that none is ever stored (DESIGN.md rule 6).

An Individual Number has 12 digits, the last a check digit (Ministerial Ordinance on the check
digit, Article 5): with P(n) the n-th digit counted from the right after the check digit and
Q(n) = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is 0 when sum(P(n) * Q(n)) mod 11 <= 1,
else 11 minus that remainder. Digits may be written with spaces or hyphens, or full-width.
"""

from __future__ import annotations

import re
import unicodedata

# A maximal run of digits with at most one separator between two digits. The whole run must be
# 12 digits: a 23-digit Application ID written in groups is one longer run and stays.
_DIGIT_RUN = re.compile(r"[0-9０-９](?:[ \u3000\-‐‑–－ー]?[0-9０-９])*")
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
        and (check_digit(digits[:11]) == int(digits[11]))
    )


def mask_individual_numbers(text: str) -> tuple[str, int]:
    """The text with each Individual Number's digits replaced by ``*``, and how many were."""
    found = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal found
        run = match.group(0)
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", run) if ch.isdigit())
        if not is_individual_number(digits):
            return run
        found += 1
        return "".join(MASK if unicodedata.normalize("NFKC", ch).isdigit() else ch for ch in run)

    return _DIGIT_RUN.sub(replace, text), found
