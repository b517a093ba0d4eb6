"""Conversation states and confirmed inquiries, written in one transaction per turn."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import ModuleType

from sqlalchemy import Connection, bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ClauseElement

from adapters.sql.driver import DriverStatements
from adapters.sql.outbox import SqlOutbox, enqueue
from adapters.sql.reminders import SqlReminderBook, SqlReminders
from adapters.sql.schema import conversations, deliveries, inquiries
from bot.clock import Clock
from bot.inquiry import InquiryDraft
from bot.messages import Reply
from bot.parcel import Parcel

_SCRUB_ATTEMPTS = 3
log = logging.getLogger(__name__)


class SqlConversationStore(SqlOutbox, SqlReminders):
    """The engine's :class:`~bot.storage.ConversationStore` over SQLAlchemy."""

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
            yield SqlTransaction(
                connection,
                conversation,
                lease=self.lease,
                clock=self.clock,
                owner=self.database.owner(),
            )

    def scrub(self) -> None:
        """SQLite: the write-ahead log checkpointed into the file (whose freed pages
        secure_delete has overwritten) and truncated, so that no frame of it keeps an older
        state; a reader holding an old snapshot delays it, so it is tried a few times.
        PostgreSQL keeps its WAL on the server: out of this process's reach."""
        if not self.database.is_sqlite:
            return
        for _ in range(_SCRUB_ATTEMPTS):
            if self.database.checkpoint():
                return
        log.warning("the write-ahead log stayed busy; the next checkpoint will clear it")

    def interrupt(self, thread: int) -> None:
        self.database.interrupt(thread)

    def latest(self, prefix: str) -> str | None:
        """The key of the conversation starting with ``prefix`` that was written last (the
        console's ``--resume``); None when there is none."""
        query = (
            select(conversations.c.key)
            .where(conversations.c.key.startswith(prefix, autoescape=True))
            .order_by(conversations.c.updated_at.desc())
            .limit(1)
        )
        with self.database.begin() as connection:
            key: str | None = connection.execute(query).scalar_one_or_none()
            return key

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


def _turn_statements(dialect_name: str) -> dict[str, ClauseElement]:
    """A turn's statements as Core constructs; an upsert is written in each dialect's terms."""
    dialect = _DIALECTS[dialect_name]
    claim = dialect.insert(deliveries).values(
        channel=bindparam("channel"),
        delivery_id=bindparam("delivery_id"),
        handled_at=bindparam("now"),
    )
    save = dialect.insert(conversations).values(
        key=bindparam("key"), state=bindparam("state"), updated_at=bindparam("now")
    )
    add = dialect.insert(inquiries).values(
        {column: bindparam(column) for column in _INQUIRY_COLUMNS}
    )
    return {
        "claim": claim.on_conflict_do_nothing(
            index_elements=[deliveries.c.channel, deliveries.c.delivery_id]
        ).returning(deliveries.c.delivery_id),
        "load": select(conversations.c.state).where(conversations.c.key == bindparam("key")),
        "save": save.on_conflict_do_update(
            index_elements=[conversations.c.key],
            set_={"state": save.excluded.state, "updated_at": save.excluded.updated_at},
        ),
        "delete": delete(conversations).where(conversations.c.key == bindparam("key")),
        # RETURNING rather than rowcount, which drivers report differently for DO NOTHING.
        "add_inquiry": add.on_conflict_do_nothing(index_elements=[inquiries.c.draft_key]).returning(
            inquiries.c.id
        ),
    }


_DIALECTS: dict[str, ModuleType] = {"postgresql": postgresql, "sqlite": sqlite}
_INQUIRY_COLUMNS = (
    "reference",
    "draft_key",
    "created_at",
    "consent_at",
    "notice_version",
    "channel",
    "locale",
    "topic",
    "email",
    "text",
    "application_id",
)
_TURN = DriverStatements(_turn_statements)


class SqlTransaction:
    """One turn of one conversation, on one connection; ``clock``: the outbox's (the wall
    clock), for what is stored about the turn rather than said in it."""

    def __init__(
        self,
        connection: Connection,
        conversation: str,
        *,
        lease: timedelta,
        clock: Clock,
        owner: int | None,
    ) -> None:
        self.connection = connection
        self.conversation = conversation
        self.lease = lease
        self.clock = clock
        self.owner = owner
        self.sql = _TURN.of(connection)

    def claim(self, channel: str, delivery_id: str) -> bool:
        """Record a delivery as handled by this turn; False when a turn already did."""
        values = {"channel": channel, "delivery_id": delivery_id, "now": self.clock()}
        return self.sql["claim"].run(self.connection, values).fetchone() is not None

    def load(self) -> str | None:
        found = self.sql["load"].run(self.connection, {"key": self.conversation}).fetchone()
        return None if found is None else str(found[0])

    def save(self, state: str) -> None:
        values = {"key": self.conversation, "state": state, "now": self.clock()}
        self.sql["save"].run(self.connection, values)

    def delete(self) -> None:
        self.sql["delete"].run(self.connection, {"key": self.conversation})

    def add_inquiry(self, draft: InquiryDraft) -> bool:
        values = {
            "reference": draft.reference,
            "draft_key": draft.key,
            "created_at": draft.created_at,
            "consent_at": draft.consent_at,
            "notice_version": draft.notice_version,
            "channel": draft.channel,
            "locale": draft.locale,
            "topic": draft.topic,
            "email": draft.email,
            "text": draft.text,
            "application_id": draft.application_id,
        }
        return self.sql["add_inquiry"].run(self.connection, values).fetchone() is not None

    def enqueue(self, channel: str, address: str, replies: tuple[Reply, ...]) -> Parcel:
        """The parcel is leased from the start: the worker running the turn sends it."""
        return enqueue(
            self.connection,
            channel,
            address,
            replies,
            lease=self.lease,
            now=self.clock(),
            owner=self.owner,
        )

    def reminders(self, channel: str, address: str) -> SqlReminderBook:
        return SqlReminderBook(
            self.connection, self.conversation, channel, address, created=self.clock()
        )
