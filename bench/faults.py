"""What users see when a part breaks: `python -m bench.faults`.

A hung database: PostgreSQL (127.0.0.1:5432) behind the tests' TCP proxy, which is then
blackholed: connections stay open, nothing is carried. Twelve users write "I lost my card" at
once; each one's wait for the answer is timed, with the service's deadline (the default) and
without it (the store's network timeouts alone), then the wait of the first stored turn once the
link is back.

A killed worker: `tests/serve/kill_in_flight.py` on SQLite and PostgreSQL, three runs each: the
seconds from the SIGKILL to the last user's answer, the replies sent twice and the sends that
were in flight at the kill (the most that may go twice).

The PostgreSQL runs are skipped, saying why, where the server cannot be used.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.bootstrap import build_app
from bench.serve_bench import postgres_admin_url, postgres_schema
from bot.guard import StoreGuard
from bot.messages import Event
from testkit.tcp_proxy import TcpProxy
from tests.serve import kill_in_flight as kill

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
USERS = 12


PATIENCE = 10.0  # seconds the bench waits for users nobody answers


def _waits(app, tag: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Each user's wait for the answer; those not answered within PATIENCE are left out."""
    waits: list[float] = []

    def user(number: int) -> None:
        started = time.perf_counter()
        replies = app.service.handle(
            Event(conversation=f"bench:{tag}:{number}", at=AT, text="I lost my card", channel="b")
        )
        assert any("0120-0178-27" in reply.text for reply in replies)
        waits.append(time.perf_counter() - started)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(USERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + PATIENCE
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return list(waits)


def _run(url: str, deadline: float | None, tag: str) -> tuple[list[float], float]:
    with TcpProxy(("127.0.0.1", 5432)) as proxy:
        proxied = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        app = build_app(proxied)
        app.service.guard = StoreGuard(deadline=deadline)
        try:
            _waits(app, f"{tag}-warm")  # connections open and pooled
            proxy.blackhole()
            waits = _waits(app, tag)
            proxy.cut()  # what hangs without a deadline ends with its connections
            proxy.restore()
            time.sleep(app.service.guard.retry_after)
            started = time.perf_counter()
            _waits(app, f"{tag}-after")
            after = time.perf_counter() - started
        finally:
            app.database.dispose()
    return waits, after


def hung_database(url: str) -> None:
    logging.disable(logging.WARNING)  # the bot's warnings of the hang it is put through
    print(f"PostgreSQL blackholed, {USERS} users at once writing 'I lost my card':")
    print("| | answered | first s | last s | median s | 12 users once it is back s |")
    print("|---|---:|---:|---:|---:|---:|")
    runs = (("with the deadline (0.8 s)", 0.8), ("network timeouts alone", None))
    for name, deadline in runs:
        waits, after = _run(url, deadline, name.split()[0])
        if not waits:
            print(f"| {name} | 0 of {USERS} within {PATIENCE:.0f} s | - | - | - | {after:.2f} |")
            continue
        print(f"| {name} | {len(waits)} of {USERS} | {min(waits):.2f} | {max(waits):.2f} | "
              f"{statistics.median(waits):.2f} | {after:.2f} |")  # fmt: skip


KILLS = 3  # runs of the worker kill on each database


def killed_worker(databases: dict[str, Callable[[Path], AbstractContextManager[str]]]) -> None:
    print(
        f"One of two serve workers SIGKILLed, {kill.USERS} Telegram users in flight, "
        f"lease {kill.LEASE_SECONDS} s:"
    )
    print("| database | run | answered | kill to last answer s | doubled | sends in flight |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, database in databases.items():
        for run in range(1, KILLS + 1):
            with tempfile.TemporaryDirectory() as folder, database(Path(folder)) as db:
                try:
                    outcome = kill.kill_one_in_flight(Path(folder), db)
                except AssertionError as failed:  # not all answered in time: say so, go on
                    print(f"| {name} | {run} | {str(failed).splitlines()[0]} | - | - | - |")
                    continue
            answered = sum(bool(texts) for texts in outcome.answers.values())
            after, doubled, in_flight = outcome.answered_after, outcome.doubled, outcome.in_flight
            print(f"| {name} | {run} | {answered} of {kill.USERS} | {after:.1f} | {doubled} | "
                  f"{in_flight} |")  # fmt: skip


@contextmanager
def _sqlite(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder}/bot.sqlite3"


def main() -> None:
    admin_url, skipped = postgres_admin_url()
    databases: dict[str, Callable[[Path], AbstractContextManager[str]]] = {"SQLite": _sqlite}
    if admin_url is None:
        print(f"bench.faults: the PostgreSQL runs are skipped: {skipped}")
    else:
        with postgres_schema(admin_url) as url:
            hung_database(url)
        print()
        databases["PostgreSQL"] = lambda _folder: postgres_schema(admin_url)
    killed_worker(databases)


if __name__ == "__main__":
    main()
