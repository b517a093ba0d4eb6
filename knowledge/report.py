"""A line's whole hours picture for one caller at one instant: what every channel shows.

The `hours` command, the dialogue engine's phone-number replies and the Slack home tab all render
a :class:`LineReport`; none of them computes hours on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from knowledge.hours import HoursEngine, Status
from knowledge.model import Knowledge, Line, Need


@dataclass(frozen=True, slots=True)
class GroupStatus:
    """The regular hours of the languages that share them."""

    languages: tuple[str, ...]
    status: Status


@dataclass(frozen=True, slots=True)
class LineReport:
    """``status`` answers for regular calls in ``language`` (any of the line's if None).

    ``smartphone`` is set for lines with a window that takes only smartphone suspensions; it says
    whether such a call is accepted now even when ``status`` is closed.
    """

    line: Line
    at: datetime
    language: str | None
    status: Status
    groups: tuple[GroupStatus, ...]
    smartphone: Status | None

    @property
    def smartphone_only_now(self) -> bool:
        """Closed for regular calls, yet open for a lost smartphone (the card lines at night)."""
        return self.status.open is False and bool(self.smartphone and self.smartphone.open)


def report_line(
    engine: HoursEngine, line: Line, at: datetime, language: str | None = None
) -> LineReport:
    """Raises ValueError as :meth:`HoursEngine.status` does."""
    groups = tuple(
        GroupStatus(languages=group, status=engine.status(line, at, language=group[0]))
        for group in line.language_groups()
        if language is None or language in group
    )
    return LineReport(
        line=line,
        at=at,
        language=language,
        status=engine.status(line, at, language=language),
        groups=groups,
        smartphone=(
            engine.status(line, at, language=language, need=Need.SMARTPHONE_SUSPENSION)
            if line.has_smartphone_only_window
            else None
        ),
    )


def report_all(
    knowledge: Knowledge, engine: HoursEngine, at: datetime, language: str | None = None
) -> list[LineReport]:
    """One report per number a caller in ``language`` can use (every number if None)."""
    return [report_line(engine, line, at, language) for line in knowledge.lines_for(language)]
