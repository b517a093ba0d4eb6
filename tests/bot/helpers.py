"""Builders for engine tests: a real engine over the packaged data, stores in memory."""

from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.bootstrap import build_engine
from bot.messages import Event
from bot.service import BotService
from testkit.memory import MemoryStore

JAPAN = ZoneInfo("Asia/Tokyo")


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JAPAN)


def make_service(store: MemoryStore | None = None, **options) -> BotService:
    return BotService(engine=build_engine(), store=store or MemoryStore(), **options)


def event(text=None, *, button=None, at="2026-11-25T10:00", conversation="t:1", locale=None):
    return Event(conversation=conversation, at=jst(at), text=text, button=button, locale=locale)


def said(replies) -> str:
    return "\n".join(reply.all_text() for reply in replies)
