"""Pre-translation: translation memory first, then termbase-aware MT, else a human queue."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jarnama.transcreation.memory import (
    EXACT,
    Match,
    TranslationMemory,
    adapt_numbers,
)
from jarnama.transcreation.mt.base import MachineTranslator, MTSegment
from jarnama.transcreation.terms import Term, terms_in

# TM matches at or above this score go to the MT prompt as examples (CAT tools' 75% floor).
PROMPT_MATCH_FLOOR = 75
# A match whose only difference is numbers is reused with the numbers substituted.
ADAPTED_FLOOR = 95
# Segments per MT request: a local model answers 16 ad lines in a few seconds, and the
# progress bar moves once per request.
MT_BATCH = 16


class Origin(enum.StrEnum):
    """Where a pre-translated target came from."""

    TM = "tm"
    TM_ADAPTED = "tm_adapted"
    MT = "mt"
    HUMAN = "human"  # nothing usable: queued for a translator


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """A segment to pre-translate, with its neighbours for in-context matching."""

    id: str
    source: str
    source_lang: str = "ru"
    target_lang: str = "kk"
    slot: str | None = None
    max_chars: int | None = None
    context_before: str | None = None
    context_after: str | None = None


@dataclass(frozen=True, slots=True)
class Pretranslation:
    """The proposed target of one segment, where it came from, and the best TM score."""

    segment_id: str
    target: str | None
    origin: Origin
    score: int | None
    matches: tuple[Match, ...]


def pretranslate(
    segments: Sequence[SourceSegment],
    memory: TranslationMemory,
    terms: Sequence[Term],
    translator: MachineTranslator,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = MT_BATCH,
) -> list[Pretranslation]:
    """Fill each segment from the TM (≥100, or ≥95 differing only in numbers), else MT.

    MT runs in batches of `batch_size`; `on_progress(n)` is called as n more segments are done.
    """
    advance = on_progress or (lambda _done: None)
    results: dict[str, Pretranslation] = {}
    for_mt: list[tuple[SourceSegment, MTSegment, tuple[Match, ...]]] = []
    for segment in segments:
        matches = tuple(
            memory.lookup(
                segment.source,
                source_lang=segment.source_lang,
                target_lang=segment.target_lang,
                context_before=segment.context_before,
                context_after=segment.context_after,
            )
        )
        best = matches[0] if matches else None
        if best is not None and best.score >= EXACT:
            results[segment.id] = Pretranslation(
                segment.id, best.unit.target, Origin.TM, best.score, matches
            )
            advance(1)
            continue
        if best is not None and best.score >= ADAPTED_FLOOR:
            adapted = adapt_numbers(segment.source, best.unit)
            if adapted is not None:
                results[segment.id] = Pretranslation(
                    segment.id, adapted, Origin.TM_ADAPTED, best.score, matches
                )
                advance(1)
                continue
        applicable = tuple(
            t
            for t in terms_in(segment.source, terms)
            if t.source_lang == segment.source_lang or t.kept_verbatim
        )
        hints = tuple(m for m in matches if m.score >= PROMPT_MATCH_FLOOR)
        request = MTSegment(
            id=segment.id,
            source=segment.source,
            source_lang=segment.source_lang,
            target_lang=segment.target_lang,
            slot=segment.slot,
            max_chars=segment.max_chars,
            terms=applicable,
            matches=hints,
        )
        for_mt.append((segment, request, matches))
    for first in range(0, len(for_mt), max(1, batch_size)):
        batch = for_mt[first : first + max(1, batch_size)]
        targets = translator.translate([request for _, request, _ in batch])
        for (segment, _request, matches), target in zip(batch, targets, strict=True):
            score = matches[0].score if matches else None
            origin = Origin.MT if target is not None else Origin.HUMAN
            results[segment.id] = Pretranslation(segment.id, target, origin, score, matches)
        advance(len(batch))
    return [results[segment.id] for segment in segments]
