"""The reminders in the dialogue: the offer after an answer on a closed line, its acceptance
(a button, or a typed yes), and ``/reminders`` to list and cancel them. See :mod:`bot.reminders`
for how they are kept and fired."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Button, PhoneCard
from bot.reminders import CANCEL, OFFER, Reminder
from bot.render import payload
from bot.turn import Turn
from knowledge.model import Need

# The offer's slots: which line, for which language's hours, for which need.
_OFFER_SLOTS = ("remind_line", "remind_hours", "remind_need")


class Reminding(Turn):
    """A part of :class:`bot.dialogue.Dialogue`: the reminders' offer and commands."""

    def stale(self) -> None:
        """A button of a question no longer open (the dialogue's)."""
        raise NotImplementedError

    def offer_reminder(self, cards: tuple[PhoneCard, ...], need: Need) -> str | None:
        """The offer's sentence when the first card closed for this caller has an opening
        (its button is :meth:`offer_button`); the offer is kept in the state for a typed yes.
        None also when no reminder could be kept (no store, or a channel without address)."""
        if self.reminders is None:
            return None
        for card in cards:
            status = card.statuses[0] if card.statuses else None
            if status is None or status.status.open is not False or not status.status.opens_at:
                continue
            # The hours are those of the status shown: its language group's, else the phone
            # language's where the line serves it, else the line's own.
            phone = self.state.slots.get("phone_language")
            if phone and not self.render.knowledge.line(card.line).serves(phone):
                phone = None
            hours = status.languages[0] if status.languages else phone
            self.state = self.state.with_slots(
                remind_line=card.line, remind_hours=hours, remind_need=need.value
            )
            when = self.render.when(status.status.opens_at, self.event.at, self.language)
            return self.text("remind.offer", number=card.number, when=when)
        return None

    def offer_button(self) -> Button:
        return Button(self.text("remind.offer_button"), payload(OFFER, "yes"))

    def on_offer(self, option: str) -> None:
        slots = self.state.slots
        line_id, hours, need = (slots.get(name) for name in _OFFER_SLOTS)
        self.state = replace(self.state.with_slots(**dict.fromkeys(_OFFER_SLOTS)), misses=0)
        if option == "yes" and self.reminders is None:
            # The store is down (the offer in the state cannot even be read): say so.
            self.say(self.text("remind.unavailable"), self.followup_buttons(("menu",)))
        elif not line_id or not need or line_id not in self.render.knowledge.line_ids():
            self.stale()  # no offer open, or one of a line taken out of the data since
        elif option != "yes":
            self.say(self.text("remind.declined"), self.followup_buttons(("menu",)))
        else:
            self.set_reminder(line_id, hours, Need(need))

    def set_reminder(self, line_id: str, hours: str | None, need: Need) -> None:
        assert self.reminders is not None
        render, at = self.render, self.event.at
        line = render.knowledge.line(line_id)
        status = render.hours.status(line, at, language=hours, need=need)
        menu = self.followup_buttons(("menu",))
        if status.open is not False or status.opens_at is None:
            # Opened since the offer: nothing to wait for.
            card = render.phone_card(line, at, self.language, hours, need)
            text = self.text("remind.open_now", number=line.number)
            self.say(f"{text}\n\n{render.card_text(card, self.language)}", menu, (card,))
            return
        reminder = Reminder(line_id, status.opens_at, self.language, hours, need.value)
        if self.reminders.add(reminder):
            when = render.when(status.opens_at, at, self.language)
            self.say(self.text("remind.set", number=line.number, when=when), menu)
            return
        [pending] = [kept for kept in self.reminders.pending() if kept.line == line_id]
        when = render.when(pending.due_at.astimezone(render.hours.zone), at, self.language)
        self.say(self.text("remind.already", number=line.number, when=when), menu)

    def list_reminders(self) -> None:
        menu = self.followup_buttons(("menu",))
        if self.reminders is None:
            self.say(self.text("remind.unavailable"), menu)
            return
        pending = sorted(self.reminders.pending(), key=lambda reminder: reminder.due_at)
        if not pending:
            self.say(self.text("reminders.none"), menu)
            return
        render, rows, buttons = self.render, [self.text("reminders.header")], []
        for reminder in pending:
            line = render.knowledge.line(reminder.line)
            when = render.when(reminder.due_at.astimezone(render.hours.zone), self.event.at,
                               self.language)  # fmt: skip
            name = self.text(f"line.{line.id}")
            rows.append(self.text("reminders.item", number=line.number, name=name, when=when))
            label = self.text("reminders.cancel_button", number=line.number)
            buttons.append(Button(label, payload(CANCEL, line.id)))
        self.say("\n".join(rows), (*buttons, *menu))

    def cancel_reminder(self, line_id: str) -> None:
        menu = self.followup_buttons(("menu",))
        if self.reminders is None:
            self.say(self.text("remind.unavailable"), menu)
        elif line_id not in self.render.knowledge.line_ids():
            self.stale()
        else:
            number = self.render.knowledge.line(line_id).number
            cancelled = self.reminders.cancel(line_id)
            key = "reminders.cancelled" if cancelled else "reminders.not_found"
            self.say(self.text(key, number=number), menu)
