"""Studio operations: projects, segments under review, QA, pre-translation and exchange formats.

Services flush; the request edge commits. Every write records an audit entry. Projects belong
to advertiser accounts: another tenant's project answers 404; analysts only read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Forbidden, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind, Role
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import checking, compliance, repository
from jarnama.transcreation.checking import ProjectChecker, project_checker
from jarnama.transcreation.latin import Script, in_script
from jarnama.transcreation.memory import TranslationMemory, TranslationUnit
from jarnama.transcreation.models import (
    SegmentComment,
    TermbaseEntry,
    TranscreationAsset,
    TranscreationProject,
    TranscreationSegment,
    TranslationMemoryEntry,
)
from jarnama.transcreation.mt.factory import make_translator
from jarnama.transcreation.pretranslate import SourceSegment, pretranslate
from jarnama.transcreation.qa.findings import Severity
from jarnama.transcreation.schemas import (
    AssetCompliance,
    AssetIn,
    CheckOut,
    ComplianceOut,
    PretranslateReport,
    ProjectCreate,
    QAReport,
    SegmentOut,
    XliffImportReport,
)
from jarnama.transcreation.settings import TranscreationSettings
from jarnama.transcreation.terms import Term, TermKind
from jarnama.transcreation.xliff import SegmentState, XliffSegment, ensure_can_finalise

ENTITY = "transcreation_project"


def ensure_not_creator(principal: Principal) -> None:
    """Raise 403 for creators: the studio serves advertisers."""
    if principal.role is Role.CREATOR:
        raise Forbidden("creator accounts have no access to the transcreation studio")


def _advertiser(session: Session, principal: Principal, requested: int | None) -> int:
    """The advertiser account a new object belongs to (403/404/400 otherwise)."""
    principal.ensure_can_write()
    account_id = principal.owning_account(requested)
    account = repository.account_by_id(session, account_id)
    if account is None:
        raise NotFound("account not found", field="account_id")
    if account.kind is not AccountKind.ADVERTISER:
        raise InvalidInput(
            "transcreation projects belong to advertiser accounts", field="account_id"
        )
    return account_id


def readable_account(session: Session, principal: Principal, requested: int | None) -> int:
    """The account whose TM or termbase the caller reads (its own unless it names one)."""
    principal.ensure_can_read()
    if requested is None:
        if principal.account_id is None:
            raise InvalidInput("name the account_id whose data to read", field="account_id")
        return principal.account_id
    principal.ensure_access(requested, "account")
    if repository.account_by_id(session, requested) is None:
        raise NotFound("account not found", field="account_id")
    return requested


def writable_account(session: Session, principal: Principal, requested: int | None) -> int:
    """The advertiser account whose TM or termbase the caller changes."""
    return _advertiser(session, principal, requested)


# --- projects ----------------------------------------------------------------------------------


def _add_asset(
    session: Session, project: TranscreationProject, body: AssetIn
) -> TranscreationAsset:
    slots = [{"slot": s.slot, "max_chars": s.max_chars} for s in body.slots]
    if len({s.slot for s in body.slots}) != len(body.slots):
        raise InvalidInput("slot names of one asset must be unique", field="slots")
    asset = TranscreationAsset(
        project_id=project.id, name=body.name, kind=body.kind, slots=slots,
        templates=list(body.templates) or None,
    )  # fmt: skip
    session.add(asset)
    session.flush()
    for position, slot in enumerate(body.slots):
        for lang in project.target_langs:
            session.add(
                TranscreationSegment(
                    project_id=project.id,
                    asset_id=asset.id,
                    slot=slot.slot,
                    position=position,
                    source=slot.source,
                    target_lang=lang,
                    target=None,
                    state=SegmentState.INITIAL,
                    max_chars=slot.max_chars,
                    findings=[],
                )
            )
    session.flush()
    return asset


def create_project(
    session: Session, principal: Principal, body: ProjectCreate
) -> TranscreationProject:
    """Create a project with its assets; one segment per slot and target language."""
    account_id = _advertiser(session, principal, body.account_id)
    project = TranscreationProject(
        account_id=account_id,
        name=body.name,
        source_lang=body.source_lang,
        # Kazakh always; Russian too when the source is English (both official languages).
        target_langs=["kk"] if body.source_lang == "ru" else ["kk", "ru"],
        channel=body.channel.value if body.channel else None,
    )
    session.add(project)
    session.flush()
    for asset in body.assets:
        _add_asset(session, project, asset)
    audit.record(
        session, principal, "create", ENTITY, project.id, account_id=account_id,
        after=audit.snapshot(project),
    )  # fmt: skip
    return project


def list_projects(
    session: Session,
    principal: Principal,
    *,
    account_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[TranscreationProject], str | None]:
    """One page of the projects the caller may see."""
    principal.ensure_can_read()
    stmt = repository.projects(principal.visible_account_ids(), account_id=account_id)
    return paginate(session, stmt, TranscreationProject.id, cursor=cursor, limit=limit)


def get_project(session: Session, principal: Principal, project_id: int) -> TranscreationProject:
    """A project the caller may read (404 for another tenant's)."""
    principal.ensure_can_read()
    project = repository.project_by_id(session, project_id)
    if project is None or not principal.can_access(project.account_id):
        raise NotFound("project not found")
    return project


def _writable_project(
    session: Session, principal: Principal, project_id: int
) -> TranscreationProject:
    project = repository.project_by_id(session, project_id)
    if project is None or not principal.can_access(project.account_id):
        raise NotFound("project not found")
    principal.ensure_can_write()
    return project


def project_parts(
    session: Session, project: TranscreationProject
) -> tuple[list[TranscreationAsset], list[TranscreationSegment]]:
    """A project's assets and segments."""
    return repository.assets_of(session, project.id), repository.segments_of(session, project.id)


def add_asset(
    session: Session, principal: Principal, project_id: int, body: AssetIn
) -> TranscreationAsset:
    """Add an asset and its segments to a project."""
    project = _writable_project(session, principal, project_id)
    asset = _add_asset(session, project, body)
    audit.record(
        session, principal, "add_asset", ENTITY, project.id, account_id=project.account_id,
        after=audit.snapshot(asset),
    )  # fmt: skip
    return asset


# --- QA ----------------------------------------------------------------------------------------


_terms = checking.account_terms


def run_qa(
    session: Session,
    principal: Principal,
    project_id: int,
    config: TranscreationSettings | None = None,
) -> QAReport:
    """Check every segment (Kazakh rules, banner widths, ad labels) and store its findings."""
    project = _writable_project(session, principal, project_id)
    checker = project_checker(session, project, config)
    segments = repository.segments_of(session, project.id)
    blocking = warnings = 0
    for segment in segments:
        findings = checker.findings(segment)
        segment.findings = [f.as_dict() for f in findings]
        blocking += sum(f.severity is Severity.BLOCKING for f in findings)
        warnings += sum(f.severity is Severity.WARNING for f in findings)
    session.flush()
    audit.record(
        session, principal, "run_qa", ENTITY, project.id, account_id=project.account_id,
        after={"blocking": blocking, "warnings": warnings},
    )  # fmt: skip
    return QAReport(
        project_id=project.id,
        segments=[SegmentOut.of(s) for s in segments],
        blocking=blocking,
        warnings=warnings,
    )


# --- segments ----------------------------------------------------------------------------------


def _segment(
    session: Session, principal: Principal, segment_id: int
) -> tuple[TranscreationSegment, TranscreationProject]:
    segment = repository.segment_by_id(session, segment_id)
    project = None if segment is None else repository.project_by_id(session, segment.project_id)
    if segment is None or project is None or not principal.can_access(project.account_id):
        raise NotFound("segment not found")
    return segment, project


def _remember(
    session: Session, project: TranscreationProject, segment: TranscreationSegment
) -> None:
    """Store a final segment in the account's translation memory with its neighbours."""
    siblings = [
        s
        for s in repository.segments_of(session, project.id)
        if s.asset_id == segment.asset_id and s.target_lang == segment.target_lang
    ]
    index = next(i for i, s in enumerate(siblings) if s.id == segment.id)
    before = siblings[index - 1].source if index > 0 else None
    after = siblings[index + 1].source if index + 1 < len(siblings) else None
    for unit in repository.tm_units(session, project.account_id):
        if (unit.source, unit.target, unit.target_lang) == (
            segment.source, segment.target, segment.target_lang,
        ):  # fmt: skip
            return
    session.add(
        TranslationMemoryEntry(
            account_id=project.account_id,
            source_lang=project.source_lang,
            target_lang=segment.target_lang,
            source=segment.source,
            target=segment.target or "",
            context_before=before,
            context_after=after,
        )
    )


def _set_state(
    session: Session,
    checker: ProjectChecker,
    segment: TranscreationSegment,
    state: SegmentState,
) -> None:
    project = checker.project
    if state is not SegmentState.INITIAL and not (segment.target or "").strip():
        raise InvalidInput(f"a {state.value} segment needs a target", field="state")
    if state is SegmentState.FINAL:
        findings = checker.findings(segment)
        segment.findings = [f.as_dict() for f in findings]
        ensure_can_finalise(str(segment.id), segment.target, findings)
        segment.state = state
        _remember(session, project, segment)
    else:
        segment.state = state


def get_segment(session: Session, principal: Principal, segment_id: int) -> TranscreationSegment:
    """A segment the caller may read."""
    principal.ensure_can_read()
    return _segment(session, principal, segment_id)[0]


def update_segment(
    session: Session,
    principal: Principal,
    segment_id: int,
    target: str,
    config: TranscreationSettings | None = None,
) -> TranscreationSegment:
    """Set a segment's target; it becomes `translated` (an edited final segment is reopened)."""
    segment, project = _segment(session, principal, segment_id)
    principal.ensure_can_write()
    before = audit.snapshot(segment)
    segment.target = target
    segment.origin = "human"
    segment.state = SegmentState.TRANSLATED if target.strip() else SegmentState.INITIAL
    segment.findings = [
        f.as_dict() for f in project_checker(session, project, config).findings(segment)
    ]
    session.flush()
    audit.record(
        session, principal, "edit_segment", "transcreation_segment", segment.id,
        account_id=project.account_id, before=before, after=audit.snapshot(segment),
    )  # fmt: skip
    return segment


def change_state(
    session: Session,
    principal: Principal,
    segment_id: int,
    state: SegmentState,
    config: TranscreationSettings | None = None,
) -> TranscreationSegment:
    """Move a segment to another state; `final` only without blocking QA findings (409)."""
    segment, project = _segment(session, principal, segment_id)
    principal.ensure_can_write()
    before = audit.snapshot(segment)
    _set_state(session, project_checker(session, project, config), segment, state)
    session.flush()
    audit.record(
        session, principal, "change_state", "transcreation_segment", segment.id,
        account_id=project.account_id, before=before, after=audit.snapshot(segment),
    )  # fmt: skip
    return segment


def add_comment(
    session: Session, principal: Principal, segment_id: int, text: str
) -> SegmentComment:
    """Add a review comment to a segment."""
    segment, project = _segment(session, principal, segment_id)
    principal.ensure_can_write()
    comment = SegmentComment(segment_id=segment.id, author=principal.actor, text=text)
    session.add(comment)
    session.flush()
    audit.record(
        session, principal, "comment", "transcreation_segment", segment.id,
        account_id=project.account_id, after=audit.snapshot(comment),
    )  # fmt: skip
    return comment


def list_comments(session: Session, principal: Principal, segment_id: int) -> list[SegmentComment]:
    """A segment's comments."""
    principal.ensure_can_read()
    segment, _ = _segment(session, principal, segment_id)
    return repository.comments_of(session, segment.id)


# --- pre-translation ---------------------------------------------------------------------------


def memory_of(session: Session, account_id: int) -> TranslationMemory:
    """An account's translation memory as a lookup index."""
    return TranslationMemory(
        TranslationUnit(
            source=u.source, target=u.target, source_lang=u.source_lang,
            target_lang=u.target_lang, context_before=u.context_before,
            context_after=u.context_after, note=u.note, id=u.id,
        )
        for u in repository.tm_units(session, account_id)
    )  # fmt: skip


def run_pretranslation(
    session: Session,
    principal: Principal,
    settings: Settings,
    project_id: int,
    on_progress: Callable[[int], None] | None = None,
) -> PretranslateReport:
    """Fill initial segments from the TM, then the configured MT backend; the rest await people.

    `on_progress(n)` is called as n more segments are done (the CLI's progress bar).
    """
    project = _writable_project(session, principal, project_id)
    segments = repository.segments_of(session, project.id)
    todo = [s for s in segments if s.state is SegmentState.INITIAL and not s.target]
    neighbours: dict[int, tuple[str | None, str | None]] = {}
    for s in todo:
        same = [x for x in segments if x.asset_id == s.asset_id and x.target_lang == s.target_lang]
        i = same.index(s)
        neighbours[s.id] = (
            same[i - 1].source if i > 0 else None,
            same[i + 1].source if i + 1 < len(same) else None,
        )
    translator = make_translator(settings.transcreation)
    results = pretranslate(
        [
            SourceSegment(
                id=str(s.id), source=s.source, source_lang=project.source_lang,
                target_lang=s.target_lang, slot=s.slot, max_chars=s.max_chars,
                context_before=neighbours[s.id][0], context_after=neighbours[s.id][1],
            )
            for s in todo
        ],
        memory_of(session, project.account_id),
        _terms(session, project.account_id),
        translator,
        on_progress,
    )  # fmt: skip
    counts: dict[str, int] = {}
    queue: list[int] = []
    checker = project_checker(session, project, settings.transcreation)
    for segment, result in zip(todo, results, strict=True):
        counts[result.origin.value] = counts.get(result.origin.value, 0) + 1
        segment.origin = result.origin.value
        segment.tm_score = result.score
        if result.target is None:
            queue.append(segment.id)
            continue
        segment.target = result.target
        segment.state = SegmentState.TRANSLATED
        segment.findings = [f.as_dict() for f in checker.findings(segment)]
    session.flush()
    audit.record(
        session, principal, "pretranslate", ENTITY, project.id, account_id=project.account_id,
        after={"backend": translator.name, "counts": counts},
    )  # fmt: skip
    return PretranslateReport(
        project_id=project.id,
        backend=translator.name,
        counts=counts,
        human_queue=queue,
        segments=[SegmentOut.of(s) for s in segments],
    )


# --- XLIFF -------------------------------------------------------------------------------------


def xliff_segments(
    session: Session,
    project: TranscreationProject,
    target_lang: str,
    *,
    script: Script = Script.CYRILLIC,
    config: TranscreationSettings | None = None,
) -> list[XliffSegment]:
    """The project's segments for one target language, through the approval gate (409).

    `script=latn` writes Kazakh targets in the 2021 Latin alphabet (a delivery copy).
    """
    checker = project_checker(session, project, config)
    out = []
    for s in repository.segments_of(session, project.id):
        if s.target_lang != target_lang:
            continue
        if s.state is SegmentState.FINAL:
            ensure_can_finalise(str(s.id), s.target, checker.findings(s))
        target = (
            s.target if target_lang != "kk" or s.target is None else in_script(s.target, script)
        )
        out.append(
            XliffSegment(
                id=str(s.id), source=s.source, target=target, state=s.state,
                unit=f"a{s.asset_id}-{s.slot}",
                notes=(f"max {s.max_chars} characters",) if s.max_chars else (),
            )
        )  # fmt: skip
    return out


def import_xliff(
    session: Session,
    principal: Principal,
    project_id: int,
    segments: Sequence[XliffSegment],
    config: TranscreationSettings | None = None,
) -> XliffImportReport:
    """Take targets and states back from a CAT tool; `final` passes the approval gate."""
    project = _writable_project(session, principal, project_id)
    mine = {str(s.id): s for s in repository.segments_of(session, project.id)}
    checker = project_checker(session, project, config)
    unknown: list[str] = []
    updated = 0
    for incoming in segments:
        segment = mine.get(incoming.id)
        if segment is None or segment.source != incoming.source:
            unknown.append(incoming.id)
            continue
        if incoming.target is not None and incoming.target != segment.target:
            segment.target = incoming.target
            segment.origin = "human"
        _set_state(session, checker, segment, incoming.state)
        updated += 1
    session.flush()
    audit.record(
        session, principal, "import_xliff", ENTITY, project.id, account_id=project.account_id,
        after={"updated": updated, "unknown": unknown},
    )  # fmt: skip
    return XliffImportReport(project_id=project.id, updated=updated, unknown_ids=unknown)


# --- compliance --------------------------------------------------------------------------------


def compliance_report(
    session: Session,
    principal: Principal,
    project_id: int,
    config: TranscreationSettings | None = None,
) -> ComplianceOut:
    """The compliance report of every asset (Kazakh present, complete, trademarks, label)."""
    project = get_project(session, principal, project_id)
    checker = project_checker(session, project, config)
    brands = [t for t in checker.terms if t.kind is TermKind.BRAND]
    assets, segments = project_parts(session, project)
    channel = checker.channel
    out = []
    for asset in assets:
        kk = [s for s in segments if s.asset_id == asset.id and s.target_lang == "kk"]
        texts = [compliance.AssetText(s.slot, s.source, s.target) for s in kk]
        findings = [f for s in kk for f in checker.findings(s)]
        result = compliance.report(
            texts, channel=channel, trademarks=brands, blocking=findings,
            label_rule=checker.label_rule(),
        )  # fmt: skip
        out.append(
            AssetCompliance(
                asset_id=asset.id, name=asset.name, compliant=result.compliant,
                checks=[
                    CheckOut(id=c.id, verdict=c.verdict.value, detail=c.detail, basis=c.basis)
                    for c in result.checks
                ],
            )
        )  # fmt: skip
    return ComplianceOut(project_id=project.id, compliant=all(a.compliant for a in out), assets=out)


# --- memory and termbase -----------------------------------------------------------------------


def add_units(
    session: Session, principal: Principal, account_id: int, units: Sequence[TranslationUnit]
) -> tuple[int, int]:
    """Add TM units to an account's memory, skipping ones already there: (added, skipped)."""
    seen = {
        (u.source_lang, u.target_lang, u.source, u.target)
        for u in repository.tm_units(session, account_id)
    }
    added = 0
    for unit in units:
        key = (unit.source_lang, unit.target_lang, unit.source, unit.target)
        if key in seen:
            continue
        seen.add(key)
        session.add(
            TranslationMemoryEntry(
                account_id=account_id, source_lang=unit.source_lang, target_lang=unit.target_lang,
                source=unit.source, target=unit.target, context_before=unit.context_before,
                context_after=unit.context_after, note=unit.note,
            )
        )  # fmt: skip
        added += 1
    session.flush()
    audit.record(
        session, principal, "import_tm", "transcreation_tm", account_id, account_id=account_id,
        after={"added": added},
    )  # fmt: skip
    return added, len(units) - added


def add_terms(
    session: Session, principal: Principal, account_id: int, terms: Sequence[Term]
) -> tuple[int, int]:
    """Add termbase entries to an account, skipping ones already there: (added, skipped)."""
    seen = set(_terms(session, account_id))
    added = 0
    for term in terms:
        if term in seen:
            continue
        seen.add(term)
        session.add(
            TermbaseEntry(
                account_id=account_id, source=term.source, kind=term.kind, target=term.target,
                source_lang=term.source_lang, target_lang=term.target_lang, note=term.note,
            )
        )  # fmt: skip
        added += 1
    session.flush()
    audit.record(
        session, principal, "import_terms", "transcreation_termbase", account_id,
        account_id=account_id, after={"added": added},
    )  # fmt: skip
    return added, len(terms) - added


def account_terms(session: Session, account_id: int) -> list[Term]:
    """An account's termbase as terms."""
    return _terms(session, account_id)
