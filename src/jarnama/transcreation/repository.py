"""SQL of the transcreation studio (services call these; nothing else here touches the database)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jarnama.tenancy.models import Account
from jarnama.transcreation.models import (
    SegmentComment,
    TermbaseEntry,
    TranscreationAsset,
    TranscreationProject,
    TranscreationSegment,
    TranslationMemoryEntry,
)


def account_by_id(session: Session, account_id: int) -> Account | None:
    """An account by id."""
    return session.get(Account, account_id)


def project_by_id(session: Session, project_id: int) -> TranscreationProject | None:
    """A project by id (no tenant check: the service makes it)."""
    return session.get(TranscreationProject, project_id)


def projects(account_ids: Collection[int] | None, *, account_id: int | None) -> Select[Any]:
    """Projects of the given accounts (None: every account), optionally of one account."""
    stmt = select(TranscreationProject)
    if account_ids is not None:
        stmt = stmt.where(TranscreationProject.account_id.in_(account_ids))
    if account_id is not None:
        stmt = stmt.where(TranscreationProject.account_id == account_id)
    return stmt


def assets_of(session: Session, project_id: int) -> list[TranscreationAsset]:
    """A project's assets in creation order."""
    stmt = select(TranscreationAsset).where(TranscreationAsset.project_id == project_id)
    return list(session.scalars(stmt.order_by(TranscreationAsset.id)))


def segments_of(session: Session, project_id: int) -> list[TranscreationSegment]:
    """A project's segments by asset, then layout position, then target language."""
    stmt = select(TranscreationSegment).where(TranscreationSegment.project_id == project_id)
    return list(
        session.scalars(
            stmt.order_by(
                TranscreationSegment.asset_id,
                TranscreationSegment.position,
                TranscreationSegment.target_lang,
            )
        )
    )


def segment_by_id(session: Session, segment_id: int) -> TranscreationSegment | None:
    """A segment by id."""
    return session.get(TranscreationSegment, segment_id)


def comments_of(session: Session, segment_id: int) -> list[SegmentComment]:
    """A segment's comments, oldest first."""
    stmt = select(SegmentComment).where(SegmentComment.segment_id == segment_id)
    return list(session.scalars(stmt.order_by(SegmentComment.id)))


def tm_units(session: Session, account_id: int) -> list[TranslationMemoryEntry]:
    """An account's translation memory, oldest first."""
    stmt = select(TranslationMemoryEntry).where(TranslationMemoryEntry.account_id == account_id)
    return list(session.scalars(stmt.order_by(TranslationMemoryEntry.id)))


def terms(session: Session, account_id: int) -> list[TermbaseEntry]:
    """An account's termbase, oldest first."""
    stmt = select(TermbaseEntry).where(TermbaseEntry.account_id == account_id)
    return list(session.scalars(stmt.order_by(TermbaseEntry.id)))
