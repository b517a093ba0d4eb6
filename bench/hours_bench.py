"""Microseconds per hours query, warm (days cached, as in a running bot) and cold (fresh engine).

Run: `make bench` or `python -m bench.hours_bench`.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.timing import per_call_us
from knowledge.hours import HoursEngine
from knowledge.loader import default_knowledge
from knowledge.model import Need
from knowledge.report import report_all

JAPAN = ZoneInfo("Asia/Tokyo")


def main() -> None:
    knowledge = default_knowledge()
    general, card = knowledge.line("general"), knowledge.line("card")
    engine = HoursEngine()
    open_at = datetime(2026, 11, 25, 10, 0, tzinfo=JAPAN)
    # The longest search the page allows: the evening before the New Year's holidays.
    closed_at = datetime(2026, 12, 28, 20, 30, tzinfo=JAPAN)
    assert engine.status(general, closed_at).opens_at == datetime(2027, 1, 4, 9, 30, tzinfo=JAPAN)

    # A cold engine every call: the cost of a query whose days were never seen.
    minutes = itertools.count()

    def cold_next_opening() -> None:
        fresh = HoursEngine(calendar=engine.calendar)
        fresh.status(general, closed_at + timedelta(minutes=next(minutes) % 600))

    rows = [
        ("status, open line (general, weekday 10:00)", lambda: engine.status(general, open_at)),
        (
            "status, smartphone need (card, th, 02:00)",
            lambda: engine.status(
                card, open_at.replace(hour=2), language="th", need=Need.SMARTPHONE_SUSPENSION
            ),
        ),
        (
            "next opening from closed (Dec 28 20:30 -> Jan 4)",
            lambda: engine.status(general, closed_at),
        ),
        ("next opening, cold engine (days not cached)", cold_next_opening),
        (
            "all six lines, every language (hours command)",
            lambda: report_all(knowledge, engine, open_at),
        ),
    ]
    print("hours engine, microseconds per call (median of 7 rounds)")
    for label, call in rows:
        print(f"  {label:<52} {per_call_us(call, calls=500 if 'cold' in label else 2000):8.1f} us")


if __name__ == "__main__":
    main()
