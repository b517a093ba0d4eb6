"""The labelled corpus of first messages the understanding benchmark (issue #15) is measured on.

One YAML file a language in ``corpus/`` (``<code>.yaml``), each with ``language`` and ``cases``;
a case has ``text``, ``need`` and ``split`` and may have ``phone_language`` and ``note``.
``load_corpus`` validates while it loads: anything it cannot vouch for raises ``ValueError``
naming the file and the case index, so a benchmark never runs on a silently wrong corpus.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS_DIR = Path(__file__).parent / "corpus"
# Cases of the bot's developers, apart from the corpus (which they did not write): all tune.
OWN_DIR = CORPUS_DIR.parent / "own"
# Sets written apart from the lexicon, each once the one before was spent (measured once, then
# tuned on: bench/UNDERSTANDING.md has each first figure), in the order they were written.
WRITTEN_APART = {
    name: CORPUS_DIR.parent / name
    for name in (
        "fresh",
        "blind",
        "unseen",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twentyfirst",
        "twentysecond",
        "twentythird",
        "twentyfourth",
        "twentyfifth",
        "twentysixth",
        "twentyseventh",
        "twentyeighth",
        "twentyninth",
        "thirtieth",
        "thirtyfirst",
        "thirtysecond",
        "thirtythird",
        "thirtyfourth",
        "thirtyfifth",
        "thirtysixth",
        "thirtyseventh",
        "thirtyeighth",
        "thirtyninth",
        "fortieth",
        "fortyfirst",
        "fortysecond",
        "fortythird",
        "fortyfourth",
        "fortyfifth",
        "fortysixth",
        "fortyseventh",
        "fortyeighth",
        "fortyninth",
        "fiftieth",
        "fiftyfirst",
        "fiftysecond",
        "fiftythird",
    )
}

NEEDS: frozenset[str] = frozenset(
    {
        "lost_card",
        "lost_phone",
        "lost",
        "card",
        "mynumber",
        "status",
        "health_insurance",
        "bank_account",
        "points",
        "inquiry",
        "privacy",
        "reply_email",
        "japanese",
        "out_of_scope",
        "unclear",
    }
)
URGENT: frozenset[str] = frozenset({"lost_card", "lost_phone", "lost"})
# The ten foreign languages the call centers speak, then Japanese.
FOREIGN_LANGUAGES: tuple[str, ...] = ("en", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")
LANGUAGES: tuple[str, ...] = (*FOREIGN_LANGUAGES, "ja")
SPLITS: frozenset[str] = frozenset({"tune", "held_out"})

_REQUIRED_KEYS = frozenset({"text", "need", "split"})
_CASE_KEYS = _REQUIRED_KEYS | {"phone_language", "note"}
_FILE_KEYS = frozenset({"language", "cases"})


@dataclass(frozen=True)
class Case:
    """One first message and the need its right first reply is about."""

    text: str
    need: str
    language: str
    split: str
    file: str
    index: int
    phone_language: str | None = None
    note: str | None = None

    @property
    def urgent(self) -> bool:
        return self.need in URGENT


def fold(text: str) -> str:
    """The form two texts are compared in for duplicates: NFKC, case-folded, spaces squeezed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def load_corpus(split: str | None = None, directory: Path = CORPUS_DIR) -> list[Case]:
    """Every case of every ``<language>.yaml`` in ``directory`` (only ``split``'s, if given)."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {sorted(SPLITS)}")
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise ValueError(f"no corpus files (*.yaml) in {directory}")
    cases: list[Case] = []
    for path in paths:
        cases.extend(load_file(path))
    _refuse_duplicates(cases)
    return [case for case in cases if split is None or case.split == split]


def labelled_before(measured: str | None = None) -> list[Case]:
    """Every labelled message written before the set ``measured`` (all of them when None): the
    corpus, the developers' own cases and the sets written apart before it (what the lexicon
    was tuned on when ``measured`` was measured)."""
    cases = load_corpus() + load_corpus(directory=OWN_DIR)
    names = list(WRITTEN_APART)
    for name in names[: names.index(measured)] if measured is not None else names:
        cases += load_corpus(directory=WRITTEN_APART[name])
    return cases


def load_file(path: Path) -> list[Case]:
    """The cases of one corpus file, validated."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, Mapping):
        raise ValueError(f"{path.name}: expected a mapping with 'language' and 'cases'")
    _refuse_unknown_keys(path.name, "file", data, _FILE_KEYS)
    language = _file_language(path, data)
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise ValueError(f"{path.name}: 'cases' must be a non-empty list")
    cases = [_case(path.name, language, index, raw) for index, raw in enumerate(raw_cases)]
    _refuse_duplicates(cases)
    return cases


def _file_language(path: Path, data: Mapping[str, Any]) -> str:
    language = data.get("language")
    if language not in LANGUAGES:
        raise ValueError(f"{path.name}: unknown language {language!r}; expected one of {LANGUAGES}")
    if path.stem != language:
        raise ValueError(f"{path.name}: language {language!r} does not match the file name")
    return str(language)


def _case(file: str, language: str, index: int, raw: object) -> Case:
    where = f"{file}: case {index}"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {type(raw).__name__}")
    _refuse_unknown_keys(file, f"case {index}", raw, _CASE_KEYS)
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: missing text (a non-empty string is required)")
    need = _choice(where, "need", raw.get("need"), NEEDS)
    split = _choice(where, "split", raw.get("split"), SPLITS)
    phone_language = raw.get("phone_language")
    if phone_language is not None:
        phone_language = _choice(where, "phone_language", phone_language, LANGUAGES)
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise ValueError(f"{where}: note must be a non-empty string")
    return Case(
        text=text,
        need=need,
        language=language,
        split=split,
        file=file,
        index=index,
        phone_language=phone_language,
        note=note,
    )


def _choice(where: str, key: str, value: object, allowed: Iterable[str]) -> str:
    options = sorted(allowed)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{where}: unknown {key} {value!r}; expected one of {options}")
    return value


def _refuse_unknown_keys(
    file: str, what: str, raw: Mapping[Any, Any], known: frozenset[str]
) -> None:
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        raise ValueError(f"{file}: {what}: unknown key(s) {unknown}; expected {sorted(known)}")


def _refuse_duplicates(cases: Iterable[Case]) -> None:
    seen: dict[str, Case] = {}
    for case in cases:
        key = fold(case.text)
        first = seen.setdefault(key, case)
        if first is not case:
            raise ValueError(
                f"{case.file}: case {case.index}: duplicate text {case.text!r} "
                f"(same as {first.file}: case {first.index})"
            )
