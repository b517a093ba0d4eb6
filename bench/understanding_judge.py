"""What "right" means for a first message (issue #15), judged on the bot's real first reply.

A case of tests/understanding/corpus is sent, as the first message of a new conversation with no
client locale, through :meth:`bot.engine.Engine.respond` at ``AT`` (a Wednesday at 10:00, every
line open) and, for the urgent needs, again at ``NIGHT`` (02:00). What the reply did is read from
the state the turn left (:func:`outcome`): the answer step it gave, the question it asks, or the
menu. It is right when (:func:`is_right`):

- lost_card, lost_phone: that answer, with the suspension number (for a caller who will speak
  Japanese, the page's Japanese number for it), its status for this caller (at 02:00 `Open now`
  for a smartphone) and, when the message states a phone language, that language's hours only;
  at both times;
- lost (the item not said): the suspension number at both times, or the question which item;
- card, mynumber: that answer, or the phone-language question for exactly that topic when no
  language is stated; when one is, the answer at once with that language's hours;
- status, points, reply_email (with helpdesk@kojinbango-card.go.jp), privacy, health_insurance,
  bank_account, japanese: that topic's answer; inquiry: the written inquiry started;
- out_of_scope: no number presented as the answer (the `not handled` answer, or the menu);
- unclear: the menu, no number.

A *fair question* (the item, the phone language, the menu for an unclear message) is right;
another topic's answer or number is wrong, and so is an urgent answer to a message that is not
urgent (a false alarm, counted apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.engine import Engine
from bot.messages import Event
from bot.state import ConversationState
from flows.model import AnswerStep, AskStep
from tests.understanding.corpus import Case

JAPAN = ZoneInfo("Asia/Tokyo")
AT = datetime(2026, 11, 25, 10, 0, tzinfo=JAPAN)
NIGHT = datetime(2026, 11, 25, 2, 0, tzinfo=JAPAN)
SUSPENSION = "0120-0178-27"
# The page, under the suspension line: "If you wish to be helped in Japanese, please call".
SUSPENSION_IN_JAPANESE = "0120-95-0178"
REPLY_ADDRESS = "helpdesk@kojinbango-card.go.jp"
URGENT_ANSWERS = ("lost_card", "lost_phone")
ALARMS = (*URGENT_ANSWERS, "ask_item")
_PHONE_NUMBER = re.compile(r"\d{2,4}-\d{2,4}-\d{3,4}")


@dataclass(frozen=True, slots=True)
class Reply:
    """The first reply to one message: its text, and what it did (see :func:`outcome`)."""

    text: str
    did: str
    state: ConversationState


@dataclass(frozen=True, slots=True)
class Verdict:
    case: Case
    did: str  # what the first reply did at AT
    right: bool


def answer_needs(engine: Engine) -> dict[str, str]:
    """Each answer step of the main flow, by the need it answers (its topic, or lost item)."""
    main = engine.flows.flows[engine.flows.main]
    found: dict[str, str] = {}
    for step in main.steps.values():
        if isinstance(step, AskStep) and step.choices in ("topic", "lost_item"):
            for option, target in step.next.items():
                need = option if step.choices == "topic" else f"lost_{option}"
                found.setdefault(target, need)
    return found


def first_reply(engine: Engine, text: str, at: datetime) -> Reply:
    turn = engine.respond(Event(conversation="bench:understanding", at=at, text=text), None)
    state = turn.state
    assert state is not None
    said = "\n".join(reply.all_text() for reply in turn.replies)
    return Reply(said, outcome(engine, state), state)


def outcome(engine: Engine, state: ConversationState) -> str:
    """`inquiry`, a need answered, `ask_language:<need>`, `ask_item` or `menu`."""
    if state.flow != engine.flows.main:
        return "inquiry"
    steps = answer_needs(engine)
    if state.last_answer is not None:
        return steps.get(state.last_answer, state.last_answer)
    if state.awaiting == "phone_language":
        return f"ask_language:{steps.get(state.step, state.step)}"
    if state.awaiting == "lost_item":
        return "ask_item"
    return "menu"


def expected_answer(engine: Engine, need: str, reply: Reply, at: datetime) -> str:
    """The text of ``need``'s answer as this caller should get it (their phone language)."""
    step_id = next(step for step, answered in answer_needs(engine).items() if answered == need)
    step = engine.flows.step(engine.flows.main, step_id)
    assert isinstance(step, AnswerStep)
    slots = reply.state.slots
    locale = reply.state.locale
    assert locale is not None  # an answer was given, so its language was settled
    text, _ = engine.renderer.answer(
        step,
        at,
        locale,
        slots.get("phone_language"),
        first=slots.get("written_language", locale),
    )
    return text


def judge(engine: Engine, case: Case) -> Verdict:
    day = first_reply(engine, case.text, AT)
    right = is_right(engine, case, day, AT)
    if right and case.urgent and day.did != "ask_item":
        right = is_right(engine, case, first_reply(engine, case.text, NIGHT), NIGHT)
    return Verdict(case, day.did, right)


def is_right(engine: Engine, case: Case, reply: Reply, at: datetime) -> bool:
    need, did = case.need, reply.did
    spoken = reply.state.slots.get("phone_language")
    if need == "lost":
        return did == "ask_item" or (did in URGENT_ANSWERS and SUSPENSION in reply.text)
    if need in ("out_of_scope", "unclear"):
        allowed = ("menu", "out_of_scope") if need == "out_of_scope" else ("menu",)
        return did in allowed and _PHONE_NUMBER.search(reply.text) is None
    if need in ("card", "mynumber") and case.phone_language is None:
        return did == f"ask_language:{need}"
    if did != need:
        return False
    if need == "inquiry":
        return True
    if need in ("card", "mynumber", *URGENT_ANSWERS) and spoken != case.phone_language:
        return False  # a language the message did not state, or not the one it did
    suspension = SUSPENSION_IN_JAPANESE if spoken == "ja" else SUSPENSION
    if need in URGENT_ANSWERS and suspension not in reply.text:
        return False
    if need == "reply_email" and REPLY_ADDRESS not in reply.text:
        return False
    return expected_answer(engine, need, reply, at) in reply.text
