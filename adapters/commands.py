"""What the command line's own commands do (the channels' commands are theirs): each
handler imports what it needs when it runs, so that `--help` and the others start fast."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from adapters.instants import JAPAN
from bot.clock import wall_clock

# Telegram keeps an unconfirmed update for 24 hours; a week of delivery ids is plenty.
DELIVERY_MEMORY_DAYS = 7


def hours(args: argparse.Namespace) -> int:
    from adapters.hours_view import render_json, render_table
    from bot.catalog import Catalog
    from bot.render import Renderer
    from knowledge.hours import HoursEngine
    from knowledge.loader import default_knowledge
    from knowledge.report import report_all

    knowledge = default_knowledge()
    hours = HoursEngine(time_zone=knowledge.time_zone)
    at = (args.at or wall_clock()).astimezone(JAPAN)
    reports = report_all(knowledge, hours, at, args.language)
    if args.json:
        print(render_json(reports))
    else:
        renderer = Renderer(catalog=Catalog.load(), knowledge=knowledge, hours=hours)
        print(render_table(reports, at, renderer=renderer, language=args.locale))
    return 0


def replay(args: argparse.Namespace) -> int:
    import secrets
    import tempfile

    from adapters.bootstrap import build_app
    from testkit.replay import channel_driver, report, run_transcript
    from testkit.transcripts import find_transcripts, load_transcript

    transcripts = [load_transcript(path) for path in find_transcripts(args.paths)]
    with tempfile.TemporaryDirectory(prefix="mynumber-replay-") as scratch:
        # Without --db, a fresh SQLite file: every turn goes through real storage.
        app = build_app(args.db or f"sqlite:///{scratch}/replay.sqlite3")
        try:
            # Conversations of their own, also on a database an earlier replay used.
            run = secrets.token_hex(4)
            with channel_driver(args.channel, app) as driver:
                outcomes = [
                    run_transcript(driver, transcript, f"replay:{run}:{index}")
                    for index, transcript in enumerate(transcripts)
                ]
        finally:
            app.database.dispose()
    return 0 if report(outcomes, sys.stdout) else 1


def inquiries_export(args: argparse.Namespace) -> int:
    from adapters.inquiry_export import render_csv, render_json
    from adapters.sql.database import Database, database_url
    from adapters.sql.staff import SqlInquiries

    database = Database(database_url(args.db))
    try:
        records = SqlInquiries(database).export()
    finally:
        database.dispose()
    sys.stdout.write(render_json(records) if args.format == "json" else render_csv(records))
    return 0


def inquiries_purge(args: argparse.Namespace) -> int:
    from adapters.sql.conversations import SqlConversationStore
    from adapters.sql.database import Database, database_url
    from adapters.sql.staff import SqlInquiries
    from bot.courier import MAX_AGE

    now = wall_clock()
    before = now - timedelta(days=args.older_than)
    idle_before = now - timedelta(hours=args.idle_hours)
    database = Database(database_url(args.db))
    try:
        removed = SqlInquiries(database).purge(before=before)
        conversations = SqlConversationStore(database)
        erased = conversations.purge_idle(before=idle_before)
        conversations.purge_deliveries(before=now - timedelta(days=DELIVERY_MEMORY_DAYS))
        unsent = conversations.purge(before=now - MAX_AGE)
    finally:
        database.dispose()
    print(f"deleted {removed} inquiries created before {before.astimezone(JAPAN).isoformat()}")
    print(f"erased {erased} conversations idle since {idle_before.astimezone(JAPAN).isoformat()}")
    print(f"deleted {unsent} replies no worker could send within a day")
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    from adapters.sql.database import Database, database_url, shown_url
    from common.errors import StorageUnavailable

    url = database_url(args.db)
    database = Database(url, upgrade=False)
    try:
        before, after = database.upgrade()
    except StorageUnavailable as exc:
        print(
            f"mynumber-bot db upgrade: cannot reach {shown_url(url)} ({exc.reason}): check "
            "--db or DATABASE_URL, and that the database server is running and reachable",
            file=sys.stderr,
        )
        return 2
    finally:
        database.dispose()
    if before == after:
        print(f"the database schema is already at revision {after}: nothing to do")
    else:
        print(f"upgraded the database schema from {before or 'nothing'} to revision {after}")
    return 0


def flows_graph(args: argparse.Namespace) -> int:
    from flows.graph import mermaid
    from flows.loader import default_flows

    print(mermaid(default_flows()))
    return 0
