"""In groups the bot answers only when addressed, and each member has a conversation of their
own."""

from __future__ import annotations

from typing import Any

from testkit.telegram.driver import Rig
from testkit.telegram.stand_in import BOT
from tests.telegram.helpers import SUSPENSION_NUMBER, say, sent, texts

GROUP = -1001234
ALICE, BOB = 71, 72


def in_group(text: str, user: int = ALICE, **more: Any) -> dict:
    return say(text, chat_id=GROUP, user_id=user, chat_type="supergroup", **more)


async def test_a_group_message_not_addressed_to_the_bot_gets_no_answer(rig: Rig) -> None:
    assert sent(await rig.deliver(in_group("I lost my smartphone"))) == []
    assert sent(await rig.deliver(in_group("/start@SomeOtherBot"))) == []
    someone = {"message_id": 9, "date": 0, "chat": {"id": GROUP, "type": "supergroup"}}
    someone["from"] = {"id": BOB, "is_bot": False, "first_name": "Bob"}
    assert sent(await rig.deliver(in_group("I lost my smartphone", reply_to=someone))) == []


async def test_a_mention_a_command_or_a_reply_to_the_bot_is_answered(rig: Rig) -> None:
    update = in_group(f"@{BOT['username']} I lost my smartphone", message_id=31)
    [answer] = sent(await rig.deliver(update))
    assert SUSPENSION_NUMBER in answer.params["text"]
    assert answer.params["reply_parameters"]["message_id"] == 31  # whom it answers
    assert texts(await rig.deliver(in_group(f"/start@{BOT['username']}")))
    assert texts(await rig.deliver(in_group("/help")))
    assert texts(await rig.deliver(in_group("thanks", reply_to=answer.result)))


async def test_each_member_of_a_group_has_a_conversation_of_their_own(rig: Rig) -> None:
    mention = f"@{BOT['username']}"
    asked = texts(await rig.deliver(in_group(f"{mention} I want to send an inquiry")))
    assert "Do you agree" in "\n".join(asked)
    # Bob's "I agree" is not Alice's consent; Alice's is.
    bob = texts(await rig.deliver(in_group(f"{mention} I agree", user=BOB)))
    assert "e-mail address" not in "\n".join(bob)
    alice = texts(await rig.deliver(in_group(f"{mention} I agree")))
    assert "e-mail address" in "\n".join(alice)
