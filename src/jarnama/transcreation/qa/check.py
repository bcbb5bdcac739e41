"""Run every Kazakh QA rule on one target segment."""

from __future__ import annotations

from dataclasses import dataclass, field

from jarnama.transcreation.qa import labels, numbers, script, text
from jarnama.transcreation.qa.findings import Finding, ordered
from jarnama.transcreation.qa.labels import LABELS_KK, LABELS_RU, Channel
from jarnama.transcreation.qa.lexicon import ad_words
from jarnama.transcreation.qa.spelling import Speller
from jarnama.transcreation.terms import Term


@dataclass(frozen=True)
class SegmentContext:
    """What a check needs besides the target: source, slot limit, channel, terms, speller.

    `speller=None` skips spelling with one info finding (pass `kazakh_speller()` for
    Debian's dictionary); `channel` adds the ad-label check for a whole-post segment.
    """

    source: str | None = None
    source_lang: str = "ru"
    max_chars: int | None = None
    channel: Channel | None = None
    terms: tuple[Term, ...] = ()
    speller: Speller | None = field(default=None, compare=False)


def check_segment(target: str, context: SegmentContext | None = None) -> list[Finding]:
    """Every finding for a Kazakh `target`, ordered by position."""
    ctx = context or SegmentContext()
    findings: list[Finding] = []
    findings += script.lookalike_letters(target)
    findings += script.russified_spellings(target, ctx.speller)
    skip = [t.source for t in ctx.terms] + [w for label in LABELS_KK + LABELS_RU
                                              for w in label.split()]  # fmt: skip
    skip += ad_words()  # curated and correct, though hunspell-kk lacks some forms
    flagged = {(f.start, f.end) for f in findings} | {f.start for f in findings}
    findings += [
        finding
        for finding in script.spelling(target, ctx.speller, skip=skip)
        if (finding.start, finding.end) not in flagged
        and not any(f.start in range(finding.start, finding.end) for f in findings)
    ]
    findings += text.untranslated(ctx.source, target, ctx.terms)
    if ctx.source is not None:
        findings += numbers.kept_quantities(ctx.source, target)
    findings += numbers.tenge_prices(target)
    findings += text.termbase(ctx.source, target, ctx.terms)
    findings += text.length(target, ctx.max_chars)
    findings += text.punctuation(target, ctx.source)
    if ctx.channel is not None:
        findings += labels.ad_label(target, ctx.channel)
    return ordered(findings)
