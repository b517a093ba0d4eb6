"""Nothing a user typed reaches a log line, at any level: a marker sent through every channel
and every failure path of `mynumber-bot serve` (logging at DEBUG, libraries included), and of
`mynumber-bot chat`, is looked for in everything they wrote."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from testkit.line.driver import event as line_event
from testkit.line.driver import stand_in_running as line_stand_in
from testkit.line.stand_in import SECRET as LINE_SECRET
from testkit.telegram.updates import message_update
from tests.serve.helpers import (
    CLOSED_POSTGRES,
    environment,
    post_slack,
    post_update,
    slack_dm,
    slack_stand_in,
    telegram_stand_in,
    wait_for,
)
from tests.serve.processes import ROOT, environ, serve

MARKER = "zq7MARKERxv9"  # what a user typed: it must appear in no log
AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
DEBUG = {"MYNUMBER_BOT_LOG_LEVEL": "DEBUG"}


@contextmanager
def every_channel(tmp_path: Path, db: str) -> Iterator[tuple[object, object, object, object]]:
    with telegram_stand_in() as telegram, slack_stand_in() as slack, line_stand_in() as line:
        settings = environment(db=db, telegram=telegram, slack=slack) | DEBUG
        settings |= {
            "LINE_CHANNEL_SECRET": LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": line.token,
            "LINE_API_URL": line.url,
        }
        with serve(tmp_path, settings, workers=1) as served:
            yield served, telegram, slack, line


def _every_path(served: object, line: object, tag: str) -> None:
    base = served.base  # type: ignore[attr-defined]
    said = f"I lost my card {MARKER} {tag}"
    # Telegram: a turn, a wrong secret, a body that is no update, one nested past any parser.
    post_update(base, message_update(1, chat_id=7, text=said))
    post_update(base, message_update(2, chat_id=7, text=said), secret="wrong")
    httpx.post(f"{base}/telegram", content=said.encode(), timeout=10)
    deep = "[" * 100_000 + f'"{MARKER}"' + "]" * 100_000
    httpx.post(f"{base}/telegram", content=deep, timeout=30)
    # Slack: a DM, the same unsigned, a signed body that is not JSON, one that is a list.
    post_slack(base, slack_dm(said, event_id=f"Ev{tag}", channel="D0MARK"))
    post_slack(base, slack_dm(said, event_id=f"Ev{tag}2", channel="D0MARK"), secret="wrong")
    httpx.post(f"{base}/slack/events", content=f"{{{MARKER}", timeout=10)
    # LINE: an event, and the same unsigned.
    line_url = f"{base}/line/webhook"
    token = line.reply_token("U0MARK")  # type: ignore[attr-defined]
    line.webhook(line_url, [line_event("U0MARK", AT, text=said, reply_token=token)])  # type: ignore[attr-defined]
    body = json.dumps({"events": [line_event("U0MARK", AT, text=said)]})
    httpx.post(line_url, content=body, headers={"X-Line-Signature": "x"}, timeout=10)
    # A written inquiry whose e-mail and text carry the marker, on Telegram.
    inquiry = ("write an inquiry", "I agree", f"{MARKER}@example.com", f"{MARKER}@example.com",
               f"A question about my card, {MARKER}, please.", "send")  # fmt: skip
    for number, text in enumerate(inquiry, 10):
        post_update(base, message_update(number, chat_id=8, text=text))


def test_a_marker_through_every_channel_is_in_no_log(tmp_path: Path) -> None:
    with every_channel(tmp_path, f"sqlite:///{tmp_path}/bot.sqlite3") as (served, *_, line):
        _every_path(served, line, "up")
        log = served.log  # type: ignore[attr-defined]
        wait_for(lambda: "POST /line/webhook" in log.read_text(), what="the requests logged")
        time.sleep(1)  # the turns after LINE's acknowledgement
    text = log.read_text()
    assert "logging at DEBUG" in text, "the run did not log at DEBUG"
    assert MARKER not in text


@pytest.mark.parametrize("db", [CLOSED_POSTGRES])
def test_a_marker_is_in_no_log_while_the_database_is_down(tmp_path: Path, db: str) -> None:
    with every_channel(tmp_path, db) as (served, *_, line):
        _every_path(served, line, "down")
        log = served.log  # type: ignore[attr-defined]
        time.sleep(1)
    text = log.read_text()
    assert "unavailable" in text  # the failure path was taken
    assert MARKER not in text


def test_a_marker_in_the_console_is_in_no_log(tmp_path: Path) -> None:
    lines = [f"I lost my card {MARKER}", "write an inquiry", "I agree", f"{MARKER}@x.jp"]
    for db in (f"sqlite:///{tmp_path}/c.sqlite3", f"sqlite:///{tmp_path}/missing/dir/c.db"):
        done = subprocess.run(
            [sys.executable, "-m", "adapters.cli", "chat", "--db", db],
            cwd=ROOT, env=environ(DEBUG), input="\n".join(lines) + "\n",
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert MARKER not in done.stderr
