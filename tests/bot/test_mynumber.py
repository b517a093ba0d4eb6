"""The Individual Number check digit and masking (DESIGN.md rule 6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.mynumber import MASK, check_digit, is_individual_number, mask_individual_numbers

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


@given(ELEVEN)
def test_an_application_id_starting_with_a_valid_number_is_not_masked(eleven):
    application_id = valid_number(eleven) + "12345678901"
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
