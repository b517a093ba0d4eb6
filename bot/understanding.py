"""What a message says, in terms of the flows' choice sets.

One matcher per choice set, built once: labels in every catalog language plus the synonyms of
every language, so a Japanese label typed into an English conversation is still understood.
Free text (a first message, a sentence where a topic is asked) is read for its need by
:class:`bot.needs.NeedReader`, which weighs everything the message says rather than take the
first word that names a topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.catalog import Catalog
from bot.language import han_hints, written_language
from bot.matching import ChoiceMatcher
from bot.need_model import MODEL_FILE, shipped
from bot.needs import NeedReader, Reader, Reading
from bot.normalize import normalize
from flows.model import FlowSet

# The choice set whose options are needs: free text answering it is read by the NeedReader.
_NEEDS_SET = "topic"
# Language codes (`id`, `en`) are too common inside sentences (`application id`) to be read
# there as a language named; they still answer the language question whole.
_FIND_MIN_LEN = 3


def _knowledge_numbers() -> dict[str, str]:
    from knowledge.loader import default_knowledge

    knowledge = default_knowledge()
    return {
        line.id: "".join(ch for ch in line.number if ch.isdigit())
        for line in knowledge.lines + knowledge.contacts
    }


def _spaced_script(text: str) -> bool:
    """Latin, Cyrillic and the like, whose words are separated by spaces (so matching an
    option within a longer answer is safe there, and only there)."""
    return all(ord(char) < 0x2E80 or not char.isalpha() for char in text) and not any(
        0x0E00 <= ord(char) <= 0x0E7F
        for char in text  # Thai writes no spaces between words
    )


class Understanding:
    """Matches answers to choice sets and finds mentions of extractable sets in free text."""

    def __init__(
        self,
        flows: FlowSet,
        catalog: Catalog,
        *,
        numbers: Mapping[str, str] | None = None,
        need_model: Path | None = MODEL_FILE,
    ) -> None:
        """``numbers``: the digits of the knowledge's numbers by line id (default: the
        page's), so that a number the user quotes names its line; ``need_model``: the learned
        model of needs the lexicon is read with (None: the lexicon alone)."""
        self.flows = flows
        spoken = {
            option.id: [p for p in option.phrases() if len(p) >= _FIND_MIN_LEN or not p.isascii()]
            for option in flows.choices["phone_language"].options
        }
        self.needs: Reader = NeedReader(
            _knowledge_numbers() if numbers is None else numbers,
            spoken,
            model=None if need_model is None else shipped(need_model),
        )
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
        if choice_set == _NEEDS_SET:
            exact = self._exact[choice_set].get(normalize(text))
            if exact is not None or (exact := self.mentions(text).topic) is not None:
                return exact
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

    def mentions(self, text: str) -> Reading:
        """What free text says: its need, the item lost, the phone language it states."""
        return self.needs.read(text)

    def clear_caches(self) -> None:
        """Forget what was read (the benchmark's cost of a new message)."""
        self.needs.clear_caches()
        for matcher in self._matchers.values():
            matcher.clear_caches()
