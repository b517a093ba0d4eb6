"""The Individual Number check digit and masking (DESIGN.md rule 6; the rule is bot.mynumber's)."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.mynumber import (
    MASK,
    MOBILE_PREFIXES,
    check_digit,
    digits_of,
    is_individual_number,
    mask_individual_numbers,
)

VALID = "123456789018"  # check digit 8, worked by hand from the ordinance's formula
ELEVEN = st.text(alphabet="0123456789", min_size=11, max_size=11)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def valid_number(first_eleven: str) -> str:
    return f"{first_eleven}{check_digit(first_eleven)}"


# -- the check digit ---------------------------------------------------------------------------


def test_known_number_is_valid():
    assert check_digit("12345678901") == 8
    assert is_individual_number(VALID)


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != "8"])
def test_neighbours_of_the_known_number_are_invalid(last):
    assert not is_individual_number(VALID[:11] + last)


@pytest.mark.parametrize(
    ("first_eleven", "expected"),
    [
        ("00000000000", 0),  # sum 0, remainder 0
        ("00000000006", 0),  # P(1)=6, Q(1)=2: 12, remainder 1 -> 0
        ("00000000001", 9),  # 1 * Q(1)=2: 11 - 2
        ("00000000005", 1),  # 5 * 2 = 10: 11 - 10
        ("00000100000", 4),  # P(6): Q(6)=7: 11 - 7
        ("00001000000", 9),  # P(7): Q(7)=2: 11 - 2
        ("10000000000", 5),  # P(11): Q(11)=6: 11 - 6
    ],
)
def test_check_digit_by_hand(first_eleven, expected):
    assert check_digit(first_eleven) == expected
    assert is_individual_number(f"{first_eleven}{expected}")


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",  # 11 digits
        "1234567890180",  # 13 digits
        "12345678901a",
        "1234 5678 9018",  # separators are for masking, not for the check
        "１２３４５６７８９０１８",  # full-width: is_individual_number takes ASCII digits
        "",
    ],
)
def test_is_individual_number_wants_twelve_ascii_digits(text):
    assert not is_individual_number(text)


@given(ELEVEN)
def test_any_eleven_digits_with_their_check_digit_are_valid_and_no_other_last_digit_is(eleven):
    digit = check_digit(eleven)
    assert 0 <= digit <= 9
    assert is_individual_number(f"{eleven}{digit}")
    for other in "0123456789":
        if other != str(digit):
            assert not is_individual_number(f"{eleven}{other}")


# -- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("My number is 123456789018.", "My number is ************."),
        ("123456789018", "************"),
        ("1234 5678 9018", "**** **** ****"),
        ("1234-5678-9018", "****-****-****"),
        ("１２３４５６７８９０１８", "************"),
        ("１２３４ ５６７８ ９０１８", "**** **** ****"),
        ("1234 ５６７８-9018", "**** ****-****"),  # mixed widths and separators
        ("1234\u30005678\u30009018", "****\u3000****\u3000****"),  # ideographic space
        ("１２３４－５６７８－９０１８", "****－****－****"),  # full-width hyphen
        ("番号は123456789018です", "番号は************です"),
        ("(123456789018)", "(************)"),
    ],
)
def test_individual_numbers_are_masked(text, masked):
    assert mask_individual_numbers(text) == (masked, 1)


def test_every_number_is_masked_and_counted():
    text = "mine 123456789018, my wife's 1234 5678 9018 and ours 1234-5678-9018"
    masked, count = mask_individual_numbers(text)
    assert count == 3
    assert masked == "mine ************, my wife's **** **** **** and ours ****-****-****"


@pytest.mark.parametrize(
    "text",
    [
        # 23-digit Application IDs, whose first twelve digits are a valid Individual Number.
        "12345678901812345678901",
        "1234 5678 9018 1234 5678 901",
        "1234-5678-9018-1234-5678-901",
        "１２３４５６７８９０１８１２３４５６７８９０１",
        # Shorter runs than a number.
        "12345678901",
        # Phone numbers from the contact page.
        "0120-0178-27",
        "0120-0178-26",
        "0570-064-738",
        "050-3818-1250",
        "0120-95-0178",
        "03-5214-8000",
        # Twelve digits that fail the check digit.
        "123456789012",
        "1234 5678 9012",
        "１２３４５６７８９０１９",
        "",
        "no digits at all",
    ],
)
def test_other_digits_are_left_alone(text):
    assert mask_individual_numbers(text) == (text, 0)


def test_masking_keeps_the_rest_of_the_text():
    text = "Call 0120-0178-27 about app 12345678901812345678901; my number 123456789018."
    masked, count = mask_individual_numbers(text)
    assert count == 1
    assert masked == text.replace("number 123456789018", "number " + MASK * 12)


SEPARATORS = st.sampled_from(["", " ", "-", "\u3000", "－", "ー"])


@given(ELEVEN, SEPARATORS, st.booleans(), st.sampled_from(["", "My number: ", "番号 "]))
def test_any_valid_number_in_any_supported_writing_is_masked(eleven, sep, wide, prefix):
    number = valid_number(eleven)
    written = sep.join((number[:4], number[4:8], number[8:]))
    if wide:
        written = written.translate(FULL_WIDTH)
    masked, count = mask_individual_numbers(f"{prefix}{written}.")
    assert count == 1
    assert masked == f"{prefix}{''.join(MASK if ch.isdigit() else ch for ch in written)}."
    assert not any(ch.isdigit() for ch in masked)


def reads_as_mobile_beside_number(digits: str) -> bool:
    """The one kind of 23 digits written whole that is no Application ID (bot.mynumber)."""
    return (digits.startswith(MOBILE_PREFIXES) and is_individual_number(digits[11:])) or (
        digits[12:].startswith(MOBILE_PREFIXES) and is_individual_number(digits[:12])
    )


@given(ELEVEN)
def test_an_application_id_starting_with_a_valid_number_is_not_masked(eleven):
    application_id = valid_number(eleven) + "12345678901"
    assume(not reads_as_mobile_beside_number(application_id))
    assert mask_individual_numbers(application_id) == (application_id, 0)


# -- looser writings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # U+2212, the hyphen Japanese full-width input gives on macOS
        ("１２３４−５６７８−９０１８", "****−****−****"),
        ("1234―5678―9018", "****―****―****"),  # U+2015 horizontal bar
        ("1234—5678—9018", "****—****—****"),  # em dash
        ("1234\u00a05678\u00a09018", "****\u00a0****\u00a0****"),  # pasted no-break spaces
        ("1234  5678  9018", "****  ****  ****"),  # two spaces
        ("1234 - 5678 - 9018", "**** - **** - ****"),
        ("1234\n5678\n9018", "****\n****\n****"),
        # next to other numbers: only the Individual Number's groups go
        ("On 11/25 123456789018 was refused", "On 11/25 ************ was refused"),
        ("1 123456789018 2", "1 ************ 2"),
        ("call 0120-0178-27 1234 5678 9018", "call 0120-0178-27 **** **** ****"),
    ],
)
def test_loosely_written_numbers_are_masked_too(text, masked):
    assert mask_individual_numbers(text) == (masked, 1)


def test_neighbouring_numbers_do_not_make_an_individual_number():
    text = "0120-0178-27 0570-064-738"  # two phone numbers side by side
    assert mask_individual_numbers(text) == (text, 0)


@given(ELEVEN, st.integers(0, 99), st.integers(0, 99))
def test_a_valid_number_between_other_numbers_is_masked_and_they_are_kept(eleven, before, after):
    number = valid_number(eleven)
    masked, count = mask_individual_numbers(f"{before} {number} {after}")
    assert count == 1
    assert masked == f"{before} {MASK * 12} {after}"


# -- any decimal digit ---------------------------------------------------------------------------

# The zero of some decimal digit blocks (each holds 0 to 9 in order).
ZEROS = {
    "ascii": "0",
    "full-width": "０",
    "devanagari": "०",
    "bengali": "০",
    "thai": "๐",
    "arabic-indic": "٠",
    "extended arabic-indic": "۰",
    "mathematical bold": "𝟎",
    "double-struck": "𝟘",
    "monospace": "𝟶",
}


def in_form(text: str, zero: str) -> str:
    """``text`` with its ASCII digits written from ``zero`` on."""
    return "".join(chr(ord(zero) + int(ch)) if ch.isdigit() else ch for ch in text)


@pytest.mark.parametrize("form", ZEROS)
def test_a_number_in_any_digit_form_is_masked(form):
    written = in_form(VALID, ZEROS[form])
    grouped = f"{written[:4]} {written[4:8]} {written[8:]}"
    assert mask_individual_numbers(f"No. {written}!") == (f"No. {MASK * 12}!", 1)
    assert mask_individual_numbers(grouped) == ("**** **** ****", 1)
    assert digits_of(grouped) == VALID


def test_digit_forms_mixed_within_one_number_are_masked():
    forms = [*ZEROS.values(), "٠", "०"]  # a form a digit, ten different ones
    written = "".join(in_form(digit, zero) for digit, zero in zip(VALID, forms, strict=True))
    assert len(set(map(unicodedata.name, written))) > 10
    assert mask_individual_numbers(f"番号 {written}") == (f"番号 {MASK * 12}", 1)


def test_every_decimal_digit_of_unicode_is_read_as_a_digit():
    zeros = {
        ord(char) - unicodedata.decimal(char)
        for char in map(chr, range(sys.maxunicode + 1))
        if char.isdecimal()
    }
    assert len(zeros) > 60
    for zero in zeros:
        written = in_form(VALID, chr(zero))
        assert mask_individual_numbers(written) == (MASK * 12, 1), hex(zero)
        assert digits_of(written) == VALID


# -- any separator -------------------------------------------------------------------------------

SEPARATORS_NAMED = {
    "dot": ".",
    "full-width dot": "．",
    "slash": "/",
    "full-width slash": "／",
    "comma": ",",
    "ideographic comma": "、",
    "ideographic full stop": "。",
    "katakana middle dot": "・",
    "half-width middle dot": "･",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "left-to-right mark": "\u200e",
    "several spaces": "    ",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "tab": "\t",
    "minus sign": "\u2212",
    "en dash": "–",
    "katakana long vowel mark": "ー",
    "half-width long vowel mark": "ｰ",
    "wave dash": "〜",
    "underscore": "_",
    "brackets": ") (",
    "dot and space": ". ",
    "spaced hyphen": " - ",
    "space and zero-width space": " \u200b",
    "comma and ideographic space": ",\u3000",
    "arabic comma": "،",
}


@pytest.mark.parametrize("separator", SEPARATORS_NAMED.values(), ids=SEPARATORS_NAMED)
def test_a_number_grouped_with_any_separator_is_masked(separator):
    text = f"My number: {separator.join(('1234', '5678', '9018'))}."
    expected = f"My number: {separator.join(('****', '****', '****'))}."
    assert mask_individual_numbers(text) == (expected, 1)


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("12 34567 89018", "** ***** *****"),  # 2-5-5
        ("1 2 3 4 5 6 7 8 9 0 1 8", "* * * * * * * * * * * *"),  # a digit each
        ("1.2.3.4.5.6.7.8.9.0.1.8", "*.*.*.*.*.*.*.*.*.*.*.*"),
        ("123-456-789-018", "***-***-***-***"),
        ("1234 5678-9018", "**** ****-****"),  # mixed separators
        ("1234\u200b 5678 \u200b9018", "****\u200b **** \u200b****"),
        ("12345\u200b6789018", "*****\u200b*******"),  # an invisible break inside one group
        ("1⃣2⃣3⃣4⃣5⃣6⃣7⃣8⃣9⃣0⃣1⃣8⃣", "*⃣*⃣*⃣*⃣*⃣*⃣*⃣*⃣*⃣*⃣*⃣*⃣"),  # keycaps
    ],
)
def test_a_number_in_any_grouping_is_masked(written, masked):
    assert mask_individual_numbers(written) == (masked, 1)


def test_every_separator_category_is_read_as_a_separator():
    categories = {"Zs", "Zl", "Zp", "Pd", "Pc", "Cc", "Cf", "Me"}
    chars = [
        c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) in categories
    ]
    assert len(chars) > 250
    for char in chars:
        assert mask_individual_numbers(f"1234{char}5678{char}9018")[1] == 1, hex(ord(char))
        assert digits_of(f"1234{char}5678") == "12345678", hex(ord(char))


@pytest.mark.parametrize("stop", ["a", ":", "*", "+", "番", "#", "="])
def test_anything_else_ends_the_run(stop):
    text = f"1234{stop}5678{stop}9018"
    assert mask_individual_numbers(text) == (text, 0)
    assert digits_of(text) is None


# -- neighbours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # An 11-digit phone number beside it: 23 digits in all, and no Application ID.
        ("09012345678 123456789018", "09012345678 ************"),
        ("123456789018 09012345678", "************ 09012345678"),
        ("090-1234-5678 1234-5678-9018", "090-1234-5678 ****-****-****"),
        ("1234 5678 9018 090 1234 5678", "**** **** **** 090 1234 5678"),
        # ... or glued to it, without a separator: the group is masked whole.
        ("09012345678123456789018", MASK * 23),
        ("12345678901808012345678", MASK * 23),
        ("tel 050-1234-5678123456789018", "tel 050-1234-****************"),
        # A date, a postcode, a landline before it.
        ("On 2024/11/25 123456789018", "On 2024/11/25 ************"),
        ("2024.11.25 1234.5678.9018", "2024.11.25 ****.****.****"),
        ("11/25 1234/5678/9018", "11/25 ****/****/****"),
        ("〒100-0001 1234-5678-9018", "〒100-0001 ****-****-****"),
        ("100-0001 123456789018", "100-0001 ************"),
        ("03-5214-8000 1234 5678 9018", "03-5214-8000 **** **** ****"),
        # A key pressed twice: 13 digits, the first or last twelve of which are the number.
        ("1234567890188", MASK * 13),
        ("1123456789018", MASK * 13),
    ],
)
def test_a_number_beside_other_digits_is_masked(text, masked):
    assert mask_individual_numbers(text) == (masked, 1)


def test_an_application_id_elsewhere_in_the_text_is_kept():
    text = (
        "Application ID 1029 3847 5610 2938 4756 102, my number 1234-5678-9018, "
        "application 10293847561029384756102 again, phone 090-1234-5678."
    )
    masked, count = mask_individual_numbers(text)
    assert count == 1
    assert masked == text.replace("1234-5678-9018", "****-****-****")


@pytest.mark.parametrize(
    "text",
    [
        # Application IDs whose first twelve digits pass the check, among other numbers.
        "1234 5678 9018 1234 5678 901, 090-1234-5678",  # set apart by another separator
        "1234-5678-9018-1234-5678-901 1234",
        "1234 5678 9018 1234 5678 901、1234 5678",
        "12345678901812345678901 1234 5678",  # whole: a group of its own
    ],
)
def test_an_application_id_in_a_run_of_other_numbers_is_kept(text):
    assert mask_individual_numbers(text) == (text, 0)


def test_an_application_id_and_a_number_in_one_run():
    text = "1234 5678 9012 3456 7890 123, 1234 5678 9018"
    assert mask_individual_numbers(text) == (text[:-14] + "**** **** ****", 1)


def test_numbers_glued_together_are_masked_whole():
    assert mask_individual_numbers("123456789018" * 2) == (MASK * 24, 2)
    assert mask_individual_numbers("123456789018" * 3 + "0")[0] == MASK * 37


# -- dates and Application IDs are kept whole ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024/11/25 - 2024/12/01",  # [2024 11 25 2024] would be 12 digits
        "2024/11/25〜2024/12/01",
        "2024-11-25, 2024-12-01, 2025-01-10",
        "2024.1.5 2024.12.01",
        "11/25 2024/12/01",
    ],
)
def test_date_ranges_are_kept(text):
    assert mask_individual_numbers(text) == (text, 0)


def test_dates_are_kept_however_the_digits_fall():
    rng = random.Random(16)
    for _ in range(2000):
        dates = [
            f"{rng.randrange(1900, 2100)}/{rng.randrange(1, 13):02}/{rng.randrange(1, 32):02}"
            for _ in range(3)
        ]
        text = " - ".join(dates)
        assert mask_individual_numbers(text) == (text, 0)


@pytest.mark.parametrize(
    "text",
    [
        "1029 3847 5610 2938 4756 102",
        "1029-3847-5610-2938-4756-102",
        "1029.3847.5610.2938.4756.102",
        "1029\u200b3847\u200b5610\u200b2938\u200b4756\u200b102",
        "1029  3847  5610  2938  4756  102",
        "10293847561029384756102",
        in_form("10293847561029384756102", "०"),
        in_form("1029 3847 5610 2938 4756 102", "๐"),
    ],
)
def test_application_ids_are_kept(text):
    assert mask_individual_numbers(f"ID: {text}.") == (f"ID: {text}.", 0)


# -- what the rule costs, and what it does not find (bot.mynumber's docstring) --------------------


def test_cost_an_application_id_written_whole_that_reads_as_a_mobile_number_and_a_number():
    whole = "09012345678" + VALID
    assert mask_individual_numbers(whole) == (MASK * 23, 1)
    printed = " ".join((whole[:4], whole[4:8], whole[8:12], whole[12:16], whole[16:20], whole[20:]))
    assert mask_individual_numbers(printed) == (printed, 0)  # as the form prints it: kept


def test_cost_the_ends_of_a_long_number_passing_the_check_are_masked():
    card = "4111" + VALID  # 16 digits whose last twelve pass
    assert mask_individual_numbers(f"card {card}") == (f"card {MASK * 16}", 1)


def test_cost_an_application_id_beside_numbers_written_the_same_way_is_searched():
    text = "1234 5678 9018 1234 5678 901 090 1234 5678"
    assert mask_individual_numbers(text) == ("**** **** **** " + text[15:], 1)


def test_cost_an_application_id_grouped_otherwise_is_searched():
    application_id = VALID + "12345678901"
    assert mask_individual_numbers(f"{VALID} 12345678901") == (f"{MASK * 12} 12345678901", 1)
    assert mask_individual_numbers(application_id) == (application_id, 0)


@pytest.mark.parametrize(
    "text",
    [
        "12345678901" + VALID,  # glued to 11 digits that are no mobile number: 23 whole digits
        "9" + VALID + "9",  # glued on both sides
        "0901234567" + "81234 5678 9018",  # the first group glued to other digits
        "2024 5678 " + "1234 5678 9018" + " 123",  # with its neighbours: the form's grouping
        "1985/3/12-12345",  # starts like a date
    ],
)
def test_not_found_as_documented(text):
    assert mask_individual_numbers(text)[1] == 0


# -- properties: any number, however written, wherever it stands --------------------------------

# Any decimal digit's block, by its zero; the named forms more often than the rest of Unicode.
DIGIT_FORMS = st.one_of(
    st.sampled_from(list(ZEROS.values())).map(ord),
    st.characters(categories=("Nd",)).map(lambda char: ord(char) - unicodedata.decimal(char)),
)
# Separators, the space first (hypothesis shrinks towards the first), the date ones late.
SEPARATOR_CHARS = (
    " \u00a0\u3000\t\n"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u061c\u20e3\ufe0f"
    "‐‑‒–—―−－ーｰ﹣〜_"
    ",，、､。｡・･·،٬()（）\\"
    "-/.／．"
)
SEPARATORS = st.text(alphabet=SEPARATOR_CHARS, min_size=1, max_size=4)
# Text around a number: letters of any script, marks, punctuation, symbols, spaces; no digit.
WORDS = st.text(
    alphabet=st.characters(categories=("L", "M", "P", "S", "Zs")), min_size=0, max_size=12
)
# Numbers that stand beside an Individual Number in inquiries, as written there.
NEIGHBOURS = (
    "11/25",
    "2024/11/25",
    "2024-11-25",
    "2024.11.25",
    "100-0001",
    "〒100-0001",
    "09012345678",
    "090-1234-5678",
    "080 1234 5678",
    "03-5214-8000",
    "0120-0178-27",
    "1234 5678 9012 3456 7890 123",
    "12345678901234567890123",
)
MOBILE = st.tuples(st.sampled_from(MOBILE_PREFIXES), st.text("0123456789", min_size=8, max_size=8))
DATE_SEPARATORS = frozenset("/-.／．")


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A valid number, its groups as written (each digit in any form) and the separators."""
    number = valid_number(draw(ELEVEN))
    cuts = sorted(draw(st.sets(st.integers(1, 11), max_size=11)))
    zeros = [draw(DIGIT_FORMS) for _ in number]
    written = "".join(chr(zero + int(digit)) for zero, digit in zip(zeros, number, strict=True))
    groups = [written[a:b] for a, b in zip([0, *cuts], [*cuts, 12], strict=True)]
    return number, groups, [draw(SEPARATORS) for _ in cuts]


@st.composite
def other_numbers(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A number beside it: one from NEIGHBOURS or some digits, as groups and separators."""
    if draw(st.booleans()):
        text = draw(st.sampled_from(NEIGHBOURS)).lstrip("〒")
        return re.findall(r"\d+", text), re.findall(r"\D+", text)
    digits = draw(st.text("0123456789", min_size=1, max_size=30))
    return [in_form(digits, chr(draw(DIGIT_FORMS)))], []


def starts_like_a_date(groups: list[str], separators: list[str], mine: set[int]) -> bool:
    """Whether three groups of the run, one of them the number's, read as a date (bot.mynumber
    keeps those whole: a documented limit)."""
    for index in range(len(groups) - 2):
        if not mine & {index, index + 1, index + 2}:
            continue
        year, month, day = (digits_of(group) or "" for group in groups[index : index + 3])
        first, second = separators[index : index + 2]
        around = separators[max(index - 1, 0) : index] + separators[index + 2 : index + 3]
        if (
            len(year) == 4
            and len(month) <= 2
            and len(day) <= 2
            and first == second
            and first in DATE_SEPARATORS
            and first not in around
            and 1900 <= int(year) <= 2099
            and 1 <= int(month) <= 12
            and 1 <= int(day) <= 31
        ):
            return True
    return False


def join(groups: list[str], separators: list[str]) -> str:
    return "".join(g + s for g, s in zip(groups, [*separators, ""], strict=True))


def assert_masked_there(text: str, masked: str, places: range) -> None:
    """The number's digits are gone from their place, only digits changed, nothing more is found."""
    assert len(masked) == len(text)
    assert [masked[place] for place in places if text[place].isdecimal()] == [MASK] * 12
    assert all(a == b or (b == MASK and a.isdecimal()) for a, b in zip(text, masked, strict=True))
    assert mask_individual_numbers(masked) == (masked, 0)


@given(written_numbers(), WORDS, WORDS)
def test_any_number_in_any_form_and_grouping_between_words_is_masked(written, before, after):
    _, groups, separators = written
    text = f"{before}{join(groups, separators)}{after}"
    masked, count = mask_individual_numbers(text)
    expected = "".join(MASK if char.isdecimal() else char for char in join(groups, separators))
    assert (masked, count) == (f"{before}{expected}{after}", 1)
    start = len(before)
    assert_masked_there(text, masked, range(start, start + len(join(groups, separators))))


@given(
    written_numbers(),
    st.one_of(st.none(), other_numbers()),
    st.one_of(st.none(), other_numbers()),
    SEPARATORS,
    SEPARATORS,
    WORDS,
)
def test_any_number_beside_other_numbers_is_masked(written, left, right, sep_left, sep_right, word):
    _, groups, separators = written
    left_groups, left_separators = left or ([], [])
    right_groups, right_separators = right or ([], [])
    run_groups = [*left_groups, *groups, *right_groups]
    run_separators = [
        *left_separators,
        *([sep_left] if left else []),
        *separators,
        *([sep_right] if right else []),
        *right_separators,
    ]
    mine = set(range(len(left_groups), len(left_groups) + len(groups)))
    assume(not starts_like_a_date(run_groups, run_separators, mine))
    before = word + (join(left_groups, left_separators) + sep_left if left else "")
    number = join(groups, separators)
    after = (sep_right + join(right_groups, right_separators) if right else "") + word
    text = before + number + after
    masked, count = mask_individual_numbers(text)
    assert count >= 1
    assert_masked_there(text, masked, range(len(before), len(before) + len(number)))


@given(ELEVEN, MOBILE, st.sampled_from(["", "-", " "]), st.booleans(), WORDS, DIGIT_FORMS)
def test_a_number_glued_to_a_mobile_number_is_masked(eleven, mobile, grouping, first, word, zero):
    number = in_form(valid_number(eleven), chr(zero))
    prefix, rest = mobile
    phone = grouping.join((prefix, rest[:4], rest[4:]))
    text = f"{word}{phone}{number}{word}" if first else f"{word}{number}{phone}{word}"
    masked, count = mask_individual_numbers(text)
    assert count >= 1
    place = len(word) + (len(phone) if first else 0)
    assert_masked_there(text, masked, range(place, place + 12))


@given(ELEVEN, MOBILE, SEPARATORS, st.booleans(), DIGIT_FORMS)
def test_a_number_beside_a_mobile_number_is_masked_and_the_phone_kept(
    eleven, mobile, separator, first, zero
):
    number = in_form(valid_number(eleven), chr(zero))
    phone = "".join(mobile)
    text = f"{phone}{separator}{number}" if first else f"{number}{separator}{phone}"
    masked, count = mask_individual_numbers(text)
    assert count == 1
    assert masked == text.replace(number, MASK * 12)


# -- properties: Application IDs standing on their own are kept ----------------------------------

APPLICATION_ID_DIGITS_ST = st.text("0123456789", min_size=23, max_size=23)
INSIDE = st.sampled_from([" ", "  ", "\u3000", "\u00a0", "-", "－", ".", "\u200b", " - "])
APART = st.sampled_from([", ", "、", "。", " / ", "・", ",\u3000"])


def printed(digits: str, separator: str) -> str:
    parts = (digits[0:4], digits[4:8], digits[8:12], digits[12:16], digits[16:20], digits[20:])
    return separator.join(parts)


@given(APPLICATION_ID_DIGITS_ST, st.lists(DIGIT_FORMS, min_size=23, max_size=23), WORDS, WORDS)
def test_an_application_id_written_whole_is_kept(digits, zeros, before, after):
    assume(not reads_as_mobile_beside_number(digits))
    written = "".join(chr(zero + int(digit)) for zero, digit in zip(zeros, digits, strict=True))
    text = f"{before}{written}{after}"
    assert mask_individual_numbers(text) == (text, 0)


@given(APPLICATION_ID_DIGITS_ST, st.lists(DIGIT_FORMS, min_size=23, max_size=23), INSIDE, WORDS)
def test_an_application_id_as_printed_is_kept(digits, zeros, separator, word):
    written = "".join(chr(zero + int(digit)) for zero, digit in zip(zeros, digits, strict=True))
    text = f"{word}{printed(written, separator)}{word}"
    assert mask_individual_numbers(text) == (text, 0)


@given(APPLICATION_ID_DIGITS_ST, INSIDE, APART, st.sampled_from(NEIGHBOURS), st.booleans())
def test_an_application_id_beside_other_numbers_is_kept(digits, inside, apart, other, first):
    application_id = printed(digits, inside)
    text = f"{application_id}{apart}{other}" if first else f"{other}{apart}{application_id}"
    masked, _ = mask_individual_numbers(text)
    assert application_id in masked


# -- adversarial input: long strings of digits and separators ------------------------------------


def test_two_thousand_characters_of_numbers_all_masked():
    text = ("1234 5678 9018 " * 134)[:2000]
    masked, count = mask_individual_numbers(text)
    assert count == 133
    assert set(masked[: 15 * 133]) == {MASK, " "}
    assert masked[15 * 133 :] == text[15 * 133 :]  # "12": too short a run


def test_two_thousand_glued_digits_are_masked():
    text = ("123456789018" * 167)[:2000]
    assert mask_individual_numbers(text) == (MASK * 2000, 1)


@pytest.mark.parametrize("seed", range(5))
def test_two_thousand_random_digits_and_separators_complete_and_are_consistent(seed):
    rng = random.Random(seed)
    alphabet = "0123456789" * 3 + " -./、\u200b\u3000ー" + "०๑٠"
    text = "".join(rng.choice(alphabet) for _ in range(2000))
    masked, count = mask_individual_numbers(text)
    assert len(masked) == len(text)
    assert all(a == b or (b == MASK and a.isdecimal()) for a, b in zip(text, masked, strict=True))
    assert (MASK in masked) == (count > 0)
    assert mask_individual_numbers(masked) == (masked, 0)


@pytest.mark.parametrize(
    "text",
    [
        "1" + " \u200b-" * 666 + "x",  # one digit, then separators that lead nowhere
        "1 " * 1000,  # a thousand one-digit groups (their twelves fail the check)
        ("1234 " * 400)[:2000],
        "0" * 2000,  # zeros pass the check: the group is masked whole
    ],
)
def test_pathological_strings_complete(text):
    masked, count = mask_individual_numbers(text)
    assert len(masked) == len(text)
    assert mask_individual_numbers(masked) == (masked, 0)
    assert (count > 0) == (text == "0" * 2000)
