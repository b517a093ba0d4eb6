"""The dialogue: reads the event against the state and walks the flows.

Precedence follows DESIGN.md: commands (only as whole messages); free text while an input is
asked for; an option's number; a lost card or phone (rule 1: urgent first, wherever the user
is); the answer to what was asked; anything else the message mentions. What cannot be placed is
asked again once, then the menu and the main numbers are offered (rule 3).
"""

from __future__ import annotations

from dataclasses import replace

from bot.inquiring import Inquiring
from bot.inquiry import INQUIRY_SLOTS, VALIDATORS
from bot.messages import PhoneCard
from bot.normalize import digits_only
from bot.reminders import CANCEL, OFFER
from bot.reminding import Reminding
from bot.understanding import Mentions
from flows.model import (
    ActionStep,
    AnswerStep,
    AskStep,
    HandoverStep,
    InputStep,
    SlotSpec,
    Step,
)

_MAX_HOPS = 32  # steps entered in one turn; flows are validated, this only stops a data cycle
_MISSES_BEFORE_MENU = 2


class Dialogue(Reminding, Inquiring):
    """Reads the event and walks the flows; see :class:`bot.turn.Turn` for what it works with."""

    def run(self) -> None:
        if self.event.button:
            self.on_button(self.event.button)
        elif self.event.text and self.event.text.strip():
            self.on_text(self.event.text)
        else:
            self.miss()

    # -- reading the user ----------------------------------------------------------------------

    def on_text(self, text: str) -> None:
        understanding = self.engine.understanding
        written = understanding.written_language(
            text, default_han="ja" if self.language == "ja" else "zh"
        )
        if written is not None:
            self.state = self.state.with_slots(written_language=written)
        command = understanding.command(text)
        step = self.current_step()
        number = digits_only(text)
        if command is not None:
            self.on_command(command)
        elif isinstance(step, InputStep):
            # Rule 1 holds here too; what was typed is still read as the answer asked for.
            urgent = understanding.mentions(text).urgent_topic()
            if urgent is not None:
                self.interject(urgent)
            self.on_input(step, text, quiet=urgent is not None)
        elif number is not None and 1 <= int(number) <= len(self.state.buttons):
            self.on_button(self.state.buttons[int(number) - 1])
        elif (
            (named := understanding.ui_language(text))
            and named != self.language
            and self.state.awaiting != "phone_language"
        ):
            # A language's own name alone: the user wants to be helped in it.
            self.switch_language(named)
        else:
            self.on_free_text(text, step)

    def on_free_text(self, text: str, step: Step | None) -> None:
        understanding = self.engine.understanding
        if "remind_line" in self.state.slots:
            offer = understanding.answer(OFFER, text) or understanding.exactly(OFFER, text)
            if offer is not None:
                self.on_offer(offer)
                return
        mentions = understanding.mentions(text)
        urgent = mentions.urgent_topic()
        awaited = self.state.awaiting
        answer = understanding.answer(awaited, text) if awaited else None
        if urgent is not None and not (awaited == "topic" and answer == urgent):
            self.start_topic(urgent, mentions)
        elif answer is not None and awaited is not None:
            self.take_mentions(mentions, skip=awaited)
            self.choose(awaited, answer)
        elif (topic := mentions.best("topic")) is not None:
            self.start_topic(topic, mentions)
        elif (spoken := mentions.best("phone_language")) is not None:
            self.take_language(spoken)
        elif isinstance(step, AskStep) and step.otherwise is not None:
            self.enter(step.otherwise)
        else:
            self.miss()

    def on_button(self, pressed: str) -> None:
        set_id, _, option_id = pressed.partition(":")
        choice = self.flows.choices.get(set_id)
        if set_id == CANCEL:
            self.cancel_reminder(option_id)
        elif choice is None or choice.option(option_id) is None:
            self.stale()
        elif set_id == self.state.awaiting:
            self.choose(set_id, option_id)
        elif set_id == "topic":
            self.start_topic(option_id, Mentions())
        elif set_id == "after_answer":
            self.after_answer(option_id)
        elif set_id == OFFER:
            self.on_offer(option_id)
        elif set_id == "phone_language":
            self.take_language(option_id)
        elif set_id == "commands":
            self.on_command(option_id)
        elif set_id == "ui_language":
            self.switch_language(option_id)
        elif set_id == "send_cancel" and not self.storage_available:
            # The inquiry's state cannot be read now, nor anything stored: the button is still
            # in the chat, and works once the store is back.
            self.say(self.text("inquiry.unavailable_retry"))
        else:  # an option of a question that is no longer open
            self.stale()

    def on_command(self, command: str) -> None:
        if command == "help":
            self.say(self.text("help.text"))
            self.reprompt()
        elif command == "cancel":
            self.cancel()
        elif command == "forget":
            self.erase = True
            if self.reminders is not None:
                self.reminders.clear()
            self.say(self.text("forget.done"))
        elif command == "reminders":
            self.list_reminders()
        elif command == "hours":
            phone_language = self.state.slots.get("phone_language")
            text, cards = self.render.all_hours(
                self.event.at, self.language, phone_language, first=self.written_first
            )
            self.say(text, self.followup_buttons(("menu",)), cards)
        elif command == "language":
            choices = self.flows.choices["ui_language"]
            self.say(
                self.text("ask.ui_language"),
                self.render.buttons(choices, self.language, self.written_first),
            )
        elif command == "thanks":
            self.state = replace(self.state, misses=0)
            self.say(self.text("thanks.reply"), self.followup_buttons(("menu",)))
        else:
            self.show_menu()

    def on_input(self, step: InputStep, text: str, *, quiet: bool = False) -> None:
        """Validate and keep the input; ``quiet``: a refused one was not meant as input."""
        checked = VALIDATORS[step.validate](text, self.state.slots)
        if checked.value is None:
            if not quiet:
                self.say(self.text(checked.error or "error.unclear", **(checked.params or {})))
            self.say(self.prompt(step.prompt))
            return
        if checked.masked:
            self.say(self.text("inquiry.individual_number_masked"))
        self.state = self.state.with_slots(**{step.slot: checked.value})
        self.enter(step.next)

    # -- moving through flows ------------------------------------------------------------------

    def start_topic(self, topic: str, mentions: Mentions) -> None:
        self.state = self._start_state({"topic": topic})
        self.take_mentions(mentions, skip="topic")
        self.enter(self.flow().start)

    def take_mentions(self, mentions: Mentions, *, skip: str) -> None:
        for slot in ("lost_item", "phone_language"):
            value = mentions.best(slot)
            if slot != skip and value is not None:
                self.state = self.state.with_slots(**{slot: value})

    def switch_language(self, language: str) -> None:
        """Write in ``language`` from now on, whatever the client's locale says."""
        if language in self.engine.catalog.languages:
            self.language = language
        self.state = replace(self.state.with_slots(ui_language=language), locale=self.language)
        self.say(self.text("language.switched"))
        if self.state.awaiting == "topic" and self.state.last_answer:
            self.take_language(language)  # and the last answer again, for that language
        else:
            self.reprompt()

    def take_language(self, spoken: str) -> None:
        """The phone language, said outside a question: refines the last answer, if any."""
        self.state = replace(self.state.with_slots(phone_language=spoken), misses=0)
        if self.state.awaiting == "topic" and self.state.last_answer:
            self.enter(self.state.last_answer)
        else:
            self.say(self.text("language.noted", language=self.text(f"lang.{spoken}")))
            self.reprompt()

    def choose(self, set_id: str, option_id: str) -> None:
        step = self.current_step()
        self.state = replace(self.state.with_slots(**{set_id: option_id}), misses=0)
        if isinstance(step, AskStep) and step.choices == set_id:
            target = step.next.get(option_id, step.otherwise)
            if target is None:  # an option the data understands but does not route here
                self.miss()
            else:
                self.enter(target)
        else:  # a slot an answer required: answer now
            self.state = replace(self.state, awaiting=None)
            self.enter(self.state.step)

    def after_answer(self, option: str) -> None:
        last = self.state.last_answer
        if option == "phone_language" and last:
            # Back in the main flow (an inquiry under way is left), asking for the last answer.
            self.state = self._start_state({}).with_slots(phone_language=None)
            self.ask_slot(last, self.flow().slots["phone_language"])
        elif option == "inquiry":
            self.start_topic("inquiry", Mentions())
        else:
            self.show_menu()

    def enter(self, step_id: str) -> None:
        for _ in range(_MAX_HOPS):
            step = self.flows.step(self.state.flow, step_id)
            if step is None:
                raise LookupError(f"flow {self.state.flow!r} has no step {step_id!r}")
            following = self.visit(step)
            if following is None:
                return
            step_id = following
        raise RuntimeError(f"more than {_MAX_HOPS} steps in one turn, last {step_id!r}")

    def visit(self, step: Step) -> str | None:
        """Do what the step does; return the next step to enter, or None to wait for the user."""
        slots = self.state.slots
        match step:
            case AskStep() if slots.get(step.choices) in step.next:
                return step.next[slots[step.choices]]
            case AskStep():
                self.wait(step.id, step.choices)
                notices = [self.prompt(key) for key in step.notices if self.speakable(key)]
                choices = self.flows.choices[step.choices]
                self.say(
                    "\n\n".join([*notices, self.prompt(step.prompt)]),
                    self.render.buttons(choices, self.language),
                )
            case AnswerStep():
                missing = [slot for slot in step.requires if slot not in slots]
                if missing:
                    self.ask_slot(step.id, self.flow().slots[missing[0]])
                else:
                    self.answer(step)
            case InputStep() if any(slots.get(k) != v for k, v in step.only_if.items()):
                return step.next
            case InputStep():
                self.wait(step.id, None)
                self.say(self.prompt(step.prompt))
            case ActionStep():
                reference = self.act(step.action)
                if reference is None:  # the store is down: nothing kept, ask to send again
                    self.state = self.state.with_slots(send_cancel=None)
                    self.say(self.text("inquiry.unavailable_retry"))
                    self.reprompt()
                    return None
                if step.next is not None:
                    return step.next
                self.state = self._after_flow()
                self.say(
                    self.text(step.message or "", reference=reference),
                    self.followup_buttons(step.followups),
                )
            case HandoverStep() if not self.storage_available:
                self.state = self._after_flow()
                self.say(self.text("inquiry.unavailable"), self.followup_buttons(("menu",)))
            case HandoverStep():
                kept = {k: v for k, v in slots.items() if k not in INQUIRY_SLOTS}
                self.state = replace(self.state, flow=step.flow, slots=kept)
                return self.flow().start
        return None

    def interject(self, topic: str) -> None:
        """The urgent answer for ``topic``, said without leaving the current step."""
        main = self.flows.flows[self.flows.main]
        start = main.steps[main.start]
        target = start.next.get(topic) if isinstance(start, AskStep) else None
        step = main.steps.get(target or "")
        if isinstance(step, AnswerStep):
            text, cards = self.numbers(step)
            self.say(f"{self.text('answer.urgent_aside')}\n\n{text}", phones=cards)

    def answer(self, step: AnswerStep) -> None:
        text, cards = self.numbers(step)
        self.state = self._after_flow(
            last_answer=step.id, previous_topic=self.state.slots.get("topic")
        )
        prompt = self.text("after.prompt")
        buttons = self.followup_buttons(step.followups)
        offer = self.offer_reminder(cards, step.need)
        if offer is not None:
            prompt = f"{offer}\n\n{prompt}"
            buttons = (self.offer_button(), *buttons)
        self.say(f"{text}\n\n{prompt}", buttons, cards)

    # -- asking and answering again -------------------------------------------------------------

    def ask_slot(self, step_id: str, spec: SlotSpec) -> None:
        self.wait(step_id, spec.name)
        first = self.written_first if spec.choices == "phone_language" else None
        choices = self.flows.choices[spec.choices]
        self.say(self.text(spec.prompt), self.render.buttons(choices, self.language, first))

    def show_menu(self) -> None:
        self.state = self._start_state({})
        self.enter(self.flow().start)

    def cancel(self) -> None:
        on_cancel = self.flow().on_cancel
        if on_cancel is not None:
            self.enter(on_cancel)
        else:
            self.say(self.text("cancel.done"))
            self.show_menu()

    def stale(self) -> None:
        self.say(self.text("error.stale_button"))
        self.reprompt()

    def reprompt(self) -> None:
        """Ask again what the current step asks (after help, a stale button, a miss)."""
        step = self.current_step()
        awaiting = self.state.awaiting
        if isinstance(step, AnswerStep) and awaiting in self.flow().slots:
            self.ask_slot(step.id, self.flow().slots[awaiting])
        elif isinstance(step, AskStep | InputStep):
            self.enter(step.id)
        else:
            self.show_menu()

    def miss(self) -> None:
        misses = self.state.misses + 1
        if self.fresh:
            # Unknown to us, or only unreadable for now (the store is down): say which.
            self.say(self.text("welcome" if self.storage_available else "error.degraded"))
            self.show_menu()
        elif misses >= _MISSES_BEFORE_MENU:
            self.state = self._after_flow()
            fallback = self.flows.step(self.flows.main, self.flow().fallback or "")
            text = self.text("error.fallback")
            cards: tuple[PhoneCard, ...] = ()
            if isinstance(fallback, AnswerStep):
                numbers, cards = self.numbers(fallback)
                text = f"{text}\n\n{numbers}"
            self.say(text, phones=cards)
            self.show_menu()
        else:
            self.say(self.text("error.unclear"))
            self.reprompt()
            self.state = replace(self.state, misses=misses)
