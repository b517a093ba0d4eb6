"""Conversation states and confirmed inquiries, written in one transaction per turn."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.database import Database
from adapters.sql.schema import conversations, deliveries, inquiries
from bot.inquiry import InquiryDraft


class SqlConversationStore:
    """The engine's :class:`~bot.storage.ConversationStore` over SQLAlchemy."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def transaction(self, conversation: str) -> Iterator[SqlTransaction]:
        """One turn of ``conversation``, serialized with any other turn of it, in any process:
        SQLite's write lock (BEGIN IMMEDIATE), or a PostgreSQL advisory lock on the key that
        the commit releases."""
        with self.database.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": conversation},
                )
            yield SqlTransaction(connection, conversation)

    def purge_deliveries(self, *, before: datetime) -> int:
        """Forget deliveries handled before ``before``: platforms redeliver within minutes
        (Slack) or a day (Telegram), so older records only take room."""
        with self.database.begin() as connection:
            result = connection.execute(delete(deliveries).where(deliveries.c.handled_at < before))
            return result.rowcount

    def purge_idle(self, *, before: datetime) -> int:
        """Erase conversations untouched since ``before``: an inquiry abandoned half-way keeps
        what was typed in its state until then, and no longer. How many were erased."""
        with self.database.begin() as connection:
            result = connection.execute(
                delete(conversations).where(conversations.c.updated_at < before)
            )
            return result.rowcount


class SqlTransaction:
    """One turn of one conversation, on one connection."""

    def __init__(self, connection: Connection, conversation: str) -> None:
        self.connection = connection
        self.conversation = conversation
        self.dialect = postgresql if connection.dialect.name == "postgresql" else sqlite

    def claim(self, channel: str, delivery_id: str) -> bool:
        """Record a delivery as handled by this turn; False when a turn already did."""
        statement = self.dialect.insert(deliveries).values(
            channel=channel, delivery_id=delivery_id, handled_at=datetime.now(UTC)
        )
        inserted = self.connection.execute(
            statement.on_conflict_do_nothing(
                index_elements=[deliveries.c.channel, deliveries.c.delivery_id]
            ).returning(deliveries.c.delivery_id)
        )
        return inserted.first() is not None

    def load(self) -> str | None:
        return self.connection.execute(
            select(conversations.c.state).where(conversations.c.key == self.conversation)
        ).scalar_one_or_none()

    def save(self, state: str) -> None:
        values = {"key": self.conversation, "state": state, "updated_at": datetime.now(UTC)}
        statement = self.dialect.insert(conversations).values(**values)
        self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=[conversations.c.key],
                set_={
                    "state": statement.excluded.state,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    def delete(self) -> None:
        self.connection.execute(
            delete(conversations).where(conversations.c.key == self.conversation)
        )

    def add_inquiry(self, draft: InquiryDraft) -> bool:
        statement = self.dialect.insert(inquiries).values(
            reference=draft.reference,
            draft_key=draft.key,
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
        # RETURNING rather than rowcount, which drivers report differently for DO NOTHING.
        inserted = self.connection.execute(
            statement.on_conflict_do_nothing(index_elements=[inquiries.c.draft_key]).returning(
                inquiries.c.id
            )
        )
        return inserted.first() is not None
