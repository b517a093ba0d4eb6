"""Runs every benchmark in turn."""

from bench import engine_bench, hours_bench, startup_bench

hours_bench.main()
print()
engine_bench.main()
print()
startup_bench.main()
