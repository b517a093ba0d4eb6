"""What a message says, in terms of the flows' choice sets.

One matcher per choice set, built once: labels in every catalog language plus the synonyms of
every language, so a Japanese label typed into an English conversation is still understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.catalog import Catalog
from bot.language import han_hints, written_language
from bot.matching import ChoiceMatcher, Match
from bot.normalize import normalize
from flows.model import FlowSet

_URGENT_TOPICS = ("lost_card", "lost_phone")
_LOST_ITEM_TOPIC = {"card": "lost_card", "phone": "lost_phone"}


@dataclass(frozen=True, slots=True)
class Mentions:
    """Options found inside a free-text message, best first per choice set."""

    found: dict[str, tuple[Match, ...]] = field(default_factory=dict)

    def best(self, choice_set: str) -> str | None:
        matches = self.found.get(choice_set)
        return matches[0].option_id if matches else None

    def urgent_topic(self) -> str | None:
        """A lost or stolen card, notice or phone mentioned (rule 1), as its topic."""
        topic = self.best("topic")
        if topic in _URGENT_TOPICS:
            return topic
        item = self.best("lost_item")
        if topic == "lost" and item is not None:
            return _LOST_ITEM_TOPIC[item]
        return None


def _spaced_script(text: str) -> bool:
    """Latin, Cyrillic and the like, whose words are separated by spaces (so matching an
    option within a longer answer is safe there, and only there)."""
    return all(ord(char) < 0x2E80 or not char.isalpha() for char in text) and not any(
        0x0E00 <= ord(char) <= 0x0E7F
        for char in text  # Thai writes no spaces between words
    )


class Understanding:
    """Matches answers to choice sets and finds mentions of extractable sets in free text."""

    def __init__(self, flows: FlowSet, catalog: Catalog) -> None:
        self.flows = flows
        self._matchers: dict[str, ChoiceMatcher] = {}
        self._exact: dict[str, dict[str, str]] = {}
        self._commands: dict[str, str] = {}
        for choice in flows.choices.values():
            options = [
                (
                    option.id,
                    (
                        *option.phrases(),
                        *(catalog.raw(language, option.label) for language in catalog.languages),
                    ),
                )
                for option in choice.options
            ]
            self._matchers[choice.id] = ChoiceMatcher(
                options, priorities={option.id: option.priority for option in choice.options}
            )
            self._exact[choice.id] = {
                normalize(phrase): option_id for option_id, phrases in options for phrase in phrases
            }
        self._han = han_hints(
            {
                language: [
                    *(catalog.raw(language, key) for key in catalog.keys(language)),
                    *(
                        phrase
                        for choice in flows.choices.values()
                        for option in choice.options
                        for phrase in option.synonyms.get(language, ())
                    ),
                ]
                for language in ("ja", "zh")
            }
        )
        words = {normalize(word) for words in flows.negations.values() for word in words}
        # Words of a spaced script are matched whole ("not", "no"), "n't" as a word ending;
        # others (Japanese) as substrings, since nothing separates their words.
        self._negation_words = {word for word in words if word.isascii() and word.isalpha()}
        self._negation_endings = {word for word in words if word.isascii() and not word.isalpha()}
        self._negation_parts = {word for word in words if not word.isascii()}
        for option in flows.choices["commands"].options:
            for phrase in option.phrases():
                self._commands[normalize(phrase)] = option.id
        self._language_codes = {option.id for option in flows.choices["phone_language"].options}
        self._ui_languages = {
            normalize(phrase): option.id
            for option in flows.choices["ui_language"].options
            for phrase in option.phrases()
            if phrase != option.id  # the codes themselves ("id", "tl") are not names
        }

    def written_language(self, text: str, *, default_han: str = "zh") -> str | None:
        """:func:`bot.language.written_language`, told by the flows' words and by the Chinese
        characters the bot's own Japanese and Chinese texts use."""
        return written_language(
            text, default_han=default_han, words=self.flows.written_words, han=self._han
        )

    def command(self, text: str) -> str | None:
        """A command, only when it is the whole message (``/start@SomeBot`` included)."""
        normalized = normalize(text)
        if normalized.startswith("/"):
            normalized = normalized.split("@", 1)[0].split(" ", 1)[0]
        return self._commands.get(normalized)

    def asks_hours(self, text: str) -> bool:
        """Whether the message is the hours command followed by something (``hours th``)."""
        command, _, rest = normalize(text).partition(" ")
        return bool(rest) and self.command(command) == "hours"

    def hours_language(self, text: str) -> str | None:
        """The language of ``hours th``, ``受付時間 タイ語``: after the hours command, a language's
        code or its name in any language; None when what follows names none."""
        rest = normalize(text).partition(" ")[2]
        if rest in self._language_codes:
            return rest
        return self.ui_language(rest) or self.exactly("phone_language", rest)

    def ui_language(self, text: str) -> str | None:
        """A language named by its own name, as the whole message (exactly, no typos)."""
        return self._ui_languages.get(normalize(text))

    def answer(self, choice_set: str, text: str) -> str | None:
        """The option the whole message answers; None if unclear.

        In a strict set (consent, send) an answer that negates is never taken, and in scripts
        written without spaces only the whole answer counts: 同意って何ですか asks about
        agreeing, it does not agree, though it contains 同意.
        """
        if self.flows.choices[choice_set].strict:
            if self.negated(text):
                return None
            exact = self._exact[choice_set].get(normalize(text))
            if exact is not None or not _spaced_script(text):
                return exact
        match = self._matchers[choice_set].match_answer(text)
        return match.option_id if match else None

    def exactly(self, choice_set: str, text: str) -> str | None:
        """The option whose phrase is the whole message, negations included ("no")."""
        return self._exact[choice_set].get(normalize(text))

    def negated(self, text: str) -> bool:
        normalized = normalize(text)
        words = normalized.replace("’", "'").split()
        return (
            any(word.strip(".,!?¿¡") in self._negation_words for word in words)
            or any(word.endswith(tuple(self._negation_endings)) for word in words)
            or any(part in normalized for part in self._negation_parts)
        )

    def mentions(self, text: str) -> Mentions:
        return Mentions(
            {
                choice.id: tuple(self._matchers[choice.id].find_in(text))
                for choice in self.flows.choices.values()
                if choice.extract
            }
        )
