"""A turn's statements on the driver's cursor: the same values stored as SQLAlchemy would store
them, and the driver's errors turned into the storage errors the service knows (SQLite, and
PostgreSQL when it can be reached)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select

from adapters.sql.database import Database
from adapters.sql.driver import DriverStatement, DriverStatements
from adapters.sql.schema import conversations, deliveries, outbox
from common.errors import StorageConflict, StorageUnavailable

JST = timezone(timedelta(hours=9))
_SAVE = insert(conversations).values(
    key=bindparam("key"), state=bindparam("state"), updated_at=bindparam("now")
)


@pytest.fixture
def database(database_url: str) -> Database:
    database = Database(database_url, upgrade=True)
    yield database
    database.dispose()


def test_values_are_stored_as_sqlalchemy_stores_them(database: Database) -> None:
    at = datetime(2026, 11, 25, 21, 30, 15, 123456, tzinfo=JST)
    with database.begin() as connection:
        DriverStatement(_SAVE, connection.dialect).run(
            connection, {"key": "driver", "state": "{}", "now": at}
        )
        connection.execute(_SAVE, {"key": "core", "state": "{}", "now": at})
    with database.begin() as connection:
        found = connection.execute(select(conversations.c.key, conversations.c.updated_at))
        rows = {row.key: row.updated_at for row in found}
    # UtcDateTime's own processing ran: the same aware UTC moment back, both ways.
    assert rows == {"driver": at.astimezone(UTC), "core": at.astimezone(UTC)}
    assert rows["driver"].tzinfo is UTC


def test_returning_and_fetching(database: Database) -> None:
    add = (
        insert(outbox)
        .values({c: bindparam(c) for c in ("channel", "address", "replies", "created_at")})
        .values(lease_until=bindparam("created_at"))
        .returning(outbox.c.id)
    )
    now = datetime.now(UTC)
    values = {"channel": "telegram", "address": "{}", "replies": "[]", "created_at": now}
    with database.begin() as connection:
        statement = DriverStatement(add, connection.dialect)
        ids = [statement.run(connection, values).fetchone()[0] for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_statements_share_the_turns_transaction(database: Database) -> None:
    """A failure after a driver statement rolls it back with the rest of the turn."""
    with pytest.raises(RuntimeError), database.begin() as connection:
        DriverStatement(_SAVE, connection.dialect).run(
            connection, {"key": "gone", "state": "{}", "now": datetime.now(UTC)}
        )
        raise RuntimeError("the turn failed after its write")
    with database.begin() as connection:
        assert connection.execute(select(conversations.c.key)).all() == []


def test_a_unique_key_broken_is_a_conflict(database: Database) -> None:
    claim = insert(deliveries).values(
        channel=bindparam("channel"), delivery_id=bindparam("id"), handled_at=bindparam("now")
    )
    values = {"channel": "telegram", "id": "7", "now": datetime.now(UTC)}
    with database.begin() as connection:
        DriverStatement(claim, connection.dialect).run(connection, values)
    with pytest.raises(StorageConflict), database.begin() as connection:
        DriverStatement(claim, connection.dialect).run(connection, values)


def test_a_locked_sqlite_database_is_unavailable(tmp_path) -> None:
    database = Database(f"sqlite:///{tmp_path}/locked.sqlite3", upgrade=True)
    raw = database.engine.raw_connection()  # the pool's one connection, outside any transaction
    raw.driver_connection.execute("PRAGMA busy_timeout=0")  # fail at once, not in 5 s
    raw.close()
    holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process's turn, say, holding the lock
        with pytest.raises(StorageUnavailable, match="locked"), database.begin():
            pass  # BEGIN IMMEDIATE, on the driver's cursor, failed
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with database.begin() as connection:  # and the same connection works once it is free
        assert connection.execute(select(conversations.c.key)).all() == []
    database.dispose()


def test_expanding_lists_are_refused_at_compile_time() -> None:
    from sqlalchemy.dialects import sqlite

    listed = select(outbox.c.id).where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        DriverStatement(listed, sqlite.dialect())


def test_statements_are_compiled_once_per_kind_of_dialect(database: Database) -> None:
    built: list[str] = []

    def build(dialect_name: str) -> dict[str, object]:
        built.append(dialect_name)
        # A literal is a bind parameter too, with its value: no value to give for it.
        return {"load": select(conversations.c.state).where(conversations.c.key == "x")}

    statements = DriverStatements(build)  # type: ignore[arg-type]
    for _ in range(3):
        with database.begin() as connection:
            assert statements.of(connection)["load"].run(connection, {}).fetchone() is None
    assert built == [database.engine.dialect.name]
