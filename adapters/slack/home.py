"""The App Home tab: every line and whether it is open, as the table of ``mynumber-bot hours``
(:func:`adapters.hours_view.render_table`) in the reader's language, computed by
:mod:`knowledge.report`; nothing here knows an hour of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.hours_view import render_table
from adapters.slack.blocks import preformatted
from adapters.slack.language import Texts
from bot.language import catalog_language
from bot.render import Renderer
from knowledge.report import report_all


def home_view(renderer: Renderer, texts: Texts, locale: str | None, at: datetime) -> dict[str, Any]:
    """The App Home tab for views.publish: every line and whether it is open at ``at``."""
    title = texts(locale, "slack.home_title")[:150]  # a header's limit
    header = {"type": "header", "text": {"type": "plain_text", "text": title}}
    local = at.astimezone(ZoneInfo(renderer.knowledge.time_zone))
    reports = report_all(renderer.knowledge, renderer.hours, local, None)
    language = catalog_language(locale, renderer.catalog.languages) or "en"
    table = render_table(reports, local, renderer=renderer, language=language)
    return {"type": "home", "blocks": [header, *preformatted(table)]}
