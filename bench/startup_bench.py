"""Time from starting `mynumber-bot chat` to its first reply: process start, imports, database,
one answered message, exit. The median of several runs, so that a noisy machine shows less.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7


def once(database: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat", "--db", database],
        input="I lost my phone\n",
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    if "0120-0178-27" not in result.stdout:
        raise RuntimeError(f"unexpected reply: {result.stdout[:200]!r}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{scratch}/startup.sqlite3"
        first = once(database)  # creates and migrates the database
        warm = [once(database) for _ in range(RUNS)]
        bare = []
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - started)
    print("mynumber-bot chat, start to first reply (median of 7)")
    print(f"  first start (creates the database)  {first * 1000:7.0f} ms")
    print(f"  later starts                         {statistics.median(warm) * 1000:7.0f} ms")
    print(f"  python -c pass, for comparison       {statistics.median(bare) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
