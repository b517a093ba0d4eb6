"""The web chat's files: the widget (its script, with every language's words written into it at
start, and its style sheet) and the demo page, the contact page's own text with the widget
embedded as the call centers would embed it.

Every file is served with a validator (a 304 when the browser has it) and without anything a
strict Content-Security-Policy refuses: no inline script or style anywhere, the demo page
itself served under that policy.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from adapters.webchat.inbound import MAX_TEXT
from adapters.webchat.texts import URGENT_LINE, Words, tel
from bot.channel import HttpRequest, HttpResponse
from knowledge.model import Knowledge

STATIC = Path(__file__).with_name("static")
CONTACT_PAGE = STATIC / "contact-us.txt"  # a copy of shared/seed/contact-us.txt (a test holds it)
_CONFIG_MARK = '"__WEBCHAT_CONFIG__"'  # in widget.js: replaced by the widget's configuration
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_NUMBER = re.compile(r"0\d{1,4}-\d{1,4}-\d{2,4}")


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Asset:
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')

    def answer(self, request: HttpRequest, *, cache: str = "public, max-age=300") -> HttpResponse:
        headers = {
            "etag": self.etag,
            "cache-control": cache,
            "x-content-type-options": "nosniff",
            # Other origins' pages load the script and the style sheet (not their contents).
            "cross-origin-resource-policy": "cross-origin",
        }
        if request.headers.get("if-none-match") == self.etag:
            return HttpResponse(304, b"", self.content_type, headers)
        return HttpResponse(200, self.body, self.content_type, headers)


def static_assets(words: Words, knowledge: Knowledge) -> dict[str, Asset]:
    """The widget's files by name, the script carrying the configuration it needs before it
    asks the bot anything: the words of every language, their names, the limits, the number
    to call for a lost card (for when the bot cannot be reached)."""
    urgent = knowledge.line(URGENT_LINE)
    config = {
        "words": words.every(),
        "languages": [[code, words.text(code, "language.self")] for code in words.languages],
        "maxText": MAX_TEXT,
        "urgent": {"number": urgent.number, "tel": tel(urgent.number)},
    }
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    if _CONFIG_MARK not in script:
        raise RuntimeError(f"widget.js has lost its {_CONFIG_MARK} mark")
    script = script.replace(_CONFIG_MARK, json.dumps(config, ensure_ascii=False))
    return {
        "widget.js": Asset.of(script.encode(), _TYPES[".js"]),
        "widget.css": Asset.of((STATIC / "widget.css").read_bytes(), _TYPES[".css"]),
        "page.css": Asset.of((STATIC / "page.css").read_bytes(), _TYPES[".css"]),
    }


def demo_page(words: Words, language: str) -> HttpResponse:
    """The contact page with the widget, its chrome in ``language`` (its text is English)."""
    title = html.escape(words.text(language, "page.title"))
    note = html.escape(words.text(language, "page.note"))
    body = "\n".join(_blocks(CONTACT_PAGE.read_text(encoding="utf-8")))
    page = f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="page.css">
<script src="widget.js" defer></script>
</head>
<body>
<header class="demo-note"><p>{note}</p></header>
<main lang="en">
{body}
</main>
</body>
</html>
"""
    headers = {
        "content-security-policy": PAGE_POLICY,
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
    }
    return HttpResponse(200, page.encode(), "text/html; charset=utf-8", headers)


def _blocks(text: str) -> list[str]:
    """The page's paragraphs as HTML: headings, lists, numbers as ``tel:`` links."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    out: list[str] = []
    heading = "h1"
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if len(lines) == 1 and " > " in lines[0]:
            out.append(f'<nav aria-label="Breadcrumb"><p>{html.escape(lines[0])}</p></nav>')
        elif all(line.startswith("•") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip('• '))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and _NUMBER.fullmatch(lines[0]):
            number = html.escape(lines[0])
            out.append(f'<p class="number"><a href="{tel(lines[0])}">{number}</a></p>')
        elif len(lines) == 1 and lines[0].startswith("■"):
            out.append(f"<h3>{html.escape(lines[0].lstrip('■'))}</h3>")
        elif len(lines) == 1 and len(lines[0]) < 90 and not lines[0].endswith((".", ":")):
            out.append(f"<{heading}>{html.escape(lines[0])}</{heading}>")
            heading = "h2"
        else:
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return out


def _inline(line: str) -> str:
    """A line of the page, escaped, its phone numbers linked."""
    parts = _NUMBER.split(line)
    numbers = _NUMBER.findall(line)
    linked = [html.escape(parts[0])]
    for number, after in zip(numbers, parts[1:], strict=True):
        linked.append(f'<a href="{tel(number)}">{html.escape(number)}</a>{html.escape(after)}')
    return "".join(linked)
