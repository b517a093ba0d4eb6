"""`mynumber-bot inquiries export`: stored inquiries as JSON or CSV, times in Japan time."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.staff import StoredInquiry

JAPAN = ZoneInfo("Asia/Tokyo")
FIELDS = tuple(StoredInquiry.__dataclass_fields__)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _row(record: StoredInquiry) -> dict[str, Any]:
    return {
        name: value.astimezone(JAPAN).isoformat() if isinstance(value, datetime) else value
        for name, value in asdict(record).items()
    }


def render_json(records: list[StoredInquiry]) -> str:
    return json.dumps([_row(record) for record in records], ensure_ascii=False, indent=2) + "\n"


def render_csv(records: list[StoredInquiry]) -> str:
    """CSV for staff spreadsheets; a cell that a spreadsheet would run as a formula (what a
    user typed may start with `=`) is prefixed with an apostrophe, as OWASP advises."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({name: _inert(value) for name, value in _row(record).items()})
    return out.getvalue()


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
