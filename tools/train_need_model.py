"""Writes flows/need_model.npz: the linear model of needs (bot/need_model.py), learned from every
labelled first message of tests/understanding (the corpus, the developers' cases and the sets
written apart), with the lexicon's concepts as features beside the character n-grams.

Run after a set is added or the lexicon changes (the tests fail on a stale model):
``python tools/train_need_model.py``. It needs scikit-learn (in the test extras); the bot
does not: it reads the weights only. Training is deterministic, so the file changes only
when what it learns from does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.catalog import Catalog  # noqa: E402
from bot.cues import CueFinder  # noqa: E402
from bot.need_model import MODEL_FILE, NeedModel, features, fingerprint  # noqa: E402
from bot.needs import NeedReader  # noqa: E402
from bot.understanding import Understanding  # noqa: E402
from flows.loader import default_flows  # noqa: E402
from tests.understanding.corpus import LANGUAGES, NEEDS, Case, labelled_before  # noqa: E402

# What the features depend on besides the messages: the lexicon's data and the code that
# finds its concepts and folds the text.
SOURCES = tuple(
    ROOT / name
    for name in (
        "flows/needs.yaml",
        "flows/choices.yaml",
        "flows/everyday_words.txt",
        "flows/hanzi_variants.txt",
        "bot/cues.py",
        "bot/normalize.py",
        "bot/need_model.py",
    )
)
# The SVM's regularization (the benchmark found 0.2 to 1 equally good).
C = 0.5
# The topic phrases teach the bare names (`マイナンバーカード` alone, which the messages alone
# leaned to read as a lost card) and count a tenth of a message each: at a whole one they
# outweighed residents' wording (the urgent recall fell by 3.6 points on the thirteenth set).
CHOICES = "choices.yaml"
PHRASE_WEIGHT = 0.1
# The smallest weight kept: grams that weigh less for every need are dropped (about five in
# six; the blind figures of rounds 12-21 in bench/UNDERSTANDING.md were measured so pruned).
SMALLEST_WEIGHT = 0.02


def lexicon_finder() -> CueFinder:
    """The lexicon's cue finder, built without any model (which may be the one retrained)."""
    reader = Understanding(default_flows(), Catalog.load(), need_model=None).needs
    assert isinstance(reader, NeedReader)
    return reader.finder


def training_set(labelled: Sequence[Case]) -> list[Case]:
    """``labelled``, and the topic choice set's phrases (flows/choices.yaml, every language)
    labelled with their option: what residents type where the topic is asked, the shortest
    first messages (`マイナンバーカード` alone is the card's matter)."""
    phrases = [
        (phrase, option.id, language)
        for option in default_flows().choices["topic"].options
        for language, words in option.synonyms.items()
        for phrase in words
        if option.id in NEEDS and language in LANGUAGES
    ]
    typed = (
        Case(text=text, need=need, language=language, split="tune", file=CHOICES, index=i)
        for i, (text, need, language) in enumerate(phrases)
    )
    return [*labelled, *typed]


def train(cases: Sequence[Case], finder: CueFinder) -> NeedModel:
    """A model of ``cases``' needs, over their n-grams and the concepts ``finder`` finds."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

    seen = [set(features(case.text, finder.find(case.text).concepts)) for case in cases]
    names = sorted(set().union(*seen))
    vocabulary = {feature: i for i, feature in enumerate(names)}
    rows = np.repeat(np.arange(len(seen)), [len(s) for s in seen])
    columns = np.fromiter((vocabulary[f] for s in seen for f in sorted(s)), dtype=np.int32)
    matrix = csr_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(seen), len(vocabulary))
    )
    weight = [PHRASE_WEIGHT if case.file == CHOICES else 1.0 for case in cases]
    svm = LinearSVC(C=C, random_state=0, max_iter=5000)
    svm.fit(matrix, [case.need for case in cases], sample_weight=weight)
    weights = svm.coef_.T
    kept = np.flatnonzero(np.abs(weights).max(axis=1) >= SMALLEST_WEIGHT)
    return NeedModel(
        needs=tuple(str(need) for need in svm.classes_),
        vocabulary={names[row]: i for i, row in enumerate(kept)},
        weights=weights[kept].astype(np.float32),
        bias=svm.intercept_.astype(np.float32),
        trained_on=trained_on(cases),
    )


def trained_on(cases: Sequence[Case]) -> str:
    return fingerprint(((case.text, case.need) for case in cases), SOURCES)


def main() -> None:
    cases = training_set(labelled_before())
    model = train(cases, lexicon_finder())
    model.save(MODEL_FILE)
    print(
        f"{MODEL_FILE.relative_to(ROOT)}: {len(cases)} messages, {len(model.vocabulary)} features"
    )


if __name__ == "__main__":
    main()
