"""The dialogue: reads the event against the state, and has the walker move through the flows.

Precedence follows DESIGN.md: commands (only as whole messages); free text while an input is
asked for; an option's number; a lost card or phone (rule 1: urgent first, wherever the user
is); the answer to what was asked; anything else the message mentions.
"""

from __future__ import annotations

from dataclasses import replace

from bot.inquiry import VALIDATORS
from bot.needs import Reading
from bot.normalize import digits_only
from bot.reminders import CANCEL, OFFER
from bot.reminding import ReminderTalk
from bot.state import source_slot
from bot.turn import TurnContext
from bot.walking import Walker
from flows.model import AskStep, InputStep, Step


class Dialogue:
    """One turn's reading of the user, over its context; see :mod:`bot.turn`."""

    def __init__(self, turn: TurnContext) -> None:
        self.turn = turn
        self.reminding = ReminderTalk(turn)
        self.walker = Walker(turn, self.reminding)

    def run(self) -> None:
        event = self.turn.event
        if event.button:
            self.on_button(event.button)
        elif event.text and event.text.strip():
            self.on_text(event.text)
        else:
            self.walker.miss()

    def on_text(self, text: str) -> None:
        turn, walker = self.turn, self.walker
        understanding = turn.understanding
        written = understanding.written_language(
            text, default_han="ja" if turn.language == "ja" else "zh"
        )
        if written is not None:
            turn.state = turn.state.with_slots(written_language=written)
        command = understanding.command(text)
        step = turn.current_step()
        number = digits_only(text)
        if command is not None:
            self.on_command(command)
        elif understanding.asks_hours(text):
            self.show_hours(understanding.hours_language(text))  # an unknown one: every line
        elif isinstance(step, InputStep):
            # Rule 1 holds here too; what was typed is still read as the answer asked for.
            urgent = understanding.mentions(text).urgent_topic()
            if urgent is not None:
                walker.interject(urgent)
            self.on_input(step, text, quiet=urgent is not None)
        elif number is not None and 1 <= int(number) <= len(turn.state.buttons):
            self.on_button(turn.state.buttons[int(number) - 1])
        elif (
            (named := understanding.ui_language(text))
            and named != turn.language
            and turn.state.awaiting != "phone_language"
        ):
            # A language's own name alone: the user wants to be helped in it.
            walker.switch_language(named)
        else:
            self.on_free_text(text, step)

    def on_free_text(self, text: str, step: Step | None) -> None:
        turn, walker = self.turn, self.walker
        understanding = turn.understanding
        if self.reminding.offered():
            offer = understanding.answer(OFFER, text) or understanding.exactly(OFFER, text)
            if offer is not None:
                self._offer(offer)
                return
        mentions = understanding.mentions(text)
        urgent = mentions.urgent_topic()
        awaited = turn.state.awaiting
        answer = understanding.answer(awaited, text) if awaited else None
        if urgent is not None and not (awaited == "topic" and answer == urgent):
            walker.start_topic(urgent, mentions)
        elif answer is not None and awaited is not None:
            walker.take_mentions(mentions, skip=awaited)
            walker.choose(awaited, answer)
        elif (topic := mentions.best("topic")) is not None:
            walker.start_topic(topic, mentions)
        elif (spoken := mentions.best("phone_language")) is not None:
            walker.take_language(spoken)
        elif isinstance(step, AskStep) and step.otherwise is not None:
            walker.enter(step.otherwise)
        else:
            walker.miss()

    def on_button(self, pressed: str) -> None:
        turn, walker = self.turn, self.walker
        set_id, _, option_id = pressed.partition(":")
        choice = turn.flows.choices.get(set_id)
        if set_id == CANCEL:
            if not self.reminding.cancel(option_id):
                walker.stale()
        elif choice is None or choice.option(option_id) is None:
            walker.stale()
        elif set_id == turn.state.awaiting:
            walker.choose(set_id, option_id)
        elif set_id == "topic":
            walker.start_topic(option_id, Reading())
        elif set_id == "after_answer":
            walker.after_answer(option_id)
        elif set_id == OFFER:
            self._offer(option_id)
        elif set_id == "phone_language":
            walker.take_language(option_id)
        elif set_id == "commands":
            self.on_command(option_id)
        elif set_id == "ui_language":
            walker.switch_language(option_id)
        elif set_id == "send_cancel" and not turn.storage_available:
            # The inquiry's state cannot be read now, nor anything stored: the button is still
            # in the chat, and works once the store is back.
            turn.say(turn.text("inquiry.unavailable_retry"))
        else:  # an option of a question that is no longer open
            walker.stale()

    def on_command(self, command: str) -> None:
        turn, walker = self.turn, self.walker
        if command == "help":
            turn.say(turn.text("help.text"))
            walker.reprompt()
        elif command == "cancel":
            walker.cancel()
        elif command == "forget":
            turn.erase = True
            self.reminding.clear()
            turn.say(turn.text("forget.done"))
        elif command == "reminders":
            self.reminding.show()
        elif command == "hours":
            self.show_hours(turn.state.slots.get("phone_language"))
        elif command == "language":
            choices = turn.flows.choices["ui_language"]
            turn.say(
                turn.text("ask.ui_language"),
                turn.render.buttons(choices, turn.language, turn.written_first),
            )
        elif command == "thanks":
            turn.state = replace(turn.state, misses=0)
            turn.say(turn.text("thanks.reply"), turn.menu_button())
        else:
            walker.show_menu()

    def show_hours(self, phone_language: str | None) -> None:
        """Every line and whether it is open now, for a caller of ``phone_language`` (of every
        language when None)."""
        turn = self.turn
        text, cards = turn.render.all_hours(
            turn.event.at, turn.language, phone_language, first=turn.written_first
        )
        turn.say(text, turn.menu_button(), cards)

    def on_input(self, step: InputStep, text: str, *, quiet: bool = False) -> None:
        """Validate and keep the input; ``quiet``: a refused one was not meant as input."""
        turn = self.turn
        checked = VALIDATORS[step.validate](text, turn.state.slots)
        if checked.value is None:
            if not quiet:
                turn.say(turn.text(checked.error or "error.unclear", **(checked.params or {})))
            turn.say(turn.prompt(step.prompt))
            return
        if checked.masked:
            turn.say(turn.text("inquiry.individual_number_masked"))
        turn.state = turn.state.with_slots(**{step.slot: checked.value})
        if turn.event.message_id is not None:
            turn.state = turn.state.with_slots(**{source_slot(step.slot): turn.event.message_id})
        self.walker.enter(step.next)

    def _offer(self, option: str) -> None:
        if not self.reminding.on_offer(option):
            self.walker.stale()
