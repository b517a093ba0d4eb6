"""Conversation states in SQL, the schema and its migrations (SQLite; PostgreSQL if reachable)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from adapters.sql.conversations import SqlConversationStore
from adapters.sql.database import MIGRATIONS, SCHEMA_REVISION, Database
from adapters.sql.schema import conversations, inquiries, metadata
from adapters.sql.staff import SqlInquiries
from bot.inquiry import INQUIRY_SLOTS
from bot.state import ConversationState
from tests.adapters.helpers import (
    AT,
    CONSENT_QUESTION,
    db_file,
    draft,
    exported,
    make_app,
    minutes,
    press,
    reference_in,
    save_state,
    say,
    sqlite_rows,
    stored_state,
    turn,
)

TABLES = {"conversations", "inquiries", "alembic_version"}


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the conversation store --------------------------------------------------------------------


def load(store: SqlConversationStore, conversation: str) -> str | None:
    with store.transaction(conversation) as transaction:
        return transaction.load()


def save(store: SqlConversationStore, conversation: str, state: str) -> None:
    with store.transaction(conversation) as transaction:
        transaction.save(state)


def count(database: Database, table) -> int:
    with database.begin() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_load_of_an_unknown_conversation_is_none(database):
    assert load(SqlConversationStore(database), "nobody") is None


def test_save_then_load(database):
    store = SqlConversationStore(database)
    state = ConversationState(flow="main", step="topic", slots={"topic": "カード"}).to_json()
    save(store, "telegram:1", state)
    assert load(store, "telegram:1") == state


def test_save_again_replaces_the_state(database):
    store = SqlConversationStore(database)
    for state in ("first", "second", "third"):
        save(store, "c", state)
    assert load(store, "c") == "third"
    assert count(database, conversations) == 1


def test_save_twice_in_one_transaction(database):
    store = SqlConversationStore(database)
    with store.transaction("c") as transaction:
        transaction.save("first")
        transaction.save("second")
        assert transaction.load() == "second"
    assert load(store, "c") == "second"


def test_upsert_keeps_other_conversations(database):
    store = SqlConversationStore(database)
    save(store, "a", "state of a")
    save(store, "b", "state of b")
    save(store, "a", "new state of a")
    assert (load(store, "a"), load(store, "b")) == ("new state of a", "state of b")


def test_delete(database):
    store = SqlConversationStore(database)
    save(store, "a", "state of a")
    save(store, "b", "state of b")
    for key in ("a", "a", "never-saved"):  # deleting what is gone is no error
        with store.transaction(key) as transaction:
            transaction.delete()
    assert load(store, "a") is None
    assert load(store, "b") == "state of b"


def test_a_failed_turn_keeps_neither_state_nor_inquiry(database):
    store = SqlConversationStore(database)
    save(store, "t:1", "before")
    with pytest.raises(RuntimeError), store.transaction("t:1") as transaction:
        transaction.save("after")
        assert transaction.add_inquiry(draft("t:1:k"))
        raise RuntimeError("the turn failed")
    assert load(store, "t:1") == "before"
    assert count(database, inquiries) == 0


def test_add_inquiry_stores_a_draft_once(database):
    store = SqlConversationStore(database)
    first = draft("t:1:k", reference="MN-AAAAA-AAAAA")
    with store.transaction("t:1") as transaction:
        assert transaction.add_inquiry(first) is True
    with store.transaction("t:1") as transaction:
        assert transaction.add_inquiry(first) is False
        assert transaction.add_inquiry(replace(first, text="changed, but the same draft")) is False
    [record] = SqlInquiries(database).export()
    assert record.reference == "MN-AAAAA-AAAAA"
    assert record.text == first.text


def test_inquiry_times_come_back_aware(database):
    store = SqlConversationStore(database)
    with store.transaction("t:1") as transaction:
        transaction.add_inquiry(draft("t:1:k", consent_at=AT - minutes(3)))
    [record] = SqlInquiries(database).export()
    assert record.created_at == AT
    assert record.consent_at == AT - minutes(3)
    assert record.created_at.utcoffset() is not None


# -- schema and migrations ---------------------------------------------------------------------


def test_schema_revision_is_alembics_head():
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert scripts.get_heads() == [SCHEMA_REVISION], "one head, the one database.py names"
    assert scripts.get_current_head() == SCHEMA_REVISION


def test_upgrade_reaches_the_head_and_matches_the_tables_in_schema_py(database):
    assert database.revision() == SCHEMA_REVISION
    assert set(inspect(database.engine).get_table_names()) >= TABLES
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    database.upgrade()  # a second upgrade changes nothing
    assert database.revision() == SCHEMA_REVISION


def test_db_upgrade_command_on_a_fresh_sqlite_file(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    done = run_cli("db", "upgrade", "--db", f"sqlite:///{path}")
    assert done.returncode == 0, done.stderr
    assert f"from nothing to revision {SCHEMA_REVISION}" in done.stdout
    names = {row[0] for row in sqlite_rows(path, "SELECT name FROM sqlite_master")}
    assert names >= TABLES
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_REVISION,)]
    again = run_cli("db", "upgrade", "--db", f"sqlite:///{path}")
    assert again.returncode == 0, again.stderr
    assert f"already at revision {SCHEMA_REVISION}" in again.stdout


@pytest.mark.postgres
def test_db_upgrade_command_on_postgresql(postgres_url):
    fresh = Database(postgres_url)  # PostgreSQL is not upgraded on opening
    try:
        assert fresh.revision() is None
        done = run_cli("db", "upgrade", "--db", postgres_url)
        assert done.returncode == 0, done.stderr
        assert fresh.revision() == SCHEMA_REVISION
        assert set(inspect(fresh.engine).get_table_names()) >= TABLES
    finally:
        fresh.dispose()


@pytest.mark.postgres
def test_a_command_on_a_schema_never_migrated_says_what_to_run(postgres_url):
    done = run_cli("chat", "--db", postgres_url, stdin="hello\n")
    assert done.returncode == 2
    assert "the database schema is at nothing, not" in done.stderr
    assert "mynumber-bot db upgrade" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.postgres
def test_conversation_on_postgresql_through_the_service(postgres_url):
    """The bot on PostgreSQL: a whole inquiry, one stored row, the state reset."""
    from adapters.bootstrap import build_app

    Database(postgres_url, upgrade=True).dispose()
    app = build_app(postgres_url)
    try:
        say(app, "write an inquiry")
        say(app, "I agree")
        say(app, "pg@example.com")
        say(app, "pg@example.com")
        say(app, "My card never arrived, please check.")
        assert reference_in(say(app, "send")) is not None
        assert [record.email for record in exported(app)] == ["pg@example.com"]
        assert not set(stored_state(app)["slots"]) & set(INQUIRY_SLOTS)
    finally:
        app.database.dispose()


# -- state across restarts ---------------------------------------------------------------------


def test_conversation_continues_at_the_same_step_after_reopening(tmp_path):
    app = make_app(tmp_path)
    say(app, "write an inquiry")
    say(app, "I agree")
    say(app, "restart@example.com")
    app.database.dispose()

    reopened = make_app(tmp_path)
    assert stored_state(reopened)["step"] == "email_again"
    assert "Your inquiry, in 10 to 2000 characters" in say(reopened, "restart@example.com")
    reopened.database.dispose()

    third = make_app(tmp_path)
    assert "Send it?" in say(third, "My card never arrived, please check.")
    assert reference_in(say(third, "send")) is not None
    assert [record.email for record in exported(third)] == ["restart@example.com"]
    third.database.dispose()


def test_numbered_options_survive_reopening(tmp_path):
    app = make_app(tmp_path)
    assert CONSENT_QUESTION in say(app, "write an inquiry")
    app.database.dispose()
    reopened = make_app(tmp_path)
    assert "Your e-mail address" in say(reopened, "1")  # 1) I agree, as shown before
    reopened.database.dispose()


def test_buttons_survive_reopening(tmp_path):
    app = make_app(tmp_path)
    say(app, "write an inquiry")
    app.database.dispose()
    reopened = make_app(tmp_path)
    assert "Your e-mail address" in press(reopened, "consent:agree")
    reopened.database.dispose()


# -- stored states that no longer fit ----------------------------------------------------------


def state_json(**fields: object) -> str:
    return json.dumps({"version": 1, "flow": "main", "step": "topic", **fields})


def shows_menu(replies) -> bool:
    return any(button.payload.startswith("topic:") for r in replies for button in r.buttons)


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param(state_json(step="no_such_step"), id="unknown-step"),
        pytest.param(state_json(flow="no_such_flow"), id="unknown-flow"),
        pytest.param(state_json(version=99), id="other-version"),
        pytest.param(json.dumps({"version": 1}), id="no-flow"),
        pytest.param(state_json(slots={"topic": 5}), id="slot-not-text"),
        pytest.param(state_json(surprise=True), id="unknown-field"),
        pytest.param("{not json", id="not-json"),
        pytest.param("", id="empty"),
        pytest.param("\x00\xff garbage", id="binary-garbage"),
        pytest.param(
            "[]",
            id="json-array",
        ),
        pytest.param(
            "null",
            id="json-null",
        ),
        pytest.param(
            "42",
            id="json-number",
        ),
        pytest.param(
            state_json(buttons=None),
            id="buttons-null",
        ),
        pytest.param(
            state_json(misses="x"),
            id="misses-not-a-number",
        ),
        pytest.param(
            state_json(flow=["main"]),
            id="flow-not-text",
        ),
    ],
)
def test_a_state_that_no_longer_fits_starts_afresh_at_the_menu(tmp_path, stored):
    app = make_app(tmp_path)
    save_state(app, stored)
    replies = turn(app, text="hello")
    assert shows_menu(replies)
    state = stored_state(app)
    assert (state["flow"], state["step"]) == ("main", "topic")
    # and the conversation goes on normally
    assert CONSENT_QUESTION in say(app, "write an inquiry")
    app.database.dispose()


def test_an_inquiry_state_missing_its_slots_does_not_crash_on_send(tmp_path):
    app = make_app(tmp_path)
    stale = state_json(flow="inquiry", step="confirm", awaiting="send_cancel", slots={})
    save_state(app, stale)
    try:
        assert turn(app, text="send")
    finally:
        assert exported(app) == []
        app.database.dispose()


def test_sqlite_file_is_reused_not_recreated(tmp_path):
    """A second build_app on the same file sees the first one's data (no silent re-creation)."""
    app = make_app(tmp_path)
    say(app, "write an inquiry", conversation="keep:1")
    app.database.dispose()
    before = db_file(tmp_path).stat().st_size
    reopened = make_app(tmp_path)
    assert stored_state(reopened, "keep:1")["flow"] == "inquiry"
    assert reopened.database.revision() == SCHEMA_REVISION
    reopened.database.dispose()
    assert db_file(tmp_path).stat().st_size >= before


def test_a_delivery_is_claimed_once_and_with_its_turn(database):
    store = SqlConversationStore(database)
    with store.transaction("t:1") as transaction:
        assert transaction.claim("telegram", "100") is True
        assert transaction.claim("telegram", "100") is False
        assert transaction.claim("slack", "100") is True
    with store.transaction("t:1") as transaction:
        assert transaction.claim("telegram", "100") is False
    # a turn that fails claims nothing: its redelivery is handled again
    with pytest.raises(RuntimeError), store.transaction("t:2") as transaction:
        assert transaction.claim("telegram", "101") is True
        raise RuntimeError("crash before commit")
    with store.transaction("t:2") as transaction:
        assert transaction.claim("telegram", "101") is True
