"""`mynumber-bot line`: its settings, and the real command serving its webhook alone."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from testkit.line.driver import event
from testkit.line.stand_in import SECRET
from tests.line.test_webhook import AT, USER
from tests.line.test_worker_kill import line_stand_in
from tests.serve.processes import environ, free_port

REPO = Path(__file__).resolve().parents[2]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def _until(check: object, seconds: float = 30) -> None:
    # Another process: no completion signal reaches the test, so it looks until a deadline.
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_incomplete_settings_are_refused_in_a_line_each() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "line"],
        cwd=REPO, env=environ({}), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        line
        for line in done.stderr.splitlines()
        if line.startswith("mynumber-bot line: LINE_CHANNEL_")
    ]
    assert "LINE_CHANNEL_SECRET is not set" in done.stderr
    assert "LINE_CHANNEL_ACCESS_TOKEN is not set" in done.stderr


def test_the_command_serves_the_webhook(tmp_path: Path) -> None:
    port = free_port()
    with line_stand_in() as stand_in:
        settings = {
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": stand_in.token,
            "LINE_API_URL": stand_in.url,
        }
        command = [sys.executable, "-m", "adapters.cli", "line", "--port", str(port)]
        command += ["--db", f"sqlite:///{tmp_path}/bot.sqlite3"]
        process = subprocess.Popen(command, cwd=REPO, env=environ(settings), stderr=subprocess.PIPE)
        try:
            _until(lambda: _listening(port) or process.poll() is not None)
            assert process.poll() is None
            token = stand_in.reply_token(USER)
            url = f"http://127.0.0.1:{port}/line/webhook"
            assert (
                stand_in.webhook(url, [event(USER, AT, text="I lost my phone", reply_token=token)])
                == 200
            )
            _until(lambda: stand_in.messages_to(USER))
            assert "0120-0178-27" in stand_in.messages_to(USER)[0]["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0
            assert process.stderr is not None
            assert b"Traceback" not in process.stderr.read()
