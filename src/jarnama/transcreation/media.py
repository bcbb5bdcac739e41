"""Voice-overs and banners of a project: which Kazakh text they carry, read-only for the DB."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace

from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput, NotFound
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import repository, service
from jarnama.transcreation.banners import BannerText
from jarnama.transcreation.latin import in_script
from jarnama.transcreation.models import TranscreationSegment
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


def _logo(body: BannerIn) -> bytes | None:
    if body.logo_base64 is None:
        return None
    try:
        return base64.b64decode(body.logo_base64, validate=True)
    except binascii.Error as exc:
        raise InvalidInput("logo_base64 is not base64", field="logo_base64") from exc


def banner_texts(
    session: Session, principal: Principal, project_id: int, body: BannerIn
) -> BannerText:
    """The banner's texts: the body's, else the asset's headline and cta slots (Kazakh targets).

    Russian comes from the Russian targets (English sources) or the Russian source; the
    body's `russian`/`cta_russian` override it. `script: latn` transliterates the Kazakh.
    """
    project = service.get_project(session, principal, project_id)
    logo = _logo(body)
    if body.kazakh is not None:
        content = BannerText(body.kazakh, body.russian, body.cta_kazakh, body.cta_russian, logo)
        return _in_script(content, body.script)
    segments = repository.segments_of(session, project.id)
    if body.asset_id is not None:
        segments = [s for s in segments if s.asset_id == body.asset_id]
        if not segments:
            raise NotFound("asset not found in this project", field="asset_id")
    kazakh = [s for s in segments if s.target_lang == "kk"]
    headline = next((s for s in kazakh if s.slot == "headline"), kazakh[0] if kazakh else None)
    if headline is None or not (headline.target or "").strip():
        raise InvalidInput("nothing to render: send kazakh, or translate the asset", field="kazakh")
    cta = next((s for s in kazakh if s.slot == "cta" and s.asset_id == headline.asset_id), None)

    def russian(slot: TranscreationSegment | None) -> str | None:
        if slot is None:
            return None
        return next(
            (s.target for s in segments
             if s.target_lang == "ru" and s.slot == slot.slot and s.asset_id == slot.asset_id),
            slot.source if project.source_lang == "ru" else None,
        )  # fmt: skip

    content = BannerText(
        headline.target or "",
        body.russian or russian(headline),
        body.cta_kazakh or (cta.target if cta is not None and cta.target else None),
        body.cta_russian or russian(cta),
        logo,
    )
    return _in_script(content, body.script)


def _in_script(content: BannerText, script: str) -> BannerText:
    """The Kazakh texts in the chosen script (Russian is left as it is)."""
    return replace(
        content,
        headline_kk=in_script(content.headline_kk, script),
        cta_kk=None if content.cta_kk is None else in_script(content.cta_kk, script),
    )
