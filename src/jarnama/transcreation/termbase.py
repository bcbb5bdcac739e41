"""A termbase of brand, do-not-translate, required and forbidden terms; CSV and TBX exchange."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET

from jarnama.core.errors import InvalidInput
from jarnama.transcreation.terms import Term, TermKind
from jarnama.transcreation.tmx import XML_LANG, language

CSV_COLUMNS = ("source", "target", "kind", "source_lang", "target_lang", "note")
# TBX administrative status values (ISO 30042 / TBX-Basic) and what they mean for a target.
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
SUPERSEDED = "supersededTerm-admn-sts"
# Jarnama's own category for brand and do-not-translate entries (a private "x-" category).
KIND_CATEGORY = "x-jarnama-kind"


@dataclass
class Termbase:
    """An ordered set of terms (one entry per source term, kind and target)."""

    terms: list[Term] = field(default_factory=list)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, term: Term) -> None:
        """Add a term unless the same entry is there already."""
        if term not in self.terms:
            self.terms.append(term)

    def for_pair(self, source_lang: str, target_lang: str) -> tuple[Term, ...]:
        """The terms for one language pair (brand names apply to every pair)."""
        return tuple(
            t
            for t in self.terms
            if t.kind is TermKind.BRAND
            or (t.source_lang == source_lang and t.target_lang == target_lang)
        )


def _check(term: Term, row: int) -> Term:
    if not term.source.strip():
        raise InvalidInput(f"row {row}: the source term is empty", field="source")
    if term.kind in (TermKind.REQUIRED, TermKind.FORBIDDEN) and not (term.target or "").strip():
        raise InvalidInput(f"row {row}: a {term.kind.value} term needs a target", field="target")
    return term


def read_csv(text: str) -> Termbase:
    """Terms from CSV with a header row (source,target,kind[,source_lang,target_lang,note])."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"source", "kind"} - set(reader.fieldnames or ())
    if missing:
        raise InvalidInput(f"the CSV lacks the column(s) {sorted(missing)}", field="file")
    base = Termbase()
    for row_number, row in enumerate(reader, start=2):
        raw_kind = (row.get("kind") or "").strip().lower().replace("-", "_").replace(" ", "_")
        try:
            kind = TermKind(raw_kind)
        except ValueError:
            allowed = ", ".join(k.value for k in TermKind)
            raise InvalidInput(
                f"row {row_number}: kind {raw_kind!r} is not one of {allowed}", field="kind"
            ) from None
        term = Term(
            source=(row.get("source") or "").strip(),
            kind=kind,
            target=(row.get("target") or "").strip() or None,
            source_lang=language(row.get("source_lang") or "ru"),
            target_lang=language(row.get("target_lang") or "kk"),
            note=(row.get("note") or "").strip() or None,
        )
        base.add(_check(term, row_number))
    return base


def write_csv(terms: Iterable[Term]) -> str:
    """The terms as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t in terms:
        writer.writerow(
            [t.source, t.target or "", t.kind.value, t.source_lang, t.target_lang, t.note or ""]
        )
    return out.getvalue()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) in names]


def _text(element: ET.Element, name: str, type_: str | None = None) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and (type_ is None or child.get("type") == type_):
            return (child.text or "").strip()
    return None


def read_tbx(data: bytes, *, source_lang: str = "ru", target_lang: str = "kk") -> Termbase:
    """Terms from TBX (v2 `martif`/`termEntry` or v3 `tbx`/`conceptEntry`)."""
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, ValueError) as exc:
        raise InvalidInput(f"not a TBX document: {exc}", field="file") from exc
    if _local(root.tag) not in ("martif", "tbx"):
        raise InvalidInput("not a TBX document: the root is not <martif> or <tbx>", field="file")
    base = Termbase()
    entries = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    for number, entry in enumerate(entries, start=1):
        kind_text = _text(entry, "descrip", KIND_CATEGORY)
        note = _text(entry, "descrip", "definition") or _text(entry, "note")
        by_lang: dict[str, list[tuple[str, str | None]]] = {}
        for lang_set in _children(entry, "langSet", "langSec"):
            lang = language(lang_set.get(XML_LANG) or "")
            for group in _children(lang_set, "tig", "ntig", "termSec"):
                term_text = _text(group, "term")
                if term_text:
                    status = _text(group, "termNote", "administrativeStatus")
                    by_lang.setdefault(lang, []).append((term_text, status))
        sources = by_lang.get(source_lang, [])
        targets = by_lang.get(target_lang, [])
        if not sources:
            continue
        source = sources[0][0]
        if kind_text:
            try:
                kind = TermKind(kind_text)
            except ValueError:
                raise InvalidInput(f"entry {number}: unknown kind {kind_text!r}") from None
            if kind in (TermKind.BRAND, TermKind.DO_NOT_TRANSLATE):
                base.add(Term(source, kind, None, source_lang, target_lang, note))
                continue
        if not targets or all(
            text == source and status not in (DEPRECATED, SUPERSEDED) for text, status in targets
        ):
            base.add(Term(source, TermKind.DO_NOT_TRANSLATE, None, source_lang, target_lang, note))
            continue
        for text, status in targets:
            kind = TermKind.FORBIDDEN if status in (DEPRECATED, SUPERSEDED) else TermKind.REQUIRED
            base.add(Term(source, kind, text, source_lang, target_lang, note))
    return base


def write_tbx(terms: Iterable[Term], *, source_lang: str = "ru") -> bytes:
    """The terms as a TBX-Basic (TBX v2, `martif`) document."""
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: source_lang})
    header = ET.SubElement(root, "martifHeader")
    source_desc = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(source_desc, "p").text = "Jarnama termbase"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for number, term in enumerate(terms, start=1):
        entry = ET.SubElement(body, "termEntry", id=f"t{number}")
        if term.kept_verbatim:
            ET.SubElement(entry, "descrip", type=KIND_CATEGORY).text = term.kind.value
        if term.note:
            ET.SubElement(entry, "descrip", type="definition").text = term.note
        _lang_set(entry, term.source_lang, term.source, None)
        if term.target:
            status = PREFERRED if term.kind is TermKind.REQUIRED else DEPRECATED
            _lang_set(entry, term.target_lang, term.target, status)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _lang_set(entry: ET.Element, lang: str, text: str, status: str | None) -> None:
    lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = text
    if status:
        ET.SubElement(tig, "termNote", type="administrativeStatus").text = status
