"""The bot's metrics in Prometheus' text exposition format (version 0.0.4), written out by hand:
a few counters and one histogram need no client library.

What is counted is the turn, whatever the channel: :class:`MeteredService` wraps
:meth:`BotService.handle` (the engine and its storage stay untouched) and an ``on_inquiry``
listener counts the inquiries stored. Each process keeps its own figures, and with
``--workers N`` writes them every second to a folder the workers share
(``MYNUMBER_BOT_METRICS_DIR``, made by ``serve``): a scrape of ``/metrics`` answers the sum of
every worker's figures, whichever worker it reaches, as Prometheus' multiprocess mode does (a
dead worker's counts stay in the sum: counters never go down). ``/metrics?worker=this`` shows
the answering worker's own; ``mynumber_worker_info{pid=...}`` says which worker answered.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.inquiry import InquiryDraft
from bot.messages import Event
from bot.service import Answer, BotService

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A turn takes under a millisecond on SQLite (README, benchmarks) and a few on PostgreSQL; the
# upper buckets catch a database that stalls (busy_timeout is 5 s).
TURN_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in labels) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def gauge(name: str, help_text: str, value: float) -> str:
    """One unlabelled gauge, as text."""
    return f"# HELP {name} {help_text}\n# TYPE {name} gauge\n{name} {_number(value)}\n"


def _bound(value: float) -> str:
    return "+Inf" if math.isinf(value) else repr(float(value))  # "1.0", as client_python


class Counter:
    """A monotonic counter, with or without labels."""

    def __init__(self, name: str, help_text: str, label_names: Sequence[str] = ()) -> None:
        self.name, self.help, self.label_names = name, help_text, tuple(label_names)
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()
        if not self.label_names:
            self._values[()] = 0.0

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        with self._lock:
            return self._values.get(self._key(labels), 0.0)

    def touch(self, **labels: str) -> None:
        """Make the series exist (at 0) before anything is counted."""
        self.inc(0.0, **labels)

    def snapshot(self) -> list[list[Any]]:
        with self._lock:
            return [[list(map(list, labels)), value] for labels, value in self._values.items()]

    def absorb(self, snapshot: list[list[Any]]) -> None:
        """Add another process's figures (:meth:`snapshot`) to these."""
        with self._lock:
            for labels, value in snapshot:
                key = tuple((name, label) for name, label in labels)
                self._values[key] = self._values.get(key, 0.0) + float(value)

    def _key(self, labels: dict[str, str]) -> Labels:
        if set(labels) != set(self.label_names):
            raise ValueError(f"{self.name} takes the labels {self.label_names}, not {labels}")
        return tuple((name, labels[name]) for name in self.label_names)

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        with self._lock:
            values = sorted(self._values.items())
        for labels, value in values:
            yield f"{self.name}{_labels(labels)} {_number(value)}"


class Histogram:
    """Observations in cumulative buckets, per value of one label."""

    def __init__(
        self, name: str, help_text: str, label_name: str, buckets: Sequence[float]
    ) -> None:
        self.name, self.help, self.label_name = name, help_text, label_name
        self.buckets = (*sorted(buckets), math.inf)
        self._series: dict[str, tuple[list[int], list[float]]] = {}  # counts, [sum]
        self._lock = threading.Lock()

    def observe(self, value: float, label: str) -> None:
        with self._lock:
            counts, total = self._series.setdefault(label, ([0] * len(self.buckets), [0.0]))
            for index, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[index] += 1
                    break
            total[0] += value

    def touch(self, label: str) -> None:
        with self._lock:
            self._series.setdefault(label, ([0] * len(self.buckets), [0.0]))

    def snapshot(self) -> dict[str, list[float]]:
        with self._lock:
            return {label: [*counts, total[0]] for label, (counts, total) in self._series.items()}

    def absorb(self, snapshot: dict[str, list[float]]) -> None:
        with self._lock:
            for label, figures in snapshot.items():
                counts, total = self._series.setdefault(label, ([0] * len(self.buckets), [0.0]))
                for index, count in enumerate(figures[:-1]):
                    counts[index] += int(count)
                total[0] += figures[-1]

    def count(self, label: str) -> int:
        with self._lock:
            counts, _ = self._series.get(label, ([0], [0.0]))
            return sum(counts)

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        with self._lock:
            series = sorted((label, list(c), t[0]) for label, (c, t) in self._series.items())
        for label, counts, total in series:
            cumulative = 0
            for bound, count in zip(self.buckets, counts, strict=True):
                cumulative += count
                labels = ((self.label_name, label), ("le", _bound(bound)))
                yield f"{self.name}_bucket{_labels(labels)} {cumulative}"
            own = ((self.label_name, label),)
            yield f"{self.name}_sum{_labels(own)} {_number(total)}"
            yield f"{self.name}_count{_labels(own)} {cumulative}"


class Metrics:
    """Everything ``GET /metrics`` shows, for one process."""

    def __init__(self) -> None:
        self.turns = Counter(
            "mynumber_turns_total", "Turns handled (redeliveries not counted).", ("channel",)
        )
        self.replies = Counter(
            "mynumber_replies_total", "Replies given (a turn can give several).", ("channel",)
        )
        self.errors = Counter(
            "mynumber_errors_total",
            "Turns that failed with an exception (the adapter apologised).",
            ("channel",),
        )
        self.redeliveries = Counter(
            "mynumber_redeliveries_total",
            "Deliveries already answered, recognised and not answered again.",
            ("channel",),
        )
        self.inquiries = Counter("mynumber_inquiries_total", "Written inquiries stored.")
        self.channel_events = Counter(
            "mynumber_channel_events_total",
            "What channels count of their own (LINE's pushes, say), by channel and event.",
            ("channel", "event"),
        )
        self.turn_seconds = Histogram(
            "mynumber_turn_seconds",
            "Time to handle one turn, storage included, in seconds.",
            "channel",
            TURN_BUCKETS,
        )

    def channels(self, names: Iterable[str]) -> None:
        """Show the series of these channels from the start, at zero."""
        for name in names:
            for counter in (self.turns, self.replies, self.errors, self.redeliveries):
                counter.touch(channel=name)
            self.turn_seconds.touch(name)

    def count(self, name: str, channel: str, amount: int = 1) -> None:
        """:class:`bot.channel.Counters`: a channel's own event, counted."""
        self.channel_events.inc(amount, channel=channel, event=name)

    def count_inquiry(self, _draft: InquiryDraft) -> None:
        """An ``on_inquiry`` listener: called once per inquiry stored, after its commit."""
        self.inquiries.inc()

    def families(self) -> tuple[Counter | Histogram, ...]:
        return (
            self.turns,
            self.replies,
            self.errors,
            self.redeliveries,
            self.inquiries,
            self.channel_events,
            self.turn_seconds,
        )

    def snapshot(self) -> dict[str, Any]:
        return {family.name: family.snapshot() for family in self.families()}

    @classmethod
    def summed(cls, snapshots: Iterable[dict[str, Any]]) -> Metrics:
        total = cls()
        for snapshot in snapshots:
            for family in total.families():
                figures: Any = snapshot.get(family.name)
                if figures:
                    family.absorb(figures)
        return total

    def render(self) -> str:
        worker = (
            "# HELP mynumber_worker_info The worker process that answered this scrape.\n"
            "# TYPE mynumber_worker_info gauge\n"
            f'mynumber_worker_info{{pid="{os.getpid()}"}} 1\n'
        )
        return worker + "".join(
            line + "\n" for family in self.families() for line in family.render()
        )


class SharedFigures:
    """The workers' figures in one folder: a JSON file per process, replaced whole."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.own = folder / f"{os.getpid()}.json"

    def write(self, metrics: Metrics) -> None:
        partial = self.own.with_suffix(".tmp")
        try:
            partial.write_text(json.dumps(metrics.snapshot()), encoding="utf-8")
            partial.replace(self.own)  # atomic: a reader sees the old file or the new one
        except OSError as exc:  # the folder removed at shutdown, a full disk: the sum lags
            log.warning("could not share this worker's figures (%s)", exc)

    def read(self) -> list[dict[str, Any]]:
        snapshots = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                snapshots.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):  # being replaced, or gone: the next scrape has it
                continue
        return snapshots


class MeteredService(BotService):
    """A :class:`BotService` whose ``answer`` is the wrapped service's, timed and counted.

    Adapters take a ``BotService``; this is one, so they need no change.
    """

    def __init__(self, inner: BotService, metrics: Metrics) -> None:
        super().__init__(engine=inner.engine, store=inner.store, on_inquiry=inner.on_inquiry)
        self.inner = inner
        self.metrics = metrics
        inner.on_inquiry.append(metrics.count_inquiry)

    def answer(self, event: Event) -> Answer:
        channel = event.channel
        started = time.perf_counter()
        try:
            answer = self.inner.answer(event)
        except Exception:
            self.metrics.errors.inc(channel=channel)
            self._turn(channel, started)
            raise
        if not answer.replies and event.delivery_id:
            # The engine never stays silent: no reply is a delivery answered before.
            self.metrics.redeliveries.inc(channel=channel)
            return answer
        self._turn(channel, started)
        self.metrics.replies.inc(len(answer.replies), channel=channel)
        return answer

    def _turn(self, channel: str, started: float) -> None:
        self.metrics.turns.inc(channel=channel)
        self.metrics.turn_seconds.observe(time.perf_counter() - started, channel)
