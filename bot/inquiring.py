"""The written inquiry's effects in the dialogue: recording consent, and the confirmed draft
handed to the service to store with the turn (see :mod:`bot.inquiry` for the validators)."""

from __future__ import annotations

from bot.inquiry import build_draft, consent_slots
from bot.turn import TurnContext


class InquiryActions:
    """What the inquiry flow's action steps do, for one turn."""

    def __init__(self, turn: TurnContext) -> None:
        self.turn = turn

    def act(self, action: str) -> str | None:
        """Run a flow's named effect: the inquiry's reference for `submit_inquiry` (None when
        the store is down), else an empty string."""
        turn = self.turn
        if action == "record_consent":
            notice = turn.text("inquiry.privacy_notice")
            token = turn.parts.new_token()
            turn.state = turn.state.with_slots(**consent_slots(notice, turn.event.at, token))
        elif action == "submit_inquiry":
            return self.submit()
        # discard_inquiry: ending the flow drops every inquiry slot; nothing else was kept.
        return ""

    def submit(self) -> str | None:
        """The confirmed inquiry, for the service to store with this turn's state; its
        reference, or None when nothing can be stored now."""
        turn = self.turn
        if not turn.storage_available:
            return None
        draft = build_draft(
            turn.state.slots,
            event=turn.event,
            locale=turn.language,
            reference_for=turn.parts.reference_for,
            attempt=turn.attempt,
        )
        turn.inquiries.append(draft)
        return draft.reference
