"""What a free-text message needs: a topic of the flows, the item lost, the phone language.

The need is weighed from evidence (issue #15), not taken from the first word that names a topic:
the concepts of flows/needs.yaml found in the message (:mod:`bot.cues`), the number it quotes,
and the phone language it states. Urgency comes first and is decided on its own (rule 1 of
DESIGN.md): a loss or a suspension, unless something was found again (then, if a card and a
phone were named, which one is still missing is asked), is a lost phone when a phone is named,
a lost card when a card, notice or the Individual Number is, a matter the call centers do not
handle when only another item is (a passport, or a passport while the card is said to be safe),
and otherwise `lost` (which item is asked) unless another topic clearly carries the message
(`did my application get lost?`) and nothing asks to block anything, or only money was lost to
a scam. A phone said to be in hand, or a `card` that is the one still to be picked up, is not
the item lost.
Then the lexicon's own need: each need sums the weights of the concepts found; the best one is
taken only if it is clear enough and ahead of the next, else the need is unknown and the menu
is shown: ambiguity is asked, never guessed. A card found again with the question withdrawn
(`never mind`) leaves no card's matter.
A message that is not urgent and names some need's evidence (and neither the card line by its
own names nor money taken from an account, which the lexicon decides) is then weighed by the
learned model too (bot/need_model.py, over its character n-grams and the concepts found), which is
right more often on messages written blind (bench/UNDERSTANDING.md). Its need is taken, with
three exceptions: a loss the lexicon read as settled (found again, said safe or not lost), a
message naming nothing that can be lost where the lexicon finds another need, or one naming
no event of a loss unless the model clearly prefers the alarm, is not made urgent; a calm
need overrules the lexicon's clear one, or breaks a tie of two, only when the model clearly
prefers it; the model never takes an urgent reading away.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.cues import CueFinder, Found
from bot.need_model import NeedModel
from knowledge.yamlnode import Node

NEEDS_FILE = Path(__file__).resolve().parents[1] / "flows" / "needs.yaml"
EVERYDAY_FILE = NEEDS_FILE.with_name("everyday_words.txt")
VARIANTS_FILE = NEEDS_FILE.with_name("hanzi_variants.txt")
_URGENT = {"lost_card": "card", "lost_phone": "phone"}
_ALARMS = frozenset({*_URGENT, "lost"})  # the urgent readings (`lost`: which item is asked)
# A card found again and the question withdrawn (`never mind`, `お騒がせしました`).
_WITHDRAWN = frozenset({"found", "never_mind"})
_UNCLEAR = "unclear"  # the model's need of a message that says none
# A loss the lexicon read as settled: found again, the card said safe or not lost, the phone safe,
# money taken (a scam, not a card); or no loss at all where the card is being put on a phone, a
# notice asked to be kept, two documents told apart or asked whether still valid (the model
# reads an item named as lost where no loss was said).
_SETTLED = frozenset(
    {"found", "safe", "not_lost", "phone_safe", "money_taken"}
    | {"phone_setup", "keep", "difference", "still_valid"}
)
Ranked = list[tuple[str, int]]  # the needs by their evidence, the strongest first
# How far the model must prefer a calm need to overrule the lexicon's clear one: on rounds
# 8-11 (bench/UNDERSTANDING.md), 0 to 0.5 read equally well, 0.25 with the fewest false alarms.
_OVERRULE = 0.25
# How far it must prefer one of two needs the lexicon finds as likely (two needs named: asked,
# not guessed): on rounds 16-25, 0.5 read 2 messages of 5,967 fewer than 0.25 did, and two
# topics named alone (`health insurance and bank account`) stay a question.
_BREAK_TIE = 0.5
_LANGUAGE = "language:"  # the concept of a phone language named, before its code
_CARD_LINE_QUOTED = "quoted:card"
# What the lexicon decides however the model weighs the rest: the card line named by its own
# names (the Navi-Dial, IP phones), money taken from an account (the bank's and the police's
# matter, even when the caller had asked for the number).
_LEXICON_DECIDES = frozenset({"card_line", "money_taken"})
_CARDS = ("item_card", "item_mnc", "item_notice", "mynumber_word", _CARD_LINE_QUOTED)
# What can be lost: a card, a notice, the number, a phone, a wallet or a bag.
_ITEMS = frozenset({*_CARDS, "item_phone", "container"})
# What tells of a loss: lost or stolen, a wish to block, left behind, in a public place.
_EVENTS = frozenset({"loss", "suspend", "forgot", "public_place"})


@dataclass(frozen=True, slots=True)
class Reading:
    """What one message says: its need (a topic option, None when unclear), the item lost and
    the language the caller will speak on the phone, where it says so."""

    topic: str | None = None
    lost_item: str | None = None
    phone_language: str | None = None

    def best(self, choice_set: str) -> str | None:
        """The option of ``choice_set`` the message names (topic, lost_item, phone_language)."""
        return {
            "topic": self.topic,
            "lost_item": self.lost_item,
            "phone_language": self.phone_language,
        }.get(choice_set)

    def urgent_topic(self) -> str | None:
        """A lost or stolen card, notice or phone (rule 1), as its topic."""
        return self.topic if self.topic in _URGENT else None


class Reader(Protocol):
    """Reads a need from free text (the benchmark measures others against :class:`NeedReader`)."""

    def read(self, text: str) -> Reading: ...

    def clear_caches(self) -> None: ...


@dataclass(frozen=True, slots=True)
class _Weights:
    by_concept: dict[str, dict[str, int]]
    together: tuple[tuple[frozenset[str], frozenset[str], str, int], ...]  # all, any of
    minimum: int
    margin: int
    quoted: dict[str, str]  # digits of a number -> need
    quoted_weight: int
    application_id_digits: int


class NeedReader:
    """Reads needs from free text; built once from flows/needs.yaml.

    ``numbers``: the digits of each number of the knowledge, by line id (a number the user
    quotes names the line they mean); ``languages``: the names of each phone language;
    ``model``: the learned model of needs (None: the lexicon weighs them alone);
    ``everyday``: the file of everyday words never mended into a cue; ``variants``: the file of
    traditional Chinese characters and their simplified forms.
    """

    def __init__(
        self,
        numbers: Mapping[str, str],
        languages: Mapping[str, Iterable[str]],
        path: Path = NEEDS_FILE,
        everyday: Path = EVERYDAY_FILE,
        variants: Path = VARIANTS_FILE,
        *,
        model: NeedModel | None = None,
    ) -> None:
        self.model = model
        data: dict[str, Any] = Node.load(path).value
        cues = {
            concepts: [str(cue) for cues in by_language.values() for cue in cues]
            for concepts, by_language in data["cues"].items()
        }
        # The phone languages' names are cues too, so that one pass finds everything.
        self._languages = {f"{_LANGUAGE}{code}": code for code in languages}
        cues |= {f"{_LANGUAGE}{code}": list(names) for code, names in languages.items()}
        nationalities = data.get("nationalities", {})
        cues["none"] += [
            f"{adjective} {noun}"
            for adjective in nationalities.get("adjectives", ())
            for noun in nationalities.get("nouns", ())
        ]
        known = [str(word) for words in data.get("words", {}).values() for word in words]
        pairs = (line.split() for line in _data_lines(variants))
        self.finder = CueFinder(cues, known, _data_lines(everyday), dict(pairs))
        quoted = data["quoted_lines"]
        self._weights = _Weights(
            by_concept={c: dict(w) for c, w in data["weights"].items()},
            together=tuple(
                (frozenset(t["concepts"]), frozenset(t.get("any", ())), t["need"], int(t["weight"]))
                for t in data["together"]
            ),
            minimum=int(data["minimum"]),
            margin=int(data["margin"]),
            quoted={
                digits: quoted["lines"][line]
                for line, digits in numbers.items()
                if line in quoted["lines"]
            },
            quoted_weight=int(quoted["weight"]),
            application_id_digits=int(data["application_id_digits"]),
        )

    def clear_caches(self) -> None:
        """Forget the words mended (the benchmark's cost of a new message)."""
        self.finder.clear_caches()

    def read(self, text: str) -> Reading:
        """The need of ``text``, and the phone language it states (one language named, or
        none: `English or Tagalog?` is asked)."""
        found = self.finder.find(text)
        concepts = set(found.concepts)
        spoken = {self._languages[c] for c in concepts if c in self._languages}
        if not spoken and "japanese" in concepts:
            spoken = {"ja"}  # Japanese wanted in words of no language's name (`日本語で対応`)
        phone_language = spoken.pop() if len(spoken) == 1 else None
        if "item_mnc" in concepts:
            concepts.discard("item_card")  # the card named twice is named once
        if phone_language == "ja":
            concepts.add("japanese")
        if any(self._weights.quoted.get(digits) == "card" for digits in found.numbers):
            concepts.add(_CARD_LINE_QUOTED)  # the card line's number: the line of a lost card
        scores = self._scores(found, concepts)
        topic = _urgent(concepts, scores, self._weights)
        if topic not in _ALARMS:
            if concepts >= _WITHDRAWN:
                # Found again, never mind: the card's matter is withdrawn; only another is read
                # (`found` stays, so that the model raises no alarm either).
                concepts -= set(_CARDS)
                scores = self._scores(found, concepts - _WITHDRAWN)
            ranked = sorted(scores.items(), key=lambda item: -item[1])
            clear = topic or self._clear(ranked)
            # The model weighs only what names a need's evidence: an answer with none (a
            # language's name, nonsense) is no need of the model's guessing.
            if self.model is not None and ranked:
                topic = self._learned(text, found, concepts, ranked, clear)
            else:
                topic = clear
        return Reading(topic, _URGENT.get(topic or ""), phone_language)

    def _learned(
        self, text: str, found: Found, concepts: set[str], ranked: Ranked, clear: str | None
    ) -> str | None:
        """The lexicon's need where the message names what it decides; else the model's
        need, unless it is urgent while the lexicon read the loss as settled (`_SETTLED`:
        found again, said safe, no loss at all), or finds another need clearly in a message that
        names nothing that can be lost, or names no event of a loss and the model barely
        prefers the alarm (otherwise an urgent reading is taken: a false alarm costs one line);
        or unless it barely prefers a calm need to the lexicon's clear one, or does not clearly
        prefer one of two the lexicon finds as likely (then the menu asks)."""
        assert self.model is not None
        if concepts & _LEXICON_DECIDES:
            return clear
        need, lead = self.model.best(text, found.concepts)
        if need in _ALARMS:
            doubtful = clear is not None and (
                not concepts & _ITEMS or (lead < _OVERRULE and not concepts & _EVENTS)
            )
            return clear if doubtful or concepts & _SETTLED else need
        barely_another = lead < _OVERRULE and clear not in (None, need)
        if barely_another or (lead < _BREAK_TIE and self._tied(ranked)):
            return clear
        # The model's `unclear` never takes the lexicon's clear need away (`a question about
        # my card` is the card's); without one, the menu asks.
        return clear if need == _UNCLEAR else need

    def with_model(self, model: NeedModel | None) -> NeedReader:
        """This lexicon read with another model (None: alone), for the benchmark's readers."""
        twin = copy.copy(self)
        twin.model = model
        return twin

    def _clear(self, ranked: Ranked) -> str | None:
        """The non-urgent need the evidence clearly points to, or None."""
        if [need for need, _ in ranked] == ["card"]:
            return "card"  # the card named, and nothing else: the card line's matter
        if not ranked or ranked[0][1] < self._weights.minimum or self._tied(ranked):
            return None
        return ranked[0][0]

    def _tied(self, ranked: Ranked) -> bool:
        """Two needs as likely: the best reaches the minimum, the next is within the margin."""
        w = self._weights
        return (
            len(ranked) > 1 and ranked[0][1] >= w.minimum and ranked[0][1] - ranked[1][1] < w.margin
        )

    def _scores(self, found: Found, concepts: set[str]) -> dict[str, int]:
        w = self._weights
        scores: dict[str, int] = {}
        for concept in concepts:
            for need, weight in w.by_concept.get(concept, {}).items():
                scores[need] = scores.get(need, 0) + weight
        for together, any_of, need, weight in w.together:
            if together <= concepts and (not any_of or any_of & concepts):
                scores[need] = scores.get(need, 0) + weight
        for digits in found.numbers:
            line_need = w.quoted.get(digits)
            if line_need is None and len(digits) == w.application_id_digits:
                line_need = "status"  # an Application ID quoted
            if line_need is not None:
                scores[line_need] = scores.get(line_need, 0) + w.quoted_weight
        return scores


def _data_lines(path: Path) -> list[str]:
    """The lines of a data file beside needs.yaml (`#` starts a comment line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _urgent(concepts: set[str], scores: Mapping[str, int], weights: _Weights) -> str | None:
    """The urgent reading of a loss (see the module's docstring), or None."""
    if "forgot" in concepts and concepts & {"item_phone", "container", "public_place"}:
        concepts = concepts | {"loss"}  # a phone or a wallet forgotten, or on a train: left behind
    if not concepts & {"loss", "suspend"}:
        return None
    if "money_taken" in concepts and not concepts & _ITEMS:
        return None  # money lost to a scam (`lost 200,000 yen`): the bank's and the police's
    if "found" in concepts:  # found again; when a card and a phone were lost, which one is asked
        return "lost" if "item_phone" in concepts and concepts & set(_CARDS) else None
    if "phone_safe" in concepts:
        concepts = concepts - {"item_phone"}  # the phone said to be in hand: not the lost item
    if "pickup_notice" in concepts:
        concepts = concepts - {"item_card"}  # `the card` is the one to pick up, not yet had
        if not concepts & {"item_phone", "container", "other_item", *_CARDS}:
            return None  # the pickup notice itself lost: the card's matter (pick it up anyway)
    if "safe" in concepts or {"not_lost", "other_item"} <= concepts:
        # The card said to be in hand (or something not lost beside a passport lost): the loss
        # is of something else. `Not lost` alone may be the money's, beside a card gone.
        concepts = concepts - set(_CARDS)
    if "item_phone" in concepts:
        return "lost_phone"
    if concepts & set(_CARDS):  # a card beside a passport is still a card (`card` inside
        return "lost_card"  # `residence card` is no card: bot/cues.py prunes it)
    if "other_item" in concepts:
        return "out_of_scope"  # a passport, a residence card: not the call centers' matter
    if "container" in concepts:
        return "lost"
    others = {need: score for need, score in scores.items() if need != "out_of_scope"}
    best = max(others.values(), default=0)
    carried = best >= weights.minimum + 1 and list(others.values()).count(best) == 1
    if carried and "suspend" not in concepts:
        return None  # another topic carries the message; the loss is not of an item
    return "lost"
