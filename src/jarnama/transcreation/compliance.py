"""A compliance report per asset under Kazakhstan's language and ad-label rules.

Kazakh present and complete, Kazakh first and not smaller in bilingual layouts, trademarks
unchanged, the ad label where the channel needs one.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from jarnama.transcreation.qa.findings import Finding, Severity
from jarnama.transcreation.qa.labels import Channel, LabelRule, ad_label, rule_for
from jarnama.transcreation.terms import Term, find_term


class Verdict(enum.StrEnum):
    """One check's outcome."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class AssetText:
    """One slot of an asset: its source text, Kazakh text (if any) and whether it is required."""

    slot: str
    source: str
    kazakh: str | None
    required: bool = True


@dataclass(frozen=True, slots=True)
class LayoutBlock:
    """Where one language's text sits in a bilingual layout (pixels, origin top-left).

    `role` groups the blocks compared with each other (the headlines, the CTA texts).
    """

    language: str
    x: int
    y: int
    font_px: int
    role: str = "text"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the compliance report, with the law it comes from."""

    id: str
    verdict: Verdict
    detail: str
    basis: str


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """Every check for one asset; compliant when none failed."""

    checks: tuple[Check, ...]

    @property
    def compliant(self) -> bool:
        """True when no check failed."""
        return all(check.verdict is not Verdict.FAIL for check in self.checks)


ART_6 = "Law «On Advertising» No. 508-II, Art. 6(2)"
ART_21 = "Law «On Languages», Art. 21"
LABEL_LAW = "Law No. 18-VIII; Order No. 59-НҚ"


def report(
    texts: Sequence[AssetText],
    *,
    channel: Channel | None = None,
    layout: Sequence[LayoutBlock] = (),
    trademarks: Sequence[Term] = (),
    blocking: Sequence[Finding] = (),
    label_rule: LabelRule | None = None,
) -> ComplianceReport:
    """Check one asset against the language and labelling rules (PRODUCT.md, "Facts")."""
    checks: list[Check] = []
    missing = [t.slot for t in texts if t.required and not (t.kazakh or "").strip()]
    checks.append(
        Check(
            "kazakh.present",
            Verdict.FAIL if missing else Verdict.PASS,
            f"no Kazakh text for: {', '.join(missing)}" if missing else "every slot has Kazakh",
            ART_6,
        )
    )
    open_findings = [f for f in blocking if f.severity is Severity.BLOCKING]
    checks.append(
        Check(
            "kazakh.complete",
            Verdict.FAIL if open_findings else Verdict.PASS,
            f"{len(open_findings)} blocking QA finding(s) open" if open_findings else "QA clean",
            ART_21,
        )
    )
    checks.append(_layout_check(layout))
    changed = [
        term.source
        for term in trademarks
        for t in texts
        if find_term(t.source, term.source, term.source_lang, exact=True)
        and t.kazakh
        and not find_term(t.kazakh, term.source, term.target_lang, exact=True)
    ]
    checks.append(
        Check(
            "trademarks.unchanged",
            Verdict.FAIL if changed else Verdict.PASS,
            f"changed or missing: {', '.join(sorted(set(changed)))}"
            if changed
            else "trademarks as registered",
            ART_21,
        )
    )
    if channel is not None:
        kazakh = " ".join(t.kazakh or "" for t in texts)
        label_findings = list(ad_label(kazakh, channel, rule=label_rule))
        verdict = (
            Verdict.FAIL
            if any(f.severity is Severity.BLOCKING for f in label_findings)
            else Verdict.WARN
            if label_findings
            else Verdict.PASS
        )
        detail = "; ".join(f.message for f in label_findings) or (
            "label present"
            if (label_rule or rule_for(channel)).required
            else f"no label needed for {channel.value}"
        )
        checks.append(Check("label.present", verdict, detail, LABEL_LAW))
    return ComplianceReport(tuple(checks))


def _layout_check(layout: Sequence[LayoutBlock]) -> Check:
    if not [b for b in layout if b.language != "kk"]:
        return Check("layout.kazakh_first", Verdict.PASS, "not a bilingual layout", ART_21)
    problems: list[str] = []
    for role in dict.fromkeys(b.role for b in layout):
        blocks = [b for b in layout if b.role == role]
        kazakh = [b for b in blocks if b.language == "kk"]
        others = [b for b in blocks if b.language != "kk"]
        if not others:
            continue
        if not kazakh:
            problems.append(f"the {role} has no Kazakh block")
            continue
        first = min(kazakh, key=lambda b: (b.y, b.x))
        smallest = min(k.font_px for k in kazakh)
        problems += [
            f"{role}: {b.language} is placed before Kazakh"
            for b in others
            if (b.y, b.x) < (first.y, first.x)
        ] + [
            f"{role}: Kazakh ({smallest} px) is smaller than {b.language} ({b.font_px} px)"
            for b in others
            if b.font_px > smallest
        ]
    return Check(
        "layout.kazakh_first",
        Verdict.FAIL if problems else Verdict.PASS,
        "; ".join(problems) or "Kazakh first (top or left) and not smaller",
        ART_21,
    )
