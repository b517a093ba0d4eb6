"""A linear model of first messages' needs, learned from the labelled sets (issue #15).

The lexicon (flows/needs.yaml) says what a message names; this model weighs how residents
actually word their needs: character 2- to 4-grams of the folded message (so typos, Thai
without spaces and colloquial Japanese share most of their grams with what was seen) and the
lexicon's concepts found in it. It was chosen by `python -m bench.understanding` on sets
written blind: read after the lexicon's urgency, it was right more often than the lexicon alone
in every round measured (bench/UNDERSTANDING.md).

It is trained by tools/train_need_model.py (scikit-learn's linear SVM, a development tool),
which writes flows/need_model.npz; the bot only reads the weights, with numpy: a message costs
one look-up per gram and one sum of a few hundred rows. The file records a fingerprint of what
it was trained on (the labelled messages and the lexicon's files), so that a stale model is
caught by the tests rather than read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

from bot.cues import fold

MODEL_FILE = Path(__file__).resolve().parents[1] / "flows" / "need_model.npz"
_GRAMS = (2, 3, 4)
# The characters of a long message's start and of its end that the model reads (the longest
# labelled message has 336; the lexicon reads every message whole).
_VIEW = 300
_CONCEPT = "concept:"  # a lexicon concept's feature, before its name
# Between the features in the file, one string (a gram may hold a newline, never a NUL: the
# folding removes control characters).
_SEPARATOR = "\0"


def features(text: str, concepts: Iterable[str]) -> list[str]:
    """What the model sees of a message: its folded character n-grams (the message padded with
    a space, so a word's first and last letters make grams of their own; of a long message,
    only its start and its end, where needs are said) and its concepts. A feature may come
    more than once; it counts once."""
    folded = fold(text)
    if len(folded) > 2 * _VIEW:
        folded = f"{folded[:_VIEW]} {folded[-_VIEW:]}"
    folded = f" {folded} "
    grams = [folded[i : i + n] for n in _GRAMS for i in range(len(folded) - n + 1)]
    return grams + [f"{_CONCEPT}{concept}" for concept in concepts]


def fingerprint(cases: Iterable[tuple[str, str]], sources: Iterable[Path]) -> str:
    """What a model was trained on, as one digest: each (text, need) and each source file."""
    digest = hashlib.sha256()
    for text, need in cases:
        digest.update(f"{need}\t{text}\n".encode())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def shipped(path: Path = MODEL_FILE) -> NeedModel:
    """The model at ``path``, read once a process: every engine shares it (none changes it)."""
    return NeedModel.load(path)


@dataclass(frozen=True, slots=True)
class NeedModel:
    """One weight per feature and need, and a bias per need (a one-versus-rest linear model)."""

    needs: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: NDArray[np.float32]  # one row per feature of the vocabulary, one column per need
    bias: NDArray[np.float32]
    trained_on: str  # the fingerprint of what it learned from

    def best(self, text: str, concepts: Iterable[str]) -> tuple[str, float]:
        """The need the model scores highest for ``text`` with the concepts found in it, and
        its lead over the next (how much the model prefers it)."""
        found = set(map(self.vocabulary.get, features(text, concepts)))
        found.discard(None)
        rows = cast(list[int], list(found))
        scores = np.take(self.weights, rows, axis=0).sum(axis=0)
        scores += self.bias
        first, second = np.argsort(scores)[::-1][:2]
        return self.needs[int(first)], float(scores[first] - scores[second])

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> NeedModel:
        """The model written by tools/train_need_model.py."""
        with np.load(path, allow_pickle=False) as data:
            vocabulary = str(data["vocabulary"]).split(_SEPARATOR)
            return cls(
                needs=tuple(str(need) for need in data["needs"]),
                vocabulary={feature: row for row, feature in enumerate(vocabulary)},
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                trained_on=str(data["trained_on"]),
            )

    def save(self, path: Path) -> None:
        ordered: Sequence[str] = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            needs=np.array(self.needs),
            vocabulary=np.array(_SEPARATOR.join(ordered)),
            weights=self.weights,
            bias=self.bias,
            trained_on=np.array(self.trained_on),
        )
