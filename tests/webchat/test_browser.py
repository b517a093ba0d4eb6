"""The widget in a real browser (Debian's Chromium): what DESIGN.md's web chat section promises a
resident, found by role and name. One browser for the module, a fresh context (storage,
network) per test; the bot is served from this process on an SQLite file of the module's own."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from adapters.bootstrap import App
from adapters.sql.mailbox import SqlMailbox
from adapters.webchat import stream
from testkit.webchat.serving import Served, post
from tests.webchat.browser import (
    STORE,
    WAIT,
    axe_violations,
    chromium,
    conversation,
    opened,
    said,
    say,
    settle,
    stored,
    transcript,
    users,
)

pytest.importorskip("playwright")
from playwright.sync_api import expect

CHAT = re.compile("chat", re.IGNORECASE)
Opener = Callable[..., Any]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_page(browser: Any, served: Served) -> Iterator[Opener]:
    """``open_page(path, **context_options)``: a page of a fresh context; its JavaScript errors
    fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(path: str = "/webchat/", **options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(served.url + path)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


def test_nothing_is_stored_before_opening_and_the_lost_card_line_comes_first(
    open_page: Opener,
) -> None:
    page = open_page()
    launcher = page.get_by_role("button", name=CHAT)
    expect(launcher).to_be_visible()
    assert stored(page) == {"cookies": "", "local": 0, "session": {}}
    assert page.context.cookies() == []
    opened(page)
    link = page.locator("mynumber-chat .urgent a[href='tel:0120017827']")
    expect(link).to_contain_text("0120-0178-27")
    status = page.locator("mynumber-chat .urgent .hours").first
    expect(status).to_have_text(re.compile(r"^(Open now|Closed now)"))
    state = json.loads(stored(page)["session"][STORE])
    assert set(state) == {"id", "lang", "pending", "open"} and state["pending"] == []
    expect(page.get_by_role("log")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    assert stored(page)["cookies"] == "" and stored(page)["local"] == 0


def test_everything_by_keyboard_and_focus_back_on_the_launcher(open_page: Opener, app: App) -> None:
    page = open_page()
    page.keyboard.press("Shift+Tab")  # from the page's start backwards: the launcher is last
    focused = "() => document.querySelector('mynumber-chat').shadowRoot.activeElement"
    assert page.evaluate(f"() => ({focused})()?.className") == "launcher"
    outline = page.evaluate(f"() => getComputedStyle(({focused})()).outlineStyle")
    assert outline == "solid", "the focus is visible"
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate(f"() => ({focused})()?.id") == "input"
    page.keyboard.type("I lost my phone")
    page.keyboard.press("Enter")
    shown = settle(page, SqlMailbox(app.database))
    assert users(shown) == ["I lost my phone"] and "0120-0178-27" in said(shown)
    menu = page.get_by_role("log").get_by_role("button", name="Main menu")
    menu.focus()
    page.keyboard.press("Enter")
    assert users(settle(page, SqlMailbox(app.database))) == ["I lost my phone", "Main menu"]
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate(f"() => ({focused})()?.className") == "launcher"


def test_a_reload_shows_the_same_conversation_once_in_order(open_page: Opener, app: App) -> None:
    page = opened(open_page())
    say(page, SqlMailbox(app.database), "I lost my card")
    before = say(page, SqlMailbox(app.database), "hours")
    assert users(before) == ["I lost my card", "hours"]
    page.reload()
    page.wait_for_function(
        """(count) => document.querySelector("mynumber-chat").shadowRoot
            .querySelectorAll(".log .msg").length === count""",
        arg=len(before),
        timeout=WAIT,
    )
    assert transcript(page) == before
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")  # caught up: new messages are told
    assert users(say(page, SqlMailbox(app.database), "thanks")) == [
        "I lost my card",
        "hours",
        "thanks",
    ]


def test_offline_and_back_sends_what_was_typed_once(open_page: Opener, app: App) -> None:
    page = opened(open_page())
    say(page, SqlMailbox(app.database), "I lost my phone")
    page.context.set_offline(True)
    box = page.get_by_role("textbox")
    box.fill("hours")
    box.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are offline")
    expect(page.locator("mynumber-chat .pending")).to_have_count(1)
    page.context.set_offline(False)
    shown = settle(page, SqlMailbox(app.database))
    assert users(shown) == ["I lost my phone", "hours"]
    letters = SqlMailbox(app.database).letters(conversation(page), after=0, limit=100)
    assert [x.sender for x in letters].count("user") == 2


def test_a_double_click_and_an_answer_lost_on_the_way_make_one_message(
    open_page: Opener, app: App
) -> None:
    page = opened(open_page())
    posts: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        posts.append(route.request.post_data or "")
        if len(posts) == 1:
            route.fetch()  # the server takes the message and answers it...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/webchat/messages", lose_the_first_answer)
    page.get_by_role("textbox").fill("I lost my card")
    page.get_by_role("button", name="Send", exact=True).dblclick()
    shown = settle(page, SqlMailbox(app.database))
    assert users(shown) == ["I lost my card"]
    assert len(posts) >= 2 and len({json.loads(body)["id"] for body in posts}) == 1
    letters = SqlMailbox(app.database).letters(conversation(page), after=0, limit=100)
    assert len(letters) == len(shown)


def test_what_people_and_the_bot_write_is_shown_as_text(open_page: Opener, app: App) -> None:
    page = opened(open_page())
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script> when will my card be ready?"
    for text in ("write an inquiry", "I agree", "a@example.com", "a@example.com", evil):
        shown = say(page, SqlMailbox(app.database), text)
    assert users(shown)[-1] == evil
    assert evil in said(shown), "the summary quotes the inquiry"
    elements = page.evaluate(
        """() => document.querySelector("mynumber-chat").shadowRoot
            .querySelectorAll(".log img, .log script").length"""
    )
    assert elements == 0 and dialogs == []


def test_streams_that_end_resume_with_the_last_event_id_losing_nothing(
    open_page: Opener, app: App, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "LIFETIME", 0.3)  # every stream ends at once: reconnections
    page = opened(open_page())
    mailbox = SqlMailbox(app.database)
    say(page, mailbox, "I lost my phone")
    opened_streams: list[Any] = []
    page.on("request", lambda r: "/webchat/events" in r.url and opened_streams.append(r))
    while len(opened_streams) < 3:
        page.wait_for_timeout(100)
    last = len(mailbox.letters(conversation(page), after=0, limit=100))
    assert opened_streams[-1].all_headers().get("last-event-id") == str(last)
    with httpx.Client(base_url=served.url) as client:  # the same conversation, from elsewhere
        post(client, conversation(page), text="hours", locale="en")
    shown = settle(page, mailbox)
    assert users(shown) == ["I lost my phone", "hours"]


def test_forget_erases_the_conversation_here_and_on_the_server(open_page: Opener, app: App) -> None:
    page = opened(open_page())
    mailbox = SqlMailbox(app.database)
    say(page, mailbox, "I lost my card")
    erased = conversation(page)
    box = page.get_by_role("textbox")
    box.fill("/forget")
    box.press("Enter")
    page.wait_for_function("(key) => sessionStorage.getItem(key) === null", arg=STORE)
    [notice] = transcript(page)
    assert notice["from"] == "bot" and "erased this conversation" in notice["text"]
    assert mailbox.letters(erased, after=0, limit=10) == []
    shown = say(page, mailbox, "hours")  # a new conversation, under a new id
    assert conversation(page) != erased and users(shown) == ["hours"]


def test_the_announcements_add_each_message_once(open_page: Opener, app: App) -> None:
    page = opened(open_page())
    say(page, SqlMailbox(app.database), "I lost my phone")
    page.evaluate(
        """() => {
            const log = document.querySelector("mynumber-chat").shadowRoot.querySelector(".log");
            window.seen = {added: 0, changed: 0};
            new MutationObserver((records) => {
                for (const record of records) {
                    if (record.type === "characterData") window.seen.changed += 1;
                    for (const node of record.addedNodes)
                        if (node.classList?.contains("msg")) window.seen.added += 1;
                }
            }).observe(log, {childList: true, characterData: true, subtree: true});
        }"""
    )
    before = len(transcript(page))
    after = len(say(page, SqlMailbox(app.database), "hours"))
    assert page.evaluate("() => window.seen") == {"added": after - before, "changed": 0}


def test_the_strict_policy_on_a_page_of_another_origin(browser: Any, app: App) -> None:
    from tests.webchat.host_page import hosted

    with hosted(app) as (host, _webchat):
        for path, hostile in (("/strict", False), ("/hostile", True)):
            context = browser.new_context()
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda message, seen=console: seen.append(message.text))
            page.goto(host + path)
            launcher = page.get_by_role("button", name=CHAT)
            expect(launcher).to_be_visible()
            size = launcher.evaluate("(node) => getComputedStyle(node).fontSize")
            assert size == "16px", "the page's styles do not reach into the widget"
            opened(page)
            shown = say(page, SqlMailbox(app.database), "I lost my phone")
            assert "0120-0178-27" in said(shown)
            assert not [text for text in console if "Content Security Policy" in text], console
            if hostile:  # nor do the widget's styles reach the page's
                colour = page.evaluate("() => getComputedStyle(document.querySelector('p')).color")
                assert colour == "rgb(255, 0, 255)"
                assert page.evaluate("() => document.styleSheets.length") == 1
            context.close()


def test_japanese_the_browsers_language_and_switching(open_page: Opener, app: App) -> None:
    page = open_page("/webchat/?lang=ja")
    page.get_by_role("button", name="チャットで問い合わせ").click()
    first = page.locator("mynumber-chat .urgent a.number").first
    expect(first).to_have_attribute("href", "tel:0120950178")
    shown = say(page, SqlMailbox(app.database), "カードをなくしました")
    assert "0120-0178-27" in said(shown)
    assert {m["lang"] for m in shown} == {"ja"}
    korean = open_page(locale="ko-KR")
    korean.get_by_role("button", name="채팅 상담").click()
    korean.get_by_role("combobox", name="언어").select_option("es")
    expect(korean.get_by_role("button", name="Enviar")).to_be_visible()
    shown = say(korean, SqlMailbox(app.database), "perdí mi tarjeta")
    assert [m["lang"] for m in shown if m["from"] == "bot"][-1] == "es"


@pytest.mark.parametrize(
    "options",
    [
        {"viewport": {"width": 320, "height": 640}},
        {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},  # 1280x800 at 200%
    ],
    ids=["320px", "200%"],
)
def test_reflow_without_sideways_scrolling(open_page: Opener, options: dict[str, Any]) -> None:
    page = opened(open_page(**options))
    width, height = options["viewport"]["width"], options["viewport"]["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for name in ("textbox", "log"):
        box = page.get_by_role(name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, name
    send = page.get_by_role("button", name="Send", exact=True).bounding_box()
    assert send["x"] + send["width"] <= width + 0.5 and send["y"] + send["height"] <= height + 0.5


def test_the_send_box_stays_above_a_phones_keyboard(open_page: Opener) -> None:
    page = opened(open_page(viewport={"width": 360, "height": 740}, has_touch=True))
    page.set_viewport_size({"width": 360, "height": 380})  # the keyboard takes the rest
    box = page.get_by_role("textbox")
    page.wait_for_function(
        """() => {
            const root = document.querySelector("mynumber-chat").shadowRoot;
            const panel = root.querySelector(".panel");
            return panel.getBoundingClientRect().bottom <= visualViewport.height + 0.5;
        }""",
        timeout=WAIT,
    )
    place = box.bounding_box()
    assert place["y"] >= 0 and place["y"] + place["height"] <= 380


@pytest.mark.parametrize(
    ("path", "options"),
    [
        ("/webchat/", {"viewport": {"width": 1280, "height": 800}}),
        ("/webchat/?lang=ja", {"viewport": {"width": 360, "height": 740}}),
    ],
    ids=["en-desktop", "ja-phone"],
)
def test_axe_finds_nothing_serious(
    open_page: Opener, app: App, path: str, options: dict[str, Any]
) -> None:
    page = opened(open_page(path, bypass_csp=True, **options))
    say(page, SqlMailbox(app.database), "I lost my phone")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
