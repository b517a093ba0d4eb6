"""Fixtures for the serve tests. The PostgreSQL ones are tests/adapters' (a fresh schema per
test, or a skip saying why the server cannot be used), imported rather than copied."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.conftest import postgres_admin_url, postgres_url
from tests.serve.processes import migrated

__all__ = ["postgres_admin_url", "postgres_url"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite (serve upgrades it), or PostgreSQL's fresh schema migrated with `db upgrade`
    (skipped, saying why, when the server cannot be used)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.sqlite3"
    return migrated(request.getfixturevalue("postgres_url"))


_COLLECTOR = gc.get_threshold()  # as the test session found it, before any server settled it


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """A server started in this process settles the collector for serving (frozen objects,
    rarer collections): put it back, so that later tests run as they would alone."""
    yield
    gc.unfreeze()
    gc.set_threshold(*_COLLECTOR)
