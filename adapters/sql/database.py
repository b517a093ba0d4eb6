"""Opening the database: the engine, SQLite's pragmas, and schema migrations.

SQLite (the default) is upgraded to the current schema on first start; other databases are
upgraded explicitly with `mynumber-bot db upgrade`, once per deployment rather than per worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
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
    DisconnectionError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import StaticPool

from adapters.sql.driver import DriverStatements
from adapters.sql.liveness import Liveness, liveness_for
from common.errors import SchemaOutdated, StorageConflict, StorageUnavailable

DEFAULT_URL = "sqlite:///mynumber-bot.sqlite3"
# The newest migration in migrations/versions; a test keeps the two in step.
SCHEMA_REVISION = "0007"
MIGRATIONS = Path(__file__).with_name("migrations")
# Threads that keep an SQLite connection of their own (the turns', the courier's, a few more);
# the pool (5, and 10 more at need) serves the rest.
KEPT_CONNECTIONS = 4
log = logging.getLogger(__name__)
# PostgreSQL over a network that may stop answering (see _network_timeouts); the service's own
# deadline (bot.service) answers users sooner still.
CONNECT_TIMEOUT = 2  # seconds (libpq's least)
TCP_USER_TIMEOUT_MS = 1500
STATEMENT_TIMEOUT_MS = 10_000  # the purge of a large table included
LOCK_TIMEOUT_MS = 2000  # a conversation's lock held by a connection the server thinks alive
POOL_WAIT = 1.0  # seconds to wait for a free connection of the pool
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
        self.sockets = None if self.is_sqlite else SocketsInUse(self.engine)
        self._kept = threading.local()
        self._all_kept: list[Connection] = []
        self._kept_lock = threading.Lock()
        self._liveness: Liveness | None = None
        self._liveness_lock = threading.Lock()
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
        except PoolTimeout as exc:  # every connection busy, each waiting on the database
            raise StorageUnavailable("no connection free", reason="the pool is exhausted") from exc
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

    def interrupt(self, thread: int) -> None:
        """Cut the PostgreSQL connection ``thread`` is using (its socket shut, not closed):
        whatever that thread waits for from the server fails at once, and the pool drops the
        connection. For a turn abandoned past its deadline (:mod:`bot.guard`), whose thread
        would otherwise wait on a server that never answers for as long as it hangs."""
        if self.sockets is not None:
            self.sockets.interrupt(thread)

    def liveness(self) -> Liveness:
        """This worker's lock, taken on first call (``build_app`` makes it at start); see
        :mod:`adapters.sql.liveness`."""
        with self._liveness_lock:
            if self._liveness is None:
                sqlite_file = self.engine.url.database if self.is_sqlite else None
                timeouts = {} if self.is_sqlite else _network_timeouts(self.url)
                self._liveness = liveness_for(self.engine, sqlite_file, timeouts)
            return self._liveness

    def owner(self) -> int | None:
        """The owner to write on this worker's parcels (None where no worker can die alone)."""
        return self.liveness().owner()

    def checkpoint(self) -> bool:
        """SQLite: copy the write-ahead log into the file and truncate it to nothing, outside
        any transaction (it cannot run inside one); False when a reader kept it from
        finishing. Raises StorageUnavailable."""
        connection = None
        try:
            connection = self.engine.raw_connection()
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            cursor.close()
        except (sqlite3.Error, SQLAlchemyError) as exc:
            raise StorageUnavailable(f"checkpoint failed: {exc!r}", reason=str(exc)) from exc
        finally:
            if connection is not None:
                connection.close()
        return not (busy and busy[0])

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
        with self._liveness_lock:
            if self._liveness is not None:
                self._liveness.close()
                self._liveness = None
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
    return create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_timeout=POOL_WAIT,
        connect_args=_network_timeouts(url),
    )


class SocketsInUse:
    """Which PostgreSQL socket each thread holds, checked out of the pool; and the pool's
    liveness check made here, at checkout, once the socket is known (SQLAlchemy's own
    pre-ping runs before any event, where no hang could be cut)."""

    def __init__(self, engine: Engine) -> None:
        self._held: dict[int, int] = {}
        self._lock = threading.Lock()
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "checkin", self._checkin)

    def interrupt(self, thread: int) -> None:
        with self._lock:
            descriptor = self._held.get(thread)
        if descriptor is None:
            return
        with contextlib.suppress(OSError):
            cut = socket.socket(fileno=os.dup(descriptor))
            try:
                cut.shutdown(socket.SHUT_RDWR)
            finally:
                cut.close()  # the duplicate only: the driver's own descriptor stays its own

    def _checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        with self._lock:
            self._held[threading.get_ident()] = dbapi_connection.pgconn.socket
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:  # any failure of the check: another connection, please
            raise DisconnectionError("the pooled connection is gone") from exc

    def _checkin(self, _dbapi_connection: Any, _record: Any) -> None:
        # Returned by the thread that took it (a descriptor left here could be reused by
        # another socket, which an interrupt must never touch).
        with self._lock:
            self._held.pop(threading.get_ident(), None)


def _network_timeouts(url: str) -> dict[str, object]:
    """PostgreSQL's connections, bounded whatever the network does: a connect that is not
    answered, a link that stops carrying anything (``tcp_user_timeout``: data sent and never
    acknowledged fails the call), a peer gone quiet (keepalives), a statement or a lock that
    waits for ever (the server's own timeouts, beside any ``options`` the URL gives)."""
    given = make_url(url).query.get("options", "")
    options = given if isinstance(given, str) else " ".join(given)
    return {
        "connect_timeout": CONNECT_TIMEOUT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "options": f"{options} -c statement_timeout={STATEMENT_TIMEOUT_MS} "
        f"-c lock_timeout={LOCK_TIMEOUT_MS}".strip(),
    }


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
