"""XLIFF 2.1 import and export of segments with their review states, behind an approval gate."""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET

from jarnama.core.errors import Conflict, InvalidInput
from jarnama.transcreation.qa.findings import Finding, Severity

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
_N = "{" + XLIFF_NS + "}"


class SegmentState(enum.StrEnum):
    """XLIFF 2.x segment states, in review order."""

    INITIAL = "initial"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"


@dataclass(frozen=True, slots=True)
class XliffSegment:
    """One segment as exchanged with a CAT tool: id, source, target, state and notes."""

    id: str
    source: str
    target: str | None = None
    state: SegmentState = SegmentState.INITIAL
    unit: str | None = None  # the XLIFF <unit> (an asset slot); defaults to the segment id
    notes: tuple[str, ...] = field(default=())


class ApprovalBlocked(Conflict):
    """A segment cannot become final while it has blocking QA findings."""

    code = "approval_blocked"


def ensure_can_finalise(segment_id: str, target: str | None, findings: Sequence[Finding]) -> None:
    """The approval gate: a final segment has a target and no blocking finding."""
    if not (target or "").strip():
        raise ApprovalBlocked(f"segment {segment_id} has no target to approve")
    blocking = [f for f in findings if f.severity is Severity.BLOCKING]
    if blocking:
        rules = ", ".join(sorted({f.rule for f in blocking}))
        raise ApprovalBlocked(
            f"segment {segment_id} has {len(blocking)} blocking QA finding(s): {rules}"
        )


def write_xliff(
    segments: Iterable[XliffSegment],
    *,
    source_lang: str = "ru",
    target_lang: str = "kk",
    file_id: str = "f1",
) -> bytes:
    """An XLIFF 2.1 document: one <unit> per slot, one <segment> per segment, with states."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(
        _N + "xliff", {"version": "2.1", "srcLang": source_lang, "trgLang": target_lang}
    )
    file_ = ET.SubElement(root, _N + "file", id=file_id)
    units: dict[str, ET.Element] = {}
    for segment in segments:
        unit_id = segment.unit or segment.id
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = ET.SubElement(file_, _N + "unit", id=unit_id)
            if segment.notes:
                notes = ET.SubElement(unit, _N + "notes")
                for text in segment.notes:
                    ET.SubElement(notes, _N + "note").text = text
        element = ET.SubElement(unit, _N + "segment", id=segment.id, state=segment.state.value)
        ET.SubElement(element, _N + "source").text = segment.source
        if segment.target is not None:
            ET.SubElement(element, _N + "target").text = segment.target
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _inline_text(element: ET.Element) -> str:
    """Text of <source>/<target>, with <ph>/<pc> codes flattened to their text content."""
    parts = [element.text or ""]
    for child in element:
        local = child.tag.rsplit("}", 1)[-1]
        if local != "ph":  # a placeholder has no text of its own
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_xliff(data: bytes) -> tuple[str, str | None, list[XliffSegment]]:
    """(source language, target language, segments) from an XLIFF 2.0/2.1 document."""
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, ValueError) as exc:
        raise InvalidInput(f"not an XLIFF document: {exc}", field="file") from exc
    if root.tag != _N + "xliff":
        raise InvalidInput(f"not an XLIFF 2 document (root {root.tag!r})", field="file")
    source_lang = root.get("srcLang")
    if not source_lang:
        raise InvalidInput("the XLIFF document has no srcLang", field="file")
    segments: list[XliffSegment] = []
    for unit in root.iter(_N + "unit"):
        unit_id = unit.get("id") or ""
        notes = tuple(note.text or "" for note in unit.iter(_N + "note"))
        for number, element in enumerate(unit.iter(_N + "segment"), start=1):
            source = element.find(_N + "source")
            if source is None:
                raise InvalidInput(f"unit {unit_id}: a segment has no <source>", field="file")
            target = element.find(_N + "target")
            raw_state = element.get("state", "initial")
            try:
                state = SegmentState(raw_state)
            except ValueError:
                raise InvalidInput(
                    f"unit {unit_id}: unknown segment state {raw_state!r}", field="state"
                ) from None
            segments.append(
                XliffSegment(
                    id=element.get("id") or f"{unit_id}-{number}",
                    source=_inline_text(source),
                    target=None if target is None else _inline_text(target),
                    state=state,
                    unit=unit_id,
                    notes=notes,
                )
            )
    return source_lang, root.get("trgLang"), segments
