"""Written inquiries in the database: stored once per confirmed draft, exported, purged.

References are random, so that one cannot be guessed from another, and written in Crockford's
base32 (no I, L, O, U) so that they survive being read over the phone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from adapters.sql.database import Database
from adapters.sql.schema import inquiries
from bot.inquiry import InquiryDraft

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True, slots=True)
class InquiryRecord:
    reference: str
    created_at: datetime
    consent_at: datetime
    notice_version: str
    channel: str
    locale: str
    topic: str | None
    email: str
    text: str
    application_id: str | None


Listener = Callable[[InquiryRecord], None]


def new_reference() -> str:
    """`MN-` and ten base32 characters: 50 random bits, in two groups of five."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"MN-{chars[:5]}-{chars[5:]}"


class SqlInquiryStore:
    """The engine's :class:`~bot.inquiry.InquirySink`, plus the staff's export and purge."""

    def __init__(self, database: Database, *, listeners: Sequence[Listener] = ()) -> None:
        self.database = database
        self.listeners = list(listeners)

    def submit(self, draft: InquiryDraft) -> str:
        """Store the draft once; a second submit of the same draft returns the same reference."""
        existing = self._reference_of(draft.key)
        if existing is not None:
            return existing
        for _ in range(5):
            record = _record(draft, new_reference())
            try:
                with self.database.begin() as connection:
                    connection.execute(
                        insert(inquiries).values(draft_key=draft.key, **_columns(record))
                    )
            except IntegrityError:
                # Either the same draft won a race (return its reference) or, once in 2^50,
                # the reference was taken (draw again).
                existing = self._reference_of(draft.key)
                if existing is not None:
                    return existing
                continue
            for listener in self.listeners:
                listener(record)
            return record.reference
        raise RuntimeError("could not draw a free inquiry reference")

    def export(self) -> list[InquiryRecord]:
        with self.database.begin() as connection:
            rows = connection.execute(select(inquiries).order_by(inquiries.c.created_at)).mappings()
            return [
                InquiryRecord(**{name: row[name] for name in InquiryRecord.__dataclass_fields__})
                for row in rows
            ]

    def purge(self, *, before: datetime) -> int:
        """Delete for good every inquiry created before ``before``; how many were."""
        with self.database.begin() as connection:
            result = connection.execute(delete(inquiries).where(inquiries.c.created_at < before))
            return result.rowcount

    def _reference_of(self, draft_key: str) -> str | None:
        with self.database.begin() as connection:
            return connection.execute(
                select(inquiries.c.reference).where(inquiries.c.draft_key == draft_key)
            ).scalar_one_or_none()


def _record(draft: InquiryDraft, reference: str) -> InquiryRecord:
    return InquiryRecord(
        reference=reference,
        created_at=draft.created_at,
        consent_at=draft.consent_at,
        notice_version=draft.notice_version,
        channel=draft.channel,
        locale=draft.locale,
        topic=draft.topic,
        email=draft.email,
        text=draft.text,
        application_id=draft.application_id,
    )


def _columns(record: InquiryRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in InquiryRecord.__dataclass_fields__}
