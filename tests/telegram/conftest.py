"""Fixtures: a real app on an SQLite file, a stand-in Bot API, and the adapter polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import App, build_app
from testkit.telegram.driver import Rig
from testkit.telegram.stand_in import StandIn
from tests.telegram.helpers import AT


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = build_app(f"sqlite:///{tmp_path}/bot.sqlite3")
    try:
        yield built
    finally:
        built.database.dispose()


@pytest.fixture
async def stand_in() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def rig(app: App, stand_in: StandIn) -> AsyncIterator[Rig]:
    """The real adapter (PTB application, AIORateLimiter, aiohttp) polling the stand-in."""
    async with Rig.running(app.service, stand_in=stand_in, clock=lambda: AT) as running:
        yield running
