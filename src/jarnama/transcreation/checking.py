"""QA of a project's stored segments: the pure checks plus what the project knows.

A `ProjectChecker` is built once per request from the account's termbase, the banner
templates of each asset and the configured ad-label rules, then checks segment after segment:
Kazakh targets get every Kazakh rule, the rendered width of banner slots and, on the text that
opens an asset, the channel's ad label; Russian targets (from English sources) get the label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from jarnama.transcreation import banners, repository
from jarnama.transcreation.models import TranscreationProject, TranscreationSegment
from jarnama.transcreation.qa import SegmentContext, check_segment
from jarnama.transcreation.qa.findings import Finding, Severity, ordered
from jarnama.transcreation.qa.labels import Channel, LabelRule, ad_label, rule_for
from jarnama.transcreation.qa.spelling import kazakh_speller
from jarnama.transcreation.settings import TranscreationSettings
from jarnama.transcreation.terms import Term, TermKind

MISSING = "kk.missing"


def account_terms(session: Session, account_id: int) -> list[Term]:
    """An account's termbase as terms."""
    return [
        Term(e.source, e.kind, e.target, e.source_lang, e.target_lang, e.note)
        for e in repository.terms(session, account_id)
    ]


@dataclass(frozen=True)
class ProjectChecker:
    """Checks segments of one project with its terms, templates and label rules."""

    project: TranscreationProject
    terms: tuple[Term, ...]
    templates: Mapping[int, tuple[str, ...]]
    label_rules: Mapping[str, LabelRule]
    font_path: str

    @property
    def channel(self) -> Channel | None:
        """The project's channel, if it names one."""
        return Channel(self.project.channel) if self.project.channel else None

    def label_rule(self) -> LabelRule | None:
        """The channel's ad-label rule (configured override or default)."""
        channel = self.channel
        return None if channel is None else rule_for(channel, self.label_rules)

    def findings(self, segment: TranscreationSegment) -> list[Finding]:
        """Every finding of one segment's target."""
        target = segment.target or ""
        opens_asset = segment.position == 0
        if segment.target_lang != "kk":
            if not target.strip() or not opens_asset or self.channel is None:
                return []
            rule = self.label_rule()
            return ordered(ad_label(target, self.channel, language=segment.target_lang, rule=rule))
        if not target.strip():
            return [Finding(MISSING, Severity.BLOCKING, 0, 0, "no Kazakh text yet")]
        context = SegmentContext(
            source=segment.source,
            source_lang=self.project.source_lang,
            max_chars=segment.max_chars,
            channel=self.channel if opens_asset else None,
            label_rule=self.label_rule() if opens_asset else None,
            terms=tuple(t for t in self.terms if t.kind is TermKind.BRAND or t.target_lang == "kk"),
            speller=kazakh_speller(),
        )
        names = self.templates.get(segment.asset_id, ())
        return ordered(
            [
                *check_segment(target, context),
                *rendered_width(target, segment.slot, names, self.font_path),
            ]
        )


def rendered_width(
    target: str, slot: str, template_names: Sequence[str], font_path: str
) -> list[Finding]:
    """Rendered-width findings of a banner slot in each template (an info when no font)."""
    if not template_names or slot not in banners.PLACED_SLOTS:
        return []
    if not Path(font_path).is_file():
        return [
            Finding(
                banners.RENDERED_WIDTH,
                Severity.INFO,
                0,
                0,
                f"rendered width not checked: no font at {font_path}",
            )
        ]
    return [
        finding
        for name in template_names
        for finding in banners.rendered_width(target, slot, banners.TEMPLATES[name], font_path)
    ]


def project_checker(
    session: Session,
    project: TranscreationProject,
    config: TranscreationSettings | None = None,
) -> ProjectChecker:
    """A checker for `project` (termbase, asset templates and label rules loaded once)."""
    config = config or TranscreationSettings()
    return ProjectChecker(
        project=project,
        terms=tuple(account_terms(session, project.account_id)),
        templates={
            asset.id: tuple(asset.templates or ())
            for asset in repository.assets_of(session, project.id)
        },
        label_rules=config.label_rules(),
        font_path=config.banner_bold_font,
    )
