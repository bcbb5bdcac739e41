"""Run every Kazakh QA rule on one target segment."""

from __future__ import annotations

from dataclasses import dataclass, field

from jarnama.transcreation.qa import labels, numbers, script, text
from jarnama.transcreation.qa.findings import Finding, ordered
from jarnama.transcreation.qa.labels import LABELS_KK, LABELS_RU, Channel, LabelRule
from jarnama.transcreation.qa.spelling import Speller
from jarnama.transcreation.qa.wordlist import ProjectWordList, project_words
from jarnama.transcreation.terms import Term


@dataclass(frozen=True)
class SegmentContext:
    """What a check needs besides the target: source, slot limit, channel, terms, speller.

    `speller=None` skips spelling with one info finding (pass `kazakh_speller()` for
    Debian's dictionary), which is wrapped in the project word list (shipped ad loanwords,
    the ad vocabulary and the terms' words). `channel` adds the ad-label check for the text
    that opens a post or clip, under `label_rule` (default: the channel's rule).
    """

    source: str | None = None
    source_lang: str = "ru"
    max_chars: int | None = None
    channel: Channel | None = None
    terms: tuple[Term, ...] = ()
    speller: Speller | None = field(default=None, compare=False)
    label_rule: LabelRule | None = None


def check_segment(target: str, context: SegmentContext | None = None) -> list[Finding]:
    """Every finding for a Kazakh `target`, ordered by position."""
    ctx = context or SegmentContext()
    findings: list[Finding] = []
    findings += script.lookalike_letters(target)
    speller = (
        None if ctx.speller is None else ProjectWordList(ctx.speller, project_words(ctx.terms))
    )
    findings += script.russified_spellings(target, speller)
    skip = [w for label in LABELS_KK + LABELS_RU for w in label.split()]
    flagged = {(f.start, f.end) for f in findings} | {f.start for f in findings}
    findings += [
        finding
        for finding in script.spelling(target, speller, skip=skip)
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
        findings += labels.ad_label(target, ctx.channel, rule=ctx.label_rule)
    return ordered(findings)
