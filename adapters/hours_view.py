"""`mynumber-bot hours`: line reports as DESIGN.md's JSON contract, or as a table for people."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.render import Renderer
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


def render_table(
    reports: list[LineReport], at: datetime, *, renderer: Renderer, language: str = "en"
) -> str:
    """A table for people, in ``language``; ``at`` is the instant in Japan time.

    The words come from the catalog and the statuses are written as the bot writes them, so
    the table and the conversation never disagree.
    """

    def text(key: str, /, **params: object) -> str:
        return renderer.text(language, key, **params)

    now = renderer.when(at, at, language)
    weekday = text(f"weekday.{at.weekday()}")
    rows = [text("hours.title", weekday=weekday, date=at.strftime("%Y-%m-%d"), time=now), ""]
    for report in reports:
        line = report.line
        charge = text(f"charge.{line.charge.value}")
        rows.append(f"{line.number:<14} {text(f'line.{line.id}')} ({charge})")
        if not report.groups:
            rows.append(
                _row(" ".join(line.languages), renderer.status(report.status, at, language))
            )
        for group in report.groups:
            status = renderer.status(group.status, at, language)
            rows.append(_row(" ".join(group.languages), status))
        if report.smartphone is not None:
            status = renderer.status(report.smartphone, at, language)
            rows.append(_row(text("hours.smartphone_only"), status))
        for option in line.options:
            topic = text(f"topic.{option.topic}")
            rows.append(_row("", text("hours.press", digit=option.digit, topic=topic)))
    return "\n".join(rows)


def _row(first: str, second: str) -> str:
    return f"  {first:<30} {second}"
