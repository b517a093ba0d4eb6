"""Stored inquiries: once per confirmed draft, unique references, announce hook, export, purge."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.schema import conversations, outbox
from bot.inquiry import reference_for
from bot.messages import Reply
from tests.adapters.helpers import (
    AT,
    CONVERSATION,
    db_file,
    draft,
    exported,
    full_inquiry,
    load_state,
    make_app,
    minutes,
    press,
    raw_bytes,
    reference_in,
    save_state,
    say,
    turn,
)

REFERENCE_FORMAT = re.compile(r"^MN-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
REQUIRED_FIELDS = {"reference", "email", "text", "consent_at", "created_at", "channel"}
JST_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+09:00$")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def export_cli(tmp_path, fmt: str) -> str:
    return run_cli(
        "inquiries", "export", "--db", f"sqlite:///{db_file(tmp_path)}", "--format", fmt
    ).stdout


# -- once per draft ----------------------------------------------------------------------------


def test_the_same_draft_is_stored_once(tmp_path):
    app = make_app(tmp_path)
    store = SqlConversationStore(app.database)
    same = draft("t:1:k1", reference="MN-ABCDE-FGHJK")
    results = []
    for _ in range(3):
        with store.transaction("t:1") as transaction:
            results.append(transaction.add_inquiry(same))
    assert results == [True, False, False]
    assert [record.reference for record in exported(app)] == ["MN-ABCDE-FGHJK"]


def test_half_a_surrogate_pair_in_the_text_is_replaced_not_a_crash(tmp_path):
    """JSON's `\\ud800` gives Python half a character, which the database refused: the turn
    failed and the user got an apology. It is now the replacement character, and kept."""
    app = make_app(tmp_path)
    text = "Where is my card? I applied in May \ud800 and heard nothing."
    full_inquiry(app, email="kim@example.com", text=text)
    (record,) = exported(app)
    assert record.text == text.replace("\ud800", "\ufffd")


def test_a_replayed_send_stores_one_inquiry_under_the_same_reference(tmp_path):
    """The same "send" delivered twice from the same state (a retried webhook, two workers)."""
    announced = []
    app = make_app(tmp_path, on_inquiry=(announced.append,))
    say(app, "write an inquiry")
    say(app, "I agree")
    say(app, "replay@example.com")
    say(app, "replay@example.com")
    say(app, "Where is my card? I applied in May.")
    before_send = load_state(app)
    first = reference_in(say(app, "send", at=AT + minutes(1)))
    save_state(app, before_send)  # the second delivery read the state the first one read
    second = reference_in(say(app, "send", at=AT + minutes(1)))
    assert first is not None
    assert second == first
    assert [record.reference for record in exported(app)] == [first]
    assert [d.reference for d in announced] == [first]


def test_different_conversations_make_different_inquiries(tmp_path):
    app = make_app(tmp_path)
    told = [
        full_inquiry(
            app,
            email=f"many-{n}@example.com",
            text=f"Inquiry number {n}: where is my card?",
            conversation=f"t:{n}",
        )
        for n in range(25)
    ]
    records = exported(app)
    assert len(records) == 25
    assert sorted(record.reference for record in records) == sorted(told)
    assert len(set(told)) == 25
    assert all(REFERENCE_FORMAT.match(reference) for reference in told)


def test_one_conversation_can_send_several_inquiries(tmp_path):
    app = make_app(tmp_path)
    first = full_inquiry(app, email="again@example.com", text="The first of my questions.")
    second = full_inquiry(app, email="again@example.com", text="And here is the second one.")
    assert first != second
    assert {record.text for record in exported(app)} == {
        "The first of my questions.",
        "And here is the second one.",
    }


# -- references --------------------------------------------------------------------------------


def test_references_are_crockford_base32_and_do_not_repeat():
    references = [reference_for(f"{index:016x}:1") for index in range(3000)]
    assert all(REFERENCE_FORMAT.match(reference) for reference in references)
    assert len(set(references)) == len(references)
    # every symbol of the alphabet turns up: the derivation is not stuck on a subset
    assert set("".join(r[3:8] + r[9:] for r in references)) == set(
        "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    )


def test_references_are_the_same_for_the_same_draft_and_attempt():
    assert reference_for("key:1") == reference_for("key:1")
    assert reference_for("key:1") != reference_for("key:2")


def test_a_reference_already_taken_does_not_stop_the_send(tmp_path):
    app = make_app(tmp_path)
    # Every first attempt draws the same reference: the second inquiry clashes with the first
    # and must be stored on a later attempt under another one.
    app.service.engine.reference_for = lambda seed: (
        "MN-AAAAA-AAAAA" if seed.endswith(":1") else reference_for(seed)
    )
    first = full_inquiry(app, email="first@example.com", text="The first inquiry here.")
    second_text = say_through(app, "second@example.com", "The second inquiry here.", "t:2")
    second = reference_in(second_text)
    assert second is not None
    assert second != first
    assert {record.reference for record in exported(app)} == {first, second}


def say_through(app, email: str, text: str, conversation: str) -> str:
    for message in ("write an inquiry", "I agree", email, email, text):
        say(app, message, conversation=conversation)
    return say(app, "send", conversation=conversation)


# -- the announce hook -------------------------------------------------------------------------


def test_listeners_hear_of_each_new_inquiry_once(tmp_path):
    heard, also_heard = [], []
    app = make_app(tmp_path, on_inquiry=(heard.append, also_heard.append))
    reference = full_inquiry(app, email="hook@example.com", text="Please call me back soon.")
    assert [d.reference for d in heard] == [reference]
    assert heard == also_heard
    [announced] = heard
    assert (announced.email, announced.text, announced.channel) == (
        "hook@example.com",
        "Please call me back soon.",
        "console",
    )
    # repeats of the send do not announce again
    say(app, "send")
    press(app, "send_cancel:send")
    assert len(heard) == 1
    other = full_inquiry(app, email="hook2@example.com", text="A second, separate inquiry.")
    assert [d.reference for d in heard] == [reference, other]


def test_listeners_hear_nothing_of_declined_or_cancelled_inquiries(tmp_path):
    heard = []
    app = make_app(tmp_path, on_inquiry=(heard.append,))
    say(app, "write an inquiry")
    say(app, "no")
    say(app, "write an inquiry")
    say(app, "I agree")
    say(app, "cancelled@example.com")
    say(app, "cancelled@example.com")
    say(app, "This one is cancelled before sending.")
    press(app, "send_cancel:cancel")
    say(app, "send")
    assert heard == []
    assert exported(app) == []


def test_a_failing_listener_neither_fails_the_turn_nor_loses_the_inquiry(tmp_path):
    def broken(_draft):
        raise RuntimeError("staff channel down")

    heard = []
    app = make_app(tmp_path, on_inquiry=(broken, heard.append))
    reference = full_inquiry(app, email="broken@example.com", text="The listener is broken.")
    assert [record.reference for record in exported(app)] == [reference]
    assert [d.reference for d in heard] == [reference]


# -- export ------------------------------------------------------------------------------------


@pytest.fixture
def two_inquiries(tmp_path):
    app = make_app(tmp_path)
    tokyo = full_inquiry(app, email="tokyo@example.com", text="Sent from Tokyo, at ten.")
    # An event clock in UTC: 2026-11-25T01:30Z is 10:30 in Japan.
    utc_at = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    tricky = 'A text with, commas; "quotes"\nand a second line.'
    telegram = full_inquiry(
        app,
        email="telegram@example.com",
        text=tricky,
        conversation="telegram:42",
        channel="telegram",
        at=utc_at,
    )
    app.database.dispose()
    return {
        tokyo: {"email": "tokyo@example.com", "channel": "console", "at": "10:00:00"},
        telegram: {"email": "telegram@example.com", "channel": "telegram", "at": "10:30:00"},
        "tricky": tricky,
    }


def check_rows(rows, expected):
    tricky = expected.pop("tricky")
    assert {row["reference"] for row in rows} == set(expected)
    for row in rows:
        assert set(row) >= REQUIRED_FIELDS
        want = expected[row["reference"]]
        assert row["email"] == want["email"]
        assert row["channel"] == want["channel"]
        for field in ("created_at", "consent_at"):
            assert JST_ISO.match(row[field]), row[field]
        assert row["created_at"] == f"2026-11-25T{want['at']}+09:00"
        assert row["consent_at"] <= row["created_at"]
    assert tricky in {row["text"] for row in rows}


def test_export_json(tmp_path, two_inquiries):
    rows = json.loads(export_cli(tmp_path, "json"))
    assert isinstance(rows, list)
    assert len(rows) == 2
    check_rows(rows, two_inquiries)


def test_export_csv(tmp_path, two_inquiries):
    rows = list(csv.DictReader(io.StringIO(export_cli(tmp_path, "csv"))))
    assert len(rows) == 2
    check_rows(rows, two_inquiries)


def test_export_of_no_inquiries(tmp_path):
    make_app(tmp_path).database.dispose()
    assert json.loads(export_cli(tmp_path, "json")) == []
    header = next(csv.reader(io.StringIO(export_cli(tmp_path, "csv"))))
    assert set(header) >= REQUIRED_FIELDS


# -- purge -------------------------------------------------------------------------------------


def test_purge_deletes_old_inquiries_for_good_and_keeps_newer_ones(tmp_path):
    now = datetime.now(UTC)
    app = make_app(tmp_path)
    old = full_inquiry(
        app,
        email="purged-old@example.com",
        text="PURGEDTEXT from long ago",
        conversation="t:old",
        at=now - timedelta(days=100),
    )
    recent = full_inquiry(
        app,
        email="kept-recent@example.com",
        text="KEPTTEXT from last week",
        conversation="t:recent",
        at=now - timedelta(days=7),
    )
    app.database.dispose()
    done = run_cli(
        "inquiries", "purge", "--db", f"sqlite:///{db_file(tmp_path)}", "--older-than", "30"
    )
    assert done.stdout.startswith("deleted 1 inquiries")
    references = [row["reference"] for row in json.loads(export_cli(tmp_path, "json"))]
    assert references == [recent]
    assert old not in references
    reopened = make_app(tmp_path)
    disk = raw_bytes(reopened, db_file(tmp_path))
    assert b"kept-recent@example.com" in disk and b"KEPTTEXT" in disk
    assert b"purged-old@example.com" not in disk
    assert b"PURGEDTEXT" not in disk
    assert old.encode() not in disk


def test_purge_default_retention_is_90_days(tmp_path):
    now = datetime.now(UTC)
    app = make_app(tmp_path)
    for days in (91, 89):
        full_inquiry(
            app,
            email=f"age-{days}@example.com",
            text=f"An inquiry {days} days old.",
            conversation=f"t:{days}",
            at=now - timedelta(days=days),
        )
    app.database.dispose()
    run_cli("inquiries", "purge", "--db", f"sqlite:///{db_file(tmp_path)}")
    rows = json.loads(export_cli(tmp_path, "json"))
    assert [row["email"] for row in rows] == ["age-89@example.com"]


def test_purge_keeps_conversations_going(tmp_path):
    app = make_app(tmp_path)
    say(app, "write an inquiry", conversation=CONVERSATION)
    app.database.dispose()
    run_cli("inquiries", "purge", "--db", f"sqlite:///{db_file(tmp_path)}", "--older-than", "0")
    reopened = make_app(tmp_path)
    assert "Your e-mail address" in say(reopened, "I agree")
    assert turn(reopened, text="help")
    reopened.database.dispose()


def test_csv_cells_a_spreadsheet_would_run_are_made_inert(tmp_path):
    app = make_app(tmp_path)
    full_inquiry(app, email="sheet@example.com", text='=HYPERLINK("http://x","click") please')
    app.database.dispose()
    rows = list(csv.DictReader(io.StringIO(export_cli(tmp_path, "csv"))))
    assert rows[0]["text"].startswith("'=HYPERLINK")
    assert json.loads(export_cli(tmp_path, "json"))[0]["text"].startswith("=HYPERLINK")


def test_purge_erases_inquiries_abandoned_half_way(tmp_path):
    app = make_app(tmp_path)
    for message in ("write an inquiry", "I agree", "abandoned@example.com"):
        say(app, message, conversation="t:abandoned")
    for message in ("write an inquiry", "I agree", "ongoing@example.com"):
        say(app, message, conversation="t:ongoing")
    with app.database.begin() as connection:
        connection.execute(
            update(conversations)
            .where(conversations.c.key == "t:abandoned")
            .values(updated_at=datetime.now(UTC) - timedelta(hours=25))
        )
    app.database.dispose()
    done = run_cli("inquiries", "purge", "--db", f"sqlite:///{db_file(tmp_path)}")
    assert "erased 1 conversations" in done.stdout
    reopened = make_app(tmp_path)
    disk = raw_bytes(reopened, db_file(tmp_path))
    assert b"abandoned@example.com" not in disk
    assert b"ongoing@example.com" in disk


def test_purge_deletes_replies_left_unsent_for_a_day(tmp_path):
    """A reply can quote the inquiry (its summary shows the e-mail and the text); one that no
    worker sent, its channel no longer served, must not stay in the outbox for ever."""
    app = make_app(tmp_path)
    store = SqlConversationStore(app.database)
    for age, email in ((timedelta(hours=25), "stale@example.com"), (timedelta(0), "new@x.jp")):
        with store.transaction("telegram:1") as transaction:
            transaction.enqueue("telegram", '{"chat": 1}', (Reply(email),))
        with app.database.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.replies.contains(email))
                .values(created_at=datetime.now(UTC) - age)
            )
    app.database.dispose()
    done = run_cli("inquiries", "purge", "--db", f"sqlite:///{db_file(tmp_path)}")
    assert "deleted 1 replies no worker could send within a day" in done.stdout
    reopened = make_app(tmp_path)
    disk = raw_bytes(reopened, db_file(tmp_path))
    assert b"stale@example.com" not in disk
    assert b"new@x.jp" in disk
    reopened.database.dispose()
