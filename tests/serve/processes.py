"""`mynumber-bot` as real processes for the serve tests: starting it, finding its workers (each
names itself on /metrics), posting to it as a load balancer would, and cleaning up."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.serve.helpers import metrics, post_update, wait_for

ROOT = Path(__file__).resolve().parents[2]
STARTED = "Application startup complete."
STOPPED = "Application shutdown complete."
STOP_WITHIN = 15.0  # seconds from SIGTERM to the whole process tree gone
RETRIES = 5  # reconnections per POST, as a load balancer would try again
TURNS = 'mynumber_turns_total{channel="telegram"}'
REDELIVERIES = 'mynumber_redeliveries_total{channel="telegram"}'
_CHANNEL_SETTINGS = ("TELEGRAM_", "SLACK_", "LINE_", "WEBCHAT_", "DATABASE_URL", "OUTBOX_")
_WORKER_INFO = re.compile(r'^mynumber_worker_info\{pid="(\d+)"\}$')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environ(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any channel or database setting, plus ``settings``."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_CHANNEL_SETTINGS)}
    return inherited | settings


def cli(*args: str, env: dict[str, str], **options: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", *args], cwd=ROOT, env=env, **options
    )


def children(pid: int) -> set[int]:
    """The processes ``pid`` started and has not reaped yet (from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(child) for child in (task / "children").read_text().split())
    return found


def is_multiprocessing_child(pid: int) -> bool:
    """Whether ``pid`` is still one of uvicorn's spawned processes (not a reused pid)."""
    try:
        return b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def pages_by_worker(base: str, workers: int) -> dict[int, dict[str, float]]:
    """One /metrics page from each of ``workers`` workers (scraped until each has answered)."""
    pages: dict[int, dict[str, float]] = {}

    def all_seen() -> bool:
        page = metrics(base, this_worker=True)
        [pid] = [int(m.group(1)) for key in page if (m := _WORKER_INFO.match(key))]
        pages[pid] = page
        return len(pages) >= workers

    wait_for(all_seen, timeout=15, what=f"a scrape from each of {workers} workers")
    return pages


def deliver(base: str, update: dict[str, Any], retried: list[str]) -> httpx.Response:
    """POST the update, again on a new connection when the connection fails."""
    for attempt in range(RETRIES + 1):
        try:
            return post_update(base, update)
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            if attempt == RETRIES:
                raise
            retried.append(f"update {update['update_id']}: attempt {attempt + 1} failed")
            time.sleep(0.2)
    raise AssertionError("unreachable")


def migrated(url: str) -> str:
    """``url`` once `mynumber-bot db upgrade` has run on it."""
    assert cli("db", "upgrade", "--db", url, env=environ({})).wait(timeout=60) == 0
    return url


class Served:
    """A running `mynumber-bot serve`: its process, base URL, log, and every worker seen."""

    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log
        self.spawned: set[int] = set()

    def text(self) -> str:
        return self.log.read_text()

    def workers(self, count: int) -> dict[int, dict[str, float]]:
        """The /metrics page of each of ``count`` living workers, all of them children."""
        pages = pages_by_worker(self.base, count)
        self.spawned |= children(self.process.pid)
        assert set(pages) <= self.spawned, (pages.keys(), self.spawned)
        return pages

    def stop(self, *, stopped: int) -> None:
        """SIGTERM, which must end the tree cleanly and quickly, ``stopped`` workers saying so
        (a worker killed earlier cannot)."""
        self.spawned |= children(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired as late:
            raise AssertionError(f"serve did not stop within {STOP_WITHIN} s of SIGTERM") from late
        assert time.monotonic() - started < STOP_WITHIN
        text = self.text()
        assert code == 0, text
        assert text.count(STOPPED) == stopped, text
        assert "Traceback" not in text, text
        # multiprocessing's resource tracker may outlive the parent by a moment.
        wait_for(
            lambda: not [pid for pid in self.spawned if is_multiprocessing_child(pid)],
            timeout=STOP_WITHIN - (time.monotonic() - started),
            what="every worker process to end",
        )


@contextmanager
def serve(
    tmp_path: Path, settings: dict[str, str], *args: str, workers: int = 2
) -> Iterator[Served]:
    """`mynumber-bot serve --workers N ...` once every worker has started. Unless the block
    stopped it, it is stopped with SIGTERM at the end (and checked to stop cleanly); after a
    failure, whatever is left of it is killed."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = cli(
            "serve", "--port", str(port), "--workers", str(workers), *args,
            env=environ(settings), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_for(
            lambda: served.text().count(STARTED) == workers or process.poll() is not None,
            timeout=90,  # a loaded machine starts workers slowly; a healthy one in seconds
            what=f"{workers} workers to start",
        )
        assert process.poll() is None, served.text()
        yield served
        if process.poll() is None:
            served.stop(stopped=workers)
    finally:
        if process.poll() is None:
            served.spawned |= children(process.pid)
            process.terminate()
            try:
                process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in served.spawned:
            if is_multiprocessing_child(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
