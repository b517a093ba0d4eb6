"""Builders for engine tests: a real engine over the packaged data, stores in memory."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.engine import Engine
from bot.inquiry import InquiryDraft
from bot.messages import Event
from bot.service import BotService
from bot.storage import MemoryStore
from flows.loader import default_flows
from knowledge.loader import default_knowledge

JAPAN = ZoneInfo("Asia/Tokyo")


class ListSink:
    """Keeps submitted inquiries in a list; submitting a draft key twice keeps one."""

    def __init__(self) -> None:
        self.drafts: dict[str, InquiryDraft] = {}

    def submit(self, draft: InquiryDraft) -> str:
        self.drafts.setdefault(draft.key, draft)
        return f"REF-{list(self.drafts).index(draft.key) + 1}"


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JAPAN)


def make_engine(sink: ListSink | None = None) -> Engine:
    return Engine(
        flows=default_flows(),
        knowledge=default_knowledge(),
        catalog=Catalog.load(),
        inquiries=sink or ListSink(),
    )


def make_service(store: MemoryStore | None = None, sink: ListSink | None = None) -> BotService:
    return BotService(engine=make_engine(sink), store=store or MemoryStore())


def event(text=None, *, button=None, at="2026-11-25T10:00", conversation="t:1", locale=None):
    return Event(conversation=conversation, at=jst(at), text=text, button=button, locale=locale)


def said(replies) -> str:
    return "\n".join(reply.all_text() for reply in replies)
