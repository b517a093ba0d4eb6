"""`mynumber-bot replay`: runs transcript fixtures through a channel and reports each failure.

A driver (:class:`bot.channel.Driver`, each channel's ``replay``) sends one turn through its
channel and returns what the bot said, or lets the clock move on and returns what the bot sent
meanwhile (reminders, through the outbox); the console's hands turns straight to the turn
runner, the others go through their channel's real code against a stand-in platform.
"""

from __future__ import annotations

import importlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from adapters.bootstrap import App
from bot.channel import Bot, Driver
from bot.clock import wall_clock
from bot.courier import Courier, SendOutcome, courier_for
from bot.messages import Event, Reply
from bot.reminders import ReminderStore
from bot.runner import TurnRunner
from bot.service import BotService
from testkit.transcripts import JAPAN, Transcript, TranscriptTurn

_INDENT = "    "
TURN_TIMEOUT = 30.0  # seconds; a turn takes milliseconds, this only bounds a hang


class TranscriptClock:
    """The clock of the turn being replayed, for the courier's reminders: set by the driver."""

    def __init__(self) -> None:
        self.at = wall_clock()

    def __call__(self) -> datetime:
        return self.at


class Completions:
    """The deliveries a channel reports finished (:meth:`bot.runner.TurnRunner.watch`), for a
    driver to wait on where the platform is acknowledged before the turn runs."""

    def __init__(self) -> None:
        self._done: set[str] = set()
        self._changed = threading.Condition()

    def finished(self, delivery: str) -> None:
        with self._changed:
            self._done.add(delivery)
            self._changed.notify_all()

    def wait(self, delivery: str, timeout: float = TURN_TIMEOUT) -> None:
        """Until ``delivery`` is finished. Raises TimeoutError."""
        with self._changed:
            if not self._changed.wait_for(lambda: delivery in self._done, timeout):
                raise TimeoutError(f"the channel did not finish {delivery} in {timeout} s")
            self._done.discard(delivery)


class Meanwhile:
    """What a driver's courier did with each parcel during a wait, and the reminders still
    pending: a `wait:` turn that finds nothing says why (given up, refused, never due)."""

    def __init__(self, store: ReminderStore, courier: Courier) -> None:
        self.store = store
        self.outcomes: list[SendOutcome] = []
        courier.watch(self.outcomes.append)

    def begin(self) -> None:
        self.outcomes.clear()

    def notes(self, conversation: str) -> list[str]:
        pending = sorted(self.store.reminders_of(conversation), key=lambda r: r.due_at)
        lines = [
            f"a reminder for line {r.line} is pending, due {_japan(r.due_at)}" for r in pending
        ] or ["no reminder is pending for this conversation"]
        lines += [
            f"the courier: parcel {o.parcel.id} to {o.parcel.channel} {o.result}"
            + (f" ({o.detail})" if o.detail else "")
            for o in self.outcomes
        ] or ["the courier handled no parcel during the wait"]
        return lines


class ServiceDriver:
    """The console channel: straight into the turn runner, as `mynumber-bot chat` does; its
    courier (pumped by :meth:`wait`) delivers into :attr:`delivered`, by conversation."""

    def __init__(self, service: BotService, channel: str = "console") -> None:
        self.service = service
        self.channel = channel
        self.at = wall_clock()
        self.delivered: defaultdict[str, list[Reply]] = defaultdict(list)
        self.courier = courier_for(service, conversation_clock=lambda: self.at)
        self.courier.route(channel, self._deliver)
        self.runner = TurnRunner(service, self.courier, threads=0)
        self.meanwhile = Meanwhile(service.store, self.courier)

    @classmethod
    @contextmanager
    def running(cls, bot: Bot) -> Iterator[ServiceDriver]:
        driver = cls(bot.service)
        try:
            yield driver
        finally:
            driver.close()

    def _deliver(self, to: str, reply: Reply, _key: str) -> None:
        self.delivered[to].append(reply)

    def send(
        self,
        *,
        conversation: str,
        at: datetime,
        locale: str | None,
        text: str | None = None,
        button: str | None = None,
    ) -> tuple[Reply, ...]:
        self.at = at
        event = Event(
            conversation=conversation,
            at=at,
            text=text,
            button=button,
            locale=locale,
            channel=self.channel,
            address=conversation,
        )
        return self.runner.run(event, lambda _to, _reply, _key: None).replies

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        self.at = at
        self.meanwhile.begin()
        self.courier.pump()
        return tuple(self.delivered.pop(conversation, ()))

    def notes(self, conversation: str) -> list[str]:
        return self.meanwhile.notes(conversation)

    def close(self) -> None:
        self.courier.close()


def running(bot: Bot) -> AbstractContextManager[Driver]:
    """The console's replay (its channel's ``replay_kit``)."""
    return ServiceDriver.running(bot)


@contextmanager
def channel_driver(channel: str, app: App) -> Iterator[Driver]:
    """The replay driver of the channel named ``channel`` over ``app`` (from the module its
    ``replay_kit`` names), for the block."""
    from adapters.registry import named

    kit = importlib.import_module(named(channel).replay_kit)
    with kit.running(app.bot()) as driver:
        yield driver


@dataclass(frozen=True, slots=True)
class Outcome:
    transcript: Transcript
    failures: tuple[str, ...]


def run_transcript(
    driver: Driver,
    transcript: Transcript,
    conversation: str,
    clock: Callable[[], datetime] = wall_clock,
) -> Outcome:
    """Play every turn; a turn whose button cannot be found ends the transcript there."""
    at = transcript.at or clock()
    last: tuple[Reply, ...] = ()
    failures: list[str] = []
    for number, turn in enumerate(transcript.turns, 1):
        notes: list[str] = []
        if turn.wait is not None:
            notes.append(f"the clock moved from {_japan(at)} to {_japan(turn.wait)}")
            at = turn.wait
            replies = driver.wait(conversation=conversation, at=at)
        else:
            at = turn.at or at
            button = None
            if turn.press is not None:
                button = _button(last, turn.press)
                if button is None:
                    labels = [b.label for reply in last for b in reply.buttons]
                    failures.append(
                        f"turn {number}: no button labelled {turn.press!r}; "
                        f"the buttons were {labels}"
                    )
                    break
            replies = driver.send(
                conversation=conversation,
                at=at,
                locale=transcript.locale,
                text=turn.user,
                button=button,
            )
        said = "\n".join(reply.all_text() for reply in replies)
        problems = turn.expect.failures(said)
        if problems:
            if turn.wait is not None:
                notes += driver.notes(conversation)
            failures.append(_describe(number, turn, problems, said, notes))
        # Waiting with nothing sent leaves the buttons of the last reply in the chat.
        last = replies if replies or turn.wait is None else last
    return Outcome(transcript=transcript, failures=tuple(failures))


def report(outcomes: list[Outcome], out: IO[str]) -> bool:
    """Print each failure, then `N passed, N failed`; True when all passed."""
    failed = [outcome for outcome in outcomes if outcome.failures]
    for outcome in failed:
        out.write(f"FAIL {outcome.transcript.name} ({outcome.transcript.path})\n")
        for failure in outcome.failures:
            out.write(f"{_INDENT}{failure}\n")
    out.write(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed\n")
    return not failed


def _button(replies: tuple[Reply, ...], label: str) -> str | None:
    buttons = [button for reply in replies for button in reply.buttons]
    for wanted in (label, label.casefold()):
        for button in reversed(buttons):
            shown = button.label if wanted is label else button.label.casefold()
            if shown == wanted:
                return button.payload
    return None


def _describe(
    number: int, turn: TranscriptTurn, problems: list[str], said: str, notes: list[str]
) -> str:
    if turn.wait is not None:
        sent = f"wait: {turn.wait.isoformat()}"
    elif turn.user is not None:
        sent = f"user: {turn.user!r}"
    else:
        sent = f"press: {turn.press!r}"
    lines = [f"turn {number} ({sent}): " + "; ".join(problems)]
    if said.strip():
        lines += [
            f"{_INDENT}the bot said:",
            *(f"{_INDENT * 2}| {line}" for line in said.splitlines()),
        ]
    else:
        lines.append(f"{_INDENT}the bot said nothing" + (" meanwhile" if turn.wait else ""))
    lines += [f"{_INDENT}{note}" for note in notes]
    return "\n".join(lines)


def _japan(moment: datetime) -> str:
    return moment.astimezone(JAPAN).isoformat()
