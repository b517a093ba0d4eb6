"""Finding the cues of flows/needs.yaml in a message: which concepts it names, however written.

A cue is found on a folded form of the message (:func:`fold`): :func:`bot.normalize.normalize`,
then hiragana as katakana (`まいなかーど` is `マイナカード`), Latin letters without their accents
(`telefono`, `mat the` for `mất thẻ`, as residents type them on a phone), and every decimal
digit as ASCII (`६`, `๖`), and traditional Chinese characters as the simplified ones the cues
are written in (`號碼` is `号码`). Cues of Latin script are matched as whole words (`lost` is
not in `lostness`; `renew*` is any word that starts so), after one slip of typing per word is
mended against the cues' own words (`insurence`, `mynumbr`, `lsot`) and a list of words that
are no typo of a cue (`from` is not `form`), while the everyday words of the Latin-script
languages are left as written (`leaving` is not `leaking`); cues of other scripts, whose words
are not separated (Japanese, Chinese, Thai) or carry glued endings (Korean, Nepali), as
substrings of the message with its spaces taken out.

A cue found inside a longer cue of another concept does not count: `card` in `residence card`,
`マイナ` in `マイナポイント`, `税` in `住民税`. So a more specific phrase always beats a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.normalize import normalize

_LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
_DIGIT_RANGES = ((0x0660, 0x0669), (0x06F0, 0x06F9), (0x0966, 0x096F), (0x0E50, 0x0E59))


def _fold_table() -> dict[int, str]:
    table = {code: chr(code + 0x60) for code in range(0x3041, 0x3097)}  # hiragana -> katakana
    for low, high in _LATIN_RANGES:
        for code in range(low, high + 1):
            base = unicodedata.normalize("NFD", chr(code))[0]
            if base.isascii() and base != chr(code):
                table[code] = base
    table |= {ord("đ"): "d", ord("ø"): "o", ord("ł"): "l", ord("ß"): "ss"}
    for low, high in _DIGIT_RANGES:
        table |= {code: str(unicodedata.decimal(chr(code))) for code in range(low, high + 1)}
    return table


_FOLD = _fold_table()
_APOSTROPHES = re.compile("['\u2019\u02bc`]")
_WORD = re.compile(r"[0-9a-z]+")
_LATIN_CUE = re.compile(r"[0-9a-z ]+")
_SPACES = re.compile(r"\s+")
# A phrase is not found across a comma or the end of a sentence (`gia hạn rồi, thẻ` is no
# `rơi thẻ`); a dot or a colon inside an address (`card.go.jp`, `https://`) is no pause.
_PAUSE = re.compile(r"[,;!?、。，！？；：|]|[.:](?=\s|$)")
# Below this length one changed letter makes another word (`card`/`cart`); only a swap of two
# neighbours (`lsot`) is mended there. From this length on, one edit; from the next, two.
_FUZZY_MIN = 5
_TWO_EDITS_MIN = 9
_WORD_CACHE = 8192


def fold(text: str) -> str:
    """The form cues are found in (see the module's docstring)."""
    return normalize(text).translate(_FOLD)


@dataclass(frozen=True, slots=True)
class _Words:
    """A Latin cue: its words, the last one a prefix (`renew*`) when ``prefix``."""

    words: tuple[str, ...]
    prefix: bool
    concepts: tuple[str, ...]

    def at(self, line: list[str], i: int) -> bool:
        n = len(self.words)
        if line[i : i + n - 1] != list(self.words[:-1]) or i + n > len(line):
            return False
        last = line[i + n - 1]
        return last.startswith(self.words[-1]) if self.prefix else last == self.words[-1]


@dataclass(frozen=True, slots=True)
class Found:
    """The concepts a message names, and the digits of each number written in it."""

    concepts: frozenset[str]
    numbers: tuple[str, ...]


_Span = tuple[int, int, bool, tuple[str, ...]]  # start, end, Latin, concepts


class CueFinder:
    """Built once from ``{concepts: phrases}`` (a key may name several concepts, spaced).

    Cues are indexed by their first word (Latin) or first character (other scripts), so a
    message costs a few dictionary look-ups per word or character, whatever the cues' number.
    """

    def __init__(
        self,
        cues: Mapping[str, Iterable[str]],
        known: Iterable[str] = (),
        everyday: Iterable[str] = (),
        variants: Mapping[str, str] | None = None,
    ) -> None:
        # Traditional Chinese read as the simplified characters the cues are written in.
        self._variants = str.maketrans(dict(variants or {}))
        self._by_word: dict[str, list[_Words]] = {}
        self._stems: dict[int, dict[str, list[_Words]]] = {}  # one-word prefixes, by length
        self._by_char: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for key, phrases in cues.items():
            for phrase in phrases:
                self._add(phrase, tuple(key.split()))
        for found in self._by_char.values():
            found.sort(key=lambda cue: -len(cue[0]))
        # Words of no cue that a slip must not turn into one (`from` is not `form`,
        # Tagalog `kailangan` is not Indonesian `kehilangan`): kept, and mended to.
        plain = {w for word in known for w in _APOSTROPHES.sub("", fold(word)).split()}
        self._words = frozenset(
            w for cues_ in self._by_word.values() for c in cues_ for w in c.words
        ) | frozenset(w for w in plain if _WORD.fullmatch(w))
        # Too many to mend to (each would cost a comparison), so only never mended.
        self._everyday = frozenset(everyday)
        self._stem_tuple = tuple(s for by in self._stems.values() for s in by)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self._words):
            if len(word) >= _FUZZY_MIN - 1:
                self._by_initial.setdefault(word[0], []).append(word)
        self._mend = lru_cache(maxsize=_WORD_CACHE)(self._mended)

    def _add(self, phrase: str, concepts: tuple[str, ...]) -> None:
        # normalize() trims a trailing `*` as punctuation: it is read first.
        prefix = phrase.rstrip().endswith("*")
        folded = fold(phrase.rstrip().rstrip("*")).translate(self._variants)
        latin = _APOSTROPHES.sub("", folded).replace("-", " ")
        if _LATIN_CUE.fullmatch(latin):
            cue = _Words(tuple(latin.split()), prefix, concepts)
            if prefix and len(cue.words) == 1:
                self._stems.setdefault(len(latin), {}).setdefault(latin, []).append(cue)
            else:
                self._by_word.setdefault(cue.words[0], []).append(cue)
        elif compact := _SPACES.sub("", folded):
            self._by_char.setdefault(compact[0], []).append((compact, concepts))

    def clear_caches(self) -> None:
        """Forget the words mended (the benchmark's cost of a new message)."""
        self._mend.cache_clear()

    def find(self, text: str) -> Found:
        folded = fold(text).translate(self._variants)
        spans = self._latin_spans(self._word_line(folded))
        if not folded.isascii():  # every cue of another script has a letter of it
            spans += self._script_spans(_SPACES.sub("", folded))
        return Found(frozenset(_unpruned(spans)), _numbers(folded))

    def _latin_spans(self, line: list[str]) -> list[_Span]:
        spans: list[_Span] = []
        for i, word in enumerate(line):
            cues = list(self._by_word.get(word, ()))
            for length, stems in self._stems.items():
                cues += stems.get(word[:length], ()) if len(word) >= length else ()
            spans += [(i, i + len(c.words), True, c.concepts) for c in cues if c.at(line, i)]
        return spans

    def _script_spans(self, compact: str) -> list[_Span]:
        spans: list[_Span] = []
        for i, char in enumerate(compact):
            for needle, concepts in self._by_char.get(char, ()):
                if compact.startswith(needle, i):
                    spans.append((i, i + len(needle), False, concepts))
        return spans

    def _word_line(self, folded: str) -> list[str]:
        """The message's Latin words, mended; a run of another script becomes `|`, so that
        no phrase is found across it."""
        text = _PAUSE.sub(" | ", _APOSTROPHES.sub("", folded))
        words = []
        for piece in re.split(r"([0-9a-z]+)", text):
            if _WORD.fullmatch(piece):
                words.append(self._mend(piece))
            elif "|" in piece or any(ch.isalpha() for ch in piece):
                words.append("|")
        return words

    def _mended(self, word: str) -> str:
        kept = word in self._words or word in self._everyday or word.isdigit()
        if kept or len(word) < _FUZZY_MIN - 1:
            return word
        if word.startswith(self._stem_tuple):
            return word
        if len(word) < _FUZZY_MIN:
            swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
            return next((swap for swap in swaps if swap in self._words), word)
        edits = 1 if len(word) < _TWO_EDITS_MIN else 2
        near = process.extractOne(
            word, self._by_initial.get(word[0], ()), scorer=OSA.distance, score_cutoff=edits
        )
        return near[0] if near is not None else word


def everyday_form(word: str) -> str | None:
    """``word`` as the mender meets it (folded, no apostrophes), or None where it never
    would be mended (too short, not one Latin word)."""
    form = _APOSTROPHES.sub("", fold(word))
    return form if form.isascii() and form.isalpha() and len(form) >= _FUZZY_MIN - 1 else None


def _unpruned(spans: list[_Span]) -> set[str]:
    """The concepts of the spans not inside a longer span of other concepts (same script)."""
    spans.sort(key=lambda span: span[0] - span[1])  # longest first
    kept: list[_Span] = []
    for span in spans:
        start, end, latin, concepts = span
        if not any(
            k[2] == latin and k[0] <= start and end <= k[1] and k[3] != concepts
            for k in kept
            if k[1] - k[0] > end - start
        ):
            kept.append(span)
    return {concept for span in kept for concept in span[3]}


_NUMBER = re.compile(r"[0-9](?:[\s\-\u2010-\u2015\u2212\u30fc\uff70.()]*[0-9])*")


def _numbers(folded: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^0-9]", "", m.group()) for m in _NUMBER.finditer(folded))
