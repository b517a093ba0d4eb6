"""Runs every benchmark in turn."""

from bench import hours_bench

hours_bench.main()
