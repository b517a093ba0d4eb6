"""Conversation states in the database, one row per conversation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.database import Database
from adapters.sql.schema import conversations


class SqlConversationStore:
    """The engine's :class:`~bot.storage.ConversationStore` over SQLAlchemy."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def load(self, conversation: str) -> str | None:
        with self.database.begin() as connection:
            return connection.execute(
                select(conversations.c.state).where(conversations.c.key == conversation)
            ).scalar_one_or_none()

    def save(self, conversation: str, state: str) -> None:
        with self.database.begin() as connection:
            upsert_state(connection, conversation, state)

    def delete(self, conversation: str) -> None:
        with self.database.begin() as connection:
            connection.execute(delete(conversations).where(conversations.c.key == conversation))


def upsert_state(connection: Connection, conversation: str, state: str) -> None:
    """Insert or replace a conversation's state within the caller's transaction."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {"key": conversation, "state": state, "updated_at": datetime.now(UTC)}
    statement = dialect.insert(conversations).values(**values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[conversations.c.key],
            set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
        )
    )
