"""Fixtures for the serve tests. The PostgreSQL ones are tests/adapters' (a fresh schema per
test, or a skip saying why the server cannot be used), imported rather than copied."""

from __future__ import annotations

from tests.adapters.conftest import postgres_admin_url, postgres_url

__all__ = ["postgres_admin_url", "postgres_url"]
