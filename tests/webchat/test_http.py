"""The web chat over HTTP, as the widget uses it: posts keyed by client message ids, the event
stream numbered and resumed with Last-Event-ID, origins, caps and limits, /forget, the demo page
and the widget's own files."""

from __future__ import annotations

import gzip
import json
import logging
import queue
import re
import threading
from pathlib import Path

import httpx
import pytest

from adapters.bootstrap import App
from adapters.sql.mailbox import SqlMailbox
from adapters.webchat.assets import PAGE_POLICY, STATIC
from adapters.webchat.inbound import MAX_BODY, MAX_TEXT
from testkit.webchat.serving import Served, caught_up, draw_id, events, post
from tests.webchat.conftest import ALLOWED, close_app, make_app_on, running

SUSPENSION = "0120-0178-27"
VALID_NUMBER = "123456789018"  # passes the Individual Number check digit (tests/bot)


def said(messages: list[dict], sender: str = "bot") -> str:
    return "\n".join(m["text"] for m in messages if m["from"] == sender)


def test_a_message_and_its_replies_come_numbered_in_order(client: httpx.Client) -> None:
    chat, message = draw_id(), draw_id()
    answer = post(client, chat, id=message, text="I lost my phone", locale="en")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"seq": 1, "direct": [], "forgotten": False}
    shown = caught_up(client, chat)
    assert [m["seq"] for m in shown] == list(range(1, len(shown) + 1))
    first, *replies = shown
    assert (first["from"], first["client"], first["text"]) == ("user", message, "I lost my phone")
    assert replies and all(m["from"] == "bot" and m["lang"] == "en" for m in replies)
    assert SUSPENSION in said(shown) and SUSPENSION in replies[0]["phones"]


def test_a_retried_post_is_one_message_answered_once(client: httpx.Client) -> None:
    chat, message = draw_id(), draw_id()
    first = post(client, chat, id=message, text="hours", locale="en")
    again = post(client, chat, id=message, text="hours", locale="en")
    assert first.json()["seq"] == again.json()["seq"] == 1
    shown = caught_up(client, chat)
    assert [m["from"] for m in shown].count("user") == 1
    post(client, chat, id=message, text="hours", locale="en")  # a third time, after the answer
    assert caught_up(client, chat) == shown


def test_the_stream_resumes_after_the_last_event_id(client: httpx.Client) -> None:
    chat = draw_id()
    post(client, chat, text="I lost my card", locale="en")
    before = caught_up(client, chat)
    post(client, chat, text="menu", locale="en")
    after = caught_up(client, chat, before[-1]["seq"])
    assert after[0]["seq"] == before[-1]["seq"] + 1
    assert after[0]["text"] == "menu"
    assert caught_up(client, chat) == before + after
    # The header a reconnecting browser sends wins over the address it first opened.
    resumed = caught_up(client, chat, before[-1]["seq"], **{"X-Unused": "1"})
    assert resumed == after
    params = {"conversation": chat, "after": "0"}
    headers = {"Last-Event-ID": str(before[-1]["seq"])}
    with client.stream("GET", "/webchat/events", params=params, headers=headers) as stream:
        name, data = next(events(stream.iter_lines()))
    assert name == "message" and json.loads(data)["seq"] == after[0]["seq"]


def test_an_open_stream_gets_each_new_message_as_it_is_committed(
    served: Served, client: httpx.Client
) -> None:
    chat = draw_id()
    seen: queue.Queue[tuple[str, str]] = queue.Queue()

    def listen() -> None:
        with (
            httpx.Client(base_url=served.url, timeout=30) as own,
            own.stream("GET", "/webchat/events", params={"conversation": chat}) as stream,
        ):
            for item in events(stream.iter_lines()):
                seen.put(item)
                if item[0] == "message" and json.loads(item[1])["from"] == "bot":
                    return

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    assert seen.get(timeout=10) == ("ready", '{"seq":0}')
    post(client, chat, text="I lost my phone", locale="en")
    user = json.loads(seen.get(timeout=10)[1])
    bot = json.loads(seen.get(timeout=10)[1])
    assert (user["from"], user["seq"], bot["from"], bot["seq"]) == ("user", 1, "bot", 2)
    reader.join(timeout=10)


def test_origins_not_allowed_are_refused_and_allowed_ones_get_cors(
    served: Served, client: httpx.Client
) -> None:
    chat = draw_id()
    evil = {"Origin": "http://evil.example"}
    body = {"conversation": chat, "id": draw_id(), "text": "hello"}
    assert client.post("/webchat/messages", json=body, headers=evil).status_code == 403
    assert (
        client.get("/webchat/events", params={"conversation": chat}, headers=evil).status_code
        == 403
    )
    assert client.get("/webchat/welcome", headers=evil).status_code == 403
    assert caught_up(client, chat) == []  # nothing was kept of the refused post
    allowed = client.post("/webchat/messages", json=body, headers={"Origin": ALLOWED})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    preflight = client.options(
        "/webchat/messages",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "POST"
    assert "content-type" in preflight.headers["access-control-allow-headers"]
    own_page = {"Origin": served.url}  # the demo page's own origin: no CORS needed
    same = client.get("/webchat/welcome", headers=own_page)
    assert same.status_code == 200 and "access-control-allow-origin" not in same.headers


def test_bodies_and_texts_are_capped(client: httpx.Client) -> None:
    chat = draw_id()
    huge = client.post(
        "/webchat/messages",
        content=b'{"text": "' + b"a" * (MAX_BODY + 1) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    long = post(client, chat, text="a" * (MAX_TEXT + 1), locale="ja")
    assert long.status_code == 400
    assert str(MAX_TEXT) in long.json()["message"]
    for bad in (b"not json", b"[1, 2]", b'{"conversation": "short", "id": "x", "text": "hi"}'):
        answer = client.post("/webchat/messages", content=bad)
        assert answer.status_code == 400, bad
    assert caught_up(client, chat) == []


def test_rate_limits_answer_429_with_retry_after_in_the_users_language(app: App) -> None:
    limits = {"WEBCHAT_MESSAGES_PER_MINUTE": "2", "WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE": "3"}
    with running(app, **limits) as served, httpx.Client(base_url=served.url) as client:
        chat = draw_id()
        assert post(client, chat, text="hours", locale="ja").status_code == 200
        assert post(client, chat, text="hours", locale="ja").status_code == 200
        refused = post(client, chat, text="hours", locale="ja")
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 60
        assert f"{wait}秒後" in refused.json()["message"]
        # Another conversation of the same address: its own allowance, the address's last one.
        other = draw_id()
        assert post(client, other, text="hours", locale="en").status_code == 200
        shared = post(client, other, text="hours", locale="en")
        assert shared.status_code == 429 and "seconds" in shared.json()["message"]
        assert [m["from"] for m in caught_up(client, chat)].count("user") == 2


def test_forget_erases_the_mailbox_and_says_so_in_the_answer(
    app: App, client: httpx.Client
) -> None:
    chat = draw_id()
    post(client, chat, text="I lost my card", locale="en")
    assert caught_up(client, chat)
    answer = post(client, chat, text="/forget", locale="en").json()
    assert answer["forgotten"] is True
    assert "erased this conversation" in answer["direct"][0]["text"]
    assert caught_up(client, chat) == []
    assert SqlMailbox(app.database).letters(chat, after=0, limit=10) == []


def test_an_individual_number_never_reaches_the_mailbox(app: App, client: httpx.Client) -> None:
    chat = draw_id()
    post(client, chat, text=f"my number is {VALID_NUMBER}, I lost the card", locale="en")
    shown = caught_up(client, chat)
    assert VALID_NUMBER not in json.dumps(shown)
    assert "************" in shown[0]["text"]
    with app.database.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT body FROM mailbox").fetchall()
    assert rows and not any(VALID_NUMBER in row[0] for row in rows)


def test_the_demo_page_is_the_contact_page_with_one_deferred_script(
    client: httpx.Client,
) -> None:
    page = client.get("/webchat/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert page.headers["content-security-policy"] == PAGE_POLICY
    html = page.text
    assert html.count("<script") == 1 and '<script src="widget.js" defer></script>' in html
    assert "<style" not in html and "style=" not in html
    assert '<html lang="ko">' in html
    assert '<a href="tel:0120017827">0120-0178-27</a>' in html
    assert "Handling of Personal Information" in html and '<main lang="en">' in html
    japanese = client.get("/webchat/", params={"lang": "ja"}).text
    assert '<html lang="ja">' in japanese and "お問い合わせ" in japanese
    assert client.get("/webchat/", params={"lang": "xx"}).text.startswith("<!doctype html>")


def test_the_page_is_a_copy_of_the_seed() -> None:
    seed = Path(__file__).resolve().parents[3] / "shared" / "seed" / "contact-us.txt"
    if not seed.exists():
        pytest.skip(f"no seed page at {seed} to compare with")
    assert (STATIC / "contact-us.txt").read_bytes() == seed.read_bytes()


def test_the_widget_is_small_and_never_evaluates_or_parses_html(client: httpx.Client) -> None:
    script = client.get("/webchat/widget.js")
    style = client.get("/webchat/widget.css")
    size = len(gzip.compress(script.content, 9)) + len(gzip.compress(style.content, 9))
    assert size < 30 * 1024, f"{size} bytes gzipped"
    code = script.text
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function",
                      "document.write", 'setAttribute("style"', "cssText"):  # fmt: skip
        assert forbidden not in code, forbidden
    assert "__WEBCHAT_CONFIG__" not in code and '"launcher":"Chat with us"' in code.replace(
        ": ", ":"
    )
    cached = client.get("/webchat/widget.js", headers={"If-None-Match": script.headers["etag"]})
    assert cached.status_code == 304


def test_welcome_gives_the_lost_card_line_with_its_status(client: httpx.Client) -> None:
    english = client.get("/webchat/welcome", params={"lang": "en"}).json()["urgent"]
    [card] = english["phones"]
    assert (card["number"], card["tel"]) == (SUSPENSION, "tel:0120017827")
    assert re.match(r"(Open now|Closed now)", card["statuses"][0])
    assert any("wrong numbers" in note for note in english["notes"])
    japanese = client.get("/webchat/welcome", params={"lang": "ja"}).json()["urgent"]
    assert [p["number"] for p in japanese["phones"]] == ["0120-95-0178", SUSPENSION]


def test_with_the_database_down_the_answer_itself_carries_the_replies() -> None:
    from tests.serve.helpers import CLOSED_POSTGRES

    app = make_app_on(CLOSED_POSTGRES)
    try:
        with running(app) as served, httpx.Client(base_url=served.url) as client:
            answer = post(client, draw_id(), text="I lost my phone", locale="en")
            assert answer.status_code == 200
            data = answer.json()
            assert data["seq"] is None and data["forgotten"] is False
            assert SUSPENSION in "\n".join(reply["text"] for reply in data["direct"])
    finally:
        close_app(app)


def test_nothing_a_user_typed_reaches_the_log(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "zq7MARKERwc3"
    chat = draw_id()
    with caplog.at_level(logging.DEBUG):
        post(client, chat, text=f"I lost my card {marker}", locale="en")
        post(client, chat, text=marker * 5000, locale="en")  # too long
        client.post("/webchat/messages", content=f'{{"{marker}": ', timeout=10)  # not JSON
        post(client, chat, button=marker, label=marker, locale="en")  # a button never shown
        caught_up(client, chat)
    assert caplog.records and marker not in caplog.text


def test_serve_mounts_the_web_chat_among_the_other_routes(tmp_path: Path) -> None:
    from adapters.host import read_settings
    from adapters.serve.app import build_asgi_app
    from testkit.serving import serving_in_background

    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3",
        "WEBCHAT_ALLOWED_ORIGINS": ALLOWED,
    }
    app = build_asgi_app(read_settings(environ))
    with (
        serving_in_background(app, lifespan=True, timeout=20) as base,
        httpx.Client(base_url=base) as served,
    ):
        assert served.get("/healthz").status_code == 200
        assert served.get("/webchat/widget.js").status_code == 200
        answer = post(served, draw_id(), text="hours", locale="en", id=draw_id())
        assert answer.status_code == 200 and answer.json()["seq"] == 1
        cors = served.options("/webchat/messages", headers={"Origin": ALLOWED})
        assert cors.headers["access-control-allow-origin"] == ALLOWED
