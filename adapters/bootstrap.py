"""The one place where the bot's parts are wired together, for every command that runs it."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import Database, database_url
from adapters.sql.inquiries import Listener, SqlInquiryStore
from bot.catalog import Catalog
from bot.engine import Engine
from bot.service import BotService
from flows.loader import default_flows
from knowledge.loader import default_knowledge


@dataclass(frozen=True, slots=True)
class App:
    database: Database
    inquiries: SqlInquiryStore
    service: BotService


def build_app(db: str | None = None, *, listeners: tuple[Listener, ...] = ()) -> App:
    """Open the database (``--db``, ``DATABASE_URL`` or the SQLite default) and wire the bot."""
    database = Database(database_url(db))
    inquiries = SqlInquiryStore(database, listeners=listeners)
    engine = Engine(
        flows=default_flows(),
        knowledge=default_knowledge(),
        catalog=Catalog.load(),
        inquiries=inquiries,
    )
    service = BotService(engine=engine, store=SqlConversationStore(database))
    return App(database=database, inquiries=inquiries, service=service)
