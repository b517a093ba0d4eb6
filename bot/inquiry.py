"""The written inquiry's checks and hand-off: what the flow's `validate:` and `action:` names mean.

Validators return the value to keep (Individual Numbers already masked) or the message key of
what is wrong; they never keep what they refuse.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from bot.messages import Event
from bot.mynumber import digits_of, mask_individual_numbers
from bot.normalize import normalize
from common.errors import StaleState

TEXT_MIN = 10
TEXT_MAX = 2000
EMAIL_MAX = 254
APPLICATION_ID_DIGITS = 23
# What "I have none, go on" is typed as, in the eleven languages (the prompt says "skip").
SKIP_WORDS = frozenset(
    {
        "skip",
        "none",
        "no",
        "don't have it",
        "i don't have it",
        "なし",
        "スキップ",
        "わからない",
        "跳过",
        "没有",
        "건너뛰기",
        "없음",
        "없어요",
        "omitir",
        "saltar",
        "no tengo",
        "pular",
        "não tenho",
        "nao tenho",
        "bỏ qua",
        "không có",
        "ข้าม",
        "ไม่มี",
        "lewati",
        "tidak ada",
        "laktawan",
        "wala",
        "छोड्नुहोस्",
        "छैन",
    }
)
# Limits quoted by the inquiry's prompts.
PROMPT_PARAMS: Mapping[str, object] = {"text_min": TEXT_MIN, "text_max": TEXT_MAX}
# The slots the inquiry flow fills; all of them go when the flow ends, however it ends.
INQUIRY_SLOTS = (
    "consent",
    "consent_at",
    "notice_version",
    "inquiry_key",
    "application_id",
    "email",
    "email_again",
    "text",
    "send_cancel",
)
# Crockford's base32 (no I, L, O, U): a reference survives being read over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True, slots=True)
class Checked:
    """A validator's verdict: ``value`` to keep, or ``error`` (a message key) with ``params``."""

    value: str | None = None
    error: str | None = None
    params: Mapping[str, object] | None = None
    masked: int = 0


def reference_for(seed: str) -> str:
    """`MN-` and ten base32 characters (50 bits) derived from ``seed``.

    The seed is the draft's secret random key (and the attempt): the same draft always gets
    the same reference, so a redelivered "send" reports what was stored, while nobody can
    guess a reference without the key.
    """
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big") >> 14
    chars = "".join(_REFERENCE_ALPHABET[(number >> (5 * i)) & 31] for i in range(10))
    return f"MN-{chars[:5]}-{chars[5:]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class InquiryDraft:
    """An inquiry the user agreed to and confirmed. ``key``, drawn at consent, stays the same
    however often it is sent, so storing it twice keeps one."""

    key: str
    reference: str
    conversation: str
    channel: str
    locale: str
    topic: str | None
    email: str
    text: str
    application_id: str | None
    consent_at: datetime
    notice_version: str
    created_at: datetime


_DRAFT_SLOTS = ("inquiry_key", "email", "text", "consent_at", "notice_version")


def consent_slots(notice: str, at: datetime, token: str) -> dict[str, str]:
    """What agreeing records: when, to which notice (a hash of its text), and the draft's
    secret key, which makes its reference and its storage idempotent."""
    return {
        "consent_at": at.isoformat(),
        "notice_version": hashlib.sha256(notice.encode("utf-8")).hexdigest()[:16],
        "inquiry_key": token,
    }


def build_draft(
    slots: Mapping[str, str],
    *,
    event: Event,
    locale: str,
    reference_for: Callable[[str], str],
    attempt: int,
) -> InquiryDraft:
    """The confirmed inquiry from the conversation's slots.

    Raises:
        StaleState: a stored state reached the confirmation without what it needs.
    """
    missing = [name for name in _DRAFT_SLOTS if not slots.get(name)]
    if missing:
        raise StaleState(f"confirming an inquiry without {missing}")
    return InquiryDraft(
        key=f"{event.conversation}:{slots['inquiry_key']}",
        reference=reference_for(f"{slots['inquiry_key']}:{attempt}"),
        conversation=event.conversation,
        channel=event.channel,
        locale=locale,
        topic=slots.get("previous_topic"),
        email=slots["email"],
        text=slots["text"],
        application_id=slots.get("application_id") or None,
        consent_at=datetime.fromisoformat(slots["consent_at"]),
        notice_version=slots["notice_version"],
        created_at=event.at,
    )


def check_email(text: str, slots: Mapping[str, str]) -> Checked:
    # Full-width forms (＠) read as ASCII and the spaces a phone keyboard puts around `@`
    # dropped; nothing else changed: no case folding of the local part, and a space inside a
    # name is an error to show, not something to remove silently.
    candidate = re.sub(r"\s*@\s*", "@", unicodedata.normalize("NFKC", text[: EMAIL_MAX * 2]))
    candidate = candidate.strip()
    if len(candidate) > EMAIL_MAX:
        return Checked(error="inquiry.email_invalid")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return Checked(error="inquiry.email_invalid")
    return Checked(value=result.normalized)


def check_same_email(text: str, slots: Mapping[str, str]) -> Checked:
    checked = check_email(text, slots)
    if checked.value is None:
        return checked
    if checked.value.casefold() != slots.get("email", "").casefold():
        return Checked(error="inquiry.email_mismatch")
    return checked


def check_inquiry_text(text: str, slots: Mapping[str, str]) -> Checked:
    stripped = text.strip()
    if len(stripped) < TEXT_MIN:
        return Checked(error="inquiry.text_too_short", params={"min": TEXT_MIN})
    if len(stripped) > TEXT_MAX:
        return Checked(
            error="inquiry.text_too_long", params={"max": TEXT_MAX, "length": len(stripped)}
        )
    masked, count = mask_individual_numbers(stripped)
    return Checked(value=masked, masked=count)


def check_application_id(text: str, slots: Mapping[str, str]) -> Checked:
    """The 23 digits of an Application ID in ASCII, however they were written and grouped.

    Whatever :func:`mask_individual_numbers` finds an Individual Number in is refused, not
    kept: the same rule as for the inquiry's text, so 23 digits written whole that read as a
    mobile number glued to an Individual Number are refused too (bot.mynumber says how rare).
    Both the text as typed and as normalized are looked at: normalizing deletes zero-width
    characters, which would turn `12345678901\u200b123456789018` into 23 digits written whole.
    """
    normalized = normalize(text, limit=200)
    if normalized in SKIP_WORDS:
        return Checked(value="")
    if mask_individual_numbers(text)[1] or mask_individual_numbers(normalized)[1]:
        return Checked(error="inquiry.individual_number_refused")
    digits = digits_of(normalized)
    if digits is None or len(digits) != APPLICATION_ID_DIGITS:
        return Checked(
            error="inquiry.application_id_invalid", params={"digits": APPLICATION_ID_DIGITS}
        )
    return Checked(value=digits)


VALIDATORS: Mapping[str, Callable[[str, Mapping[str, str]], Checked]] = {
    "email": check_email,
    "same_email": check_same_email,
    "inquiry_text": check_inquiry_text,
    "application_id": check_application_id,
}
