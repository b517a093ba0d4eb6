"""Replies on their way out of the outbox: the channel's own send after the turn, and a pump
that sends again what no living worker is sending, and what producers (the reminders) put in.

A turn commits its replies with its state (:class:`~bot.service.Answer` names the parcel), and
the channel sends them straight away through a :class:`Delivery`, which keeps the parcel leased
while it is being sent and forgets it once sent. A worker killed between the commit and the
send holds its lease no longer: when it runs out, a pump in some worker claims the parcel and
sends it (no other worker can claim it meanwhile). A send the platform refused for good (a bot
blocked, a chat gone) is dropped, with a log line; other failures are retried, backing off.

Sending and forgetting cannot be one atomic step on any platform: a worker that dies right
after the platform accepted a reply sends it twice. Each reply is recorded as sent as soon as
the platform has it (a parcel forgotten with its last reply, the rest of it kept short of the
ones sent), which keeps that window to the sends in flight; the lease keeps every other reply
to one send. LINE closes the window itself: its retry key makes a second copy a no-op.

Leases, retries and a parcel's age are all on the outbox's clock (:meth:`Outbox.now`, the
wall clock): never on a conversation's, which a transcript or Slack's timestamps set (see
:mod:`bot.clock`). Only the reminders' producer reads the conversation's clock, to know which
reminders are due.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.clock import Clock, wall_clock
from bot.messages import Reply
from bot.parcel import Parcel, dump_replies
from bot.reminders import ReminderDesk
from bot.service import Answer, BotService
from bot.storage import LEASE, Outbox
from common.errors import Refused, StorageUnavailable

log = logging.getLogger(__name__)

Sender = Callable[[str, Reply, str], None]
"""Sends one reply to a channel's address; the third argument is the reply's key (see
:func:`reply_key`), the same on every attempt, for platforms that refuse a second copy. Raises
:class:`Refused` when the platform refuses it for good; any other exception is a failure to
try again later."""
Producer = Callable[[Sequence[str]], list[Parcel]]
"""Puts parcels for these channels in the outbox, leased to the caller, and returns them."""

MAX_ATTEMPTS = 12  # pump sends of one parcel before it is given up (backing off to the lease)
MAX_AGE = timedelta(days=1)  # a reply older than this answers nothing any more
BATCH = 50  # parcels claimed at a time
# Addresses a pump sends to at once: a dead worker's parcels wait on one slow platform answer
# each when sent one after another, and the users behind them with them.
PARALLEL = 8


Result = Literal["sent", "failed", "refused", "given up", "unrouted"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What became of one attempt to send a parcel, for whoever watches the courier (a replay
    explains by it a reminder that never came). ``detail`` never holds what a user typed."""

    parcel: Parcel
    result: Result
    detail: str = ""


Watcher = Callable[[SendOutcome], None]


class Courier:
    """Per worker: the deliveries in progress, and a thread that forgets sent parcels, keeps
    the leases of parcels being sent, and pumps the parcels nobody is sending."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        lease: timedelta = LEASE,
        interval: float = 1.0,
        producers: Sequence[Producer] = (),
    ) -> None:
        self.outbox = outbox
        self.producers = list(producers)
        self.watchers: list[Watcher] = []
        self.lease = lease
        self.interval = interval
        self.senders: dict[str, Sender] = {}
        self._lock = threading.Lock()
        self._sending: set[int] = set()
        self._sent: list[int] = []
        self._dispatched: list[Parcel] = []
        self._renewed = outbox.now()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def route(self, channel: str, sender: Sender) -> None:
        """Pump ``channel``'s parcels through ``sender`` (the channel's own pump: a worker
        serving only Slack leaves Telegram's parcels to the workers serving Telegram)."""
        self.senders[channel] = sender

    def unroute(self, channel: str) -> None:
        """Stop pumping ``channel``'s parcels here (its sender is going away)."""
        self.senders.pop(channel, None)

    def delivery(self, answer: Answer, *, attempts: int = 0) -> Delivery:
        """Around the sending of ``answer``: ``with courier.delivery(answer) as sent:``,
        calling ``sent.one()`` after each reply (:class:`bot.runner.TurnRunner` does). Leaving
        the block by :class:`Refused` drops what is unsent; by another exception, keeps it for
        a later attempt."""
        return Delivery(self, answer, attempts)

    def handed_over(self, answer: Answer) -> None:
        """Every reply of ``answer`` reached the user as the turn returned it (the console)."""
        with self.delivery(answer) as sent:
            sent.sent = len(answer.replies)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="courier", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop pumping; parcels sent by then are forgotten first."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            self._forget_sent()
        except StorageUnavailable:
            log.warning("could not forget the parcels sent last; their leases bring them back")

    def dispatch(self, parcels: Sequence[Parcel]) -> None:
        """Have the thread send these parcels, leased to this worker, soon (:meth:`pump` sends
        them too); a channel not served here gets them once their lease runs out."""
        if parcels:
            with self._lock:
                self._dispatched += parcels
            self._wake.set()

    def pump(self) -> int:
        """Send the parcels due now (the thread does every ``interval``); how many were sent."""
        self._send_dispatched()
        self._forget_sent()
        self._renew_leases()
        channels = list(self.senders)
        if not channels:
            return 0
        parcels = self.outbox.claim_parcels(channels, limit=BATCH)
        for produce in self.producers:
            parcels += produce(channels)
        sent = self._send_by_address(parcels)
        self._forget_sent()
        return sent

    def _send_by_address(self, parcels: Sequence[Parcel]) -> int:
        """Send ``parcels``, several addresses at once, each address's in their order."""
        queues: dict[tuple[str, str], list[Parcel]] = {}
        for parcel in parcels:
            queues.setdefault((parcel.channel, parcel.address), []).append(parcel)

        def send_queue(queue: list[Parcel]) -> int:
            return sum(self._send(parcel) for parcel in queue)

        if len(queues) <= 1:
            return sum(map(send_queue, queues.values()))
        with ThreadPoolExecutor(min(PARALLEL, len(queues)), thread_name_prefix="pump") as pool:
            return sum(pool.map(send_queue, queues.values()))

    def _run(self) -> None:
        """Pump every ``interval``; in between, send what was dispatched and forget what could
        not be forgotten at once (the store was away), woken when there is some."""
        due = time.monotonic()
        while not self._stop.is_set():
            try:
                if time.monotonic() >= due:
                    due = time.monotonic() + self.interval
                    self.pump()
                else:
                    self._send_dispatched()
                    self._forget_sent()
            except StorageUnavailable:
                log.warning("outbox unavailable; trying again in %.1f s", self.interval)
            except Exception:
                log.exception("the outbox pump failed; trying again in %.1f s", self.interval)
            self._wake.wait(max(0.0, due - time.monotonic()))
            self._wake.clear()

    def _send_dispatched(self) -> None:
        with self._lock:
            parcels, self._dispatched = self._dispatched, []
        for parcel in parcels:
            self._send(parcel)

    def _send(self, parcel: Parcel) -> bool:
        age = self.outbox.now() - parcel.created_at
        if parcel.attempts > MAX_ATTEMPTS or age > MAX_AGE:
            log.error("giving up parcel %d to %s after %d attempts", *_about(parcel))
            self.outbox.acknowledge([parcel.id])
            detail = f"after {parcel.attempts} attempts, {age} after it was created"
            self._tell(SendOutcome(parcel, "given up", detail))
            return False
        send = self.senders.get(parcel.channel)
        if send is None:  # unrouted meanwhile: its lease brings it back to a worker serving it
            self._tell(SendOutcome(parcel, "unrouted", f"no sender for {parcel.channel} here"))
            return False
        try:
            with self.delivery(Answer(parcel.replies, parcel), attempts=parcel.attempts) as sent:
                for index, reply in enumerate(parcel.replies):
                    send(parcel.address, reply, reply_key(parcel, index, reply))
                    sent.one()
        except Exception:
            log.warning("parcel %d to %s failed on attempt %d", *_about(parcel), exc_info=True)
            return False
        return True

    def watch(self, watcher: Watcher) -> None:
        """Have ``watcher`` told of every parcel's outcome here, from the sending thread."""
        self.watchers.append(watcher)

    def _tell(self, outcome: SendOutcome) -> None:
        for watcher in self.watchers:
            watcher(outcome)

    def _begin(self, parcel: int) -> None:
        with self._lock:
            self._sending.add(parcel)

    def _settle(self, parcel: int, unsent: tuple[Reply, ...], *, retry_in: float) -> None:
        """The end of a delivery: forgotten at once when nothing is left to send (by the
        thread, later, when the store is away)."""
        with self._lock:
            self._sending.discard(parcel)
        if unsent:
            until = self.outbox.now() + timedelta(seconds=retry_in)
            try:
                self.outbox.postpone(parcel, unsent, until=until)
            except StorageUnavailable:
                log.warning("could not postpone parcel %d; its lease will bring it back", parcel)
            return
        try:
            self.outbox.acknowledge([parcel])
        except StorageUnavailable:
            with self._lock:
                self._sent.append(parcel)
            self._wake.set()

    def _progress(self, parcel: int, unsent: tuple[Reply, ...]) -> None:
        """Part of a parcel sent: the rest kept, so that no later attempt sends it again."""
        try:
            self.outbox.postpone(parcel, unsent, until=self.outbox.now() + self.lease)
        except StorageUnavailable:
            log.warning("could not record parcel %d's progress; it may be sent again", parcel)

    def _forget_sent(self) -> None:
        with self._lock:
            sent, self._sent = self._sent, []
        if not sent:
            return
        try:
            self.outbox.acknowledge(sent)
        except Exception:
            with self._lock:  # kept for the next round: forgetting them matters
                self._sent += sent
            raise

    def _renew_leases(self) -> None:
        now = self.outbox.now()
        if now - self._renewed < self.lease / 3:
            return
        with self._lock:
            sending = sorted(self._sending)
        if sending:
            self.outbox.renew(sending)
        self._renewed = now


class Delivery:
    """One turn's replies being sent (see :meth:`Courier.delivery`)."""

    def __init__(
        self,
        courier: Courier,
        answer: Answer,
        attempts: int,
    ) -> None:
        self.courier = courier
        self.answer = answer
        self.attempts = attempts
        self.sent = 0

    def __enter__(self) -> Delivery:
        if self.answer.parcel is not None:
            self.courier._begin(self.answer.parcel.id)
        return self

    def one(self) -> None:
        """One more reply the platform has: recorded as sent at once, if more are to come."""
        self.sent += 1
        parcel = self.answer.parcel
        if parcel is not None and self.sent < len(self.answer.replies):
            self.courier._progress(parcel.id, self.answer.replies[self.sent :])

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> None:
        self.courier.dispatch(self.answer.notices)
        parcel = self.answer.parcel
        if parcel is None:
            return
        refused = isinstance(error, Refused)
        if refused:
            log.warning("parcel %d refused by the platform; dropped", parcel.id)
        unsent = () if error is None or refused else self.answer.replies[self.sent :]
        # A failed parcel comes back after a delay doubling with each attempt, up to the lease.
        delay = min(2.0**self.attempts, self.courier.lease.total_seconds())
        self.courier._settle(parcel.id, unsent, retry_in=delay)
        if error is None:
            self.courier._tell(SendOutcome(parcel, "sent"))
        else:
            what = f"{type(error).__name__} after {self.sent} of {len(self.answer.replies)}"
            self.courier._tell(SendOutcome(parcel, "refused" if refused else "failed", what))


def reply_key(parcel: Parcel | None, index: int, reply: Reply) -> str:
    """The key of one reply, the same on every attempt to send it and never another reply's:
    its parcel's id, the parcel's creation instant (SQLite gives a forgotten parcel's id to the
    next one) and a digest of its content (a parcel kept after a partial failure holds only its
    unsent replies, so an index would shift). Replies outside the outbox (the store down) are
    sent once: any key."""
    if parcel is None:
        return f"once-{secrets.token_hex(8)}-{index}"
    created = (parcel.created_at - _EPOCH) // timedelta(microseconds=1)
    digest = hashlib.sha256(dump_replies((reply,)).encode()).hexdigest()[:20]
    return f"{parcel.id}-{created}-{digest}"


def _about(parcel: Parcel) -> Sequence[object]:
    return (parcel.id, parcel.channel, parcel.attempts)


def courier_for(
    service: BotService,
    *,
    conversation_clock: Clock = wall_clock,
    lease: timedelta = LEASE,
    interval: float = 1.0,
) -> Courier:
    """The courier of ``service``'s store, firing the reminders due by ``conversation_clock``
    (a transcript's, in a replay); everything else keeps to the outbox's clock."""
    desk = ReminderDesk(service.engine.renderer, service.store, conversation_clock)
    return Courier(service.store, lease=lease, interval=interval, producers=(desk,))
