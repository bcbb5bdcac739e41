"""XLIFF 2.1 round trips with segment states, the approval gate, and the compliance report."""

from __future__ import annotations

import pytest

from jarnama.core.errors import InvalidInput
from jarnama.transcreation.compliance import AssetText, LayoutBlock, Verdict, report
from jarnama.transcreation.qa import SegmentContext, check_segment
from jarnama.transcreation.qa.labels import Channel
from jarnama.transcreation.terms import Term, TermKind
from jarnama.transcreation.xliff import (
    ApprovalBlocked,
    SegmentState,
    XliffSegment,
    ensure_can_finalise,
    read_xliff,
    write_xliff,
)

SEGMENTS = [
    XliffSegment("h1", "Скидка 20% на все товары", "Барлық тауарларға 20% жеңілдік",
                 SegmentState.FINAL, unit="headline", notes=("max 40 characters",)),
    XliffSegment("b1", "Цена: 99\u00a0990 ₸ & «доставка»", "Бағасы: 99\u00a0990\u00a0₸",
                 SegmentState.REVIEWED, unit="body", notes=()),
    XliffSegment("b2", "Только в Magnum", "Тек Magnum-да", SegmentState.TRANSLATED, unit="body"),
    XliffSegment("c1", "Купить сейчас", None, SegmentState.INITIAL, unit="cta"),
]  # fmt: skip


def test_xliff_round_trip_keeps_states_units_and_notes() -> None:
    data = write_xliff(SEGMENTS)
    assert b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1"' in data
    assert b'state="reviewed"' in data
    assert read_xliff(data) == ("ru", "kk", SEGMENTS)


def test_xliff_from_a_cat_tool_with_inline_codes() -> None:
    data = """<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru-RU"
 trgLang="kk-KZ">
 <file id="f"><unit id="u1"><segment state="translated">
  <source>Цена <pc id="1">99 990 ₸</pc><ph id="2"/></source>
  <target>Бағасы <pc id="1">99 990 ₸</pc><ph id="2"/></target>
 </segment></unit></file></xliff>""".encode()
    source_lang, target_lang, [segment] = read_xliff(data)
    assert (source_lang, target_lang) == ("ru-RU", "kk-KZ")
    assert (segment.id, segment.source) == ("u1-1", "Цена 99 990 ₸")
    assert segment.target == "Бағасы 99 990 ₸"
    assert segment.state is SegmentState.TRANSLATED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<xliff/>", "not an XLIFF 2"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1"/>', "srcLang"),
        (
            b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ru"><file id="f">'
            b'<unit id="u"><segment state="approved"><source>x</source></segment></unit>'
            b"</file></xliff>",
            "unknown segment state 'approved'",
        ),
    ],
)
def test_xliff_errors(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_xliff(data)


def test_approval_gate_refuses_blocking_findings() -> None:
    context = SegmentContext(source="Скидка 20% на все товары")
    good = "Барлық тауарларға 20% жеңілдік"
    ensure_can_finalise("h1", good, check_segment(good, context))
    bad = "Барлык тауарларга 25% женилдик"
    with pytest.raises(ApprovalBlocked, match=r"kk\.numbers, kk\.russified") as info:
        ensure_can_finalise("h1", bad, check_segment(bad, context))
    assert info.value.status_code == 409
    with pytest.raises(ApprovalBlocked, match="no target"):
        ensure_can_finalise("c1", None, [])


MAGNUM = Term("Magnum", TermKind.BRAND)


def test_compliant_bilingual_post() -> None:
    result = report(
        [
            AssetText("headline", "Скидка 20% в Magnum", "Жарнама. Magnum-да 20% жеңілдік"),
            AssetText("cta", "Купить", "Сатып алу"),
        ],
        channel=Channel.SOCIAL_POST,
        layout=[LayoutBlock("kk", 0, 0, 48), LayoutBlock("ru", 0, 120, 40)],
        trademarks=[MAGNUM],
    )
    assert result.compliant
    assert {c.id: c.verdict for c in result.checks} == {
        "kazakh.present": Verdict.PASS,
        "kazakh.complete": Verdict.PASS,
        "layout.kazakh_first": Verdict.PASS,
        "trademarks.unchanged": Verdict.PASS,
        "label.present": Verdict.PASS,
    }


def test_every_failure_is_reported_with_its_basis() -> None:
    context = SegmentContext(source="Скидка 20%")
    findings = check_segment("Женилдик 20%", context)
    result = report(
        [
            AssetText("headline", "Скидка 20% в Magnum", "Магнум дүкенінде 20% жеңілдік"),
            AssetText("cta", "Купить", None),
        ],
        channel=Channel.CREATOR_POST,
        layout=[LayoutBlock("ru", 0, 0, 48), LayoutBlock("kk", 0, 120, 36)],
        trademarks=[MAGNUM],
        blocking=findings,
    )
    assert not result.compliant
    failed = {c.id: c.detail for c in result.checks if c.verdict is Verdict.FAIL}
    assert set(failed) == {
        "kazakh.present",
        "kazakh.complete",
        "layout.kazakh_first",
        "trademarks.unchanged",
        "label.present",
    }
    assert "cta" in failed["kazakh.present"]
    assert "ru is placed before Kazakh" in failed["layout.kazakh_first"]
    assert "smaller" in failed["layout.kazakh_first"]
    assert "Magnum" in failed["trademarks.unchanged"]
    assert all(c.basis for c in result.checks)
