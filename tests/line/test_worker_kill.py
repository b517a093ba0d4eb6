"""LINE is the one platform where no reply can be doubled: a worker of `mynumber-bot serve
--workers 2` killed between committing a turn and sending its reply leaves it to the other,
which pushes it with a retry key LINE answers once.

The stand-in holds the messages to the test's user, so the turn is committed and its reply on
its way when the worker that ran it is SIGKILLed. Its connection dies with it, so the held
reply never arrives; the other worker's pump pushes it once the lease (two seconds) ran out.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.sql.database import Database
from adapters.sql.outbox import SqlOutbox
from testkit.line.driver import event, stand_in_running
from testkit.line.stand_in import SECRET
from tests.serve.helpers import metrics, wait_for
from tests.serve.processes import children, serve

USER = "U0000000000000000000000000000kill"
AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
LEASE_SECONDS = 2
QUIET_FOR = 3 * LEASE_SECONDS
TURNS = 'mynumber_turns_total{channel="line"}'
PUSHES = 'mynumber_channel_events_total{channel="line",event="push"}'


line_stand_in = stand_in_running


def test_a_reply_committed_by_a_killed_worker_is_pushed_once(
    tmp_path: Path, served_db: str
) -> None:
    with line_stand_in() as stand_in:
        settings = {
            "DATABASE_URL": served_db,
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": stand_in.token,
            "LINE_API_URL": stand_in.url,
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        with serve(tmp_path, settings) as served:
            served.workers(2)
            stand_in.hold(USER)
            token = stand_in.reply_token(USER)
            turn = event(USER, AT, text="I lost my smartphone", reply_token=token)
            assert stand_in.webhook(f"{served.base}/line/webhook", [turn]) == 200
            wait_for(lambda: stand_in.holding == 1, timeout=15, what="the reply on its way")
            [running] = [pid for pid, page in served.workers(2).items() if page.get(TURNS) == 1]
            os.kill(running, signal.SIGKILL)
            wait_for(lambda: running not in children(served.process.pid), what="the reaping")
            stand_in.release(USER)  # the dead worker's reply arrives nowhere

            wait_for(lambda: stand_in.messages_to(USER), timeout=20, what="the pushed reply")
            time.sleep(QUIET_FOR)
            delivered = stand_in.messages_to(USER)
            assert len(delivered) == 1, f"{len(delivered)} messages: {delivered}"
            assert "0120-0178-27" in delivered[0]["text"]
            [push] = [c for c in stand_in.calls if c.path == "push" and c.status == 200]
            assert push.headers.get("X-Line-Retry-Key")
            assert metrics(served.base).get(PUSHES) == 1  # summed over the workers
            database = Database(served_db, upgrade=False)
            try:
                assert SqlOutbox(database).pending() == 0
            finally:
                database.dispose()
            served.stop(stopped=2)  # the living one, and the one uvicorn started in its place
