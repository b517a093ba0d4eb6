"""A turn with storage around it: one transaction loads the state, stores what the engine
decided (new state, confirmed inquiries) and commits; listeners hear of new inquiries after."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.engine import Engine, Turn
from bot.inquiry import InquiryDraft
from bot.messages import Event, Reply
from bot.state import ConversationState
from bot.storage import ConversationStore, StorageConflict, StorageUnavailable, Transaction

log = logging.getLogger(__name__)

InquiryListener = Callable[[InquiryDraft], None]
_ATTEMPTS = 3  # a conflict is rare (a reference drawn twice, a concurrent write): retry a little


class BotService:
    """What every adapter calls: one event in, the replies out, the state kept in between."""

    def __init__(
        self,
        *,
        engine: Engine,
        store: ConversationStore,
        on_inquiry: Sequence[InquiryListener] = (),
    ) -> None:
        self.engine = engine
        self.store = store
        self.on_inquiry = list(on_inquiry)

    def handle(self, event: Event) -> tuple[Reply, ...]:
        """Answer the event; a delivery already handled gets no reply at all (an empty tuple).

        With the store down, the turn is answered as if nothing could be kept: numbers and hours
        still (they need no storage), the written inquiry refused or its sending to be repeated.
        """
        state: ConversationState | None = None
        for attempt in range(1, _ATTEMPTS + 1):
            stored: list[InquiryDraft] = []
            try:
                with self.store.transaction(event.conversation) as transaction:
                    if event.delivery_id and not transaction.claim(
                        event.channel, event.delivery_id
                    ):
                        return ()  # a redelivery of what a committed turn already answered
                    state = _read_state(transaction)
                    turn = self.engine.respond(event, state, attempt=attempt)
                    _write_turn(transaction, turn, stored)
                break
            except StorageConflict:
                log.warning("storage conflict on attempt %d; running the turn again", attempt)
            except StorageUnavailable:
                log.warning("storage unavailable: answering without keeping anything")
                return self.engine.respond(event, state, storage_available=False).replies
        else:
            return self.engine.respond(event, state, storage_available=False).replies
        for draft in stored:
            self._announce(draft)
        return turn.replies

    def _announce(self, draft: InquiryDraft) -> None:
        for listener in self.on_inquiry:
            try:
                listener(draft)
            except Exception:
                # The inquiry is stored and the user has their reference; a failed notice to
                # staff must not turn that into an error for the user.
                log.exception("an inquiry listener failed for %s", draft.reference)


def _read_state(transaction: Transaction) -> ConversationState | None:
    stored = transaction.load()
    if stored is None:
        return None
    try:
        return ConversationState.from_json(stored)
    except ValueError:
        # Written by an older version or damaged: start afresh at the menu, as a conversation
        # whose step no longer exists does.
        log.warning("unreadable state for a conversation; starting afresh")
        return None


def _write_turn(transaction: Transaction, turn: Turn, stored: list[InquiryDraft]) -> None:
    stored += [draft for draft in turn.inquiries if transaction.add_inquiry(draft)]
    if turn.state is None:
        transaction.delete()
    else:
        transaction.save(turn.state.to_json())
