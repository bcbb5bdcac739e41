"""HTTP API of the transcreation studio: projects, segments, QA, TM, termbase and exports."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from jarnama.core.errors import InvalidInput
from jarnama.core.pagination import Page
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import banners, media, service, termbase, tmx, xliff
from jarnama.transcreation.latin import Script, language_tag
from jarnama.transcreation.schemas import (
    AssetIn,
    AssetOut,
    BannerIn,
    CommentIn,
    CommentOut,
    ComplianceOut,
    ImportReport,
    PretranslateReport,
    ProjectCreate,
    ProjectOut,
    QAReport,
    SegmentOut,
    SegmentUpdate,
    StateChange,
    VoiceOverIn,
    VoiceOverOut,
    XliffImportReport,
)
from jarnama.transcreation.voice.tts import make_synthesizer
from jarnama.transcreation.voice.voiceover import voice_over


def refuse_creators(principal: PrincipalDep) -> None:
    """Answer 403 to creators on every route of this router (before any lookup)."""
    service.ensure_not_creator(principal)


router = APIRouter(
    prefix="/transcreation", tags=["transcreation"], dependencies=[Depends(refuse_creators)]
)

ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
AccountQuery = Annotated[
    int | None, Query(ge=1, le=ID_MAX, description="The advertiser account (default: yours).")
]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
TermFormat = Annotated[Literal["csv", "tbx"], Query(description="csv or tbx (TBX-Basic).")]
TargetLang = Annotated[Literal["kk", "ru"], Query(description="The target language to export.")]
ScriptQuery = Annotated[
    Literal["cyrl", "latn"],
    Query(description="cyrl, or latn for Kazakh in the 2021 Latin alphabet (a delivery copy)."),
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}
GATE: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The approval gate: a final segment with blocking QA findings."},
}


def _file_body(*media: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {m: {"schema": {"type": "string"}} for m in media},
        }
    }


def _file_answer(*media: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {m: {"schema": {"type": "string"}} for m in media}},
        **NOT_FOUND,
    }


def writer(principal: PrincipalDep) -> Principal:
    """The caller, refused (403) before any upload is read unless it may write."""
    principal.ensure_can_write()
    return principal


WriterDep = Annotated[Principal, Depends(writer)]


async def upload(request: Request, _writer: WriterDep) -> bytes:
    """The raw request body (a TMX, TBX, CSV or XLIFF file)."""
    data = await request.body()
    if not data.strip():
        raise InvalidInput("send the file as the request body", field="file")
    return data


UploadDep = Annotated[bytes, Depends(upload)]


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not UTF-8", field="file") from exc


# --- projects ----------------------------------------------------------------------------------


@router.post("/projects", status_code=201, summary="Create a transcreation project with assets.")
def create_project(body: ProjectCreate, session: SessionDep, principal: PrincipalDep) -> ProjectOut:
    """Create a project; every asset slot becomes a segment per target language."""
    project = service.create_project(session, principal, body)
    return ProjectOut.of(project, *service.project_parts(session, project))


@router.get("/projects", summary="List the transcreation projects the caller may see.")
def list_projects(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: AccountQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ProjectOut]:
    """List projects (oldest first), optionally of one account."""
    rows, next_cursor = service.list_projects(
        session, principal, account_id=account_id, cursor=cursor, limit=limit
    )
    return Page(items=[ProjectOut.of(p) for p in rows], next_cursor=next_cursor)


@router.get(
    "/projects/{project_id}",
    summary="Show a project with assets and segments.",
    responses=NOT_FOUND,
)
def get_project(project_id: PathId, session: SessionDep, principal: PrincipalDep) -> ProjectOut:
    """Show a project, its assets and every segment with its state and findings."""
    project = service.get_project(session, principal, project_id)
    return ProjectOut.of(project, *service.project_parts(session, project))


@router.post(
    "/projects/{project_id}/assets",
    status_code=201,
    summary="Add an asset with its slots to a project.",
    responses=NOT_FOUND,
)
def add_asset(
    project_id: PathId, body: AssetIn, session: SessionDep, principal: PrincipalDep
) -> AssetOut:
    """Add an asset; its slots become segments."""
    return AssetOut.of(service.add_asset(session, principal, project_id, body))


@router.post(
    "/projects/{project_id}/qa", summary="Run Kazakh QA on every segment.", responses=NOT_FOUND
)
def run_qa(
    project_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> QAReport:
    """Check every target (Kazakh rules, banner widths, ad labels) and store the findings."""
    return service.run_qa(session, principal, project_id, settings.transcreation)


@router.post(
    "/projects/{project_id}/pretranslate",
    summary="Pre-translate: TM, then the configured MT backend, else the human queue.",
    responses={**NOT_FOUND, 502: {"description": "The MT engine failed."}},
)
def pretranslate(
    project_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> PretranslateReport:
    """Fill untranslated segments from the TM and MT; report the human queue."""
    return service.run_pretranslation(session, principal, settings, project_id)


@router.get(
    "/projects/{project_id}/xliff",
    summary="Export a project's segments as XLIFF 2.1.",
    response_class=Response,
    responses={**_file_answer("application/xliff+xml"), 409: GATE[409]},
)
def export_xliff(
    project_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    target_lang: TargetLang = "kk",
    script: ScriptQuery = "cyrl",
) -> Response:
    """An XLIFF 2.1 file; refused (409) while a final segment has blocking findings.

    `script=latn` writes the Kazakh targets in the 2021 Latin alphabet (`trgLang="kk-Latn"`).
    """
    project = service.get_project(session, principal, project_id)
    segments = service.xliff_segments(
        session, project, target_lang, script=Script(script), config=settings.transcreation
    )
    data = xliff.write_xliff(
        segments,
        source_lang=project.source_lang,
        target_lang=language_tag(target_lang, script),
        file_id=f"p{project.id}",
    )
    return Response(data, media_type="application/xliff+xml")


@router.put(
    "/projects/{project_id}/xliff",
    summary="Import targets and states from an XLIFF 2.1 file.",
    openapi_extra=_file_body("application/xliff+xml", "application/xml"),
    responses=GATE,
)
def import_xliff(
    project_id: PathId,
    data: UploadDep,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> XliffImportReport:
    """Take back targets and states; `final` segments pass the approval gate."""
    service.get_project(session, principal, project_id)
    _src, target_lang, segments = xliff.read_xliff(data)
    if target_lang is not None and target_lang.lower().endswith("-latn"):
        raise InvalidInput(
            "a Latin-script XLIFF is a delivery copy; import the Cyrillic one", field="file"
        )
    return service.import_xliff(session, principal, project_id, segments, settings.transcreation)


@router.get(
    "/projects/{project_id}/compliance",
    summary="The language and ad-label compliance report of every asset.",
    responses=NOT_FOUND,
)
def compliance(
    project_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> ComplianceOut:
    """Kazakh present and complete, trademarks unchanged, label where the channel needs it."""
    return service.compliance_report(session, principal, project_id, settings.transcreation)


# --- segments ----------------------------------------------------------------------------------


@router.patch("/segments/{segment_id}", summary="Edit a segment's target.", responses=NOT_FOUND)
def update_segment(
    segment_id: PathId,
    body: SegmentUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> SegmentOut:
    """Set the target text; the segment becomes `translated` and is QA'd again."""
    segment = service.update_segment(
        session, principal, segment_id, body.target, settings.transcreation
    )
    return SegmentOut.of(segment)


@router.post(
    "/segments/{segment_id}/state",
    summary="Change a segment's XLIFF state through the approval gate.",
    responses=GATE,
)
def change_state(
    segment_id: PathId,
    body: StateChange,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> SegmentOut:
    """Move to initial/translated/reviewed/final; final needs a target and no blocking finding."""
    segment = service.change_state(
        session, principal, segment_id, body.state, settings.transcreation
    )
    return SegmentOut.of(segment)


@router.post(
    "/segments/{segment_id}/comments",
    status_code=201,
    summary="Comment on a segment.",
    responses=NOT_FOUND,
)
def add_comment(
    segment_id: PathId, body: CommentIn, session: SessionDep, principal: PrincipalDep
) -> CommentOut:
    """Add a review comment."""
    return CommentOut.of(service.add_comment(session, principal, segment_id, body.text))


@router.get(
    "/segments/{segment_id}/comments", summary="List a segment's comments.", responses=NOT_FOUND
)
def list_comments(
    segment_id: PathId, session: SessionDep, principal: PrincipalDep
) -> list[CommentOut]:
    """A segment's review comments, oldest first."""
    return [CommentOut.of(c) for c in service.list_comments(session, principal, segment_id)]


# --- translation memory and termbase ----------------------------------------------------------


@router.post(
    "/tm/import",
    summary="Import TMX 1.4b units into an account's translation memory.",
    openapi_extra=_file_body("application/xml"),
    responses=NOT_FOUND,
)
def import_tm(
    data: UploadDep, session: SessionDep, principal: PrincipalDep, account_id: AccountQuery = None
) -> ImportReport:
    """Add the TMX file's units (duplicates skipped)."""
    owner = service.writable_account(session, principal, account_id)
    units = tmx.read_tmx(data)
    added, skipped = service.add_units(session, principal, owner, units)
    return ImportReport(account_id=owner, added=added, skipped=skipped)


@router.get(
    "/tm/export",
    summary="Export an account's translation memory as TMX 1.4b.",
    response_class=Response,
    responses=_file_answer("application/x-tmx+xml"),
)
def export_tm(
    session: SessionDep, principal: PrincipalDep, account_id: AccountQuery = None
) -> Response:
    """Every unit of the account's memory as TMX."""
    owner = service.readable_account(session, principal, account_id)
    units = service.memory_of(session, owner).units()
    return Response(tmx.write_tmx(units), media_type="application/x-tmx+xml")


@router.post(
    "/termbase/import",
    summary="Import termbase entries from CSV or TBX.",
    openapi_extra=_file_body("text/csv", "application/xml"),
    responses=NOT_FOUND,
)
def import_terms(
    data: UploadDep,
    session: SessionDep,
    principal: PrincipalDep,
    account_id: AccountQuery = None,
    format: TermFormat = "csv",
) -> ImportReport:
    """Add the file's entries (brand, do-not-translate, required, forbidden)."""
    owner = service.writable_account(session, principal, account_id)
    base = termbase.read_csv(_text(data)) if format == "csv" else termbase.read_tbx(data)
    added, skipped = service.add_terms(session, principal, owner, base.terms)
    return ImportReport(account_id=owner, added=added, skipped=skipped)


@router.get(
    "/termbase/export",
    summary="Export an account's termbase as CSV or TBX.",
    response_class=Response,
    responses=_file_answer("text/csv", "application/x-tbx+xml"),
)
def export_terms(
    session: SessionDep,
    principal: PrincipalDep,
    account_id: AccountQuery = None,
    format: TermFormat = "csv",
) -> Response:
    """The account's termbase as CSV (with a header row) or TBX-Basic."""
    owner = service.readable_account(session, principal, account_id)
    terms = service.account_terms(session, owner)
    if format == "csv":
        return Response(termbase.write_csv(terms), media_type="text/csv; charset=utf-8")
    return Response(termbase.write_tbx(terms), media_type="application/x-tbx+xml")


# --- voice-over --------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/voiceover",
    summary="Synthesise the Kazakh voice-over and check it fits the spot.",
    response_model=VoiceOverOut,
    responses={
        200: {"content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}},
        **NOT_FOUND,
        503: {"description": "The speech engine is missing or failed."},
    },
)
def synthesise_voiceover(
    project_id: PathId,
    body: VoiceOverIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    format: Annotated[Literal["json", "wav"], Query(description="json or the WAV file.")] = "json",
) -> Any:
    """Normalise numbers, prices, % and dates to words, speak them, time them against the spot."""
    text = media.voiceover_text(session, principal, project_id, body)
    result = voice_over(text, body.spot_seconds, make_synthesizer(settings.transcreation))
    if format == "wav":
        return Response(
            result.audio,
            media_type="audio/wav",
            headers={
                "X-Duration-Seconds": f"{result.duration_seconds:.3f}",
                "X-Spot-Seconds": str(result.spot_seconds),
                "X-Fits-Spot": "true" if result.fits else "false",
            },
        )
    return VoiceOverOut(
        spoken_text=result.spoken_text,
        duration_seconds=result.duration_seconds,
        spot_seconds=result.spot_seconds,
        fits=result.fits,
        margin_seconds=result.margin_seconds,
        engine=result.engine,
        audio_base64=base64.b64encode(result.audio).decode("ascii"),
    )


# --- banners -----------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/banners",
    summary="Render a bilingual PNG banner, Kazakh first and not smaller.",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
        **NOT_FOUND,
        400: {"description": "A glyph is missing from the font, or the text cannot fit."},
    },
)
def render_banner(
    project_id: PathId,
    body: BannerIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> Response:
    """A PNG in the template's size with logo, headline and CTA button; headers give font sizes."""
    content = media.banner_texts(session, principal, project_id, body)
    config = settings.transcreation
    banner = banners.render(
        content, banners.TEMPLATES[body.template], config.banner_font, config.banner_bold_font
    )
    headers = {
        f"X-Font-Px-{p.language}" if p.role == "headline" else f"X-Cta-Font-Px-{p.language}": str(
            p.font_px
        )
        for p in banner.placed
        if p.language is not None
    }
    return Response(banner.png, media_type="image/png", headers=headers)
