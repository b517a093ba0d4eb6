"""Staff actions on inquiries, in SQL: who viewed an inquiry's details, who answered it, when.

The tables (``adapters/sql/schema.py``, migration 0003) refer to ``inquiries.reference`` with
``ON DELETE CASCADE``, so ``inquiries purge`` takes the staff's traces of a deleted inquiry
with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from adapters.slack.staff import InquiryDetails
from adapters.sql.database import Database
from adapters.sql.schema import inquiries, inquiry_answers, staff_actions
from common.errors import StorageConflict

DETAILS_VIEWED = "details_viewed"
ANSWERED = "answered"


class SqlStaffLog:
    """:class:`adapters.slack.staff.StaffLog` on the bot's database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def lookup(self, reference: str) -> InquiryDetails | None:
        query = (
            select(inquiries, inquiry_answers.c.answered_by, inquiry_answers.c.answered_at)
            .select_from(inquiries.outerjoin(inquiry_answers))
            .where(inquiries.c.reference == reference)
        )
        with self.database.begin() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        fields = InquiryDetails.__dataclass_fields__
        return InquiryDetails(**{name: row[name] for name in fields})

    def record_details_viewed(self, reference: str, staff: str, at: datetime) -> None:
        with self.database.begin() as connection:
            connection.execute(
                insert(staff_actions).values(
                    reference=reference, action=DETAILS_VIEWED, staff=staff, at=at
                )
            )

    def mark_answered(self, reference: str, staff: str, at: datetime) -> bool:
        """True if this call marked it; False if it was answered before (or is gone)."""
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
