"""The web chat under test: the bot on an SQLite file of the module's own, the channel's routes
on a free port (testkit.webchat.serving), and what reads it as a browser would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from adapters.bootstrap import App, build_app
from adapters.host import read_settings
from bot.clock import Clock, wall_clock
from testkit.webchat.serving import Served, serving
from tests.adapters.conftest import (  # noqa: F401  (the storage tests' databases)
    database,
    database_url,
    postgres_admin_url,
    postgres_url,
)

ALLOWED = "http://allowed.example"


def make_app(folder: Path) -> App:
    return make_app_on(f"sqlite:///{folder}/bot.sqlite3")


def make_app_on(url: str) -> App:
    app = build_app(url)
    app.courier.start()
    return app


def close_app(app: App) -> None:
    app.courier.close()
    app.runner.close()
    app.database.dispose()


@contextmanager
def running(app: App, *, clock: Clock = wall_clock, **environ: str) -> Iterator[Served]:
    """The web chat of ``app``, with the settings ``environ`` gives."""
    with serving(app.bot(), read_settings(environ), clock=clock) as served:
        yield served


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    bot = make_app(tmp_path_factory.mktemp("webchat"))
    try:
        yield bot
    finally:
        close_app(bot)


@pytest.fixture(scope="module")
def served(app: App) -> Iterator[Served]:
    with running(app, WEBCHAT_ALLOWED_ORIGINS=ALLOWED) as webchat:
        yield webchat


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url) as http:
        yield http
