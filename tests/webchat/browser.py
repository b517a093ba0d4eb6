"""Debian's Chromium driven by Playwright (which cannot download browsers of its own here), and
what the browser tests read from the widget: its transcript, its storage, axe-core's verdict.

Playwright's locators pierce the widget's open shadow root, as the accessibility tree does, so
the tests find it by role and name as a screen reader would.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.sql.mailbox import SqlMailbox

CHROMIUM = os.environ.get("MYNUMBER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# axe-core from the npm registry: `npm ci --prefix tests/webchat` (.ci/run does it).
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
# As root, on a machine whose network is closed: no sandbox, and no calls home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 15_000  # ms for anything the bot must do (a turn, a reconnection)
STORE = "mynumber-webchat"  # the widget's sessionStorage key
TRANSCRIPT = """() => [...document.querySelector("mynumber-chat").shadowRoot
    .querySelectorAll(".log .msg")].map((node) => ({
        from: node.classList.contains("user") ? "user" : "bot",
        text: node.querySelector(".text").textContent,
        pending: node.classList.contains("pending"),
        lang: node.lang,
    }))"""
STORED = """() => ({cookies: document.cookie, local: localStorage.length,
    session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage[k]]))})"""


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium for a module's tests; skipped, saying why, where there is none."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=FLAGS, env=_without_moved_clock(os.environ)
        )
        try:
            yield browser
        finally:
            browser.close()


def _without_moved_clock(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment without libfaketime (CI's `.ci/moved-clock`), which hangs Chromium's
    page loads. The clock under test is the server's: the widget reads no clock of its own."""
    return {
        name: value
        for name, value in environ.items()
        if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


def transcript(page: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(TRANSCRIPT)
    return found


def stored(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(STORED)
    return found


def wait_for_replies(page: Any, count: int) -> None:
    """Until the transcript has ``count`` messages of the bot and none waits to be sent."""
    page.wait_for_function(
        """(count) => {
            const root = document.querySelector("mynumber-chat").shadowRoot;
            return root.querySelectorAll(".log .msg.bot").length >= count
                && !root.querySelector(".log .pending");
        }""",
        arg=count,
        timeout=WAIT,
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page, shadow roots included (the page
    must come from a context with ``bypass_csp``: axe is injected)."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm ci --prefix tests/webchat)")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                              nodes: v.nodes.map((n) => n.target.join(" "))}));
        }"""
    )
    return found


def conversation(page: Any) -> str:
    """The id of the page's conversation, as the widget keeps it."""
    state: dict[str, Any] = json.loads(stored(page)["session"][STORE])
    return str(state["id"])


def settle(page: Any, mailbox: SqlMailbox) -> list[dict[str, Any]]:
    """Wait until nothing waits to be sent and the transcript shows every message the mailbox
    holds, by number (a post is answered once its replies are in the mailbox); the
    transcript."""
    page.wait_for_function(
        """(key) => !document.querySelector("mynumber-chat").shadowRoot.querySelector(".pending")
            && JSON.parse(sessionStorage.getItem(key)).pending.length === 0""",
        arg=STORE,
        timeout=WAIT,
    )
    count = len(mailbox.letters(conversation(page), after=0, limit=1000))
    page.wait_for_function(
        """(count) => document.querySelector("mynumber-chat").shadowRoot
            .querySelectorAll(".log .msg[data-seq]").length === count""",
        arg=count,
        timeout=WAIT,
    )
    return transcript(page)


def say(page: Any, mailbox: SqlMailbox, text: str) -> list[dict[str, Any]]:
    """Type ``text``, press Enter, and wait for the bot to have answered it."""
    box = page.get_by_role("textbox")
    box.fill(text)
    box.press("Enter")
    return settle(page, mailbox)


def opened(page: Any) -> Any:
    page.locator("mynumber-chat .launcher").click()
    page.get_by_role("dialog").wait_for(state="visible", timeout=WAIT)
    return page


def users(shown: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in shown if m["from"] == "user"]


def said(shown: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in shown if m["from"] == "bot")
