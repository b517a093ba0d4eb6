"""The hours of every line for Slack: the App Home tab and ``/mynumber hours [language]``.

Both show the table of ``mynumber-bot hours`` (:func:`adapters.hours_view.render_table`), in the
reader's language, computed by :mod:`knowledge.report`; nothing here knows an hour of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Respond

from adapters.cli import LANGUAGE_CODES
from adapters.hours_view import render_table
from adapters.slack.blocks import Block, escape, preformatted, section
from adapters.slack.language import Texts, language_of
from bot.render import Renderer
from knowledge.report import report_all


def hours_table(
    renderer: Renderer, at: datetime, *, language: str | None = None, locale: str | None = None
) -> str:
    """Every line a caller in ``language`` can use (all if None), open or closed at ``at``,
    written in the language of ``locale``."""
    local = at.astimezone(ZoneInfo(renderer.knowledge.time_zone))
    reports = report_all(renderer.knowledge, renderer.hours, local, language)
    return render_table(reports, local, renderer=renderer, language=language_of(locale))


def hours_blocks(
    renderer: Renderer, texts: Texts, locale: str | None, at: datetime, language: str | None
) -> list[Block]:
    """The answer to ``/mynumber hours [language]``: a title and the table."""
    table = hours_table(renderer, at, language=language, locale=locale)
    return [section(texts(locale, "slack.hours_title")), *preformatted(table)]


def answer_hours(
    renderer: Renderer, texts: Texts, locale: str | None, args: list[str], respond: Respond
) -> None:
    """``/mynumber hours [language]``, answered ephemerally; an unknown language code gets the
    list of known ones."""
    code = args[0].casefold() if args else None
    if code is not None and code not in LANGUAGE_CODES:
        codes = " ".join(LANGUAGE_CODES)
        said = texts(locale, "slack.hours_unknown_language", code=args[0], codes=codes)
        respond(text=escape(said), blocks=[section(said)], response_type="ephemeral")
        return
    blocks = hours_blocks(renderer, texts, locale, datetime.now(UTC), code)
    title = escape(texts(locale, "slack.hours_title"))
    respond(text=title, blocks=blocks, response_type="ephemeral")


def home_view(renderer: Renderer, texts: Texts, locale: str | None, at: datetime) -> dict[str, Any]:
    """The App Home tab for views.publish: every line and whether it is open at ``at``."""
    title = texts(locale, "slack.home_title")[:150]  # a header's limit
    header = {"type": "header", "text": {"type": "plain_text", "text": title}}
    table = hours_table(renderer, at, locale=locale)
    return {"type": "home", "blocks": [header, *preformatted(table)]}
