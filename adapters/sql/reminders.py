"""Reminders in SQL: a conversation's book within its turn, and the firing of due ones.

Firing takes the due rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (workers firing at once
take different reminders, none waits), under SQLite's write lock otherwise; each is moved to its
line's next opening or deleted in the same transaction that puts its message in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.database import Database
from adapters.sql.outbox import enqueue
from adapters.sql.schema import reminders
from bot.clock import Clock
from bot.parcel import Parcel
from bot.reminders import Decision, DueReminder, Reminder

_MINE = reminders.c.conversation == bindparam("conversation")
_PENDING = select(reminders).where(_MINE)
_CANCEL = delete(reminders).where(_MINE, reminders.c.line == bindparam("line"))
_CLEAR = delete(reminders).where(_MINE)
_DUE = (
    select(reminders)
    .where(
        reminders.c.channel.in_(bindparam("channels", expanding=True)),
        reminders.c.due_at <= bindparam("now"),
    )
    .order_by(reminders.c.due_at)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_THIS = reminders.c.id == bindparam("reminder")
_MOVE = update(reminders).where(_THIS).values(due_at=bindparam("due_at"))
_FIRED = delete(reminders).where(_THIS)
_ADD = {
    name: dialect.insert(reminders)
    .on_conflict_do_nothing(index_elements=[reminders.c.conversation, reminders.c.line])
    .returning(reminders.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class SqlReminderBook:
    """:class:`~bot.reminders.ReminderBook` on the turn's connection."""

    def __init__(
        self,
        connection: Connection,
        conversation: str,
        channel: str,
        address: str,
        *,
        created: datetime,
    ) -> None:
        self.connection = connection
        self.conversation = conversation
        self.channel = channel
        self.address = address
        self.created = created  # the store's clock at the turn: when a reminder was stored

    def pending(self) -> list[Reminder]:
        rows = self.connection.execute(_PENDING, {"conversation": self.conversation})
        return [_reminder(row._mapping) for row in rows]

    def add(self, reminder: Reminder) -> bool:
        values = {
            "conversation": self.conversation,
            "line": reminder.line,
            "channel": self.channel,
            "address": self.address,
            "language": reminder.language,
            "hours_language": reminder.hours_language,
            "need": reminder.need,
            "due_at": reminder.due_at,
            "created_at": self.created,
        }
        added = self.connection.execute(_ADD[self.connection.dialect.name], values)
        return added.first() is not None

    def cancel(self, line: str) -> bool:
        result = self.connection.execute(_CANCEL, {"conversation": self.conversation, "line": line})
        return bool(result.rowcount)

    def clear(self) -> None:
        self.connection.execute(_CLEAR, {"conversation": self.conversation})


class SqlReminders:
    """:class:`~bot.reminders.ReminderStore`, mixed into the conversation store."""

    database: Database  # the store's it is mixed into
    lease: timedelta
    clock: Clock

    def pending_reminders(self) -> int:
        """Reminders not yet fired, of every conversation."""
        with self.database.begin() as connection:
            count: int = connection.execute(
                select(func.count()).select_from(reminders)
            ).scalar_one()
            return count

    def reminders_of(self, conversation: str) -> list[Reminder]:
        with self.database.begin() as connection:
            rows = connection.execute(_PENDING, {"conversation": conversation})
            return [_reminder(row._mapping) for row in rows]

    def fire_due(
        self,
        channels: Sequence[str],
        *,
        now: datetime,
        limit: int,
        decide: Callable[[DueReminder], Decision],
    ) -> list[Parcel]:
        parcels = []
        values = {"channels": list(channels), "now": now, "limit": limit}
        with self.database.begin() as connection:
            for row in connection.execute(_DUE, values).all():
                due = DueReminder(
                    row.id, row.conversation, row.channel, row.address, _reminder(row._mapping)
                )
                decision = decide(due)
                if isinstance(decision, datetime):
                    connection.execute(_MOVE, {"reminder": due.id, "due_at": decision})
                    continue
                connection.execute(_FIRED, {"reminder": due.id})
                if not decision:
                    continue
                # Due by the conversations' clock (``now``); created by the outbox's.
                parcels.append(
                    enqueue(
                        connection,
                        due.channel,
                        due.address,
                        decision,
                        lease=self.lease,
                        now=self.clock(),
                        owner=self.database.owner(),
                    )
                )
        return parcels


def _reminder(row: Any) -> Reminder:
    return Reminder(
        line=row["line"],
        due_at=row["due_at"],
        language=row["language"],
        hours_language=row["hours_language"],
        need=row["need"],
    )
