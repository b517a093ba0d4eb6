"""Turns per second and per-turn latency through the engine, every state persisted to SQLite.

Simulated users run short, realistic conversations (urgent, menu, language, typos, Japanese);
each turn loads the state from an SQLite file, runs the engine and saves the new state.
Run: `make bench` or `python -m bench.engine_bench`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.bootstrap import build_app
from bot.messages import Event

JAPAN = ZoneInfo("Asia/Tokyo")
CONVERSATIONS = [
    ["I lost my phone", "thanks"],
    ["hello", "3", "Thai", "menu"],
    ["card question in English", "Another phone language", "日本語"],
    ["helth insurence", "menu", "bank account"],
    ["スマホをなくしました", "ありがとう"],
    ["asdfgh", "qwerty", "my card was stolen"],
    ["application status", "points", "reply email"],
]
USERS = 300


def run(users: int = USERS) -> tuple[int, float, list[float]]:
    """Turns run, their wall time in seconds, and each turn's latency in milliseconds."""
    with tempfile.TemporaryDirectory() as scratch:
        app = build_app(f"sqlite:///{scratch}/bench.sqlite3")
        service = app.service
        at = datetime(2026, 11, 28, 18, 0, tzinfo=JAPAN)
        latencies: list[float] = []
        # Warm-up: matchers, catalogs and the hours cache are built lazily on first use.
        service.handle(Event(conversation="warm", at=at, text="I lost my phone"))
        started = time.perf_counter()
        for user in range(users):
            for text in CONVERSATIONS[user % len(CONVERSATIONS)]:
                event = Event(conversation=f"bench:{user}", at=at, text=text)
                begin = time.perf_counter_ns()
                service.handle(event)
                latencies.append((time.perf_counter_ns() - begin) / 1e6)
        elapsed = time.perf_counter() - started
        app.database.dispose()
    return len(latencies), elapsed, latencies


def main() -> None:
    turns, elapsed, latencies = run()
    cuts = statistics.quantiles(latencies, n=100)
    print(f"engine + SQLite, {turns} turns of {USERS} simulated users")
    print(f"  turns per second   {turns / elapsed:8.0f}")
    print(f"  p50 per turn       {cuts[49]:8.2f} ms")
    print(f"  p99 per turn       {cuts[98]:8.2f} ms")


if __name__ == "__main__":
    main()
