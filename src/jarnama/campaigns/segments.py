"""Audience segments from loyalty data: defined by the network admin, imported from CSV.

Shoppers are stored only as the SHA-256 of their opaque user id; the decision path hashes
the request's id the same way (`hash_user_id`) to test membership.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jarnama.campaigns import repository
from jarnama.campaigns.access import ensure_admin_writer, ensure_can_read
from jarnama.campaigns.models import AudienceSegment
from jarnama.campaigns.schemas import RowError, SegmentCreate, SegmentImportReport
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.pagination import paginate
from jarnama.core.time import utcnow
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

IMPORT_COLUMNS = ("segment", "user_id")
MAX_USER_ID_LENGTH = 256
# The report lists this many row errors; a file with more is almost surely the wrong file.
MAX_REPORTED_ERRORS = 1000


def hash_user_id(opaque_user_id: str) -> str:
    """The SHA-256 hex digest of an opaque user id (UTF-8, surrounding whitespace removed)."""
    return hashlib.sha256(opaque_user_id.strip().encode("utf-8")).hexdigest()


def get_segment(session: Session, principal: Principal, segment_id: int) -> AudienceSegment:
    """An audience segment (every account may see the network's segments to target them)."""
    ensure_can_read(principal)
    segment = repository.segment_by_id(session, segment_id)
    if segment is None:
        raise NotFound("audience segment not found")
    return segment


def member_counts(session: Session, segments: list[AudienceSegment]) -> dict[int, int]:
    """How many shoppers each segment holds."""
    return repository.member_counts(session, [segment.id for segment in segments])


def list_segments(
    session: Session, principal: Principal, *, cursor: str | None, limit: int
) -> tuple[list[AudienceSegment], str | None]:
    """One page of the network's audience segments."""
    ensure_can_read(principal)
    return paginate(session, repository.segments(), AudienceSegment.id, cursor=cursor, limit=limit)


def create_segment(session: Session, principal: Principal, body: SegmentCreate) -> AudienceSegment:
    """Define an audience segment (network admins only)."""
    ensure_admin_writer(principal)
    if repository.segment_by_code(session, body.code) is not None:
        raise Conflict(f"a segment with code {body.code!r} exists", field="code")
    segment = AudienceSegment(code=body.code, name=body.name.strip())
    session.add(segment)
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "audience_segment",
        segment.id,
        account_id=None,
        after=audit.snapshot(segment),
    )
    return segment


def rename_segment(
    session: Session, principal: Principal, segment_id: int, name: str
) -> AudienceSegment:
    """Rename an audience segment (network admins only)."""
    ensure_admin_writer(principal)
    segment = get_segment(session, principal, segment_id)
    before = audit.snapshot(segment)
    segment.name = name.strip()
    segment.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "update",
        "audience_segment",
        segment.id,
        account_id=None,
        before=before,
        after=audit.snapshot(segment),
    )
    return segment


@dataclass
class _ImportState:
    rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    pairs: dict[tuple[int, str], None] = field(default_factory=dict)
    repeated: int = 0

    def error(self, line: int, where: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line=line, field=where, reason=reason))


def _header(reader: csv.DictReader[str]) -> None:
    names = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in IMPORT_COLUMNS if column not in names]
    if missing:
        raise InvalidInput(
            f"the CSV header must name the columns {', '.join(IMPORT_COLUMNS)}; "
            f"missing: {', '.join(missing)}",
            field="header",
        )
    reader.fieldnames = names


def import_members(session: Session, principal: Principal, data: bytes) -> SegmentImportReport:
    """Add memberships from CSV (`segment,user_id`); valid rows are stored, bad ones reported.

    `segment` is a segment code; `user_id` the shopper's opaque id, hashed before storing.
    Line numbers count the header as line 1.
    """
    ensure_admin_writer(principal)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the CSV is not UTF-8 (byte {exc.start})", field="file") from None
    if not text.strip():
        raise InvalidInput("the CSV is empty", field="file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _header(reader)
    by_code = repository.segments_by_code(session)
    state = _ImportState()
    try:
        for row in reader:
            state.rows += 1
            line = reader.line_num
            if None in row:
                state.error(line, "row", "more values than header columns")
                continue
            code = (row.get("segment") or "").strip()
            user_id = (row.get("user_id") or "").strip()
            segment = by_code.get(code)
            if not code:
                state.error(line, "segment", "empty")
            elif segment is None:
                state.error(line, "segment", f"no segment with code {code!r}")
            elif not user_id:
                state.error(line, "user_id", "empty")
            elif len(user_id) > MAX_USER_ID_LENGTH:
                state.error(line, "user_id", f"longer than {MAX_USER_ID_LENGTH} characters")
            else:
                key = (segment.id, hash_user_id(user_id))
                if key in state.pairs:
                    state.repeated += 1
                else:
                    state.pairs[key] = None
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num}: {exc}", field="file") from None

    imported = _store(session, principal, state, {s.id: s for s in by_code.values()})
    return SegmentImportReport(
        rows=state.rows,
        imported=imported,
        already_present=state.rows - state.error_count - imported,
        errors=state.errors,
        errors_truncated=state.error_count > len(state.errors),
    )


def _store(
    session: Session,
    principal: Principal,
    state: _ImportState,
    segments: dict[int, AudienceSegment],
) -> int:
    by_segment: dict[int, list[str]] = {}
    for segment_id, user_hash in state.pairs:
        by_segment.setdefault(segment_id, []).append(user_hash)
    imported = 0
    now = utcnow()
    for segment_id, hashes in sorted(by_segment.items()):
        existing = repository.existing_members(session, segment_id, hashes)
        new = [h for h in hashes if h not in existing]
        repository.add_members(
            session, [{"segment_id": segment_id, "user_hash": h, "added_at": now} for h in new]
        )
        imported += len(new)
        segment = segments[segment_id]
        segment.updated_at = now
        audit.record(
            session,
            principal,
            "import",
            "audience_segment",
            segment_id,
            account_id=None,
            after={"code": segment.code, "added": len(new), "already_present": len(existing)},
        )
    session.flush()
    return imported
