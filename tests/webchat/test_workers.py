"""Workers sharing one database: a stream served by one worker wakes for a message another
committed (SQLite polled, PostgreSQL's LISTEN/NOTIFY when it can be reached); and two processes
of `mynumber-bot webchat` behind a load balancer, one of them killed (SIGKILL) with a message on
its way: the user sees every message once, in order, nothing lost."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.bootstrap import App, build_app
from adapters.sql.database import Database
from adapters.sql.mailbox import SqlMailbox
from adapters.webchat import stream
from testkit.webchat.serving import draw_id, events, post
from tests.webchat.balancer import Balancer
from tests.webchat.browser import WAIT, chromium, opened, say, settle, transcript, users
from tests.webchat.conftest import close_app, running

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = re.compile(r"^webchat: (http://127\.0\.0\.1:(\d+)/webchat/)$")
START_WITHIN = 60.0  # seconds for a worker to print its address (the machine may be busy)


@contextmanager
def workers(url: str, count: int) -> Iterator[list[tuple[subprocess.Popen[str], int]]]:
    """``count`` processes of `mynumber-bot webchat --port 0` on ``url``, started together;
    each with the port it printed."""
    environ = {"OUTBOX_LEASE_SECONDS": "2", "PATH": "/usr/bin:/bin", "TZ": "America/New_York"}
    command = [sys.executable, "-m", "adapters.cli", "webchat", "--port", "0", "--db", url]
    started: list[tuple[subprocess.Popen[str], queue.Queue[str]]] = []
    try:
        for _ in range(count):
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environ,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            lines: queue.Queue[str] = queue.Queue()
            threading.Thread(target=_drain, args=(process.stdout, lines), daemon=True).start()
            started.append((process, lines))
        yield [(process, _port(lines)) for process, lines in started]
    finally:
        for process, _lines in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _lines in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _port(lines: queue.Queue[str]) -> int:
    """The port of the demo page's address, once the worker prints it."""
    while True:
        found = ADDRESS.match(lines.get(timeout=START_WITHIN).strip())
        if found:
            return int(found.group(2))


def _drain(stream: Any, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.sqlite3"
    else:
        url = request.getfixturevalue("postgres_url")
    Database(url, upgrade=True).dispose()  # what `mynumber-bot db upgrade` does, once
    return url


def test_a_stream_wakes_for_a_message_another_worker_committed(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No heartbeat nor end of the stream to read again by: only the watch can wake it.
    monkeypatch.setattr(stream, "HEARTBEAT", 600.0)
    monkeypatch.setattr(stream, "LIFETIME", 600.0)
    with ExitStack() as stack:
        one, other = (stack.enter_context(_app(shared_url)) for _ in range(2))
        writer = stack.enter_context(running(one))
        reader = stack.enter_context(running(other))
        chat = draw_id()
        heard: queue.Queue[dict[str, Any]] = queue.Queue()
        listening = threading.Thread(target=_listen, args=(reader.url, chat, heard), daemon=True)
        listening.start()
        assert heard.get(timeout=30) == {"ready": 0}
        with httpx.Client(base_url=writer.url) as client:
            assert post(client, chat, text="hours", locale="en").status_code == 200
        first = heard.get(timeout=30)
        assert (first["seq"], first["from"], first["text"]) == (1, "user", "hours")
        assert heard.get(timeout=30)["from"] == "bot"
        reader.session.end_streams()
        listening.join(timeout=10)


@contextmanager
def _app(url: str) -> Iterator[App]:
    app = build_app(url)
    app.courier.start()
    try:
        yield app
    finally:
        close_app(app)


def _listen(url: str, chat: str, heard: queue.Queue[dict[str, Any]]) -> None:
    with (
        httpx.Client(base_url=url, timeout=600) as client,
        client.stream("GET", "/webchat/events", params={"conversation": chat}) as answer,
    ):
        for name, data in events(answer.iter_lines()):
            found = json.loads(data)
            heard.put({"ready": found["seq"]} if name == "ready" else found)


def test_a_worker_killed_mid_conversation_changes_nothing_the_user_sees(tmp_path: Path) -> None:
    shared_url = f"sqlite:///{tmp_path}/shared.sqlite3"
    database = Database(shared_url)
    mailbox = SqlMailbox(database)
    with ExitStack() as stack:
        (first, first_port), (_, second_port) = stack.enter_context(workers(shared_url, 2))
        balancer = Balancer([("127.0.0.1", first_port), ("127.0.0.1", second_port)])
        stack.callback(balancer.close)
        stack.callback(database.dispose)
        browser = stack.enter_context(chromium())
        page = browser.new_page()
        page.goto(f"{balancer.url}/webchat/")
        opened(page)
        say(page, mailbox, "I lost my card")
        say(page, mailbox, "hours")
        assert all(balancer.served), "both workers took part before one was killed"
        box = page.get_by_role("textbox")
        box.fill("thanks")
        box.press("Enter")
        first.send_signal(signal.SIGKILL)  # with the message on its way, perhaps to it
        first.wait(timeout=10)
        settle(page, mailbox)
        shown = say(page, mailbox, "menu")
        assert users(shown) == ["I lost my card", "hours", "thanks", "menu"]
        page.reload()
        try:
            page.wait_for_function(
                """(count) => document.querySelector("mynumber-chat").shadowRoot
                    .querySelectorAll(".log .msg").length === count""",
                arg=len(shown),
                timeout=WAIT,
            )
        finally:
            assert transcript(page) == shown  # on a timeout too: what the page shows instead
        page.context.close()
