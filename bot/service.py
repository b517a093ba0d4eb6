"""A turn with storage around it: one transaction loads the state, stores what the engine
decided (new state, confirmed inquiries, reminders, the replies for the outbox) and commits;
listeners hear of new inquiries after."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine import Engine, TurnResult
from bot.guard import StoreGuard
from bot.inquiry import INQUIRY_SLOTS, InquiryDraft
from bot.messages import Event, Reply
from bot.parcel import Parcel
from bot.staff import Notice
from bot.state import ConversationState
from bot.storage import ConversationStore, Transaction
from common.errors import StorageConflict, StorageUnavailable

log = logging.getLogger(__name__)

InquiryListener = Callable[[InquiryDraft], None]
_ATTEMPTS = 3  # a conflict is rare (a reference drawn twice, a concurrent write): retry a little


@dataclass(frozen=True, slots=True)
class Answer:
    """A turn's replies; ``parcel``: the same in the outbox, when they were kept there (the
    channel reports to its :class:`~bot.courier.Courier` once it has sent them); ``notices``:
    parcels telling other channels (the staff's) of the inquiries the turn stored, for the
    courier."""

    replies: tuple[Reply, ...]
    parcel: Parcel | None = None
    notices: tuple[Parcel, ...] = ()


class BotService:
    """What every adapter calls: one event in, the replies out, the state kept in between."""

    def __init__(
        self,
        *,
        engine: Engine,
        store: ConversationStore,
        on_inquiry: Sequence[InquiryListener] = (),
        notices: Sequence[str] = (),
        guard: StoreGuard | None = None,
    ) -> None:
        """``notices``: outbox channels told of each new inquiry, in the transaction that
        stores it (the staff's Slack channel: a post that no crash can lose); ``guard``:
        the deadline on the store and its breaker (:mod:`bot.guard`)."""
        self.engine = engine
        self.store = store
        self.on_inquiry = list(on_inquiry)
        self.notices = tuple(notices)
        self.guard = guard or StoreGuard()
        self.guard.interrupt = store.interrupt

    def handle(self, event: Event) -> tuple[Reply, ...]:
        """The replies of :meth:`answer`."""
        return self.answer(event).replies

    def answer(self, event: Event) -> Answer:
        """Answer the event; a delivery already handled gets no reply at all (empty replies).

        With the store down, hanging past the guard's deadline or failed too recently, the turn
        is answered as if nothing could be kept: numbers and hours still (they need no
        storage), the written inquiry refused or its sending to be repeated; the replies are
        then not in the outbox (``parcel`` None): the channel sends them once.
        """
        if not self.guard.down():
            answered = self.guard.run(lambda abandoned: self._stored(event, abandoned))
            if answered is not None:
                return answered
            log.warning("the store did not answer in time: answering without it")
        return Answer(self.engine.respond(event, None, storage_available=False).replies)

    def _stored(self, event: Event, abandoned: threading.Event) -> Answer:
        state: ConversationState | None = None
        for attempt in range(1, _ATTEMPTS + 1):
            stored: list[InquiryDraft] = []
            parcel: Parcel | None = None
            notices: list[Parcel] = []
            try:
                with self.store.transaction(event.conversation) as transaction:
                    if event.delivery_id and not transaction.claim(
                        event.channel, event.delivery_id
                    ):
                        return Answer(())  # a redelivery of what a committed turn answered
                    state = _read_state(transaction)
                    reminders = (
                        transaction.reminders(event.channel, event.address)
                        if event.address is not None
                        else None
                    )
                    turn = self.engine.respond(event, state, attempt=attempt, reminders=reminders)
                    _write_turn(transaction, turn, stored)
                    if event.address is not None and turn.replies:
                        parcel = transaction.enqueue(event.channel, event.address, turn.replies)
                    notices = [
                        _notice(transaction, channel, draft)
                        for draft in stored
                        for channel in self.notices
                    ]
                    if abandoned.is_set():  # answered without the store meanwhile
                        raise StorageUnavailable("abandoned past the deadline")
                break
            except StorageConflict:
                log.warning("storage conflict on attempt %d; running the turn again", attempt)
            except StorageUnavailable:
                log.warning("storage unavailable: answering without keeping anything")
                return Answer(self.engine.respond(event, state, storage_available=False).replies)
        else:
            return Answer(self.engine.respond(event, state, storage_available=False).replies)
        if _let_go(state, turn):
            try:
                self.store.scrub()
            except StorageUnavailable:
                log.warning("could not scrub the store after a turn that let go of user data")
        for draft in stored:
            self._announce(draft)
        return Answer(turn.replies, parcel, tuple(notices))

    def _announce(self, draft: InquiryDraft) -> None:
        for listener in self.on_inquiry:
            try:
                listener(draft)
            except Exception:
                # The inquiry is stored and the user has their reference; a failed listener
                # (the metrics') must not turn that into an error for the user.
                log.exception("an inquiry listener failed for %s", draft.reference)


def _notice(transaction: Transaction, channel: str, draft: InquiryDraft) -> Parcel:
    """A parcel whose address says all (:class:`bot.staff.Notice`); its one reply, the
    reference, is what a channel without richer rendering would show."""
    address = Notice.of(draft).as_address()
    return transaction.enqueue(channel, address, (Reply(draft.reference),))


def _let_go(before: ConversationState | None, turn: TurnResult) -> bool:
    """Whether the turn dropped what a user typed for an inquiry without storing it (a
    decline, a cancel, /forget, a message taken back)."""
    if before is None or turn.inquiries:
        return False
    typed = {name for name in INQUIRY_SLOTS if before.slots.get(name)}
    after = turn.state.slots if turn.state is not None else {}
    return any(after.get(name) != before.slots[name] for name in typed)


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


def _write_turn(transaction: Transaction, turn: TurnResult, stored: list[InquiryDraft]) -> None:
    stored += [draft for draft in turn.inquiries if transaction.add_inquiry(draft)]
    if turn.state is None:
        transaction.delete()
    else:
        transaction.save(turn.state.to_json())
