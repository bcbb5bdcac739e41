"""TMX 1.4b import and export of translation memory units."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import defusedxml.ElementTree as SafeET

from jarnama import __version__
from jarnama.core.errors import InvalidInput
from jarnama.transcreation.memory import TranslationUnit

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTEXT_BEFORE = "x-context-before"
CONTEXT_AFTER = "x-context-after"
NOTE = "x-note"
# Inline elements whose content is native markup, not text (TMX 1.4b §3.7): dropped on import.
_CODE_ELEMENTS = frozenset({"bpt", "ept", "it", "ph", "ut"})


def language(tag: str) -> str:
    """The primary language subtag, lower case: 'kk-KZ' → 'kk'."""
    return tag.replace("_", "-").split("-", 1)[0].strip().lower()


def _seg_text(seg: ET.Element) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _CODE_ELEMENTS:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(data: bytes, *, source_lang: str | None = None) -> list[TranslationUnit]:
    """Translation units from a TMX document (one unit per target language of each <tu>)."""
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, ValueError) as exc:
        raise InvalidInput(f"not a TMX document: {exc}", field="file") from exc
    if root.tag != "tmx":
        raise InvalidInput("not a TMX document: the root element is not <tmx>", field="file")
    header = root.find("header")
    default_source = source_lang or (header.get("srclang") if header is not None else None)
    if not default_source or default_source == "*all*":
        raise InvalidInput("the TMX header names no source language (srclang)", field="file")
    body = root.find("body")
    units: list[TranslationUnit] = []
    for index, tu in enumerate(body.iter("tu") if body is not None else ()):
        src = language(tu.get("srclang") or default_source)
        props = {prop.get("type"): prop.text or "" for prop in tu.findall("prop")}
        notes = [note.text or "" for note in tu.findall("note")]
        variants: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if lang is None or seg is None:
                raise InvalidInput(f"<tu> #{index + 1} has a <tuv> without a language or <seg>")
            variants.setdefault(language(lang), _seg_text(seg))
        if src not in variants:
            continue
        for lang, text in variants.items():
            if lang == src:
                continue
            units.append(
                TranslationUnit(
                    source=variants[src],
                    target=text,
                    source_lang=src,
                    target_lang=lang,
                    context_before=props.get(CONTEXT_BEFORE),
                    context_after=props.get(CONTEXT_AFTER),
                    note=props.get(NOTE) or ("\n".join(notes) if notes else None),
                )
            )
    return units


def write_tmx(
    units: Iterable[TranslationUnit], *, source_lang: str = "ru", now: dt.datetime | None = None
) -> bytes:
    """A TMX 1.4b document holding `units` (UTF-8, with the XML declaration)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "Jarnama",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "jarnama",
            "adminlang": "en",
            "srclang": source_lang,
            "datatype": "plaintext",
            "creationdate": stamp,
        },
    )
    body = ET.SubElement(root, "body")
    for number, unit in enumerate(units, start=1):
        tu = ET.SubElement(body, "tu", tuid=str(unit.id or number), srclang=unit.source_lang)
        for kind, value in (
            (CONTEXT_BEFORE, unit.context_before),
            (CONTEXT_AFTER, unit.context_after),
            (NOTE, unit.note),
        ):
            if value is not None:
                ET.SubElement(tu, "prop", type=kind).text = value
        for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
