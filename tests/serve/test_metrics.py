"""The figures of several workers summed, as a scrape of `serve --workers N` answers them."""

from __future__ import annotations

from pathlib import Path

from adapters.serve.metrics import Metrics, SharedFigures
from tests.serve.helpers import samples

TURNS = 'mynumber_turns_total{channel="telegram"}'


def _worker(turns: int, seconds: float) -> Metrics:
    figures = Metrics()
    figures.channels(["telegram", "slack"])
    for _ in range(turns):
        figures.turns.inc(channel="telegram")
        figures.turn_seconds.observe(seconds, "telegram")
    figures.inquiries.inc()
    return figures


def test_the_workers_figures_are_summed() -> None:
    one, two = _worker(3, 0.002), _worker(5, 0.3)
    summed = samples(Metrics.summed([one.snapshot(), two.snapshot()]).render())
    assert summed[TURNS] == 8
    assert summed['mynumber_turns_total{channel="slack"}'] == 0
    assert summed["mynumber_inquiries_total"] == 2
    assert summed['mynumber_turn_seconds_count{channel="telegram"}'] == 8
    assert summed['mynumber_turn_seconds_bucket{channel="telegram",le="0.0025"}'] == 3
    assert summed['mynumber_turn_seconds_bucket{channel="telegram",le="0.5"}'] == 8
    assert abs(summed['mynumber_turn_seconds_sum{channel="telegram"}'] - 1.506) < 1e-9


def test_shared_figures_go_through_a_folder(tmp_path: Path) -> None:
    figures = _worker(2, 0.01)
    shared = SharedFigures(tmp_path)
    shared.write(figures)
    (tmp_path / "123.json").write_text('{"mynumber_turns_total": [[[["channel", "telegram"]], 4]]}')
    (tmp_path / "124.json").write_text("{not json")  # being replaced: skipped this time
    summed = samples(Metrics.summed(shared.read()).render())
    assert summed[TURNS] == 6
    figures.turns.inc(channel="telegram")
    shared.write(figures)  # replaced, not added to
    assert samples(Metrics.summed(shared.read()).render())[TURNS] == 7
