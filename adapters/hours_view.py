"""`mynumber-bot hours`: line reports as DESIGN.md's JSON contract, or as a table for people."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from knowledge.hours import Status
from knowledge.model import Charge
from knowledge.report import LineReport


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def status_json(status: Status) -> dict[str, Any]:
    return {
        "open": status.open,
        "closes_at": _iso(status.closes_at),
        "opens_at": _iso(status.opens_at),
    }


def report_json(report: LineReport) -> dict[str, Any]:
    """One element of the `hours --json` array: the contract's keys first, then the details."""
    line = report.line
    charge_known = line.charge is not Charge.NOT_STATED
    return {
        "number": line.number,
        **status_json(report.status),
        "line": line.id,
        "name": line.name,
        "charge": line.charge.value,
        "toll_free": (line.charge is Charge.TOLL_FREE) if charge_known else None,
        "languages": list(line.languages),
        "language": report.language,
        "hours_listed": line.hours_known,
        "smartphone_suspension_only_now": report.smartphone_only_now,
        "smartphone_suspension": (
            status_json(report.smartphone) if report.smartphone is not None else None
        ),
        "by_language": [
            {"languages": list(group.languages), **status_json(group.status)}
            for group in report.groups
        ],
        "alternate_of": line.alternate_of,
        "japanese_alternate": line.japanese_alternate,
        "press": [{"digit": option.digit, "topic": option.topic} for option in line.options],
        "source": line.source,
    }


def render_json(reports: list[LineReport]) -> str:
    return json.dumps([report_json(report) for report in reports], ensure_ascii=False, indent=2)


_CHARGE_LABEL = {
    Charge.TOLL_FREE: "toll-free",
    Charge.CHARGED: "charged",
    Charge.NOT_STATED: "charge not stated",
}


def describe(status: Status, at: datetime) -> str:
    """`Open now · until 20:00`, `Closed now · opens Sun 11-29 09:30`, `Hours not listed`."""
    if status.open is None:
        return "Hours not listed on the page"
    if status.open:
        if status.closes_at is None:
            return "Open now · around the clock"
        return f"Open now · until {_when(status.closes_at, at)}"
    if status.opens_at is None:
        return "Closed now · no opening found in the next year"
    return f"Closed now · opens {_when(status.opens_at, at)}"


def _when(moment: datetime, at: datetime) -> str:
    if moment.date() == at.astimezone(moment.tzinfo).date():
        return moment.strftime("%H:%M")
    return moment.strftime("%a %m-%d %H:%M")


def render_table(reports: list[LineReport], at: datetime) -> str:
    """A table for people; ``at`` is the instant in Japan time."""
    rows = [f"Japan time: {at.strftime('%a %Y-%m-%d %H:%M')}", ""]
    for report in reports:
        line = report.line
        rows.append(f"{line.number:<14} {_CHARGE_LABEL[line.charge]:<18} {line.name}")
        if not report.groups:
            rows.append(f"  {' '.join(line.languages):<30} {describe(report.status, at)}")
        for group in report.groups:
            rows.append(f"  {' '.join(group.languages):<30} {describe(group.status, at)}")
        if report.smartphone is not None:
            rows.append(f"  {'lost smartphone only':<30} {describe(report.smartphone, at)}")
        for option in line.options:
            rows.append(f"  {'':<30} press {option.digit}: {option.topic.replace('_', ' ')}")
    return "\n".join(rows)
