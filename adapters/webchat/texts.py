"""The web chat's words and the first thing it shows.

The widget's own words (its labels and notices, the demo page's) are the catalog domain
``webchat`` (``flows/locale/<lang>/LC_MESSAGES/webchat.po``), in every language the bot writes;
what the bot says stays the engine's. Before anything is typed the opened widget shows the line
to call for a lost card (urgent first, DESIGN.md rule 1), rendered as the bot renders every
number: open now or not, toll-free or not, the wrong-number warning.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.catalog import FALLBACK, Catalog
from bot.language import catalog_language
from bot.render import Renderer
from knowledge.model import Line, Need

DOMAIN = "webchat"
# The page's line for suspending a lost or stolen card (DESIGN.md's id); a Japanese-speaking
# caller is given its Japanese alternate first.
URGENT_LINE = "card"
_WEIGHT = re.compile(r"^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$", re.IGNORECASE)


class Words:
    """The ``webchat`` catalog, in the languages the bot writes (``languages``, English
    first)."""

    def __init__(self, languages: tuple[str, ...], catalog: Catalog | None = None) -> None:
        self.catalog = catalog or Catalog.load(domain=DOMAIN)
        self.languages = (FALLBACK, *(code for code in languages if code != FALLBACK))

    def text(self, language: str, key: str, /, **params: object) -> str:
        return self.catalog.text(language, key, **params)

    def every(self) -> dict[str, dict[str, str]]:
        """Every language's words by key, as the widget carries them."""
        keys = sorted(self.catalog.keys())
        return {code: {key: self.catalog.raw(code, key) for key in keys} for code in self.languages}

    def language(self, *wanted: str | None) -> str:
        """The first of ``wanted`` (codes or client locales) that names a language, else
        English."""
        for locale in wanted:
            found = catalog_language(locale, self.languages)
            if found is not None:
                return found
        return FALLBACK

    def accepted(self, header: str | None) -> str | None:
        """The language an ``Accept-Language`` header prefers among ours, or None."""
        ranked: list[tuple[float, int, str]] = []
        for index, part in enumerate((header or "").split(",")[:20]):
            tag, _, weight = part.partition(";")
            matched = _WEIGHT.match(weight) if weight else None
            quality = float(matched.group(1)) if matched else (0.0 if weight else 1.0)
            code = catalog_language(tag.strip(), self.languages)
            if code is not None and quality > 0:
                ranked.append((-quality, index, code))
        return min(ranked)[2] if ranked else None


def urgent(renderer: Renderer, words: Words, at: datetime, language: str) -> dict[str, Any]:
    """The lost-card panel in ``language`` at ``at``: its lines, each with a ``tel:`` link and
    its status for this caller, and the notices every number comes with."""
    card = renderer.knowledge.line(URGENT_LINE)
    lines = [card]
    if language == "ja" and card.japanese_alternate:
        lines.insert(0, renderer.knowledge.line(card.japanese_alternate))
    return {
        "title": words.text(language, "urgent.title"),
        "lead": words.text(language, "urgent.lead"),
        "phones": [_phone(renderer, line, at, language) for line in lines],
        "notes": [
            renderer.text(language, "notice.wrong_number"),
            renderer.text(language, "phone.japan_time"),
        ],
    }


def tel(number: str) -> str:
    """A number as a ``tel:`` link dials it: its digits."""
    return "tel:" + "".join(char for char in number if char.isdigit())


def _phone(renderer: Renderer, line: Line, at: datetime, language: str) -> dict[str, Any]:
    # The caller's own language group when the line serves it; every group otherwise.
    spoken = language if line.serves(language) else None
    card = renderer.phone_card(line, at, language, spoken, Need.REGULAR, first=language)
    return {
        "number": card.number,
        "tel": tel(card.number),
        "header": renderer.text(language, "phone.header", number=card.number, charge=card.charge),
        "name": card.name,
        "statuses": [status.text for status in card.statuses],
        "open": [status.status.open for status in card.statuses],
    }
