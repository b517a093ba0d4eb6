"""Reads ``knowledge/data/*.yaml`` into a validated :class:`~knowledge.model.Knowledge`.

Every check runs once, here, so the rest of the bot can trust the objects: an unknown language,
a window that is not ``HH:MM-HH:MM``, a closure or alternate that names nothing, a fact without
the page sentence behind it all fail with the file and key named.
"""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.errors import DataError
from knowledge.model import (
    Charge,
    Closure,
    DayType,
    HoursRule,
    Knowledge,
    Line,
    Need,
    Notice,
    PressOption,
    SourceRef,
    Window,
)
from knowledge.yamlnode import Node

DATA_DIR = Path(__file__).with_name("data")
_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^0\d{1,4}-\d{2,4}-\d{2,4}$")
_SOURCE_KEY = re.compile(r"(^|[._])source$")
_E = TypeVar("_E", Need, DayType)


def load_knowledge(data_dir: Path = DATA_DIR) -> Knowledge:
    """Load and validate the page's facts.

    Raises:
        DataError: naming the file and key of the first problem found.
    """
    lines_doc = Node.load(data_dir / "lines.yaml")
    calendar_doc = Node.load(data_dir / "calendar.yaml")
    notices_doc = Node.load(data_dir / "notices.yaml")

    time_zone = calendar_doc["time_zone"].text()
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise calendar_doc["time_zone"].fail(f"unknown time zone {time_zone!r}") from exc
    closures = {cid: _closure(cid, node) for cid, node in calendar_doc["closures"].entries()}

    languages = lines_doc["languages"]
    foreign = languages["foreign"]["codes"].texts()
    known_languages = set(foreign) | set(languages["japanese"]["codes"].texts())

    lines = tuple(_line(node, known_languages, closures) for node in lines_doc["lines"].items())
    contacts = tuple(
        _line(node, known_languages, closures) for node in lines_doc.optional_items("contacts")
    )
    _check_references(
        lines_doc.file,
        [(f"lines[{index}]", line) for index, line in enumerate(lines)]
        + [(f"contacts[{index}]", contact) for index, contact in enumerate(contacts)],
    )
    privacy = notices_doc["privacy"]
    return Knowledge(
        lines=lines,
        contacts=contacts,
        notices={nid: _notice(nid, node) for nid, node in notices_doc["notices"].entries()},
        privacy_sections={
            sid: node["source"].texts() for sid, node in privacy["sections"].entries()
        },
        consultation_service={
            key: node.text()
            for key, node in privacy["consultation_service"].entries()
            if key != "source"
        },
        foreign_languages=foreign,
        time_zone=time_zone,
        sources=tuple(_sources(lines_doc) + _sources(calendar_doc) + _sources(notices_doc)),
    )


@cache
def default_knowledge() -> Knowledge:
    """The packaged data, loaded once per process."""
    return load_knowledge()


def _line(node: Node, known_languages: set[str], closures: dict[str, Closure]) -> Line:
    number = node["number"].text()
    if not _NUMBER.match(number):
        raise node["number"].fail(f"{number!r} is not a phone number written as on the page")
    source = node["source"].text()
    if number not in source:
        raise node["source"].fail(f"does not contain the number {number}")
    languages = _languages(node["languages"], known_languages)
    charge_node = node["charge"]
    try:
        charge = Charge(charge_node.text())
    except ValueError as exc:
        raise charge_node.fail(f"must be one of {[c.value for c in Charge]}") from exc
    charge_source = node.get("charge_source")
    if charge is not Charge.NOT_STATED and charge_source is None:
        raise node.fail("a stated charge needs charge_source")
    return Line(
        id=node["id"].text(),
        number=number,
        name=node["name"].text(),
        source=source,
        charge=charge,
        charge_source=charge_source.text() if charge_source else None,
        languages=languages,
        rules=_rules(node["hours"], languages),
        closures=tuple(_closure_ref(item, closures) for item in node.optional_items("closures")),
        options=tuple(
            PressOption(
                digit=item["digit"].text(), topic=item["topic"].text(), source=item["source"].text()
            )
            for item in node.optional_items("options")
        ),
        alternate_of=node.optional_text("alternate_of"),
        japanese_alternate=node.optional_text("japanese_alternate"),
    )


def _languages(node: Node, known_languages: set[str]) -> tuple[str, ...]:
    """The languages a number serves; `not_stated` where the page does not say."""
    if node.value == "not_stated":
        return ()
    languages = node.texts()
    for item, code in zip(node.items(), languages, strict=True):
        if code not in known_languages:
            raise item.fail(f"unknown language {code!r}")
    return languages


def _rules(node: Node, line_languages: tuple[str, ...]) -> tuple[HoursRule, ...] | None:
    if node.value == "unknown":
        return None
    rules = tuple(_rule(item, line_languages) for item in node.items())
    if not rules:
        raise node.fail("must list at least one rule, or say `unknown`")
    return rules


def _rule(node: Node, line_languages: tuple[str, ...]) -> HoursRule:
    languages_node = node["languages"]
    if languages_node.value == "line":
        languages = frozenset(line_languages)
    else:
        languages = frozenset(languages_node.texts())
        if not languages <= set(line_languages):
            extra = sorted(languages - set(line_languages))
            raise languages_node.fail(f"languages {extra} are not served by this line")
    calls = node["calls"]
    if calls.value == "all":
        needs = frozenset(Need)
    else:
        needs = frozenset(_enum(Need, item) for item in calls.items())
    days = frozenset(_enum(DayType, item) for item in node["days"].items())
    windows = tuple(_window(item) for item in node["windows"].items())
    if not (days and windows and needs):
        raise node.fail("needs at least one day, window and kind of call")
    return HoursRule(
        languages=languages, needs=needs, days=days, windows=windows, source=node["source"].text()
    )


def _window(node: Node) -> Window:
    match = _WINDOW.match(node.text())
    if not match:
        raise node.fail(f"{node.value!r} is not a window written HH:MM-HH:MM")
    hours = [int(part) for part in match.groups()]
    try:
        window = Window(time(hours[0], hours[1]), time(hours[2], hours[3]))
    except ValueError as exc:
        raise node.fail(f"{node.value!r} is not a time of day: {exc}") from exc
    if window.start == window.end:
        raise node.fail("a window must not be empty; a full day is 00:00-00:00 only by accident")
    return window


def _closure(closure_id: str, node: Node) -> Closure:
    return Closure(
        id=closure_id,
        name=node["name"].text(),
        start=_month_day(node["from"]),
        end=_month_day(node["to"]),
        source=node["source"].text(),
    )


def _month_day(node: Node) -> tuple[int, int]:
    match = _MONTH_DAY.match(node.text())
    if not match:
        raise node.fail(f"{node.value!r} is not written MM-DD")
    month, day = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise node.fail(f"{node.value!r} is not a day of the year")
    return month, day


def _closure_ref(node: Node, closures: dict[str, Closure]) -> Closure:
    name = node.text()
    if name not in closures:
        raise node.fail(f"unknown closure {name!r} (calendar.yaml has {sorted(closures)})")
    return closures[name]


def _check_references(file: str, entries: list[tuple[str, Line]]) -> None:
    """Ids and numbers unique (the later duplicate is named), references to existing lines."""
    ids = {line.id for _, line in entries}
    seen_ids: set[str] = set()
    seen_numbers: set[str] = set()
    for key, line in entries:
        if line.id in seen_ids:
            raise DataError(file, f"{key}.id", f"duplicate id {line.id!r}")
        if line.number in seen_numbers:
            raise DataError(file, f"{key}.number", f"duplicate number {line.number}")
        seen_ids.add(line.id)
        seen_numbers.add(line.number)
        for field_name in ("alternate_of", "japanese_alternate"):
            target = getattr(line, field_name)
            if target is not None and target not in ids:
                raise DataError(file, f"{key}.{field_name}", f"names no line: {target!r}")


def _notice(notice_id: str, node: Node) -> Notice:
    facts = {key: child.value for key, child in node.entries() if key != "source"}
    return Notice(id=notice_id, sources=node["source"].texts(), facts=facts)


def _sources(doc: Node) -> list[SourceRef]:
    """Every quoted page sentence in a document, wherever it stands."""
    refs: list[SourceRef] = []
    for node in doc.walk():
        if _SOURCE_KEY.search(node.key) and isinstance(node.value, str | list):
            refs.extend(SourceRef(node.file, node.key, text) for text in node.texts())
    return refs


def _enum(kind: type[_E], node: Node) -> _E:
    try:
        return kind(node.text())
    except ValueError as exc:
        raise node.fail(f"must be one of {[member.value for member in kind]}") from exc
