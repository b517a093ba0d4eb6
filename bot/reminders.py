"""Reminders: "message me when it opens", offered after an answer on a closed line.

A reminder belongs to one conversation and one line (one pending per line), is written in the
turn's transaction like the rest of the turn, and is fired by the courier's pump of whichever
worker is alive (:class:`ReminderDesk`): its message goes into the outbox in the transaction
that deletes the reminder, so it is sent once. At firing the line is looked at again: still
closed (a holiday added to the data since), the reminder moves to the next opening.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.messages import Button, Reply
from bot.parcel import Parcel
from bot.render import Renderer, payload
from knowledge.model import Need

OFFER = "remind"  # the choice set of the offer ("yes" sets the reminder)
CANCEL = "reminder_cancel"  # payload prefix of a listed reminder's Cancel button
LATE_AFTER = timedelta(minutes=1)  # later than this, a reminder begins with an apology
BATCH = 50


@dataclass(frozen=True, slots=True)
class Reminder:
    """``language``: the bot's, for the message; ``hours_language``: the caller's language
    whose hours were closed (None: any of the line's); ``need``: regular calls, or the
    suspension of a lost smartphone."""

    line: str
    due_at: datetime
    language: str
    hours_language: str | None = None
    need: str = Need.REGULAR.value


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder as the pump finds it: with where it goes."""

    id: int
    conversation: str
    channel: str
    address: str
    reminder: Reminder


class ReminderBook(Protocol):
    """One conversation's reminders, within its turn's transaction."""

    def pending(self) -> list[Reminder]: ...

    def add(self, reminder: Reminder) -> bool:
        """False when one for that line is pending already (it is left as it was)."""
        ...

    def cancel(self, line: str) -> bool:
        """False when there was none for that line."""
        ...

    def clear(self) -> None: ...


Decision = datetime | tuple[Reply, ...]
"""What to do with a due reminder: move it to that time, or send these replies (none: drop it)."""


class ReminderStore(Protocol):
    def reminders_of(self, conversation: str) -> list[Reminder]:
        """The conversation's pending reminders, read outside any turn (a replay explaining
        what did not come)."""
        ...

    def fire_due(
        self,
        channels: Sequence[str],
        *,
        now: datetime,
        limit: int,
        decide: Callable[[DueReminder], Decision],
    ) -> list[Parcel]:
        """In one transaction: the reminders due by ``now`` (no other worker's meanwhile),
        each moved or turned into a parcel leased to the caller; those parcels."""
        ...


class ReminderDesk:
    """Fires due reminders: a producer for :class:`~bot.courier.Courier`."""

    def __init__(
        self, renderer: Renderer, store: ReminderStore, clock: Callable[[], datetime]
    ) -> None:
        self.render = renderer
        self.store = store
        self.clock = clock

    def __call__(self, channels: Sequence[str]) -> list[Parcel]:
        now = self.clock()
        return self.store.fire_due(
            channels, now=now, limit=BATCH, decide=lambda due: self.decide(due.reminder, now)
        )

    def decide(self, reminder: Reminder, now: datetime) -> Decision:
        render = self.render
        if reminder.line not in render.knowledge.line_ids():
            return ()  # a line taken out of the data since: nothing true to say about it
        line = render.knowledge.line(reminder.line)
        if reminder.hours_language and not line.serves(reminder.hours_language):
            # The data changed since: the line's own hours, rather than none at all.
            reminder = replace(reminder, hours_language=None)
        status = render.hours.status(
            line, now, language=reminder.hours_language, need=Need(reminder.need)
        )
        if status.open is False and status.opens_at is not None:
            return status.opens_at  # closed after all (a holiday added): at the next opening
        language = reminder.language
        card = render.phone_card(line, now, language, reminder.hours_language, Need(reminder.need))
        paragraphs = []
        if now - reminder.due_at > LATE_AFTER:
            when = render.when(reminder.due_at.astimezone(render.hours.zone), now, language)
            paragraphs.append(render.text(language, "reminder.late", when=when))
        paragraphs.append(render.text(language, "reminder.open", number=line.number))
        paragraphs.append(render.card_text(card, language))
        paragraphs.append(render.text(language, "phone.japan_time"))
        menu = Button(render.text(language, "button.menu"), payload("after_answer", "menu"))
        return (Reply("\n\n".join(paragraphs), (menu,), (card,)),)
