"""The transcreation studio's part of the matrix world: a project of `home` with a translated
segment, and one of `foreign`, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.tenancy.principal import Principal
from jarnama.transcreation import repository, service
from jarnama.transcreation.schemas import AssetIn, ProjectCreate, SlotIn


@dataclass(frozen=True)
class TranscreationWorld:
    """Ids of the studio's objects in the matrix world."""

    project_id: int  # home's project
    segment_id: int  # its Kazakh headline, translated
    foreign_project_id: int


def _project(session: Session, operator: Principal, account_id: int) -> int:
    body = ProjectCreate(
        account_id=account_id,
        name="Matrix sale",
        assets=[AssetIn(name="MPU", slots=[SlotIn(slot="headline", source="Свежее молоко")])],
    )
    return service.create_project(session, operator, body).id


def build_transcreation(
    session: Session, operator: Principal, home_id: int, foreign_id: int
) -> TranscreationWorld:
    """Projects of `home` and `foreign`; home's headline carries a Kazakh target."""
    project_id = _project(session, operator, home_id)
    segment = repository.segments_of(session, project_id)[0]
    service.update_segment(session, operator, segment.id, "Балғын сүт")
    foreign = _project(session, operator, foreign_id)
    session.commit()
    return TranscreationWorld(project_id, segment.id, foreign)
