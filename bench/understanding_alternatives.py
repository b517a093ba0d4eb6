"""The readers `python -m bench.understanding` measures against bot/needs.py's evidence.

- ``phrases``: the bot before issue #15, the topic and lost-item phrases of flows/choices.yaml
  found with rapidfuzz (bot/matching.py), the highest priority winning;
- ``ngrams``: a multinomial naive Bayes over character 1- to 4-grams of the folded text, trained
  at build time on the corpus's tune split (measured on tune by 5-fold cross-validation, so that
  it is never scored on a message it was trained on);
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.catalog import Catalog
from bot.cues import fold
from bot.matching import ChoiceMatcher
from bot.needs import Reader, Reading
from flows.model import FlowSet
from tests.understanding.corpus import Case

_LOST_ITEM = {"card": "lost_card", "phone": "lost_phone"}
_FOLDS = 5


class PhraseReader:
    """Today's (before #15) reading: the topic phrase found with the highest priority."""

    def __init__(self, flows: FlowSet, catalog: Catalog) -> None:
        self._matchers = {}
        for name in ("topic", "lost_item", "phone_language"):
            choice = flows.choices[name]
            options = [
                (o.id, (*o.phrases(), *(catalog.raw(lang, o.label) for lang in catalog.languages)))
                for o in choice.options
            ]
            priorities = {o.id: o.priority for o in choice.options}
            self._matchers[name] = ChoiceMatcher(options, priorities=priorities)

    def read(self, text: str) -> Reading:
        found = {name: m.find_in(text) for name, m in self._matchers.items()}
        phone_language = found["phone_language"][0].option_id if found["phone_language"] else None
        topic = found["topic"][0].option_id if found["topic"] else None
        item = found["lost_item"][0].option_id if found["lost_item"] else None
        if topic == "lost" and item is not None:
            topic = _LOST_ITEM[item]
        urgent_item = {"lost_card": "card", "lost_phone": "phone"}.get(topic or "")
        return Reading(topic, urgent_item or item, phone_language)

    def clear_caches(self) -> None:
        for matcher in self._matchers.values():
            matcher.clear_caches()


def _grams(text: str) -> Counter[str]:
    folded = f" {fold(text)} "
    return Counter(folded[i : i + n] for n in (1, 2, 3, 4) for i in range(len(folded) - n + 1))


class _NaiveBayes:
    def __init__(self, cases: Sequence[Case], alpha: float = 0.5) -> None:
        counts: dict[str, Counter[str]] = {}
        for case in cases:
            counts.setdefault(case.need, Counter()).update(_grams(case.text))
        vocabulary = {gram for grams in counts.values() for gram in grams}
        sizes = Counter(case.need for case in cases)
        self._prior = {need: math.log(n / len(cases)) for need, n in sizes.items()}
        self._log: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for need, grams in counts.items():
            total = sum(grams.values()) + alpha * len(vocabulary)
            self._log[need] = {g: math.log((c + alpha) / total) for g, c in grams.items()}
            self._unseen[need] = math.log(alpha / total)

    def predict(self, text: str) -> str:
        grams = _grams(text)
        scores = {
            need: self._prior[need]
            + sum(n * self._log[need].get(g, self._unseen[need]) for g, n in grams.items())
            for need in self._prior
        }
        return max(scores, key=lambda need: scores[need])


def _reading(need: str, phone_language: str | None) -> Reading:
    topic = None if need == "unclear" else need
    return Reading(topic, {"lost_card": "card", "lost_phone": "phone"}.get(need), phone_language)


class NgramReader:
    """Naive Bayes trained on ``train``; with ``folds``, each text is read by the model of the
    fold that did not see it (cross-validation on the training cases themselves)."""

    def __init__(
        self, train: Sequence[Case], languages: Reader, *, cross_validate: bool = False
    ) -> None:
        self._languages = languages  # the phone language stated, read as the bot reads it
        self._models: list[_NaiveBayes] = []
        self._fold_of: dict[str, int] = {}
        if cross_validate:
            for k in range(_FOLDS):
                self._models.append(
                    _NaiveBayes([c for i, c in enumerate(train) if i % _FOLDS != k])
                )
            self._fold_of = {c.text: i % _FOLDS for i, c in enumerate(train)}
        else:
            self._models.append(_NaiveBayes(train))

    def read(self, text: str) -> Reading:
        model = self._models[self._fold_of.get(text, 0)]
        return _reading(model.predict(text), self._languages.read(text).phone_language)

    def clear_caches(self) -> None:
        return None
