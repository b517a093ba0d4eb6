"""POST /line/webhook as LINE uses it: signed or refused, acknowledged at once, every event
answered once (redeliveries too), standby and unknown events left alone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from adapters.bootstrap import App
from adapters.line.inbound import signed
from testkit.line.driver import LineRig, event
from testkit.line.stand_in import SECRET

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
USER = "U0123456789abcdef0123456789abcdef"
SUSPENSION = "0120-0178-27"


def _signature(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_lines_own_test_vector() -> None:
    body = b"bodybodybodybody"
    assert signed("channel_secret", body, "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")
    assert not signed("channel_secret", body, "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7j=")
    assert not signed("another_secret", body, "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")


@pytest.mark.parametrize("text", ["スマホをなくしました", "lost 📱 🙏", "ไทย नेपाली 한국어"])
def test_the_signature_is_of_the_raw_bytes(text: str) -> None:
    body = json.dumps({"events": [], "t": text}, ensure_ascii=False).encode()
    assert signed(SECRET, body, _signature(body))
    escaped = json.dumps({"events": [], "t": text}).encode()  # the same JSON, other bytes
    assert not signed(SECRET, escaped, _signature(body))


def _post(rig: LineRig, body: bytes, signature: str | bytes | None) -> httpx.Response:
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    return httpx.post(rig.url, content=body, headers=headers, timeout=10)


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "∆".encode()])
def test_a_request_not_signed_by_line_is_refused_and_nothing_is_done(
    rig: LineRig, signature: str | bytes | None
) -> None:
    body = json.dumps({"events": [event(USER, AT, text="I lost my phone")]}).encode()
    answer = _post(rig, body, signature)
    assert answer.status_code == 401
    assert rig.stand_in.calls == []


def test_the_verification_request_gets_200(rig: LineRig) -> None:
    body = b'{"destination":"Ubot","events":[]}'
    assert _post(rig, body, _signature(body)).status_code == 200
    assert rig.stand_in.calls == []


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"events": 3}', "{\xff".encode("latin-1")]
)
def test_a_signed_body_that_is_not_a_webhook_gets_400(rig: LineRig, body: bytes) -> None:
    assert _post(rig, body, _signature(body)).status_code == 400


def test_a_message_is_answered_on_its_reply_token(rig: LineRig) -> None:
    token = rig.stand_in.reply_token(USER)
    [answer] = rig.post(event(USER, AT, text="I lost my phone", reply_token=token))
    assert SUSPENSION in answer["text"]
    [reply] = [call for call in rig.stand_in.calls if call.path == "reply"]
    assert reply.body["replyToken"] == token and reply.status == 200
    assert not [call for call in rig.stand_in.calls if call.path == "push"]


def test_an_event_delivered_twice_is_answered_once(rig: LineRig) -> None:
    first = event(USER, AT, text="I lost my phone", reply_token=rig.stand_in.reply_token(USER))
    assert len(rig.post(first)) == 1
    again = {
        **first,
        "replyToken": rig.stand_in.reply_token(USER),
        "deliveryContext": {"isRedelivery": True},
    }
    assert rig.post(again) == []


def test_a_redelivery_reaching_another_worker_is_not_answered(app: App, rig: LineRig) -> None:
    from adapters.bootstrap import build_app

    other = build_app(app.database.url)
    try:
        with LineRig.running(other.service, stand_in=rig.stand_in) as elsewhere:
            first = event(USER, AT, text="hello", reply_token=rig.stand_in.reply_token(USER))
            assert rig.post(first)
            again = {**first, "replyToken": rig.stand_in.reply_token(USER)}
            assert elsewhere.post(again) == []
    finally:
        other.database.dispose()


def test_standby_and_unknown_events_are_left_alone(rig: LineRig) -> None:
    standby = {**event(USER, AT, text="I lost my phone"), "mode": "standby"}
    assert rig.post(standby) == []
    for kind in ("unfollow", "join", "beacon", "a-kind-from-the-future"):
        assert rig.post({**event(USER, AT, kind=kind), "anUnknownField": {"x": 1}}) == []
    assert not [call for call in rig.stand_in.calls if call.path in ("reply", "push")]


def test_the_webhook_is_acknowledged_before_the_turn_is_over(app: App) -> None:
    """LINE waits seconds at most: the answer comes while the turn is still held."""
    release = threading.Event()

    class Slow:
        engine, store = app.service.engine, app.service.store

        def answer(self, inbound: object) -> object:
            release.wait(30)
            return app.service.answer(inbound)  # type: ignore[arg-type]

    with LineRig.running(Slow(), courier=app.courier) as rig:  # type: ignore[arg-type]
        turn = event(USER, AT, text="I lost my phone", reply_token=rig.stand_in.reply_token(USER))
        body = json.dumps({"events": [turn]}).encode()
        assert _post(rig, body, _signature(body)).status_code == 200
        assert rig.stand_in.messages_to(USER) == []  # acknowledged, not yet answered
        release.set()
        rig.done.wait(turn["webhookEventId"])
        assert SUSPENSION in rig.stand_in.messages_to(USER)[0]["text"]
