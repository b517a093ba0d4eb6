"""Fixtures for the serve tests. The PostgreSQL ones are tests/adapters' (a fresh schema per
test, or a skip saying why the server cannot be used), imported rather than copied."""

from __future__ import annotations

import pytest

from tests.adapters.conftest import postgres_admin_url, postgres_url

__all__ = ["postgres_admin_url", "postgres_url"]


def pytest_configure(config: pytest.Config) -> None:
    # As in production (build_application): the adapter sends with do_api_request on purpose.
    config.addinivalue_line(
        "filterwarnings", "ignore:Please use 'Bot.send_message':telegram.warnings.PTBUserWarning"
    )
