"""A running Slack adapter per test: its own database file, stand-in Web API and HTTP port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.helpers import Slack, running_slack


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[Slack]:
    with running_slack(tmp_path) as running:
        yield running
