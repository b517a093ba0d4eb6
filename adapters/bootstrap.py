"""The one place where the bot's parts are wired together, for every command that runs it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from adapters.settings import DATABASE_URL, OUTBOX_LEASE, STORE_DEADLINE
from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database, database_url
from adapters.sql.staff import SqlInquiries
from bot.catalog import Catalog
from bot.channel import Bot, Counters
from bot.courier import Courier, Sender, courier_for
from bot.engine import Engine
from bot.guard import StoreGuard
from bot.runner import TurnRunner
from bot.service import BotService, InquiryListener
from bot.settings import Settings
from bot.staff import StaffInbox
from common.errors import SchemaOutdated
from flows.loader import default_flows
from knowledge.loader import default_knowledge

YOUNG_COLLECTION = 20_000  # allocations between collections of the youngest objects (700)


class NoCounters:
    """Counters nobody reads (a process without metrics)."""

    def count(self, name: str, channel: str, amount: int = 1) -> None:
        del name, channel, amount


@dataclass(frozen=True, slots=True)
class App:
    """The bot's parts in one process; the courier is started and closed by whoever runs the
    channels (the host), the database disposed of at the end."""

    database: Database
    service: BotService
    courier: Courier
    runner: TurnRunner
    inbox: StaffInbox

    def bot(self, counters: Counters | None = None) -> Bot:
        """What channels are given (:class:`bot.channel.Bot`)."""
        return Bot(self.service, self.courier, self.runner, self.inbox, counters or NoCounters())


def build_engine() -> Engine:
    return Engine(flows=default_flows(), knowledge=default_knowledge(), catalog=Catalog.load())


def build_app(
    db: str | None = None,
    *,
    settings: Settings | None = None,
    on_inquiry: tuple[InquiryListener, ...] = (),
    notify: Mapping[str, Sender] | None = None,
    threads: int = 1,
    engine: Engine | None = None,
    wrap: Callable[[BotService], BotService] | None = None,
) -> App:
    """Open the database (``db``, else the settings' ``DATABASE_URL``, else the SQLite
    default) and wire the bot.

    ``on_inquiry`` listeners hear of each newly stored inquiry, after its turn is committed.
    ``notify``: outbox channels told of each new inquiry in its own transaction (so that no
    crash loses the notice), each with the sender of its notices. ``threads``: of the turn
    runner (:class:`bot.runner.TurnRunner`); ``wrap``: around the service the runner calls
    (serve's metrics).

    Raises:
        SchemaOutdated: the database's migrations have not been run.
    """
    settings = settings or Settings()
    database = Database(database_url(db or settings.get(DATABASE_URL)))
    try:
        database.check_schema()
    except SchemaOutdated:
        database.dispose()
        raise
    database.liveness()  # taken now, so that no turn waits for its connection to be made
    lease = timedelta(seconds=settings.get(OUTBOX_LEASE) or 60.0)
    store = SqlConversationStore(database, lease=lease)
    notify = notify or {}
    deadline = None if database.is_sqlite else settings.get(STORE_DEADLINE)
    service = BotService(
        engine=engine or build_engine(),
        store=store,
        on_inquiry=on_inquiry,
        notices=tuple(notify),
        guard=StoreGuard(deadline=deadline),
    )
    if wrap is not None:
        service = wrap(service)
    courier = courier_for(service, lease=store.lease)
    for channel, sender in notify.items():
        courier.route(channel, sender)
    runner = TurnRunner(service, courier, threads=threads)
    return App(database, service, courier, runner, StaffInbox(SqlInquiries(database)))


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
