"""What users wait when the database hangs: `python -m bench.faults`.

PostgreSQL (127.0.0.1:5432) behind the tests' TCP proxy, which is then blackholed: connections
stay open, nothing is carried. Twelve users write "I lost my card" at once; each one's wait for
the answer is timed, with the service's deadline (the default) and without it (the store's
network timeouts alone), then the wait of the first stored turn once the link is back.
Skipped, saying why, where PostgreSQL cannot be reached.
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from adapters.bootstrap import build_app
from adapters.sql.database import Database
from bot.guard import StoreGuard
from bot.messages import Event
from testkit.tcp_proxy import TcpProxy

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
USERS = 12


def _schema() -> str | None:
    schema = f"mnbot_bench_{secrets.token_hex(4)}"
    try:
        engine = create_engine(
            ADMIN, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2}
        )
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except Exception as exc:  # no server: say so, measure nothing
        print(f"bench.faults skipped: PostgreSQL on 127.0.0.1:5432 cannot be used ({exc!r})")
        return None
    return schema


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


def main() -> None:
    schema = _schema()
    if schema is None:
        return
    url = f"{ADMIN}?options=-csearch_path%3D{schema}"
    Database(url, upgrade=True).dispose()
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
    engine = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
