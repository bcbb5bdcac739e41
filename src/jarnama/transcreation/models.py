"""Tables of the transcreation studio: projects of advertiser accounts, their assets and
segments, and each account's translation memory, termbase and review comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow
from jarnama.transcreation.terms import TermKind
from jarnama.transcreation.xliff import SegmentState


class TranscreationProject(Base):
    """An ad to turn into Kazakh (and Russian from English), owned by an advertiser account."""

    __tablename__ = "transcreation_projects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_lang: Mapped[str] = mapped_column(String(8))
    target_langs: Mapped[list[str]] = mapped_column(JsonDoc)
    channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TranscreationAsset(Base):
    """One asset of a project (a banner, a video's script …) with its slots' length limits.

    `slots` is [{"slot": "headline", "max_chars": 40}, ...] in layout order; `templates` names
    the banner sizes it is rendered in ("728x90" …), whose boxes bound the rendered width.
    """

    __tablename__ = "transcreation_assets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("transcreation_projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    slots: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    templates: Mapped[list[str] | None] = mapped_column(JsonDoc, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TranscreationSegment(Base):
    """The text of one slot in one target language, with its XLIFF state and last QA findings."""

    __tablename__ = "transcreation_segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("transcreation_projects.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("transcreation_assets.id"), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    target_lang: Mapped[str] = mapped_column(String(8))
    target: Mapped[str | None] = mapped_column(Text)
    state: Mapped[SegmentState] = mapped_column(str_enum(SegmentState))
    max_chars: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str | None] = mapped_column(String(16))
    tm_score: Mapped[int | None] = mapped_column(Integer)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SegmentComment(Base):
    """A reviewer's comment on a segment."""

    __tablename__ = "transcreation_comments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("transcreation_segments.id"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TranslationMemoryEntry(Base):
    """A stored translation unit of an account's translation memory."""

    __tablename__ = "transcreation_tm_units"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    context_before: Mapped[str | None] = mapped_column(Text)
    context_after: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TermbaseEntry(Base):
    """An entry of an account's termbase (brand, do-not-translate, required, forbidden)."""

    __tablename__ = "transcreation_terms"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    kind: Mapped[TermKind] = mapped_column(str_enum(TermKind))
    target: Mapped[str | None] = mapped_column(String(500))
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
