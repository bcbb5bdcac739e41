"""Request and response bodies of the transcreation API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jarnama.transcreation.models import (
    SegmentComment,
    TranscreationAsset,
    TranscreationProject,
    TranscreationSegment,
)
from jarnama.transcreation.qa.labels import Channel
from jarnama.transcreation.xliff import SegmentState

SourceLang = Literal["ru", "en"]
AssetKind = Literal["banner", "video", "audio", "social_post", "print", "dooh", "search"]
TemplateName = Literal["1920x1080", "1080x1920", "300x250", "728x90"]
ScriptName = Literal["cyrl", "latn"]
ID_MAX = 2**63 - 1


class SlotIn(BaseModel):
    """One slot of an asset: its name, source text and length limit in characters."""

    model_config = ConfigDict(extra="forbid")

    slot: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    source: str = Field(min_length=1, max_length=5000)
    max_chars: int | None = Field(default=None, ge=1, le=5000)


class AssetIn(BaseModel):
    """An asset and its slots in layout order (headline, body, cta, legal, voiceover …)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: AssetKind = "banner"
    slots: list[SlotIn] = Field(min_length=1, max_length=50)
    templates: list[TemplateName] = Field(
        default_factory=list,
        max_length=4,
        description="Banner sizes this asset is rendered in: QA checks the headline and CTA "
        "fit their boxes at each template's minimum font size.",
    )


class ProjectCreate(BaseModel):
    """A new project; a network admin or an agency names the advertiser's account_id."""

    model_config = ConfigDict(extra="forbid")

    account_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    name: str = Field(min_length=1, max_length=200)
    source_lang: SourceLang = "ru"
    channel: Channel | None = None
    assets: list[AssetIn] = Field(default_factory=list, max_length=50)


class SegmentOut(BaseModel):
    """A segment: source, target, XLIFF state, where the target came from and its QA findings."""

    id: int
    asset_id: int
    slot: str
    source: str
    target_lang: str
    target: str | None
    state: SegmentState
    max_chars: int | None
    origin: str | None
    tm_score: int | None
    findings: list[dict[str, Any]]

    @classmethod
    def of(cls, segment: TranscreationSegment) -> SegmentOut:
        """The response body of a segment row."""
        return cls(
            id=segment.id,
            asset_id=segment.asset_id,
            slot=segment.slot,
            source=segment.source,
            target_lang=segment.target_lang,
            target=segment.target,
            state=segment.state,
            max_chars=segment.max_chars,
            origin=segment.origin,
            tm_score=segment.tm_score,
            findings=segment.findings,
        )


class AssetOut(BaseModel):
    """An asset with its slot limits."""

    id: int
    name: str
    kind: str
    slots: list[dict[str, Any]]
    templates: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, asset: TranscreationAsset) -> AssetOut:
        """The response body of an asset row."""
        return cls(
            id=asset.id,
            name=asset.name,
            kind=asset.kind,
            slots=asset.slots,
            templates=asset.templates or [],
        )


class ProjectOut(BaseModel):
    """A project (its assets and segments only in the single-project answer)."""

    id: int
    account_id: int
    name: str
    source_lang: str
    target_langs: list[str]
    channel: str | None
    created_at: dt.datetime
    assets: list[AssetOut] = Field(default_factory=list)
    segments: list[SegmentOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        project: TranscreationProject,
        assets: list[TranscreationAsset] | None = None,
        segments: list[TranscreationSegment] | None = None,
    ) -> ProjectOut:
        """The response body of a project row."""
        return cls(
            id=project.id,
            account_id=project.account_id,
            name=project.name,
            source_lang=project.source_lang,
            target_langs=project.target_langs,
            channel=project.channel,
            created_at=project.created_at,
            assets=[AssetOut.of(a) for a in assets or []],
            segments=[SegmentOut.of(s) for s in segments or []],
        )


class SegmentUpdate(BaseModel):
    """A translator's or reviewer's new target text (the segment becomes `translated`)."""

    model_config = ConfigDict(extra="forbid")

    target: str = Field(max_length=5000)


class StateChange(BaseModel):
    """Move a segment to another XLIFF state (`final` passes the approval gate)."""

    model_config = ConfigDict(extra="forbid")

    state: SegmentState


class CommentIn(BaseModel):
    """A review comment."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class CommentOut(BaseModel):
    """A review comment with its author."""

    id: int
    segment_id: int
    author: str
    text: str
    created_at: dt.datetime

    @classmethod
    def of(cls, comment: SegmentComment) -> CommentOut:
        """The response body of a comment row."""
        return cls(
            id=comment.id,
            segment_id=comment.segment_id,
            author=comment.author,
            text=comment.text,
            created_at=comment.created_at,
        )


class QAReport(BaseModel):
    """QA of every Kazakh segment of a project: findings per segment and the blocking count."""

    project_id: int
    segments: list[SegmentOut]
    blocking: int
    warnings: int


class PretranslateReport(BaseModel):
    """What pre-translation did: targets from TM, adapted TM, MT, and the human queue."""

    project_id: int
    backend: str
    counts: dict[str, int]
    human_queue: list[int]
    segments: list[SegmentOut]


class ImportReport(BaseModel):
    """How many TM units or termbase entries were added (duplicates skipped)."""

    account_id: int
    added: int
    skipped: int


class XliffImportReport(BaseModel):
    """How many segments an XLIFF import changed."""

    project_id: int
    updated: int
    unknown_ids: list[str]


class CheckOut(BaseModel):
    """One line of a compliance report."""

    id: str
    verdict: str
    detail: str
    basis: str


class AssetCompliance(BaseModel):
    """The compliance report of one asset."""

    asset_id: int
    name: str
    compliant: bool
    checks: list[CheckOut]


class ComplianceOut(BaseModel):
    """The compliance report of every asset of a project."""

    project_id: int
    compliant: bool
    assets: list[AssetCompliance]


class VoiceOverIn(BaseModel):
    """What to speak: explicit Kazakh text, one segment's target, or the `voiceover` slots."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=2000)
    segment_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    spot_seconds: Literal[5, 10, 15, 20, 30, 45, 60] = 30


class VoiceOverOut(BaseModel):
    """The duration verdict and the audio (base64 WAV; `?format=wav` answers the file itself)."""

    spoken_text: str
    duration_seconds: float
    spot_seconds: int
    fits: bool
    margin_seconds: float
    engine: str
    media_type: str = "audio/wav"
    audio_base64: str


class BannerIn(BaseModel):
    """A bilingual banner: explicit texts, or an asset's `headline` and `cta` slots.

    Kazakh targets come from the asset, Russian from its Russian targets or Russian source.
    `logo_base64` is a PNG or JPEG (at most 1 MB) placed in the template's logo area;
    `script: latn` writes the Kazakh in the 2021 Latin alphabet.
    """

    model_config = ConfigDict(extra="forbid")

    template: TemplateName = "300x250"
    asset_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    kazakh: str | None = Field(default=None, min_length=1, max_length=500)
    russian: str | None = Field(default=None, min_length=1, max_length=500)
    cta_kazakh: str | None = Field(default=None, min_length=1, max_length=100)
    cta_russian: str | None = Field(default=None, min_length=1, max_length=100)
    logo_base64: str | None = Field(default=None, min_length=8, max_length=1_400_000)
    script: ScriptName = "cyrl"
