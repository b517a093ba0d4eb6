"""The reminders in the dialogue: the offer after an answer on a closed line, its acceptance
(a button, or a typed yes), and ``/reminders`` to list and cancel them. See :mod:`bot.reminders`
for how they are kept and fired."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Button, PhoneCard
from bot.reminders import CANCEL, OFFER, Reminder, ReminderBook
from bot.render import payload
from bot.turn import TurnContext
from knowledge.model import Need

# The offer's slots: which line, for which language's hours, for which need.
_OFFER_SLOTS = ("remind_line", "remind_hours", "remind_need")


class ReminderTalk:
    """The reminders' part of a turn. A method that returns False found the button or offer
    stale (no longer open, or of a line taken out of the data): the dialogue says so."""

    def __init__(self, turn: TurnContext) -> None:
        self.turn = turn

    def offered(self) -> bool:
        """Whether an offer is open, for a typed yes or no."""
        return "remind_line" in self.turn.state.slots

    def offer(self, cards: tuple[PhoneCard, ...], need: Need) -> str | None:
        """The offer's sentence when the first card closed for this caller has an opening
        (its button is :meth:`offer_button`); the offer is kept in the state for a typed yes.
        None also when no reminder could be kept (no store, or a channel without address)."""
        turn = self.turn
        if turn.reminders is None:
            return None
        for card in cards:
            status = card.statuses[0] if card.statuses else None
            if status is None or status.status.open is not False or not status.status.opens_at:
                continue
            # The hours are those of the status shown: its language group's, else the phone
            # language's where the line serves it, else the line's own.
            phone = turn.state.slots.get("phone_language")
            if phone and not turn.render.knowledge.line(card.line).serves(phone):
                phone = None
            hours = status.languages[0] if status.languages else phone
            turn.state = turn.state.with_slots(
                remind_line=card.line, remind_hours=hours, remind_need=need.value
            )
            when = turn.render.when(status.status.opens_at, turn.event.at, turn.language)
            return turn.text("remind.offer", number=card.number, when=when)
        return None

    def offer_button(self) -> Button:
        return Button(self.turn.text("remind.offer_button"), payload(OFFER, "yes"))

    def on_offer(self, option: str) -> bool:
        turn = self.turn
        slots = turn.state.slots
        line_id, hours, need = (slots.get(name) for name in _OFFER_SLOTS)
        turn.state = replace(turn.state.with_slots(**dict.fromkeys(_OFFER_SLOTS)), misses=0)
        book = turn.reminders
        if option == "yes" and book is None:
            # The store is down (the offer in the state cannot even be read): say so.
            turn.say(turn.text("remind.unavailable"), turn.menu_button())
        elif not line_id or not need or line_id not in turn.render.knowledge.line_ids():
            return False  # no offer open, or one of a line taken out of the data since
        elif option != "yes" or book is None:
            turn.say(turn.text("remind.declined"), turn.menu_button())
        else:
            self._set(book, line_id, hours, Need(need))
        return True

    def _set(self, book: ReminderBook, line_id: str, hours: str | None, need: Need) -> None:
        turn = self.turn
        render, at = turn.render, turn.event.at
        line = render.knowledge.line(line_id)
        status = render.hours.status(line, at, language=hours, need=need)
        if status.open is not False or status.opens_at is None:
            # Opened since the offer: nothing to wait for.
            card = render.phone_card(line, at, turn.language, hours, need)
            text = turn.text("remind.open_now", number=line.number)
            turn.say(f"{text}\n\n{render.card_text(card, turn.language)}", turn.menu_button(),
                     (card,))  # fmt: skip
            return
        reminder = Reminder(line_id, status.opens_at, turn.language, hours, need.value)
        if book.add(reminder):
            when = render.when(status.opens_at, at, turn.language)
            turn.say(turn.text("remind.set", number=line.number, when=when), turn.menu_button())
            return
        [pending] = [kept for kept in book.pending() if kept.line == line_id]
        when = render.when(pending.due_at.astimezone(render.hours.zone), at, turn.language)
        turn.say(turn.text("remind.already", number=line.number, when=when), turn.menu_button())

    def show(self) -> None:
        turn = self.turn
        if turn.reminders is None:
            turn.say(turn.text("remind.unavailable"), turn.menu_button())
            return
        pending = sorted(turn.reminders.pending(), key=lambda reminder: reminder.due_at)
        if not pending:
            turn.say(turn.text("reminders.none"), turn.menu_button())
            return
        render, rows, buttons = turn.render, [turn.text("reminders.header")], []
        for reminder in pending:
            line = render.knowledge.line(reminder.line)
            due = reminder.due_at.astimezone(render.hours.zone)
            when = render.when(due, turn.event.at, turn.language)
            name = turn.text(f"line.{line.id}")
            rows.append(turn.text("reminders.item", number=line.number, name=name, when=when))
            label = turn.text("reminders.cancel_button", number=line.number)
            buttons.append(Button(label, payload(CANCEL, line.id)))
        turn.say("\n".join(rows), (*buttons, *turn.menu_button()))

    def cancel(self, line_id: str) -> bool:
        turn = self.turn
        if turn.reminders is None:
            turn.say(turn.text("remind.unavailable"), turn.menu_button())
        elif line_id not in turn.render.knowledge.line_ids():
            return False
        else:
            number = turn.render.knowledge.line(line_id).number
            cancelled = turn.reminders.cancel(line_id)
            key = "reminders.cancelled" if cancelled else "reminders.not_found"
            turn.say(turn.text(key, number=number), turn.menu_button())
        return True

    def clear(self) -> None:
        if self.turn.reminders is not None:
            self.turn.reminders.clear()
