"""Turns knowledge and hours into the user's language: phone cards, statuses, answers, buttons.

Every sentence comes from the catalog; every fact in it (numbers, addresses, hours) comes from the
knowledge through placeholders, so the catalogs hold no fact that could drift from the page.
"""

from __future__ import annotations

from collections import ChainMap
from datetime import datetime, timedelta

from bot.catalog import Catalog
from bot.messages import Button, PhoneCard, StatusLine
from flows.model import AnswerStep, ChoiceSet
from knowledge.hours import HoursEngine, Status
from knowledge.model import Knowledge, Line, Need
from knowledge.report import report_line

_ANSWER_CACHE_SIZE = 4096


def payload(choice_set: str, option: str) -> str:
    """A button's payload: stable across restarts, far under Telegram's 64 bytes."""
    return f"{choice_set}:{option}"


class Renderer:
    """Renders for one catalog and one knowledge; holds no per-conversation state."""

    def __init__(self, *, catalog: Catalog, knowledge: Knowledge, hours: HoursEngine) -> None:
        self.catalog = catalog
        self.knowledge = knowledge
        self.hours = hours
        self.facts = page_facts(knowledge)
        self._answers: dict[tuple[object, ...], tuple[str, tuple[PhoneCard, ...]]] = {}
        self._buttons: dict[tuple[str, str, str | None], tuple[Button, ...]] = {}

    def text(self, language: str, key: str, /, **params: object) -> str:
        # A ChainMap, not a merged dict: most messages name no fact, and copying all of them
        # for every message was a tenth of a turn.
        return self.catalog.format(language, key, ChainMap(params, self.facts))

    def when(self, moment: datetime, at: datetime, language: str) -> str:
        """`20:00` today, `tomorrow 08:30`, else weekday and date: always Japan time."""
        local_at = at.astimezone(moment.tzinfo)
        clock = moment.strftime("%H:%M")
        if moment.date() == local_at.date():
            return self.text(language, "when.today", time=clock)
        if moment.date() == local_at.date() + timedelta(days=1):
            return self.text(language, "when.tomorrow", time=clock)
        weekday = self.text(language, f"weekday.{moment.weekday()}")
        return self.text(
            language, "when.date", weekday=weekday, month=moment.month, day=moment.day, time=clock
        )

    def status(self, status: Status, at: datetime, language: str) -> str:
        if status.open is None:
            return self.text(language, "status.unknown")
        if status.open:
            if status.closes_at is None:
                return self.text(language, "status.open_always")
            return self.text(
                language, "status.open_until", when=self.when(status.closes_at, at, language)
            )
        if status.opens_at is None:
            return self.text(language, "status.closed_no_opening")
        return self.text(
            language, "status.closed_opens", when=self.when(status.opens_at, at, language)
        )

    def phone_card(
        self,
        line: Line,
        at: datetime,
        language: str,
        phone_language: str | None,
        need: Need,
        first: str | None = None,
    ) -> PhoneCard:
        """A number with its status for this caller's need; per language group when the phone
        language is unknown, the group of ``first`` (the language they write in) leading."""
        spoken = phone_language if phone_language and line.serves(phone_language) else None
        report = report_line(self.hours, line, at, spoken)
        statuses: list[StatusLine] = []
        if spoken is not None or len(line.language_groups()) <= 1:
            statuses.append(self._status_line(report.status, report.smartphone, at, language, need))
        else:
            groups = sorted(report.groups, key=lambda group: first not in group.languages)
            for group in groups:
                # Each group's own smartphone hours: the night window is the same for all, but
                # the day windows that join it differ (8:30 for some, 9:00 for others).
                smartphone = (
                    self.hours.status(
                        line, at, language=group.languages[0], need=Need.SMARTPHONE_SUSPENSION
                    )
                    if line.has_smartphone_only_window
                    else None
                )
                statuses.append(
                    self._status_line(group.status, smartphone, at, language, need, group.languages)
                )
        return PhoneCard(
            line=line.id,
            number=line.number,
            name=self.text(language, f"line.{line.id}"),
            charge=self.text(language, f"charge.{line.charge.value}"),
            statuses=tuple(statuses),
        )

    def _status_line(
        self,
        regular: Status,
        smartphone: Status | None,
        at: datetime,
        language: str,
        need: Need,
        languages: tuple[str, ...] = (),
    ) -> StatusLine:
        status = smartphone if need is Need.SMARTPHONE_SUSPENSION and smartphone else regular
        text = self.status(status, at, language)
        if need is Need.REGULAR and regular.open is False and smartphone and smartphone.open:
            # Only a lost smartphone is taken now: until regular calls open, or until the night
            # window ends, whichever comes first (8:30 before a 9:00 opening).
            ends = [moment for moment in (regular.opens_at, smartphone.closes_at) if moment]
            if ends:
                until = self.when(min(ends), at, language)
                text += " " + self.text(language, "status.smartphone_only_now", when=until)
        if languages:
            names = ", ".join(self.text(language, f"lang.{code}") for code in languages)
            text = self.text(language, "status.for_languages", status=text, languages=names)
        return StatusLine(text=text, status=status, languages=languages)

    def card_text(self, card: PhoneCard, language: str) -> str:
        rows = [self.text(language, "phone.header", number=card.number, charge=card.charge)]
        rows.append(card.name)
        rows += [status.text for status in card.statuses]
        return "\n".join(rows)

    def answer(
        self,
        step: AnswerStep,
        at: datetime,
        language: str,
        phone_language: str | None,
        *,
        first: str | None = None,
    ) -> tuple[str, tuple[PhoneCard, ...]]:
        """The answer's text and its phone cards.

        A caller who will speak Japanese gets the Japanese numbers; one whose phone language is
        not known yet gets the foreign-language numbers with every language group's status,
        after the Japanese ones when the conversation itself is in Japanese.

        Hours change only on the minute, so an answer is computed once per minute and kept:
        callers who lost a phone in the same minute get the same answer.
        """
        minute = at.astimezone(self.hours.zone).replace(second=0, microsecond=0)
        key = (id(step), minute, language, phone_language, first)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= _ANSWER_CACHE_SIZE:
                self._answers.clear()
            found = self._answers[key] = self._answer(step, minute, language, phone_language, first)
        return found

    def _answer(
        self,
        step: AnswerStep,
        at: datetime,
        language: str,
        phone_language: str | None,
        first: str | None,
    ) -> tuple[str, tuple[PhoneCard, ...]]:
        paragraphs = [self.text(language, step.message)]
        if phone_language == "ja":
            line_ids = step.japanese_lines
            if step.japanese_notice:
                paragraphs.append(self.text(language, step.japanese_notice))
        elif phone_language is None and language == "ja":
            line_ids = (*step.japanese_lines, *step.lines)
        else:
            line_ids = step.lines
        shown = tuple(dict.fromkeys(line_ids))
        cards = tuple(
            self.phone_card(
                self.knowledge.line(line_id), at, language, phone_language, step.need, first
            )
            for line_id in shown
        )
        paragraphs += [self.card_text(card, language) for card in cards]
        notices = [*step.notices]
        notices += [key for line_id in shown for key in step.line_notices.get(line_id, ())]
        paragraphs += [self.text(language, notice) for notice in notices]
        if cards:
            paragraphs.append(self.text(language, "notice.wrong_number"))
            paragraphs.append(self.text(language, "phone.japan_time"))
        return "\n\n".join(paragraphs), cards

    def all_hours(
        self, at: datetime, language: str, phone_language: str | None, *, first: str | None = None
    ) -> tuple[str, tuple[PhoneCard, ...]]:
        """Every line of the page with its status for this caller (those of their phone
        language, when known), under the time it is in Japan: the ``hours`` command."""
        local = at.astimezone(self.hours.zone)
        title = self.text(
            language,
            "hours.title",
            weekday=self.text(language, f"weekday.{local.weekday()}"),
            date=local.strftime("%Y-%m-%d"),
            time=self.when(local, local, language),
        )
        lines = self.knowledge.lines_for(phone_language)
        cards = tuple(
            self.phone_card(line, local, language, phone_language, Need.REGULAR, first)
            for line in lines
        )
        paragraphs = [title, *(self.card_text(card, language) for card in cards)]
        paragraphs.append(self.text(language, "notice.wrong_number"))
        return "\n\n".join(paragraphs), cards

    def buttons(
        self, choices: ChoiceSet, language: str, first: str | None = None
    ) -> tuple[Button, ...]:
        """The set's menu options as buttons; ``first`` (the user's own language) leads.

        Kept once made: a menu depends on nothing but these three, and most turns show one.
        """
        key = (choices.id, language, first)
        found = self._buttons.get(key)
        if found is None:
            options = sorted(choices.menu_options, key=lambda option: option.id != first)
            found = self._buttons[key] = tuple(
                Button(self.text(language, option.label), payload(choices.id, option.id))
                for option in options
            )
        return found


def page_facts(knowledge: Knowledge) -> dict[str, object]:
    """The page's facts by placeholder name, for every message that states one."""
    facts: dict[str, object] = {
        f"number_{line.id.replace('-', '_')}": line.number for line in knowledge.lines
    }
    notices = knowledge.notices
    facts["reply_address"] = notices["reply_address"].facts["address"]
    facts["reply_sender"] = notices["reply_sender"].facts["sender"]
    facts["mail_subject"] = notices["mail_subject"].facts["subject"]
    facts["mail_subject_en"] = notices["mail_subject"].facts["subject_en"]
    facts["application_id_digits"] = notices["application_id"].facts["digits"]
    facts["press_health_insurance"] = notices["health_insurance"].facts["digit"]
    facts["press_bank_account"] = notices["bank_account"].facts["digit"]
    facts.update(
        {f"consultation_{key}": value for key, value in knowledge.consultation_service.items()}
    )
    return facts
