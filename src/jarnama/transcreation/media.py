"""Voice-overs and banners of a project: which Kazakh text they carry, read-only for the DB."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import repository, service
from jarnama.transcreation.schemas import BannerIn, VoiceOverIn

VOICEOVER_SLOT = "voiceover"


def voiceover_text(
    session: Session, principal: Principal, project_id: int, body: VoiceOverIn
) -> str:
    """The Kazakh text to speak: the body's text, a segment's target, or the voiceover slots."""
    project = service.get_project(session, principal, project_id)
    if body.text is not None:
        return body.text
    segments = [s for s in repository.segments_of(session, project.id) if s.target_lang == "kk"]
    if body.segment_id is not None:
        segment = next((s for s in segments if s.id == body.segment_id), None)
        if segment is None:
            raise NotFound("segment not found in this project", field="segment_id")
        chosen = [segment]
    else:
        chosen = [s for s in segments if s.slot == VOICEOVER_SLOT]
    text = " ".join((s.target or "").strip() for s in chosen).strip()
    if not text:
        raise InvalidInput(
            "nothing to speak: send text, or translate the voiceover slot first", field="text"
        )
    return text


def banner_texts(
    session: Session, principal: Principal, project_id: int, body: BannerIn
) -> tuple[str, str | None]:
    """(Kazakh, Russian) for a banner: the body's texts, else an asset's first slot."""
    project = service.get_project(session, principal, project_id)
    if body.kazakh is not None:
        return body.kazakh, body.russian
    segments = repository.segments_of(session, project.id)
    if body.asset_id is not None:
        segments = [s for s in segments if s.asset_id == body.asset_id]
        if not segments:
            raise NotFound("asset not found in this project", field="asset_id")
    first = next((s for s in segments if s.target_lang == "kk"), None)
    if first is None or not (first.target or "").strip():
        raise InvalidInput("nothing to render: send kazakh, or translate the asset", field="kazakh")
    russian = next(
        (s.target for s in segments if s.target_lang == "ru" and s.slot == first.slot),
        first.source if project.source_lang == "ru" else None,
    )
    return first.target or "", body.russian or russian
