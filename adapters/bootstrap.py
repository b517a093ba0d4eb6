"""The one place where the bot's parts are wired together, for every command that runs it."""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database, database_url
from bot.catalog import Catalog
from bot.courier import Courier, Sender, courier_for
from bot.engine import Engine
from bot.service import BotService, InquiryListener
from bot.storage import LEASE
from common.errors import SchemaOutdated
from flows.loader import default_flows
from knowledge.loader import default_knowledge

LEASE_VARIABLE = "OUTBOX_LEASE_SECONDS"  # how long a worker's unsent replies stay its own
YOUNG_COLLECTION = 20_000  # allocations between collections of the youngest objects (700)


@dataclass(frozen=True, slots=True)
class App:
    """The bot's parts; the courier is started and closed by whoever runs the channels."""

    database: Database
    service: BotService
    courier: Courier


def build_engine() -> Engine:
    return Engine(flows=default_flows(), knowledge=default_knowledge(), catalog=Catalog.load())


def build_app(
    db: str | None = None,
    *,
    on_inquiry: tuple[InquiryListener, ...] = (),
    notify: Mapping[str, Sender] | None = None,
) -> App:
    """Open the database (``--db``, ``DATABASE_URL`` or the SQLite default) and wire the bot.
    Raises SchemaOutdated for a database whose migrations have not been run.

    ``on_inquiry`` listeners hear of each newly stored inquiry, after its turn is committed.
    ``notify``: outbox channels told of each new inquiry in its own transaction (so that no
    crash loses the notice), each with the sender of its notices.
    """
    database = Database(database_url(db))
    try:
        database.check_schema()
    except SchemaOutdated:
        database.dispose()
        raise
    lease = float(os.environ.get(LEASE_VARIABLE) or LEASE.total_seconds())
    store = SqlConversationStore(database, lease=timedelta(seconds=lease))
    notify = notify or {}
    service = BotService(
        engine=build_engine(), store=store, on_inquiry=on_inquiry, notices=tuple(notify)
    )
    courier = courier_for(service, lease=store.lease)
    for channel, sender in notify.items():
        courier.route(channel, sender)
    return App(database=database, service=service, courier=courier)


def settle_collector() -> None:
    """Tune Python's cyclic garbage collector for serving, once everything is built.

    What startup built (flows, catalogs, SQLAlchemy's metadata, the libraries) lives as long as
    the process: frozen, the collector no longer scans it at each full collection. An update
    allocates a few hundred objects (python-telegram-bot's, the replies) that nearly all die
    by reference counting: collecting the young every 20,000 allocations instead of every 700
    spares most of the scans. Measured under ``python -m bench.telegram_bench``: 10 to 20%
    less CPU an update.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
