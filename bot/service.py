"""A turn with storage around it: load the state, let the engine answer, save the new state."""

from __future__ import annotations

import logging

from bot.engine import Engine
from bot.messages import Event, Reply
from bot.state import ConversationState
from bot.storage import ConversationStore, StorageUnavailable

log = logging.getLogger(__name__)


class BotService:
    """What every adapter calls: one event in, the replies out, the state kept in between."""

    def __init__(self, *, engine: Engine, store: ConversationStore) -> None:
        self.engine = engine
        self.store = store

    def handle(self, event: Event) -> tuple[Reply, ...]:
        """Answer the event. With the store down, the bot still gives numbers and hours (they
        need no storage) and says the written inquiry is unavailable; nothing is half-stored."""
        available = True
        try:
            stored = self.store.load(event.conversation)
        except StorageUnavailable:
            log.warning("storage unavailable: answering without the conversation's state")
            available, stored = False, None
        state = None
        if stored is not None:
            try:
                state = ConversationState.from_json(stored)
            except ValueError:
                # Written by an older version or damaged: start afresh at the menu, as a
                # conversation whose step no longer exists does.
                log.warning("unreadable state for a conversation; starting afresh")
        turn = self.engine.respond(event, state, storage_available=available)
        if available:
            try:
                if turn.state is None:
                    self.store.delete(event.conversation)
                else:
                    self.store.save(event.conversation, turn.state.to_json())
            except StorageUnavailable:
                log.warning("storage unavailable: this turn's state was not kept")
        return turn.replies
