"""`mynumber-bot slack` over Socket Mode: the real command, in its own process, against the
stand-in's Web API and its real WebSocket endpoint.

slack_sdk's built-in client connects without TLS to any port but 443 (its own tests do so), so
the ws:// URL that apps.connections.open hands out is the supported way, not a fake.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from testkit.slack.stand_in import TEAM, Call, StandInSlack
from tests.slack.helpers import DM, USER, dm_event, text_of

REPO = Path(__file__).resolve().parents[2]
QUIET = 1.5  # seconds in which a second answer, were there one, would have been posted


def _until(check: Callable[[], object], seconds: float = 10) -> None:
    # Another process: no completion signal reaches the test, so it looks until a deadline.
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _body(event_id: str) -> dict[str, object]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0STANDIN",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": dm_event("I lost my card"),
    }


def _stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """SIGTERM, then SIGKILL if it lingers; the exit status and what the process printed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    output, _ = process.communicate()
    return process.returncode, output.decode(errors="replace")


def test_the_command_answers_dms_over_socket_mode_once_per_event(tmp_path: Path) -> None:
    stand_in = StandInSlack(token="xoxb-socket-test", app_token="xapp-1-socket-test")
    stand_in.add_user(USER, locale="en-US")
    with stand_in.running(), stand_in.socket_mode() as socket:
        environ = {
            **os.environ,
            "SLACK_BOT_TOKEN": stand_in.token,
            "SLACK_APP_TOKEN": stand_in.app_token,
            "SLACK_API_URL": stand_in.api_url,
        }
        for unset in ("SLACK_SIGNING_SECRET", "SLACK_STAFF_CHANNEL"):
            environ.pop(unset, None)
        for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
            environ.pop(proxy, None)  # slack_sdk would tunnel 127.0.0.1 through any proxy set
        command = [sys.executable, "-m", "adapters.cli", "slack"]
        command += ["--db", f"sqlite:///{tmp_path}/bot.sqlite3"]
        process = subprocess.Popen(
            command, cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            _until(lambda: socket.connections() or process.poll() is not None)
            assert process.poll() is None, "the command exited"
            (opened,) = stand_in.calls("apps.connections.open")  # with the app-level token
            assert opened.status == 200

            def dm_posts() -> list[Call]:
                calls = stand_in.calls("chat.postMessage")
                return [call for call in calls if call.params["channel"] == DM]

            ack = socket.push_event(_body("Ev1"), envelope_id="env-1")
            assert ack == {"envelope_id": "env-1"}
            _until(dm_posts)
            (post,) = dm_posts()
            assert "0120-0178-27" in text_of(post)

            # Slack delivers the same event again (a new envelope, the same event_id): it is
            # acknowledged, and not answered a second time.
            ack = socket.push_event(_body("Ev1"), envelope_id="env-2")
            assert ack == {"envelope_id": "env-2"}
            time.sleep(QUIET)
            assert dm_posts() == [post]
            assert socket.connections() == 1  # one connection throughout
        finally:
            status, output = _stop(process)
            print(output)  # pytest shows it when the test fails
        assert "connected to Slack over Socket Mode" in output, output
        assert status == 0, f"SIGTERM should end the bot normally, got {status}"
