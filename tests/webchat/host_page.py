"""A host page of another origin for the browser tests: the bot at http://127.0.0.1:PORT, the
page at http://localhost:PORT, under DESIGN.md's strict Content-Security-Policy (``/strict``),
or with styles meant to break any widget (``/hostile``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from adapters.bootstrap import App
from testkit.serving import serving_in_background
from testkit.webchat.serving import Served
from tests.webchat.conftest import running

HOSTILE_CSS = """
html { font-size: 10px; }
* { font-size: 40px !important; line-height: 4 !important; letter-spacing: 6px !important;
    color: #f0f !important; box-sizing: content-box !important; }
button, select, textarea { display: none !important; }
mynumber-chat { font-family: serif; color: red; }
"""


def policy(bot: str, *, own_styles: bool) -> str:
    """DESIGN.md's policy for a page embedding the widget (BOT: the bot's origin)."""
    styles = f"'self' {bot}" if own_styles else bot
    return (
        f"default-src 'none'; script-src {bot}; connect-src {bot} ws://{urlsplit(bot).netloc}; "
        f"style-src {styles}; img-src {bot} data:; font-src {bot}"
    )


def page(bot: str, *, hostile: bool) -> str:
    style = '<link rel="stylesheet" href="/hostile.css">' if hostile else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A municipality's contact page</title>{style}
<script src="{bot}/webchat/widget.js" defer></script></head>
<body><main><h1>Contact</h1><p>Call the card line.</p><button>the page's own</button></main>
</body></html>"""


@contextmanager
def hosted(app: App) -> Iterator[tuple[str, Served]]:
    """The host page's base URL and the web chat, which allows only that page's origin."""
    bot: dict[str, str] = {}

    async def strict(_request: Request) -> Response:
        headers = {"content-security-policy": policy(bot["url"], own_styles=False)}
        return HTMLResponse(page(bot["url"], hostile=False), headers=headers)

    async def hostile(_request: Request) -> Response:
        headers = {"content-security-policy": policy(bot["url"], own_styles=True)}
        return HTMLResponse(page(bot["url"], hostile=True), headers=headers)

    async def css(_request: Request) -> Response:
        return Response(HOSTILE_CSS, media_type="text/css")

    routes = [Route("/strict", strict), Route("/hostile", hostile), Route("/hostile.css", css)]
    with serving_in_background(Starlette(routes=routes)) as url:
        host = url.replace("127.0.0.1", "localhost")
        with running(app, WEBCHAT_ALLOWED_ORIGINS=host) as served:
            bot["url"] = served.url
            yield host, served
