"""`mynumber-bot slack`: its settings, and the real command serving HTTP against the stand-in."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from adapters.cli import build_parser, main
from testkit.slack.stand_in import StandInSlack
from tests.serve.processes import free_port
from tests.slack.helpers import SECRET, dm_event, signature, text_of

REPO = Path(__file__).resolve().parents[2]


def test_the_options() -> None:
    args = build_parser().parse_args(["slack", "--http", "--port", "8080", "--host", "0.0.0.0"])
    assert (args.http, args.port, args.host, args.db) == (True, 8080, "0.0.0.0", None)


@pytest.mark.parametrize(
    ("argv", "environ", "says"),
    [
        ((), {}, "SLACK_BOT_TOKEN is not set"),
        ((), {"SLACK_BOT_TOKEN": "xoxb-1"}, "set SLACK_APP_TOKEN for Socket Mode, or pass --http"),
        (("--http",), {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_incomplete_settings_are_refused(
    argv: tuple[str, ...],
    environ: dict[str, str],
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [name for name in os.environ if name.startswith("SLACK_")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["slack", *argv]) == 2
    assert says in capsys.readouterr().err


def _until(check: object, seconds: float = 20) -> None:
    # Another process: no completion signal reaches the test, so it looks until a deadline.
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_the_command_serves_slack_events_over_http(tmp_path: Path) -> None:
    stand_in = StandInSlack(token="xoxb-command-test")
    stand_in.add_user("U0ALICE", locale="en-US")
    port = free_port()
    with stand_in.running():
        environ = {
            **os.environ,
            "SLACK_BOT_TOKEN": stand_in.token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": stand_in.api_url,
            "SLACK_STAFF_CHANNEL": "C0STAFF",
        }
        environ.pop("SLACK_APP_TOKEN", None)
        command = [sys.executable, "-m", "adapters.cli", "slack", "--http", "--port", str(port)]
        command += ["--db", f"sqlite:///{tmp_path}/bot.sqlite3"]
        process = subprocess.Popen(
            command, cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            _until(lambda: _listening(port) or process.poll() is not None)
            assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
            body = json.dumps(
                {
                    "type": "event_callback",
                    "event_id": "Ev1",
                    "team_id": "T0STANDIN",
                    "event": dm_event("I lost my card"),
                }
            )
            stamp = str(int(time.time()))
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/slack/events",
                data=body.encode(),
                headers={
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": signature(SECRET, stamp, body),
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            _until(lambda: stand_in.calls("chat.postMessage"))
            (post,) = stand_in.calls("chat.postMessage")
            assert "0120-0178-27" in text_of(post)
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_staff_desk_comes_from_the_environment() -> None:
    from adapters.host import read_settings
    from adapters.slack.channel import staff_desk
    from bot.catalog import Catalog

    catalog = Catalog.load()
    assert staff_desk(read_settings({}), catalog) is None
    # No channel: nothing to post to.
    assert staff_desk(read_settings({"SLACK_BOT_TOKEN": "xoxb-1"}), catalog) is None
    environ = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_STAFF_CHANNEL": "C0STAFF",
        "SLACK_STAFF_LOCALE": "ja",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    desk = staff_desk(read_settings(environ), catalog)
    assert desk is not None
    assert (desk.channel, desk.locale) == ("C0STAFF", "ja")
    assert desk.client.base_url == "http://127.0.0.1:9/api/"
