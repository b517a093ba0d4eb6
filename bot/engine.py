"""The dialogue engine: (event, stored state) -> (replies, new state).

Pure: no channel code and no I/O but the stores handed in. The clock is the event's, so every
answer about "now" is reproducible. See :mod:`bot.dialogue` for the turn logic, and
:mod:`bot.turn` for what its collaborators share.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.catalog import Catalog
from bot.dialogue import Dialogue
from bot.inquiry import INQUIRY_SLOTS, InquiryDraft, reference_for
from bot.language import catalog_language
from bot.messages import Event, Reply
from bot.reminders import ReminderBook
from bot.render import Renderer
from bot.state import ConversationState
from bot.turn import Parts, TurnContext
from bot.understanding import Understanding
from common.errors import StaleState
from flows.model import FlowSet
from knowledge.hours import HoursEngine
from knowledge.model import Knowledge


@dataclass(frozen=True, slots=True)
class TurnResult:
    """The engine's answer to one event. ``state`` None means: erase this conversation."""

    replies: tuple[Reply, ...]
    state: ConversationState | None
    inquiries: tuple[InquiryDraft, ...] = ()


class Engine:
    """Holds what every conversation shares: flows, knowledge, catalog, matchers."""

    def __init__(
        self,
        *,
        flows: FlowSet,
        knowledge: Knowledge,
        catalog: Catalog,
        hours: HoursEngine | None = None,
        new_token: Callable[[], str] = lambda: secrets.token_hex(8),
        reference_for: Callable[[str], str] = reference_for,
    ) -> None:
        self.flows = flows
        self.catalog = catalog
        self.renderer = Renderer(
            catalog=catalog,
            knowledge=knowledge,
            hours=hours or HoursEngine(time_zone=knowledge.time_zone),
        )
        self.understanding = Understanding(flows, catalog)
        self.parts = Parts(
            flows=flows,
            catalog=catalog,
            renderer=self.renderer,
            understanding=self.understanding,
            new_token=new_token,
            reference_for=reference_for,
        )

    def respond(
        self,
        event: Event,
        stored: ConversationState | None,
        *,
        storage_available: bool = True,
        attempt: int = 1,
        reminders: ReminderBook | None = None,
    ) -> TurnResult:
        """Answer one event; never returns without at least one reply.

        ``storage_available`` False: nothing this turn decides can be kept, so no flow that
        must keep what the user types (the written inquiry) starts, and none is sent.
        ``attempt`` counts runs of the same turn after storage conflicts: an inquiry's
        reference depends on it, so a reference that clashed is not drawn again.
        ``reminders``: the conversation's, in the turn's transaction (None when they cannot
        be kept). An event that takes a message back (``unsent``) is the one answered with
        silence: what the message gave is dropped (an inquiry it was part of is left).
        """
        if event.unsent is not None:
            return self._forget(stored, event.unsent)
        state = stored if stored is not None and self._fits(stored) else None
        language = self.language_for(event, state)

        def run(state: ConversationState | None) -> TurnContext:
            turn = TurnContext(
                self.parts,
                event,
                state,
                language,
                storage_available=storage_available,
                attempt=attempt,
                reminders=reminders,
            )
            Dialogue(turn).run()
            return turn

        try:
            turn = run(state)
        except StaleState:
            # The stored state fits the flows by name but not in content: start afresh at the
            # menu, as for a step that no longer exists.
            turn = run(None)
        return TurnResult(
            replies=tuple(turn.replies),
            state=turn.result_state(),
            inquiries=tuple(turn.inquiries),
        )

    def language_for(self, event: Event, state: ConversationState | None) -> str:
        """The language the bot writes in: the one the user chose (/language), else the
        client's locale, else the one already in use, else the one the message is written in,
        else English."""
        available = self.catalog.languages
        chosen = state.slots.get("ui_language") if state is not None else None
        if chosen in available:
            return chosen
        client = catalog_language(event.locale, available)
        if client is not None:
            return client
        if state is not None and state.locale in available:
            return state.locale
        if event.text:
            written = self.understanding.written_language(event.text)
            if written in available:
                return written
        return "en"

    def _forget(self, stored: ConversationState | None, message_id: str) -> TurnResult:
        forgotten = stored.forgetting(message_id) if stored is not None else None
        if forgotten is None:
            return TurnResult(replies=(), state=stored)
        if forgotten.flow != self.flows.main:
            # Its text was part of a written inquiry: the inquiry cannot go on without it.
            kept = {k: v for k, v in forgotten.slots.items() if k not in INQUIRY_SLOTS}
            main = self.flows.flows[self.flows.main]
            forgotten = replace(forgotten, flow=main.id, step=main.start, awaiting="topic",
                                slots=kept, buttons=())  # fmt: skip
        return TurnResult(replies=(), state=forgotten)

    def _fits(self, state: ConversationState) -> bool:
        """A stored state whose flow or step no longer exists starts afresh at the menu."""
        return self.flows.step(state.flow, state.step) is not None
