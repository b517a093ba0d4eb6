"""The facts of the contact page as frozen objects.

Built only by :mod:`knowledge.loader`, which validates the data files; everything else reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class Charge(StrEnum):
    """What a call costs, as far as the page says."""

    TOLL_FREE = "toll_free"
    CHARGED = "charged"
    NOT_STATED = "not_stated"


class Need(StrEnum):
    """Why the caller calls: the night window of the card lines serves only one need."""

    REGULAR = "regular"
    SMARTPHONE_SUSPENSION = "smartphone_suspension"


class DayType(StrEnum):
    WEEKDAY = "weekday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"
    HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class Window:
    """Open from ``start`` (inclusive) to ``end`` (exclusive); past midnight when end <= start."""

    start: time
    end: time

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class HoursRule:
    """One sentence of reception hours: who it serves, on which days, in which windows."""

    languages: frozenset[str]
    needs: frozenset[Need]
    days: frozenset[DayType]
    windows: tuple[Window, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Closure:
    """A yearly range of days (month, day) on which a line is closed, inclusive at both ends."""

    id: str
    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    source: str

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True, slots=True)
class PressOption:
    digit: str
    topic: str
    source: str


@dataclass(frozen=True, slots=True)
class Line:
    """A phone number of the page. ``rules`` is None where the page lists no hours."""

    id: str
    number: str
    name: str
    source: str
    charge: Charge
    charge_source: str | None
    languages: tuple[str, ...]
    rules: tuple[HoursRule, ...] | None
    closures: tuple[Closure, ...] = ()
    options: tuple[PressOption, ...] = ()
    alternate_of: str | None = None
    japanese_alternate: str | None = None

    @property
    def hours_known(self) -> bool:
        return self.rules is not None

    @property
    def has_smartphone_only_window(self) -> bool:
        """Has a window for smartphone suspensions only (the card lines' night)."""
        return any(rule.needs == {Need.SMARTPHONE_SUSPENSION} for rule in self.rules or ())

    def serves(self, language: str) -> bool:
        return language in self.languages

    def language_groups(self) -> tuple[tuple[str, ...], ...]:
        """The languages that share the same regular hours, in the page's order."""
        groups: list[tuple[str, ...]] = []
        for rule in self.rules or ():
            if Need.REGULAR not in rule.needs:
                continue
            group = tuple(code for code in self.languages if code in rule.languages)
            if group and group not in groups:
                groups.append(group)
        return tuple(groups)


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    sources: tuple[str, ...]
    facts: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A page sentence quoted by the data, and where: for the verbatim check and error messages."""

    file: str
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the bot may state, with the page sentences behind it."""

    lines: tuple[Line, ...]
    contacts: tuple[Line, ...]
    notices: dict[str, Notice] = field(hash=False, compare=False)
    privacy_sections: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    consultation_service: dict[str, str] = field(hash=False, compare=False)
    foreign_languages: tuple[str, ...]
    time_zone: str
    sources: tuple[SourceRef, ...] = ()

    def line(self, line_id: str) -> Line:
        """A call-center line or another number of the page (a contact), by id."""
        for line in self.lines + self.contacts:
            if line.id == line_id:
                return line
        raise KeyError(line_id)

    def line_ids(self) -> frozenset[str]:
        """Every id :meth:`line` knows: lines and contacts."""
        return frozenset(line.id for line in self.lines + self.contacts)

    def lines_for(self, language: str | None) -> tuple[Line, ...]:
        if language is None:
            return self.lines
        return tuple(line for line in self.lines if line.serves(language))
