"""`make bench`: every benchmark in turn, the figures the README quotes (about 3 minutes)."""

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

for benchmark in (
    hours_bench,
    matching_thresholds,
    understanding,
    engine_bench,
    startup_bench,
    telegram_bench,
    serve_bench,
    faults,
):
    if benchmark is understanding:
        understanding.main(["--summary"])  # every set, where alone it reads the tune split
    else:
        benchmark.main()
    print()
