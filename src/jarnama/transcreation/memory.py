"""Translation memory: exact, in-context and fuzzy matches scored like CAT tools."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# CAT-tool match bands (Trados, memoQ, Phrase): 101 in context, 100 exact, fuzzy below.
IN_CONTEXT = 101
EXACT = 100
MIN_FUZZY = 50
# Identical apart from case, punctuation, spacing or numbers: the best fuzzy score there is.
NEAR_EXACT = 99
NUMBER_PENALTY = 2

_NUMBER_RE = re.compile(r"\d+(?:[\s\u00a0\u202f]\d{3})*(?:[.,]\d+)?")
_PUNCT_RE = re.compile(r"[^\w\s]")


class MatchBand(enum.StrEnum):
    """The score band a match falls in, as CAT tools and their price lists name them."""

    IN_CONTEXT = "101"
    EXACT = "100"
    HIGH = "95-99"
    MEDIUM = "85-94"
    LOW = "75-84"
    FUZZY = "50-74"


def band(score: int) -> MatchBand | None:
    """The band of a score, or None below 50 (no match)."""
    if score >= IN_CONTEXT:
        return MatchBand.IN_CONTEXT
    if score == EXACT:
        return MatchBand.EXACT
    for floor, named in ((95, MatchBand.HIGH), (85, MatchBand.MEDIUM), (75, MatchBand.LOW)):
        if score >= floor:
            return named
    return MatchBand.FUZZY if score >= MIN_FUZZY else None


@dataclass(frozen=True, slots=True)
class TranslationUnit:
    """A stored translation: source and target text with their languages and context.

    `context_before`/`context_after` are the neighbouring source segments when the unit was
    translated; a later exact match with the same neighbours is an in-context (101) match.
    """

    source: str
    target: str
    source_lang: str = "ru"
    target_lang: str = "kk"
    context_before: str | None = None
    context_after: str | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A TM unit proposed for a segment, with its score and band."""

    unit: TranslationUnit
    score: int

    @property
    def band(self) -> MatchBand:
        """The score band (never None: matches below 50 are not returned)."""
        named = band(self.score)
        assert named is not None
        return named


def normalise(text: str) -> str:
    """NFC text with whitespace collapsed: what "identical" means for an exact match."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _loose(text: str) -> str:
    """Lower case, no punctuation, numbers as one placeholder: for near-exact and fuzzy."""
    text = _NUMBER_RE.sub("0", normalise(text).casefold())
    return " ".join(_PUNCT_RE.sub(" ", text).split())


def _numbers(text: str) -> list[str]:
    return [re.sub(r"[\s\u00a0\u202f]", "", n) for n in _NUMBER_RE.findall(text)]


def score(query: str, stored: str) -> int:
    """A CAT-style score of `stored` as a match for `query` (100 identical, ≤99 otherwise)."""
    if normalise(query) == normalise(stored):
        return EXACT
    loose_query, loose_stored = _loose(query), _loose(stored)
    penalty = NUMBER_PENALTY if _numbers(query) != _numbers(stored) else 0
    if loose_query == loose_stored:
        return NEAR_EXACT - penalty
    # Half characters, half words: a character ratio alone rates "доставка" against
    # "доставка по Алматы" too high; CAT tools count edited words.
    chars = fuzz.ratio(loose_query, loose_stored)
    words = 100 * Levenshtein.normalized_similarity(loose_query.split(), loose_stored.split())
    return max(0, min(NEAR_EXACT - 1, int((chars + words) / 2)) - penalty)


class TranslationMemory:
    """An in-memory TM index for one or more language pairs (rapidfuzz for fuzzy lookups)."""

    def __init__(self, units: Iterable[TranslationUnit] = ()) -> None:
        self._units: dict[tuple[str, str], list[TranslationUnit]] = defaultdict(list)
        self._exact: dict[tuple[str, str, str], list[TranslationUnit]] = defaultdict(list)
        self._loose: dict[tuple[str, str], list[str]] = defaultdict(list)
        for unit in units:
            self.add(unit)

    def __len__(self) -> int:
        return sum(len(units) for units in self._units.values())

    def add(self, unit: TranslationUnit) -> None:
        """Add a unit (a newer unit with the same source wins ties)."""
        pair = (unit.source_lang, unit.target_lang)
        self._units[pair].append(unit)
        self._loose[pair].append(_loose(unit.source))
        self._exact[(*pair, normalise(unit.source))].append(unit)

    def units(self) -> list[TranslationUnit]:
        """Every unit, in insertion order per language pair."""
        return [unit for units in self._units.values() for unit in units]

    def lookup(
        self,
        source: str,
        *,
        source_lang: str = "ru",
        target_lang: str = "kk",
        context_before: str | None = None,
        context_after: str | None = None,
        min_score: int = MIN_FUZZY,
        limit: int = 5,
    ) -> list[Match]:
        """The best matches for `source`, highest score first (newest first among equals)."""
        pair = (source_lang, target_lang)
        found: dict[int, Match] = {}
        for unit in self._exact.get((*pair, normalise(source)), []):
            in_context = (
                (context_before is not None or context_after is not None)
                and unit.context_before == context_before
                and unit.context_after == context_after
            )
            found[id(unit)] = Match(unit, IN_CONTEXT if in_context else EXACT)
        candidates = self._loose.get(pair, [])
        units = self._units.get(pair, [])
        if candidates:
            for _choice, _ratio, index in process.extract(
                _loose(source),
                candidates,
                scorer=fuzz.ratio,
                # score() averages chars and words, so chars ≥ 2·min − 100 for any hit.
                score_cutoff=max(0, 2 * min_score - 100 - NUMBER_PENALTY),
                limit=max(limit * 4, 20),
            ):
                unit = units[index]
                if id(unit) not in found:
                    value = score(source, unit.source)
                    if value >= min_score:
                        found[id(unit)] = Match(unit, value)
        order = {id(unit): position for position, unit in enumerate(units)}
        ranked = sorted(found.values(), key=lambda m: (-m.score, -order.get(id(m.unit), 0)))
        return ranked[:limit]


def adapt_numbers(query: str, unit: TranslationUnit) -> str | None:
    """The unit's target with the query's numbers put in, when numbers are all that differ.

    "Скидка 30%…" against a stored "Скидка 20%…" → "…30% жеңілдік"; None when the texts
    differ in more than numbers or a number cannot be found in the stored target.
    """
    if _loose(query) != _loose(unit.source):
        return None
    old, new = _NUMBER_RE.findall(unit.source), _NUMBER_RE.findall(query)
    if len(old) != len(new):
        return None
    target = unit.target
    spans: list[tuple[int, int, str]] = []
    cursor = 0
    for before, after in zip(old, new, strict=True):
        position = target.find(before, cursor)
        if position < 0:
            return None
        spans.append((position, position + len(before), after))
        cursor = position + len(before)
    for start, end, replacement in reversed(spans):
        target = target[:start] + replacement + target[end:]
    return target
