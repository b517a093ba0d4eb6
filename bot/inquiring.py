"""The written inquiry's effects in the dialogue: recording consent, and the confirmed draft
handed to the service to store with the turn (see :mod:`bot.inquiry` for the validators)."""

from __future__ import annotations

from bot.inquiry import build_draft, consent_slots
from bot.turn import Turn


class Inquiring(Turn):
    """A part of :class:`bot.dialogue.Dialogue`: what the inquiry flow's action steps do."""

    def act(self, action: str) -> str | None:
        """Run a flow's named effect: the inquiry's reference for `submit_inquiry` (None when
        the store is down), else an empty string."""
        if action == "record_consent":
            notice = self.text("inquiry.privacy_notice")
            token = self.engine.new_token()
            self.state = self.state.with_slots(**consent_slots(notice, self.event.at, token))
        elif action == "submit_inquiry":
            return self.submit()
        # discard_inquiry: ending the flow drops every inquiry slot; nothing else was kept.
        return ""

    def submit(self) -> str | None:
        """The confirmed inquiry, for the service to store with this turn's state; its
        reference, or None when nothing can be stored now."""
        if not self.storage_available:
            return None
        draft = build_draft(
            self.state.slots,
            event=self.event,
            locale=self.language,
            reference_for=self.engine.reference_for,
            attempt=self.attempt,
        )
        self.inquiries.append(draft)
        return draft.reference
