"""Stored inquiries read back, and the staff's actions on them, in SQL: export, purge, who
viewed an inquiry's details, who answered it, when.

Inquiries are written by :class:`adapters.sql.conversations.SqlTransaction`, in the transaction
of the turn that confirmed them. The staff tables (migration 0003) refer to
``inquiries.reference`` with ``ON DELETE CASCADE``, so a purge takes the staff's traces of a
deleted inquiry with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from adapters.sql.database import Database
from adapters.sql.schema import inquiries, inquiry_answers, staff_actions
from bot.staff import StoredInquiry
from common.errors import StorageConflict

DETAILS_VIEWED = "details_viewed"
ANSWERED = "answered"
_WITH_ANSWERS = select(
    inquiries, inquiry_answers.c.answered_by, inquiry_answers.c.answered_at
).select_from(inquiries.outerjoin(inquiry_answers))
_FIELDS = tuple(StoredInquiry.__dataclass_fields__)


class SqlInquiries:
    """:class:`bot.staff.StaffLog` on the bot's database, with export and purge."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def export(self) -> list[StoredInquiry]:
        with self.database.begin() as connection:
            rows = connection.execute(_WITH_ANSWERS.order_by(inquiries.c.created_at))
            return [_stored(row) for row in rows.mappings()]

    def purge(self, *, before: datetime) -> int:
        """Delete for good every inquiry created before ``before``; how many were."""
        with self.database.begin() as connection:
            result = connection.execute(delete(inquiries).where(inquiries.c.created_at < before))
            return result.rowcount

    def lookup(self, reference: str) -> StoredInquiry | None:
        with self.database.begin() as connection:
            query = _WITH_ANSWERS.where(inquiries.c.reference == reference)
            row = connection.execute(query).mappings().first()
        return None if row is None else _stored(row)

    def record_details_viewed(self, reference: str, staff: str, at: datetime) -> None:
        with self.database.begin() as connection:
            connection.execute(
                insert(staff_actions).values(
                    reference=reference, action=DETAILS_VIEWED, staff=staff, at=at
                )
            )

    def mark_answered(self, reference: str, staff: str, at: datetime) -> bool:
        try:
            with self.database.begin() as connection:
                connection.execute(
                    insert(inquiry_answers).values(
                        reference=reference, answered_by=staff, answered_at=at
                    )
                )
                connection.execute(
                    insert(staff_actions).values(
                        reference=reference, action=ANSWERED, staff=staff, at=at
                    )
                )
        except StorageConflict:
            return False
        return True

    def actions(self, reference: str) -> list[tuple[str, str, datetime]]:
        """(action, staff, at) for ``reference``, oldest first: the audit trail."""
        query = (
            select(staff_actions.c.action, staff_actions.c.staff, staff_actions.c.at)
            .where(staff_actions.c.reference == reference)
            .order_by(staff_actions.c.id)
        )
        with self.database.begin() as connection:
            return [(row.action, row.staff, row.at) for row in connection.execute(query)]


def _stored(row: Any) -> StoredInquiry:
    return StoredInquiry(**{name: row[name] for name in _FIELDS})
