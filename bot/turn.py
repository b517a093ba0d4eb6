"""What one turn works with, shared by the dialogue's collaborators: the event, the state as it
changes, the replies said so far, and the ways of saying things.

:class:`Parts` are what every conversation shares (built once by :class:`bot.engine.Engine`);
:class:`TurnContext` is one turn's. The collaborators (:mod:`bot.dialogue` reads the user,
:mod:`bot.walking` moves through the flows, :mod:`bot.reminding` and :mod:`bot.inquiring` do
the reminders' and the inquiry's part) each hold the same context, and none holds another's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.catalog import Catalog, placeholders
from bot.inquiry import PROMPT_PARAMS, InquiryDraft
from bot.messages import Button, Event, PhoneCard, Reply
from bot.reminders import ReminderBook
from bot.render import Renderer, payload
from bot.state import ConversationState
from bot.understanding import Understanding
from flows.model import AnswerStep, Flow, FlowSet, Step

# What outlives a topic: the languages, and the last topic (for the inquiry it may lead to).
_KEPT_SLOTS = ("phone_language", "previous_topic", "written_language", "ui_language")


@dataclass(frozen=True, slots=True, kw_only=True)
class Parts:
    """What every conversation shares: flows, words, renderer, matchers, and the draws of an
    inquiry's token and reference (injected, so that tests and replays are reproducible)."""

    flows: FlowSet
    catalog: Catalog
    renderer: Renderer
    understanding: Understanding
    new_token: Callable[[], str]
    reference_for: Callable[[str], str]


class TurnContext:
    """Mutable for the length of one turn; the engine keeps only its replies, inquiries and
    final state.

    ``reminders``: the conversation's, in the turn's transaction (None: none can be kept, with
    no store or no address); ``storage_available`` False: nothing this turn decides can be kept;
    ``attempt`` counts runs of the same turn after storage conflicts.
    """

    def __init__(
        self,
        parts: Parts,
        event: Event,
        state: ConversationState | None,
        language: str,
        *,
        storage_available: bool = True,
        attempt: int = 1,
        reminders: ReminderBook | None = None,
    ) -> None:
        self.parts = parts
        self.flows = parts.flows
        self.render = parts.renderer
        self.understanding = parts.understanding
        self.event = event
        self.language = language
        self.storage_available = storage_available
        self.attempt = attempt
        self.reminders = reminders
        self.fresh = state is None
        self.state = replace(state or self.start_state({}), locale=language)
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
        return placeholders(self.parts.catalog.raw(self.language, key)) <= known

    def followup_buttons(self, options: tuple[str, ...]) -> tuple[Button, ...]:
        choice = self.flows.choices["after_answer"]
        return tuple(
            Button(self.text(option.label), payload(choice.id, option.id))
            for option in choice.options
            if option.id in options
        )

    def menu_button(self) -> tuple[Button, ...]:
        return self.followup_buttons(("menu",))

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

    def start_state(self, slots: dict[str, str]) -> ConversationState:
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

    def after_flow(
        self, *, last_answer: str | None = None, previous_topic: str | None = None
    ) -> ConversationState:
        """Back at the main flow's start, waiting for a new topic."""
        state = self.start_state({"previous_topic": previous_topic} if previous_topic else {})
        return replace(state, awaiting="topic", last_answer=last_answer)
