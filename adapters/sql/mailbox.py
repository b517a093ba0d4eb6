"""The web chat's mailbox in SQL: every message of a conversation, the user's and the bot's,
numbered 1, 2, 3... within it, so that the widget's stream resumes after the last it has.

Exactly once by construction: a message's key (the client's message id, or the reply's outbox
key, the same on every attempt to send it) is unique in its conversation, and posting it again
returns the number it already has. Numbers are drawn under a lock of the conversation (SQLite's
write lock, taken at BEGIN IMMEDIATE; a PostgreSQL advisory lock) as one more than the highest,
so they have no gap and commit in order: whoever has read number n has read every number below.

Readers take no lock (SQLite's reads run outside BEGIN IMMEDIATE, on the driver's cursor).
PostgreSQL tells listeners of each new message (NOTIFY, delivered at commit); on SQLite they
poll the newest id, which grows in commit order there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from adapters.sql.database import Database
from adapters.sql.driver import DriverStatements
from adapters.sql.schema import conversations, mailbox
from bot.clock import Clock, wall_clock
from bot.state import ConversationState
from common.errors import StorageUnavailable

CHANNEL = "mynumber_mailbox"  # PostgreSQL's notification channel; the payload: a conversation
_LISTEN_WAIT = 1.0  # seconds a listener waits for notifications before checking it should stop
_READS = DriverStatements(
    lambda _dialect: {
        "letters": select(
            mailbox.c.seq, mailbox.c.sender, mailbox.c.body, mailbox.c.lang, mailbox.c.key
        )
        .where(mailbox.c.conversation == bindparam("conversation"))
        .where(mailbox.c.seq > bindparam("after"))
        .order_by(mailbox.c.seq)
        .limit(bindparam("limit")),
        "newest": select(func.coalesce(func.max(mailbox.c.id), 0)),
        "changed": select(mailbox.c.conversation)
        .where(mailbox.c.id > bindparam("since"))
        .distinct(),
    }
)


@dataclass(frozen=True, slots=True)
class Letter:
    """One message as the mailbox keeps it; ``body``: :mod:`bot.parcel`'s JSON of it."""

    seq: int
    sender: str
    body: str
    lang: str | None
    key: str


class SqlMailbox:
    """The mailbox over the bot's database; ``clock``: of each message's age (the wall clock)."""

    def __init__(self, database: Database, *, clock: Clock = wall_clock) -> None:
        self.database = database
        self.clock = clock

    @property
    def notifies(self) -> bool:
        """Whether :meth:`listen` hears of new messages (PostgreSQL); otherwise poll."""
        return not self.database.is_sqlite

    def post(
        self,
        conversation: str,
        *,
        key: str,
        sender: str,
        body: str,
        lang: str | None = None,
        state_of: str | None = None,
    ) -> tuple[int, bool]:
        """Add one message unless its key is there already; its number, and whether it is new.
        ``state_of``: the conversation key whose state's language tags the message, when
        ``lang`` is not given (the bot writes in that language).

        Raises:
            StorageUnavailable: the database cannot be reached.
        """
        where = (mailbox.c.conversation == conversation, mailbox.c.key == key)
        with self.database.begin() as connection:
            if not self.database.is_sqlite:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 1))"),
                    {"key": f"mailbox:{conversation}"},
                )
            found = connection.execute(select(mailbox.c.seq).where(*where)).scalar_one_or_none()
            if found is not None:
                return int(found), False
            highest = select(func.coalesce(func.max(mailbox.c.seq), 0)).where(where[0])
            seq = int(connection.execute(highest).scalar_one()) + 1
            if lang is None and state_of is not None:
                lang = _state_language(connection, state_of)
            values = {"conversation": conversation, "seq": seq, "key": key, "sender": sender}
            values |= {"body": body, "lang": lang, "created_at": self.clock()}
            connection.execute(insert(mailbox).values(values))
            if not self.database.is_sqlite:
                connection.execute(
                    text("SELECT pg_notify(:channel, :conversation)"),
                    {"channel": CHANNEL, "conversation": conversation},
                )
        return seq, True

    def letters(self, conversation: str, *, after: int, limit: int) -> list[Letter]:
        """The conversation's messages numbered above ``after``, in order, ``limit`` at most."""
        values = {"conversation": conversation, "after": after, "limit": limit}
        with self._reading() as connection:
            rows = _READS.of(connection)["letters"].run(connection, values).fetchall()
        return [Letter(int(seq), sender, body, lang, key) for seq, sender, body, lang, key in rows]

    def newest(self) -> int:
        """The id of the newest message of any conversation (0: none), for pollers."""
        with self._reading() as connection:
            return int(_READS.of(connection)["newest"].run(connection, {}).fetchone()[0])

    def changed(self, since: int) -> tuple[int, set[str]]:
        """The newest id, and the conversations that got a message with a higher id than
        ``since``."""
        with self._reading() as connection:
            statements = _READS.of(connection)
            newest = int(statements["newest"].run(connection, {}).fetchone()[0])
            if newest <= since:
                return newest, set()
            rows = statements["changed"].run(connection, {"since": since}).fetchall()
        return newest, {row[0] for row in rows}

    def erase(self, conversation: str) -> int:
        """Delete every message of the conversation (``/forget``); how many there were."""
        with self.database.begin() as connection:
            erased = connection.execute(
                delete(mailbox).where(mailbox.c.conversation == conversation)
            )
            return erased.rowcount

    def purge_idle(self, *, before: datetime) -> int:
        """Delete the conversations whose newest message is older than ``before``, whole."""
        idle = (
            select(mailbox.c.conversation)
            .group_by(mailbox.c.conversation)
            .having(func.max(mailbox.c.created_at) < before)
        )
        with self.database.begin() as connection:
            purged = connection.execute(delete(mailbox).where(mailbox.c.conversation.in_(idle)))
            return purged.rowcount

    def kept(self, state_key: str) -> bool:
        """Whether the bot keeps a state under ``state_key``: after a turn, none means that
        the turn erased the conversation (``/forget``)."""
        query = select(conversations.c.key).where(conversations.c.key == state_key)
        with self.database.begin() as connection:
            return connection.execute(query).first() is not None

    def listen(self, heard: Callable[[str | None], None], stop: threading.Event) -> None:
        """Call ``heard(conversation)`` for each message committed, until ``stop`` is set
        (PostgreSQL only; run it in a thread of its own). ``heard(None)`` on each (re)connection:
        what was committed while nobody listened is for the caller to read again.

        Raises:
            StorageUnavailable: the connection failed (the caller connects again, later).
        """
        import psycopg

        url = self.database.engine.url.set(drivername="postgresql")
        try:
            with psycopg.connect(url.render_as_string(hide_password=False)) as listening:
                listening.autocommit = True
                listening.execute(f"LISTEN {CHANNEL}")
                heard(None)
                while not stop.is_set():
                    for notice in listening.notifies(timeout=_LISTEN_WAIT):
                        heard(notice.payload)
        except psycopg.Error as exc:
            raise StorageUnavailable(f"mailbox listener: {exc!r}", reason=str(exc)) from exc

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection whose statements run on the driver's cursor, outside SQLAlchemy's
        transaction (and so outside SQLite's BEGIN IMMEDIATE); the pool rolls it back."""
        try:
            with self.database.engine.connect() as connection:
                yield connection
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
            raise StorageUnavailable(f"mailbox: {exc.orig!r}", reason=reason) from exc


def _state_language(connection: Connection, state_key: str) -> str | None:
    query = select(conversations.c.state).where(conversations.c.key == state_key)
    stored = connection.execute(query).scalar_one_or_none()
    if stored is None:
        return None
    try:
        return ConversationState.from_json(stored).locale
    except ValueError:
        return None
