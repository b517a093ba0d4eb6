"""Per-call timing that tolerates a noisy 2-core machine: the median of several rounds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def per_call_us(call: Callable[[], object], *, calls: int = 2000, rounds: int = 7) -> float:
    """Median over ``rounds`` of the mean microseconds per call."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)
