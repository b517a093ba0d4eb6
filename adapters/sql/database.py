"""Opening the database: the engine, SQLite's pragmas, and schema migrations.

SQLite (the default) is upgraded to the current schema on first start; other databases are
upgraded explicitly with `mynumber-bot db upgrade`, once per deployment rather than per worker.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.pool import StaticPool

from adapters.sql.driver import DriverStatements
from common.errors import SchemaOutdated, StorageConflict, StorageUnavailable

DEFAULT_URL = "sqlite:///mynumber-bot.sqlite3"
# The newest migration in migrations/versions; a test keeps the two in step.
SCHEMA_REVISION = "0006"
MIGRATIONS = Path(__file__).with_name("migrations")
# Threads that keep an SQLite connection of their own (the turns', the courier's, a few more);
# the pool (5, and 10 more at need) serves the rest.
KEPT_CONNECTIONS = 4
log = logging.getLogger(__name__)
_BEGIN = DriverStatements(lambda _dialect: {"begin": text("BEGIN IMMEDIATE")})


def database_url(explicit: str | None = None) -> str:
    """``--db``, else ``DATABASE_URL``, else an SQLite file in the working directory."""
    return explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL


def shown_url(url: str) -> str:
    """``url`` as it may be printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL"


class Database:
    """One SQLAlchemy engine, configured for this bot's storage."""

    def __init__(self, url: str, *, upgrade: bool | None = None) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._kept = threading.local()
        self._all_kept: list[Connection] = []
        self._kept_lock = threading.Lock()
        self._pending_upgrade = bool(upgrade if upgrade is not None else self.is_sqlite)
        if self._pending_upgrade:
            try:
                self._settle_upgrade()
            except StorageUnavailable as exc:
                # A file that cannot be opened (a folder missing, no permission, locked): the
                # bot answers without storage meanwhile, and upgrades once it opens.
                log.warning("the database cannot be opened (%s); running without it", exc.reason)

    def _settle_upgrade(self) -> None:
        self._pending_upgrade = False
        try:
            self.upgrade()
        except StorageUnavailable:
            self._pending_upgrade = True
            raise

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction. Raises StorageUnavailable for a database that cannot be reached,
        StorageConflict for a write that breaks a unique constraint."""
        if self._pending_upgrade:
            self._settle_upgrade()
        try:
            kept = self._kept_connection() if self.is_sqlite else None
            if kept is None:
                with self.engine.begin() as connection:
                    yield connection
            else:
                with kept.begin():
                    yield kept
        except IntegrityError as exc:
            raise StorageConflict(f"write conflict: {exc.orig!r}") from exc
        except DBAPIError as exc:
            # SQLite says "file is not a database" (a damaged file, another file in its place)
            # with DatabaseError itself: as unusable as one that cannot be opened.
            damaged = self.is_sqlite and type(exc) is DatabaseError
            if isinstance(exc, OperationalError) or exc.connection_invalidated or damaged:
                reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
                raise StorageUnavailable(
                    f"database unavailable: {exc.orig!r}", reason=reason or type(exc.orig).__name__
                ) from exc
            raise

    def revision(self) -> str | None:
        with self.begin() as connection:
            try:
                with connection.begin_nested():
                    row = connection.execute(text("SELECT version_num FROM alembic_version"))
                    return row.scalar_one_or_none()
            except (OperationalError, ProgrammingError):
                return None

    def check_schema(self) -> None:
        """Raises SchemaOutdated, saying what to run, unless the schema is current. A database
        that cannot be reached passes: the bot then runs without storage until it returns."""
        try:
            revision = self.revision()
        except StorageUnavailable as exc:
            log.warning("the database cannot be reached (%s); running without it for now", exc)
            return
        if revision != SCHEMA_REVISION:
            raise SchemaOutdated(
                f"the database schema is at {revision or 'nothing'}, not {SCHEMA_REVISION}: "
                "run `mynumber-bot db upgrade` (with the same --db or DATABASE_URL) first"
            )

    def upgrade(self) -> tuple[str | None, str | None]:
        """Bring the schema to the newest migration (Alembic is imported only when needed); the
        revisions before and after.

        Raises:
            StorageUnavailable: the database cannot be reached.
        """
        before = self.revision()
        if before == SCHEMA_REVISION:
            return before, before
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, self.revision()

    def dispose(self) -> None:
        """Close every connection, kept ones too: once the threads using them are done."""
        with self._kept_lock:
            kept, self._all_kept = self._all_kept, []
        for connection in kept:
            connection.close()
        self.engine.dispose()

    def _kept_connection(self) -> Connection | None:
        """This thread's own SQLite connection, kept between its transactions; None: take one
        from the pool (a transaction begun inside another, or too many threads keep one).

        Why: checking a connection out of SQLAlchemy's pool and back for every turn (and its
        reset on return) cost 9% of a Telegram update's CPU under ``python -m
        bench.telegram_bench``. An idle SQLite connection holds no lock in WAL mode, so
        keeping it costs nothing to other writers. PostgreSQL keeps the pool: its
        connections die with the network, and pre-ping replaces them.
        """
        connection: Connection | None = getattr(self._kept, "connection", None)
        if connection is not None and not (connection.closed or connection.invalidated):
            return None if connection.in_transaction() else connection
        with self._kept_lock:
            if connection is not None and connection in self._all_kept:
                self._all_kept.remove(connection)
            if len(self._all_kept) >= KEPT_CONNECTIONS:
                return None
            connection = self.engine.connect()
            self._all_kept.append(connection)
        self._kept.connection = connection
        return connection


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN is switched off; `_sqlite_begin_immediate` begins instead.
    connection.isolation_level = None
    cursor = connection.cursor()
    # secure_delete: what a cancelled inquiry leaves behind is overwritten, not just unlinked.
    # WAL with synchronous=NORMAL: a commit is durable at the next checkpoint, without an
    # fsync per turn.
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "secure_delete=ON",
        "busy_timeout=5000",
        "foreign_keys=ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    """Take SQLite's write lock at the start of every transaction.

    A turn reads a conversation's state and then writes it: begun lazily, two processes could
    both read, and the second writer would fail (or, worse, overwrite the first). IMMEDIATE
    makes the second wait for the first (busy_timeout) and then read what it wrote. Readers
    outside a transaction are not blocked, thanks to WAL. On the driver's cursor, as a turn's
    statements are (``adapters.sql.driver``).
    """
    _BEGIN.of(connection)["begin"].run(connection, {})
