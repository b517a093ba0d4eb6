"""Databases for the storage tests: an SQLite file, and PostgreSQL when it can be reached."""

from __future__ import annotations

import importlib.util
import secrets
import socket
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from adapters.sql.database import Database

PG_HOST, PG_PORT, PG_DATABASE = "127.0.0.1", 5432, "test"
PG_USERS = ("postgres", "root")


def _postgres_admin_url() -> str:
    """A URL that connects (trust auth), or pytest.skip saying exactly what is missing."""
    missing = []
    if importlib.util.find_spec("psycopg") is None:
        missing.append(
            "the psycopg driver is not importable in this venv (pip install 'psycopg[binary]')"
        )
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
    except OSError as exc:
        missing.append(f"no PostgreSQL server accepts connections on {PG_HOST}:{PG_PORT} ({exc})")
    if missing:
        pytest.skip("PostgreSQL tests skipped: " + "; ".join(missing))

    from sqlalchemy import create_engine, text

    errors = []
    for user in PG_USERS:
        url = f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return url
        except Exception as exc:  # any failure: try the next user, then report them all
            errors.append(f"{user}: {exc}")
        finally:
            engine.dispose()
    pytest.skip(
        f"PostgreSQL tests skipped: cannot log in to database {PG_DATABASE!r} on "
        f"{PG_HOST}:{PG_PORT} as {' or '.join(PG_USERS)} ({'; '.join(errors)})"
    )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return _postgres_admin_url()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh schema of their own, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"mnbot_test_{secrets.token_hex(6)}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{postgres_admin_url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """An upgraded database (SQLite file, or a PostgreSQL schema of its own)."""
    db = Database(database_url, upgrade=True)
    try:
        yield db
    finally:
        db.dispose()
