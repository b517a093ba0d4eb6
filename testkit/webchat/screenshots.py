"""The README's screenshots of the demo page: desktop and a 360 px phone, in English and in
Japanese, the widget open after one question, on a fixed clock (a Wednesday morning in Japan).

``python -m testkit.webchat.screenshots [FOLDER]`` (default: adapters/webchat/screenshots).
It needs Playwright and Debian's Chromium (as the browser tests do), and a CJK font for the
Japanese ones (``apt-get install fonts-noto-cjk``): without one they show empty boxes.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, ViewportSize, sync_playwright

from adapters.bootstrap import build_app
from testkit.webchat.driver import UNLIMITED
from testkit.webchat.serving import serving

FOLDER = Path(__file__).resolve().parents[2] / "adapters" / "webchat" / "screenshots"
AT = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = {  # name: (the page's language, viewport, what the resident asks)
    "desktop-en": ("en", ViewportSize(width=1280, height=800), "I lost my phone"),
    "desktop-ja": ("ja", ViewportSize(width=1280, height=800), "スマホをなくしました"),
    "phone-en": ("en", ViewportSize(width=360, height=740), "I lost my phone"),
    "phone-ja": ("ja", ViewportSize(width=360, height=740), "スマホをなくしました"),
}
WAIT = 15_000  # ms


def shoot(folder: Path = FOLDER) -> list[Path]:
    """Take every screenshot into ``folder``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="mynumber-shots-") as scratch:
        app = build_app(f"sqlite:///{scratch}/shots.sqlite3")
        app.courier.start()
        try:
            with serving(app.bot(), UNLIMITED, clock=lambda: AT) as served, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for name, (language, viewport, question) in SHOTS.items():
                    page = browser.new_page(viewport=viewport, locale=language)
                    page.goto(f"{served.page}?lang={language}")
                    _converse(page, question)
                    path = folder / f"{name}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                    page.context.close()
                browser.close()
        finally:
            app.courier.close()
            app.runner.close()
            app.database.dispose()
    return written


def _converse(page: Page, question: str) -> None:
    page.locator("mynumber-chat .launcher").click()
    page.locator("mynumber-chat .urgent .hours").first.wait_for(timeout=WAIT)
    box = page.get_by_role("textbox")
    box.fill(question)
    box.press("Enter")
    page.locator("mynumber-chat .msg.bot").first.wait_for(timeout=WAIT)
    page.wait_for_function(
        """() => !document.querySelector("mynumber-chat").shadowRoot.querySelector(".pending")"""
    )
    # The start of the answer in view, as a resident sees it arrive.
    page.evaluate(
        """() => document.querySelector("mynumber-chat").shadowRoot
            .querySelector(".msg.bot").scrollIntoView({block: "start"})"""
    )


if __name__ == "__main__":
    for written in shoot(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(written)
