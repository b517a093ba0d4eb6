"""What one turn works with: the event, the state as it changes, the replies said so far, and
the ways of saying things. :class:`bot.dialogue.Dialogue` adds the reading and the flow."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.catalog import placeholders
from bot.inquiry import PROMPT_PARAMS, InquiryDraft
from bot.messages import Button, Event, PhoneCard, Reply
from bot.render import payload
from bot.state import ConversationState
from flows.model import AnswerStep, Flow, Step

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.reminders import ReminderBook

# What outlives a topic: the languages, and the last topic (for the inquiry it may lead to).
_KEPT_SLOTS = ("phone_language", "previous_topic", "written_language", "ui_language")


class Turn:
    """Mutable for the length of one turn; the engine keeps only its replies and final state."""

    def __init__(
        self,
        engine: Engine,
        event: Event,
        state: ConversationState | None,
        language: str,
        *,
        storage_available: bool = True,
        attempt: int = 1,
        reminders: ReminderBook | None = None,
    ) -> None:
        self.storage_available = storage_available
        self.reminders = reminders  # None: none can be kept (no store, or no address)
        self.attempt = attempt
        self.engine = engine
        self.flows = engine.flows
        self.render = engine.renderer
        self.event = event
        self.language = language
        self.fresh = state is None
        self.state = replace(state or self._start_state({}), locale=language)
        self.replies: list[Reply] = []
        self.inquiries: list[InquiryDraft] = []
        self.erase = False

    def result_state(self) -> ConversationState | None:
        if self.erase:
            return None
        buttons = next((reply.buttons for reply in reversed(self.replies) if reply.buttons), ())
        return replace(self.state, buttons=tuple(button.payload for button in buttons))

    # -- saying things -------------------------------------------------------------------------

    def say(
        self, text: str, buttons: tuple[Button, ...] = (), phones: tuple[PhoneCard, ...] = ()
    ) -> None:
        self.replies.append(Reply(text=text, buttons=buttons, phones=phones))

    def text(self, key: str, /, **params: object) -> str:
        return self.render.text(self.language, key, **params)

    def prompt(self, key: str) -> str:
        """A prompt or notice that may quote what the user gave (the inquiry's summary)."""
        return self.text(key, **PROMPT_PARAMS, **self.state.slots)

    def speakable(self, key: str) -> bool:
        """A notice is left out when it names a slot the user did not fill."""
        filled = {name for name, value in self.state.slots.items() if value}
        known = {*PROMPT_PARAMS, *filled, *self.render.facts}
        return placeholders(self.engine.catalog.raw(self.language, key)) <= known

    def followup_buttons(self, options: tuple[str, ...]) -> tuple[Button, ...]:
        choice = self.flows.choices["after_answer"]
        return tuple(
            Button(self.text(option.label), payload(choice.id, option.id))
            for option in choice.options
            if option.id in options
        )

    @property
    def written_first(self) -> str:
        """The language listed first among choices of languages: the one the user writes in,
        else the bot's."""
        return self.state.slots.get("written_language", self.language)

    def numbers(self, step: AnswerStep) -> tuple[str, tuple[PhoneCard, ...]]:
        """The answer's text and phone cards for this caller: their phone language if known,
        else every language group, the one they write in first."""
        phone_language = self.state.slots.get("phone_language")
        return self.render.answer(
            step, self.event.at, self.language, phone_language, first=self.written_first
        )

    # -- state ---------------------------------------------------------------------------------

    def wait(self, step_id: str, awaiting: str | None) -> None:
        self.state = replace(self.state, step=step_id, awaiting=awaiting)

    def current_step(self) -> Step | None:
        return self.flows.step(self.state.flow, self.state.step)

    def flow(self) -> Flow:
        return self.flows.flows[self.state.flow]

    def _start_state(self, slots: dict[str, str]) -> ConversationState:
        """The main flow's start, keeping what outlives a topic; any other flow is left."""
        current = getattr(self, "state", None)
        kept = {k: v for k, v in (current.slots if current else {}).items() if k in _KEPT_SLOTS}
        main = self.flows.flows[self.flows.main]
        return ConversationState(
            flow=main.id,
            step=main.start,
            slots={**kept, **slots},
            locale=self.language,
            last_answer=current.last_answer if current else None,
        )

    def _after_flow(
        self, *, last_answer: str | None = None, previous_topic: str | None = None
    ) -> ConversationState:
        """Back at the main flow's start, waiting for a new topic."""
        state = self._start_state({"previous_topic": previous_topic} if previous_topic else {})
        return replace(state, awaiting="topic", last_answer=last_answer)
