"""`mynumber-bot inquiries export`: stored inquiries as JSON or CSV, times in Japan time."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.sql.inquiries import InquiryRecord

JAPAN = ZoneInfo("Asia/Tokyo")
FIELDS = tuple(InquiryRecord.__dataclass_fields__)


def _row(record: InquiryRecord) -> dict[str, Any]:
    return {
        name: value.astimezone(JAPAN).isoformat() if isinstance(value, datetime) else value
        for name, value in asdict(record).items()
    }


def render_json(records: list[InquiryRecord]) -> str:
    return json.dumps([_row(record) for record in records], ensure_ascii=False, indent=2) + "\n"


def render_csv(records: list[InquiryRecord]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(_row(record))
    return out.getvalue()
