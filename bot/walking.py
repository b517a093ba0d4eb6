"""Moving through the flows: entering steps, answering with numbers, asking again.

:class:`Walker` does what a step says (ask, answer, take input, act, hand over to another flow)
and what the dialogue decided (a new topic, a language, the menu). What cannot be placed is
asked again once, then the menu and the main numbers are offered (rule 3 of DESIGN.md).
"""

from __future__ import annotations

from dataclasses import replace

from bot.inquiring import InquiryActions
from bot.inquiry import INQUIRY_SLOTS
from bot.messages import PhoneCard
from bot.needs import Reading
from bot.reminding import ReminderTalk
from bot.turn import TurnContext
from flows.model import ActionStep, AnswerStep, AskStep, HandoverStep, InputStep, SlotSpec, Step

_MAX_HOPS = 32  # steps entered in one turn; flows are validated, this only stops a data cycle
_MISSES_BEFORE_MENU = 2


class Walker:
    """The flows' part of a turn, over the turn's context."""

    def __init__(self, turn: TurnContext, reminding: ReminderTalk) -> None:
        self.turn = turn
        self.reminding = reminding
        self.inquiring = InquiryActions(turn)

    # -- what the dialogue decided ---------------------------------------------------------------

    def start_topic(self, topic: str, mentions: Reading) -> None:
        turn = self.turn
        turn.state = turn.start_state({"topic": topic})
        self.take_mentions(mentions, skip="topic")
        self.enter(turn.flow().start)

    def take_mentions(self, mentions: Reading, *, skip: str) -> None:
        for slot in ("lost_item", "phone_language"):
            value = mentions.best(slot)
            if slot != skip and value is not None:
                self.turn.state = self.turn.state.with_slots(**{slot: value})

    def switch_language(self, language: str) -> None:
        """Write in ``language`` from now on, whatever the client's locale says."""
        turn = self.turn
        if language in turn.parts.catalog.languages:
            turn.language = language
        turn.state = replace(turn.state.with_slots(ui_language=language), locale=turn.language)
        turn.say(turn.text("language.switched"))
        if turn.state.awaiting == "topic" and turn.state.last_answer:
            self.take_language(language)  # and the last answer again, for that language
        else:
            self.reprompt()

    def take_language(self, spoken: str) -> None:
        """The phone language, said outside a question: refines the last answer, if any."""
        turn = self.turn
        turn.state = replace(turn.state.with_slots(phone_language=spoken), misses=0)
        if turn.state.awaiting == "topic" and turn.state.last_answer:
            self.enter(turn.state.last_answer)
        else:
            turn.say(turn.text("language.noted", language=turn.text(f"lang.{spoken}")))
            self.reprompt()

    def choose(self, set_id: str, option_id: str) -> None:
        turn = self.turn
        step = turn.current_step()
        turn.state = replace(turn.state.with_slots(**{set_id: option_id}), misses=0)
        if isinstance(step, AskStep) and step.choices == set_id:
            target = step.next.get(option_id, step.otherwise)
            if target is None:  # an option the data understands but does not route here
                self.miss()
            else:
                self.enter(target)
        else:  # a slot an answer required: answer now
            turn.state = replace(turn.state, awaiting=None)
            self.enter(turn.state.step)

    def after_answer(self, option: str) -> None:
        turn = self.turn
        last = turn.state.last_answer
        if option == "phone_language" and last:
            # Back in the main flow (an inquiry under way is left), asking for the last answer.
            turn.state = turn.start_state({}).with_slots(phone_language=None)
            self.ask_slot(last, turn.flow().slots["phone_language"])
        elif option == "inquiry":
            self.start_topic("inquiry", Reading())
        else:
            self.show_menu()

    # -- steps ---------------------------------------------------------------------------------

    def enter(self, step_id: str) -> None:
        turn = self.turn
        for _ in range(_MAX_HOPS):
            step = turn.flows.step(turn.state.flow, step_id)
            if step is None:
                raise LookupError(f"flow {turn.state.flow!r} has no step {step_id!r}")
            following = self.visit(step)
            if following is None:
                return
            step_id = following
        raise RuntimeError(f"more than {_MAX_HOPS} steps in one turn, last {step_id!r}")

    def visit(self, step: Step) -> str | None:
        """Do what the step does; return the next step to enter, or None to wait for the user."""
        turn = self.turn
        slots = turn.state.slots
        match step:
            case AskStep() if slots.get(step.choices) in step.next:
                return step.next[slots[step.choices]]
            case AskStep():
                turn.wait(step.id, step.choices)
                notices = [turn.prompt(key) for key in step.notices if turn.speakable(key)]
                choices = turn.flows.choices[step.choices]
                turn.say(
                    "\n\n".join([*notices, turn.prompt(step.prompt)]),
                    turn.render.buttons(choices, turn.language),
                )
            case AnswerStep():
                missing = [slot for slot in step.requires if slot not in slots]
                if missing:
                    self.ask_slot(step.id, turn.flow().slots[missing[0]])
                else:
                    self.answer(step)
            case InputStep() if any(slots.get(k) != v for k, v in step.only_if.items()):
                return step.next
            case InputStep():
                turn.wait(step.id, None)
                turn.say(turn.prompt(step.prompt))
            case ActionStep():
                return self._act(step)
            case HandoverStep() if not turn.storage_available:
                turn.state = turn.after_flow()
                turn.say(turn.text("inquiry.unavailable"), turn.menu_button())
            case HandoverStep():
                kept = {k: v for k, v in slots.items() if k not in INQUIRY_SLOTS}
                turn.state = replace(turn.state, flow=step.flow, slots=kept)
                return turn.flow().start
        return None

    def _act(self, step: ActionStep) -> str | None:
        turn = self.turn
        reference = self.inquiring.act(step.action)
        if reference is None:  # the store is down: nothing kept, ask to send again
            turn.state = turn.state.with_slots(send_cancel=None)
            turn.say(turn.text("inquiry.unavailable_retry"))
            self.reprompt()
            return None
        if step.next is not None:
            return step.next
        turn.state = turn.after_flow()
        turn.say(
            turn.text(step.message or "", reference=reference),
            turn.followup_buttons(step.followups),
        )
        return None

    def interject(self, topic: str) -> None:
        """The urgent answer for ``topic``, said without leaving the current step."""
        turn = self.turn
        main = turn.flows.flows[turn.flows.main]
        start = main.steps[main.start]
        target = start.next.get(topic) if isinstance(start, AskStep) else None
        step = main.steps.get(target or "")
        if isinstance(step, AnswerStep):
            text, cards = turn.numbers(step)
            turn.say(f"{turn.text('answer.urgent_aside')}\n\n{text}", phones=cards)

    def answer(self, step: AnswerStep) -> None:
        turn = self.turn
        text, cards = turn.numbers(step)
        turn.state = turn.after_flow(
            last_answer=step.id, previous_topic=turn.state.slots.get("topic")
        )
        prompt = turn.text("after.prompt")
        buttons = turn.followup_buttons(step.followups)
        offer = self.reminding.offer(cards, step.need)
        if offer is not None:
            prompt = f"{offer}\n\n{prompt}"
            buttons = (self.reminding.offer_button(), *buttons)
        turn.say(f"{text}\n\n{prompt}", buttons, cards)

    # -- asking and answering again -------------------------------------------------------------

    def ask_slot(self, step_id: str, spec: SlotSpec) -> None:
        turn = self.turn
        turn.wait(step_id, spec.name)
        first = turn.written_first if spec.choices == "phone_language" else None
        choices = turn.flows.choices[spec.choices]
        turn.say(turn.text(spec.prompt), turn.render.buttons(choices, turn.language, first))

    def show_menu(self) -> None:
        self.turn.state = self.turn.start_state({})
        self.enter(self.turn.flow().start)

    def cancel(self) -> None:
        on_cancel = self.turn.flow().on_cancel
        if on_cancel is not None:
            self.enter(on_cancel)
        else:
            self.turn.say(self.turn.text("cancel.done"))
            self.show_menu()

    def stale(self) -> None:
        self.turn.say(self.turn.text("error.stale_button"))
        self.reprompt()

    def reprompt(self) -> None:
        """Ask again what the current step asks (after help, a stale button, a miss)."""
        turn = self.turn
        step = turn.current_step()
        awaiting = turn.state.awaiting
        if isinstance(step, AnswerStep) and awaiting in turn.flow().slots:
            self.ask_slot(step.id, turn.flow().slots[awaiting])
        elif isinstance(step, AskStep | InputStep):
            self.enter(step.id)
        else:
            self.show_menu()

    def miss(self) -> None:
        turn = self.turn
        misses = turn.state.misses + 1
        if turn.fresh:
            # Unknown to us, or only unreadable for now (the store is down): say which.
            turn.say(turn.text("welcome" if turn.storage_available else "error.degraded"))
            self.show_menu()
        elif misses >= _MISSES_BEFORE_MENU:
            turn.state = turn.after_flow()
            fallback = turn.flows.step(turn.flows.main, turn.flow().fallback or "")
            text = turn.text("error.fallback")
            cards: tuple[PhoneCard, ...] = ()
            if isinstance(fallback, AnswerStep):
                numbers, cards = turn.numbers(fallback)
                text = f"{text}\n\n{numbers}"
            turn.say(text, phones=cards)
            self.show_menu()
        else:
            turn.say(turn.text("error.unclear"))
            self.reprompt()
            turn.state = replace(turn.state, misses=misses)
