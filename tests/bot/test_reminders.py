"""Reminders in the engine and its in-memory store, with a clock the test sets: when they are
due (weekends, holidays, the New Year's holidays), firing once, late ones with an apology,
rescheduling when the line turned out closed, and what the user can do with them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from adapters.bootstrap import build_engine
from bot.catalog import Catalog
from bot.courier import Courier, courier_for
from bot.engine import Engine
from bot.messages import Event, Reply
from bot.reminders import Reminder, ReminderDesk
from bot.service import BotService
from flows.loader import default_flows
from knowledge.loader import default_knowledge
from knowledge.model import Closure
from testkit.memory import MemoryStore
from tests.bot.helpers import jst, said

GENERAL = "0120-0178-26"


class Chat:
    """One conversation through the service, with the courier that fires its reminders."""

    def __init__(self, service: BotService | None = None) -> None:
        self.store = MemoryStore()
        self.service = service or BotService(engine=build_engine(), store=self.store)
        self.now = jst("2026-11-28T20:30")
        self.delivered: list[Reply] = []
        self.courier: Courier = courier_for(self.service, conversation_clock=lambda: self.now)
        self.courier.route("console", lambda _to, reply, _key: self.delivered.append(reply))

    def say(self, text: str | None = None, *, button: str | None = None) -> str:
        event = Event(
            conversation="console:1",
            at=self.now,
            text=text,
            button=button,
            locale="en",
            address="console:1",
        )
        answer = self.service.answer(event)
        self.courier.handed_over(answer)
        return said(answer.replies)

    def at(self, when: str) -> str:
        """The clock moves to ``when``; what the pump delivered."""
        self.now = jst(when)
        self.delivered = []
        self.courier.pump()
        return said(self.delivered)

    def accept_general_line(self) -> str:
        self.say("tax and social security question")
        offered = self.say("English")
        assert "Remind me" in offered, offered
        return self.say(button="remind:yes")


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        ("2026-11-28T20:30", "2026-11-29T09:30"),  # Saturday night: Sunday morning
        ("2026-11-29T17:45", "2026-11-30T09:30"),  # Sunday after 17:30: Monday
        ("2026-11-30T07:00", "2026-11-30T09:30"),  # Monday, early: the same morning
        ("2026-11-23T18:00", "2026-11-24T09:30"),  # Labour Thanksgiving Day (holiday hours)
        ("2026-12-28T21:00", "2027-01-04T09:30"),  # across the New Year's holidays
        ("2026-12-31T12:00", "2027-01-04T09:30"),
    ],
)
def test_a_reminder_is_due_when_the_line_next_opens(asked: str, due: str) -> None:
    chat = Chat()
    chat.now = jst(asked)
    assert "I will message you" in chat.accept_general_line()
    [kept] = chat.store.reminders.values()
    assert kept.reminder.due_at == jst(due)
    assert chat.at(f"{due[:10]}T09:29") == ""
    delivered = chat.at(due)
    assert f"⏰ Your reminder: {GENERAL} is open now." in delivered
    assert "late" not in delivered
    assert chat.at(f"{due[:10]}T12:00") == "", "delivered twice"
    assert chat.store.reminders == {}


def test_a_late_reminder_comes_with_an_apology() -> None:
    chat = Chat()
    chat.accept_general_line()
    delivered = chat.at("2026-11-29T11:00")  # every worker was down at 9:30
    assert "Sorry, this reminder comes late: it was due 09:30 (Japan time)." in delivered
    assert "Open now, until 17:30" in delivered


def test_a_reminder_whose_line_turned_out_closed_moves_to_the_next_opening() -> None:
    chat = Chat()
    chat.accept_general_line()  # due Sunday 2026-11-29 09:30
    # Since then, Sunday became a closure of the line (the data changed): at 09:30 the line is
    # closed, and the reminder waits for Monday instead of announcing a closed line.
    knowledge = default_knowledge()
    general = knowledge.line("general")
    closed = Closure("extra", "Extra closure", (11, 29), (11, 29), "test")
    changed = dataclasses.replace(general, closures=(*general.closures, closed))
    lines = tuple(changed if line.id == "general" else line for line in knowledge.lines)
    engine = Engine(
        flows=default_flows(),
        knowledge=dataclasses.replace(knowledge, lines=lines),
        catalog=Catalog.load(),
    )
    desk = ReminderDesk(engine.renderer, chat.store, lambda: chat.now)
    chat.courier.producers = [desk]
    assert chat.at("2026-11-29T09:30") == ""
    [kept] = chat.store.reminders.values()
    assert kept.reminder.due_at == jst("2026-11-30T09:30")
    assert GENERAL in chat.at("2026-11-30T09:30")
    assert chat.store.reminders == {}


def test_one_reminder_per_line_and_it_can_be_cancelled() -> None:
    chat = Chat()
    chat.accept_general_line()
    again = chat.accept_general_line()
    assert f"You already have a reminder for {GENERAL}: tomorrow 09:30" in again
    assert len(chat.store.reminders) == 1
    listed = chat.say("/reminders")
    assert f"• {GENERAL}" in listed and f"Cancel {GENERAL}" in listed
    assert "is cancelled" in chat.say(button="reminder_cancel:general")
    assert "There is no reminder" in chat.say(button="reminder_cancel:general")
    assert chat.at("2026-11-29T09:30") == ""


def test_forget_erases_the_reminders_too() -> None:
    chat = Chat()
    chat.accept_general_line()
    chat.say("/forget")
    assert chat.store.reminders == {}
    assert chat.at("2026-11-29T09:30") == ""


def test_a_negated_yes_sets_nothing() -> None:
    chat = Chat()
    chat.say("tax and social security question")
    chat.say("English")
    answer = chat.say("no, don't remind me")
    assert "I will message you" not in answer
    assert chat.store.reminders == {}


def test_without_an_address_reminders_are_unavailable_not_lost() -> None:
    chat = Chat()
    chat.say("tax and social security question")
    chat.say("English")
    event = Event(conversation="console:1", at=chat.now, button="remind:yes", locale="en")
    answer = chat.service.answer(event)  # no address: nowhere to deliver a reminder
    assert "reminders cannot be set" in said(answer.replies)
    assert chat.store.reminders == {}


def test_an_offer_is_made_only_for_a_closed_line_with_an_opening() -> None:
    chat = Chat()
    chat.now = jst("2026-11-30T10:00")  # Monday morning: open
    chat.say("tax and social security question")
    answer = chat.say("English")
    assert "Open now" in answer and "Remind me" not in answer


def test_a_stale_offer_button_sets_nothing() -> None:
    chat = Chat()
    answer = chat.say(button="remind:yes")
    assert "I will message you" not in answer
    assert chat.store.reminders == {}


def test_a_reminder_speaks_the_language_it_was_set_in() -> None:
    chat = Chat()
    chat.say("/language")
    chat.say(button="ui_language:ja")
    chat.say("tax and social security question")
    chat.say("English")
    chat.say(button="remind:yes")
    [kept] = chat.store.reminders.values()
    assert kept.reminder == Reminder(
        "general", jst("2026-11-29T09:30"), "ja", "en", kept.reminder.need
    )
    delivered = chat.at("2026-11-29T09:30")
    assert GENERAL in delivered
    assert delivered != chat.at("2026-11-29T09:31")  # something was said, in Japanese
    assert "Your reminder" not in delivered


def test_a_clock_in_another_zone_fires_at_the_same_instant() -> None:
    chat = Chat()
    chat.accept_general_line()
    chat.now = datetime(2026, 11, 29, 0, 29, tzinfo=UTC)  # 09:29 in Japan
    chat.courier.pump()
    assert chat.delivered == []
    chat.now = datetime(2026, 11, 29, 0, 30, tzinfo=UTC)
    chat.courier.pump()
    assert GENERAL in said(chat.delivered)


def test_a_reminder_for_a_line_taken_out_of_the_data_is_dropped() -> None:
    chat = Chat()
    chat.accept_general_line()
    knowledge = default_knowledge()
    lines = tuple(line for line in knowledge.lines if line.id != "general")
    engine = Engine(
        flows=default_flows(),
        knowledge=dataclasses.replace(knowledge, lines=lines),
        catalog=Catalog.load(),
    )
    chat.courier.producers = [ReminderDesk(engine.renderer, chat.store, lambda: chat.now)]
    assert chat.at("2026-11-29T09:30") == ""
    assert chat.store.reminders == {} and chat.store.outbox == {}
