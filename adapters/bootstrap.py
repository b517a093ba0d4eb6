"""The one place where the bot's parts are wired together, for every command that runs it."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database, database_url
from bot.catalog import Catalog
from bot.engine import Engine
from bot.service import BotService, InquiryListener
from flows.loader import default_flows
from knowledge.loader import default_knowledge


@dataclass(frozen=True, slots=True)
class App:
    database: Database
    service: BotService


def build_engine() -> Engine:
    return Engine(flows=default_flows(), knowledge=default_knowledge(), catalog=Catalog.load())


def build_app(db: str | None = None, *, on_inquiry: tuple[InquiryListener, ...] = ()) -> App:
    """Open the database (``--db``, ``DATABASE_URL`` or the SQLite default) and wire the bot.

    ``on_inquiry`` listeners hear of each newly stored inquiry, after its turn is committed.
    """
    database = Database(database_url(db))
    service = BotService(
        engine=build_engine(), store=SqlConversationStore(database), on_inquiry=on_inquiry
    )
    return App(database=database, service=service)
