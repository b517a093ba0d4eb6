"""Builders for the adapter tests: a real app on an SQLite file, turns, and what got stored."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from adapters.bootstrap import App, build_app
from adapters.sql.staff import SqlInquiries
from bot.inquiry import InquiryDraft
from bot.messages import Event, Reply
from bot.mynumber import check_digit
from bot.service import InquiryListener
from bot.staff import StoredInquiry

TOKYO = ZoneInfo("Asia/Tokyo")
AT = datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)  # a Wednesday morning: every line is open
CONVERSATION = "t:1"
# What the bot says once an inquiry is stored.
SENT = re.compile(r"Your reference is (MN-[0-9A-Z]{5}-[0-9A-Z]{5})")
CONSENT_QUESTION = "Do you agree to the handling of personal information?"
SUSPENSION_NUMBER = "0120-0178-27"
APPLICATION_ID = "10293847561029384756102"  # 23 digits, no Individual Number inside


def db_file(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


def make_app(tmp_path: Path, *, on_inquiry: tuple[InquiryListener, ...] = ()) -> App:
    """The real wiring (engine, SQL store, migrations) on an SQLite file in ``tmp_path``."""
    return build_app(f"sqlite:///{db_file(tmp_path)}", on_inquiry=on_inquiry)


def turn(
    app: App,
    *,
    text: str | None = None,
    button: str | None = None,
    conversation: str = CONVERSATION,
    at: datetime = AT,
    channel: str = "console",
    locale: str | None = "en",
) -> tuple[Reply, ...]:
    event = Event(
        conversation=conversation,
        at=at,
        text=text,
        button=button,
        locale=locale,
        channel=channel,
    )
    replies = app.service.handle(event)
    assert replies, f"the bot went silent on {text or button!r}"
    return replies


def said(replies: tuple[Reply, ...]) -> str:
    """Everything the replies say: texts, then button labels."""
    return "\n".join(reply.all_text() for reply in replies)


def say(app: App, text: str, **options: Any) -> str:
    """Type ``text``; the replies' text (button labels included)."""
    return said(turn(app, text=text, **options))


def press(app: App, payload: str, **options: Any) -> str:
    """Press the button with ``payload`` (e.g. ``consent:agree``); the replies' text."""
    return said(turn(app, button=payload, **options))


def reference_in(text: str) -> str | None:
    found = SENT.search(text)
    return found.group(1) if found else None


def individual_number(first_eleven: str) -> str:
    """A valid Individual Number: the eleven digits and their check digit."""
    return f"{first_eleven}{check_digit(first_eleven)}"


def full_inquiry(
    app: App,
    *,
    email: str,
    text: str,
    conversation: str = CONVERSATION,
    at: datetime = AT,
    channel: str = "console",
) -> str:
    """Start, agree, e-mail twice, text, send; the reference the bot gave."""
    options: dict[str, object] = {"conversation": conversation, "at": at, "channel": channel}
    assert CONSENT_QUESTION in say(app, "write an inquiry", **options)
    say(app, "I agree", **options)
    say(app, email, **options)
    say(app, email, **options)
    assert "Send it?" in say(app, text, **options)
    reference = reference_in(say(app, "send", **options))
    assert reference is not None, "the inquiry was not sent"
    return reference


def load_state(app: App, conversation: str = CONVERSATION) -> str | None:
    """The conversation's stored state, as the store keeps it."""
    with app.service.store.transaction(conversation) as transaction:
        return transaction.load()


def save_state(app: App, state: str, conversation: str = CONVERSATION) -> None:
    with app.service.store.transaction(conversation) as transaction:
        transaction.save(state)


def stored_state(app: App, conversation: str = CONVERSATION) -> dict[str, object] | None:
    raw = load_state(app, conversation)
    return None if raw is None else json.loads(raw)


def exported(app: App) -> list[StoredInquiry]:
    return SqlInquiries(app.database).export()


def sqlite_rows(path: Path, query: str) -> list[tuple[object, ...]]:
    """Rows read with the standard library, bypassing the product's code."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def raw_bytes(app: App, path: Path) -> bytes:
    """Every byte the database keeps on disk: the file and any -wal/-journal/-shm beside it.

    The app's connections are closed first, so SQLite checkpoints its write-ahead log.
    """
    app.database.dispose()
    chunks = []
    for suffix in ("", "-wal", "-journal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            chunks.append(part.read_bytes())
    return b"\n".join(chunks)


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def draft(
    key: str = "t:1:token",
    *,
    reference: str = "MN-00000-00001",
    email: str = "draft@example.com",
    text: str = "Where is my card? I applied in May.",
    created_at: datetime = AT,
    consent_at: datetime | None = None,
    channel: str = "console",
) -> InquiryDraft:
    """A confirmed inquiry as the engine hands it to the store."""
    return InquiryDraft(
        key=key,
        reference=reference,
        conversation=key.rsplit(":", 1)[0],
        channel=channel,
        locale="en",
        topic=None,
        email=email,
        text=text,
        application_id=None,
        consent_at=consent_at or created_at,
        notice_version="b719879495f631e8",
        created_at=created_at,
    )
