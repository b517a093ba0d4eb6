"""Which option of a choice set a message names: typed answers and mentions in free text.

DESIGN.md rule 3: every choice accepts a label or synonym in any language, with typos, and an
unclear answer is never turned into a guess presented as certain. So a matcher answers None when
nothing is close enough or when two options are about equally likely.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from bot.normalize import normalize

# Chosen by `python -m bench.matching_thresholds` on tests/bot/matching_corpus.yaml (366
# cases): no wrong answer, then as many typos as possible. Scores are fuzz.ratio with a swap of
# adjacent letters costing one edit (_fuzzy). Measured, wrong answers + wrong finds:
#   ANSWER_MIN, WINDOW_MIN 90: the only value with 0 + 0 (283 of 289 answers, 75 of 77 finds
#     right); 85: 9 + 6 (mission->lost, primacy->privacy); 88: 1 + 1 (hospitable->health
#     insurance); 92.5: 2 + 0 (`englsh or tagalog` is no longer seen as two options). Of the
#     234,450 words of an English word list 23 match a phrase they are not (certificate, stole;
#     wrongly koran->ko, pointy->points).
#   CJK_PARTIAL_MIN 85: 80 reads `スマホを買いました` (bought a phone) as a lost phone; 82.5 is
#     the first with 0 wrong and 1 more right (83.3), one kana above that; 85 keeps a margin.
#   AMBIGUITY_MARGIN 5: 0 to 15 give the same counts; the corpus does not decide it.
#   EXACT_WORD_MAX 3: 2 reads `lost my car` as a lost card (1 + 1 wrong); 4 reads `lsot my
#     card` as card and `lost my crad` as lost (2 + 0 wrong) and misses 3 more.
#   EXACT_SINGLE_MAX 4: ties with 3 (corpus and word list) but guards the 88.9 that one letter
#     more or less gives (close->lose, pint->point); 5 misses korea, phnoe, phones and walet.
ANSWER_MIN = 90.0
WINDOW_MIN = 90.0
CJK_PARTIAL_MIN = 85.0
AMBIGUITY_MARGIN = 5.0
EXACT_WORD_MAX = 3  # even inside a phrase: `lost my car` is not `lost my card`, `tax` not `taxi`
EXACT_SINGLE_MAX = 4  # a one-word phrase or answer: `close` is not `lose`, `pint` not `point`
# Latin phrases shorter than this (language codes: `id`, `en`) are too common inside sentences
# (`application id`) to be looked for there; they still match a whole answer.
FIND_MIN_LEN = 3
# Japanese phrases are in the plain past (`落とした`); users write `落としました` or
# `落としてしまった`, and the stem before the final `た` is found in all of them.
STEM_SCORE = 95.0
# In scripts without spaces one wrong character in three is another word: no fuzzy below 4.
CJK_FUZZY_MIN_LEN = 4
SWAP_SLACK = 15.0  # fuzz.ratio pre-filters this far below a threshold; swaps add after
WINDOW_CACHE = 8192  # windows of words remembered per choice set, with the phrases near them
MESSAGE_CACHE = 2048  # messages remembered per choice set, with what they mention
CACHED_MESSAGE_LENGTH = 100  # characters (normalized); a longer message is seldom typed twice

_LATIN = "0-9a-z\u00aa\u00b5\u00ba\u00c0-\u02af\u0300-\u036f\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff"
# A word of a space-separated script; `can't` and `e-mail` are one word (without the joiner).
_WORD = re.compile(f"[{_LATIN}]+(?:['\u2019\u02bc\\-][{_LATIN}]+)*")
_JOINERS = re.compile("['\u2019\u02bc\\-]")
_OTHER_SCRIPT = re.compile(f"[^\\W{_LATIN}_]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2019\u02bc.,!?:;/()\[\]\"\u30fb\u00b7_]+")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The tunable cut-offs (for the benchmark's sweeps); defaults are the module constants."""

    answer: float = ANSWER_MIN
    window: float = WINDOW_MIN
    cjk_partial: float = CJK_PARTIAL_MIN
    margin: float = AMBIGUITY_MARGIN
    word_max: int = EXACT_WORD_MAX
    single_max: int = EXACT_SINGLE_MAX


@dataclass(frozen=True, slots=True)
class Match:
    """One option recognised in a message."""

    option_id: str
    score: float  # 0..100
    phrase: str  # the normalized synonym/label that matched
    start: int  # span in the normalized text (find_in), else 0
    end: int
    exact: bool


@dataclass(frozen=True, slots=True)
class _Phrase:
    option_id: str
    text: str
    words: tuple[str, ...]  # empty for scripts written without spaces
    key: str  # words joined by one space, or the text


class ChoiceMatcher:
    """Matches messages against the options of one choice set; build once, use many times."""

    def __init__(
        self,
        options: Sequence[tuple[str, Sequence[str]]],
        *,
        priorities: Mapping[str, int] | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        """Index ``options``: (option id, raw phrases: labels and synonyms in any language)."""
        self._priority = dict(priorities or {})
        self._th = th = thresholds or Thresholds()
        self._exact: dict[str, list[_Phrase]] = {}  # by phrase without spaces or punctuation
        self._fuzzy: list[_Phrase] = []  # compared with a whole answer
        self._windows: dict[int, tuple[dict[str, list[_Phrase]], list[_Phrase]]] = {}
        self._needles: list[tuple[str, _Phrase, bool]] = []  # substring, phrase, is a stem
        self._partial: list[_Phrase] = []  # unspaced phrases long enough for fuzzy
        for option_id, raw_phrases in options:
            for text in dict.fromkeys(normalize(raw) for raw in raw_phrases):
                spaced = _is_spaced(text)
                words = tuple(w for w, _, _ in _words(text)) if spaced else ()
                phrase = _Phrase(option_id, text, words, " ".join(words) if spaced else text)
                compact = "".join(words) if spaced else _SEPARATORS.sub("", text)
                if not compact:
                    continue
                self._exact.setdefault(compact, []).append(phrase)
                if len(compact) > th.word_max:
                    self._fuzzy.append(phrase)
                if not spaced:
                    self._needles.append((text, phrase, False))
                    if len(text) >= CJK_FUZZY_MIN_LEN and text.endswith("た"):
                        self._needles.append((text[:-1], phrase, True))
                    if len(text) >= CJK_FUZZY_MIN_LEN:
                        self._partial.append(phrase)
                elif len(compact) >= FIND_MIN_LEN:
                    exact, fuzzy = self._windows.setdefault(len(words), ({}, []))
                    exact.setdefault(phrase.key, []).append(phrase)
                    if len(compact) > th.word_max:
                        fuzzy.append(phrase)
        self._fuzzy_keys = [p.key for p in self._fuzzy]
        self._window_keys = {n: [p.key for p in fuzzy] for n, (_, fuzzy) in self._windows.items()}
        self._partial_keys = [p.text for p in self._partial]
        # rapidfuzz over every phrase was most of a free-text turn's CPU (0.1 ms of 0.18, for
        # `I lost my smartphone`), for words and pairs of words that come back all the time.
        self._window_near = lru_cache(maxsize=WINDOW_CACHE)(self._near)
        # Whole messages too: `lost card`, `hello` and the like are typed over and over.
        self._message_hits = lru_cache(maxsize=MESSAGE_CACHE)(lambda said: tuple(self._hits(said)))

    def clear_caches(self) -> None:
        """Forget the messages and windows seen (the benchmark's cost of a new message)."""
        self._window_near.cache_clear()
        self._message_hits.cache_clear()

    def match_answer(self, text: str) -> Match | None:
        """The option the whole message answers with, or None when unsure.

        An exact label or synonym wins outright. Short messages (`ok`, `no`, `2`) match only
        exactly; numbers are the engine's business. Otherwise the message is compared with
        every phrase (typos) and searched for phrases inside it (`english please`). Two options
        named in different words, or two readings of the same words about as close and not
        told apart by priority, give None: the engine asks again rather than guess.
        """
        said = normalize(text)
        compact = _SEPARATORS.sub("", said)
        spaced = _is_spaced(said)
        if exact := self._exact.get(compact):
            return self._decide(
                [Match(p.option_id, 100.0, p.text, 0, len(said), True) for p in exact]
            )
        if len(compact) <= (self._th.single_max if spaced else 0):
            return None
        best: dict[str, Match] = {}
        words = [w for w, _, _ in _words(said)]
        for score, i in _fuzzy(
            " ".join(words) if spaced else said, self._fuzzy_keys, self._th.answer
        ):
            phrase = self._fuzzy[i]
            if not phrase.words or self._words_agree(words, phrase.words):
                _keep_best(best, Match(phrase.option_id, score, phrase.text, 0, len(said), False))
        for hit in self._hits_in(said):
            _keep_best(best, dataclasses.replace(hit, exact=False))
        return self._decide(list(best.values()))

    def find_in(self, text: str) -> list[Match]:
        """Every option mentioned in free text, each once: by priority, longer phrase, score.

        For messages that carry several facts at once (`I lost my phone, I speak Thai`). A
        mention that is only part of a stronger one (`lost` in `lost my phone`) does not count.
        """
        best: dict[str, Match] = {}
        for hit in self._hits_in(normalize(text)):
            _keep_best(best, hit)
        rank = self._priority.get
        return sorted(
            best.values(), key=lambda m: (-rank(m.option_id, 0), -len(m.phrase), -m.score)
        )

    def _decide(self, candidates: list[Match]) -> Match | None:
        rank = self._priority.get
        top = max(candidates, key=lambda m: (m.score, rank(m.option_id, 0)), default=None)
        for other in candidates:
            if top is None or other.option_id == top.option_id:
                continue
            # Other words naming another option (`english or tagalog`) make a question to ask
            # back, however well spelled. Another reading of the same words is ambiguous when
            # about as close, unless priority (rule 1: urgent first) settles it
            # (`マイナンバーカードを紛失` is a lost card before it is a card).
            if not _overlap(top, other) or (
                other.score >= top.score - self._th.margin
                and rank(other.option_id, 0) >= rank(top.option_id, 0)
            ):
                return None
        return dataclasses.replace(top, start=0, end=0) if top else None

    def _hits_in(self, said: str) -> Sequence[Match]:
        """:meth:`_hits`, cached for messages short enough to be typed over and over."""
        if len(said) > CACHED_MESSAGE_LENGTH:
            return self._hits(said)
        return self._message_hits(said)

    def _hits(self, said: str) -> list[Match]:
        found: list[Match] = []
        words = _words(said)
        for size, (exact, _) in self._windows.items():
            for i in range(len(words) - size + 1):
                window = [w for w, _, _ in words[i : i + size]]
                key, start, end = " ".join(window), words[i][1], words[i + size - 1][2]
                if key in exact:
                    found += [
                        Match(p.option_id, 100.0, p.text, start, end, True) for p in exact[key]
                    ]
                    continue
                if len(key) > self._th.word_max:
                    found += [
                        Match(phrase.option_id, score, phrase.text, start, end, False)
                        for score, phrase in self._window_near(size, key)
                    ]
        if self._needles and _OTHER_SCRIPT.search(said):
            found += self._script_hits(said)
        return self._prune(found)

    def _near(self, size: int, key: str) -> tuple[tuple[float, _Phrase], ...]:
        """The phrases of ``size`` words a window of them (``key``) is a typo of; cached per
        matcher (``_window_near``), since words recur from message to message."""
        window = key.split(" ")
        fuzzy = self._windows[size][1]
        return tuple(
            (score, fuzzy[j])
            for score, j in _fuzzy(key, self._window_keys[size], self._th.window)
            if self._words_agree(window, fuzzy[j].words)
        )

    def _script_hits(self, said: str) -> list[Match]:
        # Scripts written without spaces (Japanese, Chinese, Thai) or with particles glued to
        # words (Korean): a phrase is found as a substring, or fuzzily when long enough.
        found: list[Match] = []
        for needle, phrase, stem in self._needles:
            if (at := said.find(needle)) >= 0:
                score = STEM_SCORE if stem else 100.0
                found.append(
                    Match(phrase.option_id, score, phrase.text, at, at + len(needle), not stem)
                )
        named = {m.option_id for m in found}
        cutoff = self._th.cjk_partial
        for _, _, i in process.extract(
            said, self._partial_keys, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=None
        ):
            phrase = self._partial[i]
            # A message shorter than the phrase would be "found" inside it; an option found
            # exactly gains nothing from a fuzzy hit.
            if phrase.option_id in named or len(said) < len(phrase.text):
                continue
            if span := fuzz.partial_ratio_alignment(phrase.text, said):
                hit = (phrase.option_id, span.score, phrase.text, span.dest_start, span.dest_end)
                found.append(Match(*hit, exact=False))
        return found

    def _prune(self, found: list[Match]) -> list[Match]:
        """Drop mentions that are only part of a stronger mention.

        `マイナンバー` in `マイナンバーカード` names no option of its own, nor does `i lost`
        overlapping `lost my phone`. A partly overlapping mention survives only when more
        urgent than the stronger one (`マイナンバーカードを紛失`: card, and lost card).
        """
        found.sort(key=lambda m: (-_weight(m), m.start))
        rank = self._priority.get
        kept: list[Match] = []
        seen: dict[int, list[tuple[Match, bool]]] = {}  # by start: candidate, kept
        longest = 0
        for m in found:
            near = [
                pair
                for at in range(max(0, m.start - longest + 1), m.end)
                for pair in seen.get(at, ())
            ]
            # Containment counts for every stronger reading, even one dropped itself; equal
            # weights on the same words are a tie, and both stay.
            keep = not any(
                _inside(m, o) and _weight(o) > _weight(m)
                if _inside(m, o)
                else ok and _overlap(o, m) and rank(m.option_id, 0) <= rank(o.option_id, 0)
                for o, ok in near
            )
            if keep:
                kept.append(m)
            seen.setdefault(m.start, []).append((m, keep))
            longest = max(longest, m.end - m.start)
        return kept

    def _words_agree(self, said: Sequence[str], phrase: Sequence[str]) -> bool:
        # A fuzzy hit may not hinge on a short word, where one typo makes another word.
        if len(said) != len(phrase):
            return True
        short = self._th.single_max if len(phrase) == 1 else self._th.word_max
        return all(a == b or min(len(a), len(b)) > short for a, b in zip(said, phrase, strict=True))


def _fuzzy(query: str, choices: list[str], cutoff: float) -> list[tuple[float, int]]:
    """Choices at least ``cutoff`` similar to ``query``, as (score, index).

    fuzz.ratio, except that swapping two adjacent letters costs one edit, not two: `enlgish`
    and `lsot` are typing slips, while `mission` for `missing` or `panfish` for `spanish`
    (substitutions, still two edits) are other words.
    """
    found = []
    for choice, _, i in process.extract(
        query, choices, scorer=fuzz.ratio, score_cutoff=cutoff - SWAP_SLACK, limit=None
    ):
        swaps = Levenshtein.distance(query, choice) - OSA.distance(query, choice)
        score = 100.0 * (1.0 - (Indel.distance(query, choice) - swaps) / (len(query) + len(choice)))
        if score >= cutoff:
            found.append((score, i))
    return found


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_JOINERS.sub("", m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _is_spaced(text: str) -> bool:
    return all(_WORD.match(ch) or unicodedata.category(ch)[0] not in "LMN" for ch in text)


def _keep_best(best: dict[str, Match], match: Match) -> None:
    known = best.get(match.option_id)
    if known is None or (match.score, len(match.phrase)) > (known.score, len(known.phrase)):
        best[match.option_id] = match


def _overlap(a: Match, b: Match) -> bool:
    return a.start < b.end and b.start < a.end


def _inside(inner: Match, outer: Match) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _weight(m: Match) -> float:
    return (m.end - m.start) * m.score
