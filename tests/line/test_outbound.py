"""What the bot sends LINE: within LINE's limits in every language, on the reply token while it
lasts, pushed with a retry key that stays the same on every attempt (409 counts as sent), a
spent quota not retried; the user's language from their profile; follow, unsend, loading."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.bootstrap import App, build_engine
from adapters.line.outbound import LABEL, QUICK_REPLIES, TEXT_LIMIT, messages
from bot.courier import MAX_ATTEMPTS
from bot.messages import Button, Reply
from bot.render import payload
from testkit.line.driver import LineRig, event
from testkit.line.stand_in import LIMITS

AT = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
NIGHT = datetime(2026, 11, 28, 20, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # the general line shut
USER = "U00000000000000000000000000000001"


class Counted:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def count(self, name: str, channel: str, amount: int = 1) -> None:
        self.counts[f"{channel}:{name}"] += amount


def _every_menu() -> list[tuple[str, str, tuple[Button, ...]]]:
    engine = build_engine()
    return [
        (language, choice.id, engine.renderer.buttons(choice, language))
        for language in engine.catalog.languages
        for choice in engine.flows.choices.values()
    ]


@pytest.mark.parametrize(("language", "choices", "buttons"), _every_menu())
def test_every_menu_fits_a_quick_reply_in_every_language(
    language: str, choices: str, buttons: tuple[Button, ...]
) -> None:
    [message] = messages((Reply("choose", buttons),))
    items = message.quick_reply.items if message.quick_reply else []
    assert len(items) == len(buttons) <= QUICK_REPLIES == LIMITS["quick_replies"]
    for item, button in zip(items, buttons, strict=True):
        assert item.action.label == button.label and len(button.label) <= LABEL
        assert item.action.data == button.payload and len(button.payload) <= LIMITS["data"]


def test_a_long_text_is_split_at_paragraphs_within_lines_limit() -> None:
    paragraphs = ["☎ " + "あ" * 2990, "b" * 2990, "c" * 10]
    sent = messages((Reply("\n\n".join(paragraphs), (Button("Main menu", payload("x", "y")),)),))
    assert [m.text for m in sent] == [paragraphs[0], "\n\n".join(paragraphs[1:])]
    assert all(len(m.text) <= TEXT_LIMIT for m in sent)
    assert sent[0].quick_reply is None and sent[-1].quick_reply is not None


def test_more_than_five_messages_go_as_a_reply_and_a_push(app: App) -> None:
    long = Reply("\n\n".join(["x" * 4900] * 7))

    class Long:
        engine, store = app.service.engine, app.service.store

        def answer(self, inbound: object) -> object:
            from bot.service import Answer

            return Answer((long,))

    with LineRig.running(Long(), courier=app.courier) as rig:  # type: ignore[arg-type]
        sent = rig.post(event(USER, AT, text="hello", reply_token=rig.stand_in.reply_token(USER)))
    assert len(sent) == 7
    calls = [call for call in rig.stand_in.calls if call.path in ("reply", "push")]
    assert [(c.path, c.status, len(c.body["messages"])) for c in calls] == [
        ("reply", 200, 5),
        ("push", 200, 2),
    ]


def test_a_spent_reply_token_falls_back_to_a_push(rig: LineRig) -> None:
    token = rig.stand_in.reply_token(USER)
    rig.stand_in.expire(token)
    [answer] = rig.post(event(USER, AT, text="I lost my phone", reply_token=token))
    assert "0120-0178-27" in answer["text"]
    statuses = [(c.path, c.status) for c in rig.stand_in.calls if c.path in ("reply", "push")]
    assert statuses == [("reply", 400), ("push", 200)]
    [push] = [c for c in rig.stand_in.calls if c.path == "push"]
    assert push.headers.get("X-Line-Retry-Key")


def test_a_later_push_keeps_its_retry_key_and_a_second_copy_is_not_delivered(
    rig: LineRig,
) -> None:
    """LINE took a push whose answer never came back (a worker killed right after, a cut
    connection): the next attempt carries the same key, LINE answers 409, and that counts as
    sent: the user has one copy."""
    rig.stand_in.fail("reply", 500)  # the turn's own send fails: the outbox keeps the reply
    rig.stand_in.lose_answer("push")  # the pump's first push arrives, its answer does not
    rig.post(event(USER, AT, text="I lost my phone", reply_token=rig.stand_in.reply_token(USER)))
    _until(lambda: [c.status for c in rig.stand_in.calls if c.path == "push"] == [500, 409])
    pushes = [c for c in rig.stand_in.calls if c.path == "push"]
    assert len({c.headers["X-Line-Retry-Key"] for c in pushes}) == 1
    assert len(rig.stand_in.messages_to(USER)) == 1
    _until(lambda: rig.courier.outbox.pending() == 0)  # type: ignore[attr-defined]


def _until(condition: object, timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_spent_quota_is_counted_and_not_retried(app: App) -> None:
    counted = Counted()
    with LineRig.running(app.service, courier=app.courier, counters=counted) as rig:
        rig.stand_in.quota = 0
        token = rig.stand_in.reply_token(USER)
        rig.stand_in.expire(token)  # so the answer must be pushed
        assert rig.post(event(USER, AT, text="I lost my phone", reply_token=token)) == []
        _until(lambda: app.service.store.pending() == 0)  # type: ignore[attr-defined]
        pushes = [c for c in rig.stand_in.calls if c.path == "push"]
    assert [c.status for c in pushes] == [429]  # refused for good: dropped, not 12 attempts
    assert MAX_ATTEMPTS > 1
    assert counted.counts["line:push_quota_refused"] == 1
    assert counted.counts["line:push"] == 0


def test_pushes_are_counted(app: App) -> None:
    counted = Counted()
    with LineRig.running(app.service, courier=app.courier, counters=counted) as rig:
        token = rig.stand_in.reply_token(USER)
        rig.stand_in.expire(token)
        rig.post(event(USER, AT, text="I lost my phone", reply_token=token))
    assert counted.counts["line:push"] == 1


def test_the_profiles_language_is_asked_once_and_used(rig: LineRig) -> None:
    from bot.catalog import Catalog

    rig.stand_in.profiles[USER] = "ja"
    for text in ("hello", "menu"):
        answers = rig.post(event(USER, AT, text=text, reply_token=rig.stand_in.reply_token(USER)))
        assert Catalog.load().text("ja", "ask.topic") in "".join(a["text"] for a in answers)
    assert [c.path for c in rig.stand_in.calls].count("profile") == 1


def test_a_follow_is_greeted(rig: LineRig) -> None:
    from bot.catalog import Catalog

    token = rig.stand_in.reply_token(USER)
    greeting = rig.post(event(USER, AT, kind="follow", reply_token=token))
    assert Catalog.load().text("en", "welcome") in greeting[0]["text"]
    assert greeting[-1].get("quickReply")  # the menu


def test_an_unsent_email_is_forgotten(app: App, rig: LineRig) -> None:
    for text in ("write an inquiry", "I agree"):
        rig.post(event(USER, AT, text=text, reply_token=rig.stand_in.reply_token(USER)))
    email = event(USER, AT, text="unsent@example.com", reply_token=rig.stand_in.reply_token(USER))
    rig.post(email)
    from adapters.sql.conversations import SqlConversationStore

    def state() -> str:
        with SqlConversationStore(app.database).transaction(f"line:{USER}") as transaction:
            return transaction.load() or ""

    assert "unsent@example.com" in state()
    unsend = {**event(USER, AT, kind="unsend"), "unsend": {"messageId": email["message"]["id"]}}
    assert rig.post(unsend) == []
    assert "unsent@example.com" not in state()


def test_a_slow_turn_shows_the_loading_animation(app: App) -> None:
    release = threading.Event()

    class Slow:
        engine, store = app.service.engine, app.service.store

        def answer(self, inbound: object) -> object:
            release.wait(30)
            return app.service.answer(inbound)  # type: ignore[arg-type]

    with LineRig.running(Slow(), courier=app.courier) as rig:  # type: ignore[arg-type]
        turn = event(USER, AT, text="hello", reply_token=rig.stand_in.reply_token(USER))
        waiting = threading.Thread(target=rig.post, args=(turn,))
        waiting.start()
        _until(lambda: any(c.path == "loading" for c in rig.stand_in.calls))
        release.set()
        waiting.join(30)
    [loading] = [c for c in rig.stand_in.calls if c.path == "loading"]
    assert loading.body["chatId"] == USER
