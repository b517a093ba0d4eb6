"""SQLite connections kept by the threads that use them (adapters/sql/database.py says why)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from adapters.sql.database import KEPT_CONNECTIONS, Database
from adapters.sql.schema import conversations


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/kept.sqlite3")
    yield database
    database.dispose()


def _driver(connection: Connection) -> object:
    return connection.connection.driver_connection


def _used_by_thread(database: Database) -> object:
    with database.begin() as connection:
        return _driver(connection)


def test_a_thread_keeps_its_connection_between_transactions(database: Database) -> None:
    with database.begin() as first:
        pass
    with pytest.raises(RuntimeError), database.begin():
        raise RuntimeError("a failed turn, rolled back")
    with database.begin() as again:
        assert again is first  # the same SQLAlchemy connection: nothing checked out again
        assert not database.engine.pool.checkedin()  # and it is not back in the pool


def test_threads_keep_their_own_up_to_the_limit_then_use_the_pool(database: Database) -> None:
    seen: list[object] = []
    ready = threading.Barrier(KEPT_CONNECTIONS + 2)

    def work() -> None:
        seen.append(_used_by_thread(database))
        ready.wait(10)  # every thread alive at once: none hands its connection on
        seen.append(_used_by_thread(database))

    threads = [threading.Thread(target=work) for _ in range(KEPT_CONNECTIONS + 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(seen) == 2 * len(threads)  # every transaction ran
    assert len(database._all_kept) == KEPT_CONNECTIONS


def test_an_idle_kept_connection_holds_no_lock(database: Database, tmp_path: Path) -> None:
    _used_by_thread(database)
    other = sqlite3.connect(tmp_path / "kept.sqlite3", isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process's writer: not kept waiting
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_dispose_closes_them_and_the_next_transaction_opens_another(database: Database) -> None:
    before = _used_by_thread(database)
    database.dispose()
    assert database._all_kept == []
    with database.begin() as connection:
        assert connection.execute(select(conversations.c.key)).all() == []
        assert _driver(connection) is not before
