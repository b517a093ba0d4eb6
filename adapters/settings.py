"""The settings every process reads, beside each channel's own (declared in its folder): the
storage's and the host's. ``adapters.host.read_settings`` reads them all, once, at start."""

from __future__ import annotations

from typing import Any

from bot.settings import Setting, number, text, whole

DATABASE_URL = text(
    "DATABASE_URL",
    "an SQLAlchemy URL: sqlite:///path.sqlite3 (the default: mynumber-bot.sqlite3 here) or "
    "postgresql+psycopg://user@host:5432/db",
)
OUTBOX_LEASE = number(
    "OUTBOX_LEASE_SECONDS",
    "seconds a worker's committed, unsent replies stay its own (default 60)",
    default=60.0,
    minimum=1.0,
)
WORKERS = whole(
    "MYNUMBER_BOT_WORKERS",
    "worker processes sharing the bot's limits (serve sets it for its workers)",
    default=1,
    minimum=1,
)
METRICS_DIR = text(
    "MYNUMBER_BOT_METRICS_DIR", "the folder where serve's workers share their figures"
)
STORE_DEADLINE = number(
    "MYNUMBER_BOT_STORE_DEADLINE",
    "seconds a turn waits for a PostgreSQL that does not answer before it answers without it "
    "(default 0.8; SQLite's failures are quick: no deadline)",
    default=0.8,
    minimum=0.05,
)
COMMON: tuple[Setting[Any], ...] = (
    DATABASE_URL,
    OUTBOX_LEASE,
    STORE_DEADLINE,
    WORKERS,
    METRICS_DIR,
)
