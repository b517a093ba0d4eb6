"""A running LINE channel per test: its own database file, stand-in Messaging API and port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import App, build_app
from testkit.line.driver import LineRig
from tests.serve.conftest import collector_as_found, postgres_admin_url, postgres_url, served_db

__all__ = ["collector_as_found", "postgres_admin_url", "postgres_url", "served_db"]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = build_app(f"sqlite:///{tmp_path}/bot.sqlite3")
    built.courier.start()
    try:
        yield built
    finally:
        built.courier.close()
        built.database.dispose()


@pytest.fixture
def rig(app: App) -> Iterator[LineRig]:
    with LineRig.running(app.service, courier=app.courier) as running:
        yield running
