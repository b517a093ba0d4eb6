"""`make bench`: every benchmark in turn, the figures the README quotes (about 5 minutes)."""

from collections.abc import Callable
from functools import partial

from bench import (
    engine_bench,
    faults,
    hours_bench,
    matching_thresholds,
    serve_bench,
    startup_bench,
    telegram_bench,
    understanding,
)

BENCHMARKS: tuple[Callable[[], None], ...] = (
    hours_bench.main,
    matching_thresholds.main,
    partial(understanding.main, ["--summary"]),  # every set (alone, it reads the tune split)
    engine_bench.main,
    startup_bench.main,
    telegram_bench.main,
    serve_bench.main,
    faults.main,
)

for benchmark in BENCHMARKS:
    benchmark()
    print()
