"""Messages and button presses through the real adapter and a stand-in Bot API."""

from __future__ import annotations

import re

from adapters.bootstrap import App
from adapters.telegram.channel import COMMANDS
from adapters.telegram.outbound import MAX_MESSAGE
from bot.messages import Button, Reply
from bot.service import Answer
from testkit.telegram.driver import Rig
from tests.telegram.helpers import (
    AT,
    SUSPENSION_NUMBER,
    buttons,
    methods,
    press,
    say,
    sent,
    texts,
)

KANA = re.compile(r"[\u3040-\u30ff]")


async def test_a_message_gets_the_number_and_its_status(rig: Rig) -> None:
    calls = await rig.deliver(say("I lost my smartphone"))
    [message] = sent(calls)
    assert message.params["parse_mode"] == "HTML"
    [text] = texts(calls)
    assert SUSPENSION_NUMBER in text
    assert "Open now" in text
    assert f"<b>{SUSPENSION_NUMBER}</b>" in message.params["text"]  # the numbers in bold
    assert buttons(message), "the follow-up choices come as an inline keyboard"


async def test_a_pressed_button_is_answered_and_the_query_too(rig: Rig) -> None:
    [menu] = sent(await rig.deliver(say("/start")))
    choices = buttons(menu)
    payload = next(data for label, data in choices.items() if "smartphone" in label)
    update = press(payload)
    calls = await rig.deliver(update)
    assert methods(calls) == ["answerCallbackQuery", "sendMessage"]
    [answer] = [call for call in calls if call.method == "answerCallbackQuery"]
    assert answer.params["callback_query_id"] == update["callback_query"]["id"]
    assert SUSPENSION_NUMBER in texts(calls)[0]


async def test_the_commands_are_registered_in_every_catalog_language(rig: Rig) -> None:
    registered = {
        call.params.get("language_code"): [c["command"] for c in call.params["commands"]]
        for call in rig.stand_in.calls
        if call.method == "setMyCommands"
    }
    assert registered[None] == list(COMMANDS)
    assert registered["ja"] == list(COMMANDS)


async def test_commands_reach_the_engine(rig: Rig) -> None:
    assert "erased" in texts(await rig.deliver(say("/forget")))[0]
    [language] = sent(await rig.deliver(say("/language")))
    assert "Which language" in language.params["text"]
    assert any(data.startswith("ui_language:") for data in buttons(language).values())
    assert "What is your question about?" in texts(await rig.deliver(say("/start payload")))[0]


async def test_the_bot_writes_in_the_users_client_language(rig: Rig) -> None:
    [text] = texts(await rig.deliver(say("I lost my smartphone", language_code="ja")))
    assert KANA.search(text)
    assert SUSPENSION_NUMBER in text


async def test_a_message_without_text_is_not_met_with_silence(rig: Rig) -> None:
    assert texts(await rig.deliver(say(None)))


async def test_what_the_user_typed_comes_back_escaped(rig: Rig) -> None:
    for text in ("I want to send an inquiry", "I agree", "taro@example.com", "taro@example.com"):
        await rig.deliver(say(text))
    typed = "Is <b>&</b> allowed in the name on my card?"
    calls = await rig.deliver(say(typed))
    [summary] = [call for call in sent(calls) if "taro@example.com" in call.params["text"]]
    assert "Is &lt;b&gt;&amp;&lt;/b&gt; allowed" in summary.params["text"]
    assert "<b>&</b>" not in summary.params["text"]
    assert typed in texts(calls)[-1]  # and reads as typed


class _Scripted:
    """A service that says the same thing to everything (the engine's replies are short)."""

    def __init__(self, app: App, replies: tuple[Reply, ...]) -> None:
        self.engine = app.service.engine
        self.store = app.service.store
        self.replies = replies

    def answer(self, _event: object) -> Answer:
        return Answer(self.replies)


async def test_a_long_reply_is_split_between_paragraphs_with_the_keyboard_last(app: App) -> None:
    paragraphs = [f"{n} " + "x" * 1500 for n in range(5)]
    reply = Reply(text="\n\n".join(paragraphs), buttons=(Button("Main menu", "after_answer:menu"),))
    async with Rig.running(_Scripted(app, (reply,)), clock=lambda: AT) as rig:  # type: ignore[arg-type]
        calls = sent(await rig.deliver(say("hello")))
    assert len(calls) == 3
    assert all(len(call.params["text"]) <= MAX_MESSAGE for call in calls)
    assert [bool(buttons(call)) for call in calls] == [False, False, True]
    assert "\n\n".join(call.params["text"] for call in calls) == reply.text
