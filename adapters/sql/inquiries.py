"""Stored inquiries for staff: export, and purge once they are no longer needed.

They are written by :class:`adapters.sql.conversations.SqlTransaction`, in the same transaction
as the turn that confirmed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from adapters.sql.database import Database
from adapters.sql.schema import inquiries


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


class SqlInquiryStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def export(self) -> list[InquiryRecord]:
        fields = InquiryRecord.__dataclass_fields__
        with self.database.begin() as connection:
            rows = connection.execute(select(inquiries).order_by(inquiries.c.created_at))
            return [
                InquiryRecord(**{name: row[name] for name in fields}) for row in rows.mappings()
            ]

    def purge(self, *, before: datetime) -> int:
        """Delete for good every inquiry created before ``before``; how many were."""
        with self.database.begin() as connection:
            result = connection.execute(delete(inquiries).where(inquiries.c.created_at < before))
            return result.rowcount
