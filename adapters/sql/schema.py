"""The tables, as SQLAlchemy Core metadata. Alembic migrations (``migrations/``) create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite has no time zones: without this it would store Japan's wall clock and hand back naive
    values that compare wrongly with UTC ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _serial_id() -> Column[int]:
    """A 64-bit key for tables that grow with every turn; SQLite autoincrements only an
    INTEGER primary key (64-bit there anyway)."""
    return Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )


conversations = Table(
    "conversations",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

inquiries = Table(
    "inquiries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(20), nullable=False, unique=True),
    # Conversation and the token drawn at consent: the same confirmed draft is stored once.
    Column("draft_key", String(240), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("consent_at", UtcDateTime(), nullable=False),
    Column("notice_version", String(64), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("locale", String(10), nullable=False),
    Column("topic", String(40), nullable=True),
    Column("email", String(254), nullable=False),
    Column("text", Text, nullable=False),
    Column("application_id", String(23), nullable=True),
)

deliveries = Table(
    "deliveries",
    metadata,
    # A platform's id for one delivery of one update: recorded in the turn's transaction, so a
    # redelivery after the turn committed is recognised and never answered twice.
    Column("channel", String(20), primary_key=True),
    Column("delivery_id", String(100), primary_key=True),
    Column("handled_at", UtcDateTime(), nullable=False, index=True),
)

staff_actions = Table(
    "staff_actions",
    metadata,
    # An audit log: one row per use of a button that reveals or changes an inquiry.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "reference",
        String(20),
        ForeignKey(inquiries.c.reference, ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("action", String(20), nullable=False),  # details_viewed | answered
    Column("staff", String(80), nullable=False),  # channel-qualified: slack:T0123:U0456
    Column("at", UtcDateTime(), nullable=False),
)

inquiry_answers = Table(
    "inquiry_answers",
    metadata,
    # At most one row per inquiry: the primary key makes "mark answered" happen once.
    Column(
        "reference",
        String(20),
        ForeignKey(inquiries.c.reference, ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("answered_by", String(80), nullable=False),
    Column("answered_at", UtcDateTime(), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    # A turn's replies, written with its state and deleted once the platform accepted them:
    # what a worker dying between the two left unsent is sent by another (bot.courier).
    _serial_id(),
    Column("channel", String(20), nullable=False),
    Column("address", Text, nullable=False),  # the channel's own: chat, thread, response URL
    Column("replies", Text, nullable=False),  # bot.parcel's JSON
    Column("created_at", UtcDateTime(), nullable=False),
    Column("lease_until", UtcDateTime(), nullable=False),  # no pump sends it before
    Column("attempts", Integer, nullable=False, server_default="0"),
    # The worker sending it (adapters.sql.liveness): once that worker is dead, before its lease
    # runs out, another sends it. None: a worker holding no lock; the lease alone.
    Column("owner", BigInteger, nullable=True),
    Index("ix_outbox_channel_lease_until", "channel", "lease_until"),
)

reminders = Table(
    "reminders",
    metadata,
    # Deleted in the transaction that puts its message in the outbox: fired once.
    _serial_id(),
    Column("conversation", String(200), nullable=False),
    Column("line", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("address", Text, nullable=False),
    Column("language", String(10), nullable=False),
    Column("hours_language", String(10), nullable=True),
    Column("need", String(40), nullable=False),
    Column("due_at", UtcDateTime(), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("conversation", "line", name="uq_reminders_conversation_line"),
)

mailbox = Table(
    "mailbox",
    metadata,
    # Every message of a web chat conversation, the user's and the bot's, numbered within it:
    # the widget's stream resumes after the last number it has (adapters/webchat). ``key``: the
    # client's message id or the reply's outbox key, so that a retry adds nothing.
    _serial_id(),
    Column("conversation", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("key", String(120), nullable=False),
    Column("sender", String(4), nullable=False),  # user | bot
    Column("body", Text, nullable=False),  # bot.parcel's JSON of the one message
    Column("lang", String(10), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    UniqueConstraint("conversation", "seq", name="uq_mailbox_conversation_seq"),
    UniqueConstraint("conversation", "key", name="uq_mailbox_conversation_key"),
)
