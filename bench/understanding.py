"""How well the bot understands first messages (issue #15), on tests/understanding/corpus.

Run: `python -m bench.understanding` (the tune split; `--failures` lists what is not right, to
tune on), `--own` (the developers' cases), `--held-out` (the first held-out split), or one of
the sets written apart from the lexicon (`--fresh`, `--blind`, `--unseen`, `--fifth` ...,
tests/understanding/<name>): each is measured once, before it is tuned on, and that first
figure is the one bench/UNDERSTANDING.md reports; `--summary` (what `make bench` prints) gives
the bot's reader on every set as it reads them today.
What "right" means: bench/understanding_judge.py.

It prints every reader measured (bench/understanding_alternatives.py) on the same cases, then
for the bot's own: accuracy per language and per need, the confusion of needs with what the
first reply did, the urgent messages' recall and the false alarms, and the cost per message.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial

from adapters.bootstrap import build_engine
from bench.understanding_alternatives import NgramReader, PhraseReader
from bench.understanding_judge import ALARMS, AT, Verdict, judge
from bot.engine import Engine
from bot.messages import Event
from bot.needs import NeedReader, Reader
from bot.normalize import clear_cache
from tests.understanding.corpus import (
    LANGUAGES,
    NEEDS,
    OWN_DIR,
    WRITTEN_APART,
    Case,
    fold,
    labelled_before,
    load_corpus,
)
from tools.train_need_model import train, training_set


def readers(
    engine: Engine, split: str, cases: Sequence[Case], before: list[Case] | None
) -> dict[str, Reader]:
    """The readers compared. The classifiers learn from what the lexicon was tuned on: for a
    set written apart, every labelled message written ``before`` it; for the corpus, the naive
    Bayes from the tune split (by cross-validation on it), the bot's model from every labelled
    message but the ``cases`` measured."""
    evidence = engine.understanding.needs
    assert isinstance(evidence, NeedReader)
    if before is None:
        ngrams = NgramReader(load_corpus("tune"), evidence, cross_validate=split == "tune")
        measured = {fold(case.text) for case in cases}
        learned = [case for case in labelled_before() if fold(case.text) not in measured]
    else:
        ngrams = NgramReader(before, evidence)
        learned = before
    model = train(training_set(learned), evidence.finder)
    return {
        "phrases (before #15)": PhraseReader(engine.flows, engine.catalog),
        "ngrams (naive Bayes)": ngrams,
        "evidence alone": evidence.with_model(None),
        "evidence+model (chosen)": evidence.with_model(model),
    }


def run(engine: Engine, reader: Reader, cases: Sequence[Case]) -> list[Verdict]:
    kept = engine.understanding.needs
    engine.understanding.needs = reader
    try:
        return [judge(engine, case) for case in cases]
    finally:
        engine.understanding.needs = kept


def share(verdicts: Sequence[Verdict]) -> str:
    right = sum(v.right for v in verdicts)
    return f"{100 * right / len(verdicts):5.1f}% ({right}/{len(verdicts)})" if verdicts else "-"


def urgent_figures(verdicts: Sequence[Verdict]) -> tuple[str, str]:
    urgent = [v for v in verdicts if v.case.urgent]
    alarms = [v for v in verdicts if not v.case.urgent and v.did in ALARMS]
    calm = len(verdicts) - len(urgent)
    return share(urgent), f"{len(alarms)} of {calm}"


def print_comparison(
    engine: Engine, cases: Sequence[Case], where: str, readers_: dict[str, Reader]
) -> list[Verdict]:
    print(f"{len(cases)} first messages, {where}; right (answer or fair question):")
    print(f"  {'reader':<24}{'all':>16}{'worst language':>22}{'urgent recall':>20}  false alarms")
    chosen: list[Verdict] = []
    for name, reader in readers_.items():
        chosen = run(engine, reader, cases)
        _print_row(name, chosen, 24)
    return chosen


def _print_row(name: str, verdicts: Sequence[Verdict], width: int) -> None:
    """One reader's or one set's figures: right, worst language, urgent recall, false alarms."""
    worst = min(LANGUAGES, key=lambda code: _rate(_of(verdicts, code)))
    recall, alarms = urgent_figures(verdicts)
    worst_share = f"{worst} {share(_of(verdicts, worst))}"
    print(f"  {name:<{width}}{share(verdicts):>16}{worst_share:>22}{recall:>20}  {alarms}")


def _of(verdicts: Sequence[Verdict], language: str) -> list[Verdict]:
    return [v for v in verdicts if v.case.language == language]


def _rate(verdicts: Sequence[Verdict]) -> float:
    return sum(v.right for v in verdicts) / len(verdicts) if verdicts else 1.0


def print_details(verdicts: Sequence[Verdict]) -> None:
    print("\nthe chosen reader, per language:")
    for code in LANGUAGES:
        print(f"  {code:<4}{share(_of(verdicts, code)):>18}")
    print("per need:")
    for need in sorted(NEEDS):
        print(f"  {need:<18}{share([v for v in verdicts if v.case.need == need]):>18}")
    recall, alarms = urgent_figures(verdicts)
    print(f"urgent (lost_card, lost_phone, lost) recall {recall}; false alarms {alarms}")
    print("confusion (need -> what the first reply did, where not all right):")
    for need in sorted(NEEDS):
        did = Counter(v.did for v in verdicts if v.case.need == need)
        wrong = Counter(v.did for v in verdicts if v.case.need == need and not v.right)
        if wrong:
            print(f"  {need:<18}", ", ".join(f"{k} {n}" for k, n in did.most_common()))


def print_cost(engine: Engine, cases: Sequence[Case]) -> None:
    understanding = engine.understanding

    def new(text: str) -> Callable[[], object]:
        def call() -> object:
            understanding.clear_caches()
            clear_cache()
            return understanding.mentions(text)

        return call

    cold = [_us(new(case.text)) for case in cases]
    warm = [_us(partial(understanding.mentions, case.text)) for case in cases]
    turns = [_us(partial(_turn, engine, case.text), calls=3) for case in cases[:120]]
    print("cost per message (microseconds, this machine):")
    for name, samples in (("reading, new", cold), ("reading, again", warm), ("first turn", turns)):
        print(
            f"  {name:<16} mean {statistics.mean(samples):7.0f}  median "
            f"{statistics.median(samples):7.0f}  max {max(samples):7.0f}"
        )


def _turn(engine: Engine, text: str) -> object:
    return engine.respond(Event(conversation="bench:cost", at=AT, text=text), None)


def _us(call: Callable[[], object], calls: int = 20) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def print_failures(verdicts: Sequence[Verdict], where: str) -> None:
    print(f"\nnot right ({where}):")
    for v in verdicts:
        if not v.right:
            print(f"  {v.case.language} {v.case.need:<16} did {v.did:<22} {v.case.text!r}")


def _not_met_before(cases: list[Case], measured: str, before: list[Case]) -> list[Case]:
    """The cases of the set ``measured`` whose text is in none of ``before`` (a message met
    before is no unseen one: writers sometimes write the same `hello`, or saw a draft)."""
    met = {fold(case.text) for case in before}
    kept = [case for case in cases if fold(case.text) not in met]
    if len(kept) < len(cases):
        print(f"({len(cases) - len(kept)} messages of the {measured} set met before: left out)")
    return kept


def print_summary(engine: Engine) -> None:
    """The bot's reader on every labelled set, one line each (a set written apart was tuned on
    after its one measurement: these are not its blind figures)."""
    sets = {"tune": load_corpus("tune"), "held-out": load_corpus("held_out")}
    sets["own"] = load_corpus(directory=OWN_DIR)
    sets |= {name: load_corpus(directory=folder) for name, folder in WRITTEN_APART.items()}
    width = max(map(len, sets)) + 1  # a full score (100.0%) must not touch the name
    print("the bot's reader on every labelled set today (blind figures: bench/UNDERSTANDING.md)")
    print(
        f"  {'set':<{width}}{'right':>16}{'worst language':>22}{'urgent recall':>20}  false alarms"
    )
    for name, cases in sets.items():
        _print_row(name, [judge(engine, case) for case in cases], width)
    cases = [case for group in sets.values() for case in group]
    print_cost(engine, cases[:: max(1, len(cases) // 600)])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding")
    parser.add_argument("--held-out", action="store_true", help="the held-out split (report)")
    parser.add_argument("--failures", action="store_true", help="list the cases not right")
    parser.add_argument("--own", action="store_true", help="the developers' own cases")
    parser.add_argument("--summary", action="store_true", help="every set, one line each")
    for name in WRITTEN_APART:
        help_ = f"the {name} set, written apart (bench/UNDERSTANDING.md: measured when)"
        parser.add_argument(f"--{name}", action="store_true", help=help_)
    args = parser.parse_args(argv)
    if args.summary:
        print_summary(build_engine())
        return
    measured = next((name for name in WRITTEN_APART if getattr(args, name)), None)
    split = "held_out" if args.held_out or measured else "tune"
    engine = build_engine()
    folder = OWN_DIR if args.own else WRITTEN_APART[measured] if measured else None
    cases = load_corpus(split) if folder is None else load_corpus(directory=folder)
    before: list[Case] | None = None
    if measured is not None:
        before = labelled_before(measured)
        cases = _not_met_before(cases, measured, before)
    where = f"{split} split" if measured is None else f"the {measured} set"
    verdicts = print_comparison(engine, cases, where, readers(engine, split, cases, before))
    print_details(verdicts)
    print_cost(engine, cases)
    if args.failures:
        print_failures(verdicts, f"{split} split" if folder is None else folder.name)


if __name__ == "__main__":
    main()
