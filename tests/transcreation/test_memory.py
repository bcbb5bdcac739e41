"""Translation memory scoring (CAT bands), TMX 1.4b round trips, termbase CSV and TBX."""

from __future__ import annotations

import datetime as dt

import pytest

from jarnama.core.errors import InvalidInput
from jarnama.transcreation import termbase, tmx
from jarnama.transcreation.memory import (
    MatchBand,
    TranslationMemory,
    TranslationUnit,
    adapt_numbers,
    band,
    score,
)
from jarnama.transcreation.terms import Term, TermKind

SALE = TranslationUnit("Скидка 20% на все товары", "Барлық тауарларға 20% жеңілдік")
BUY = TranslationUnit(
    "Купить сейчас",
    "Қазір сатып алыңыз",
    context_before="Цена: 99 990 ₸",
    context_after=None,
)
DELIVERY = TranslationUnit("Бесплатная доставка по Алматы", "Алматы бойынша тегін жеткізу")
APP_DELIVERY = TranslationUnit(
    "Бесплатная доставка по Алматы при заказе в приложении",
    "Қосымшада тапсырыс бергенде Алматы бойынша тегін жеткізу",
)


@pytest.fixture
def memory() -> TranslationMemory:
    return TranslationMemory([SALE, BUY, DELIVERY, APP_DELIVERY])


@pytest.mark.parametrize(
    ("score_", "expected"),
    [
        (101, MatchBand.IN_CONTEXT),
        (100, MatchBand.EXACT),
        (99, MatchBand.HIGH),
        (95, MatchBand.HIGH),
        (94, MatchBand.MEDIUM),
        (85, MatchBand.MEDIUM),
        (84, MatchBand.LOW),
        (75, MatchBand.LOW),
        (74, MatchBand.FUZZY),
        (50, MatchBand.FUZZY),
        (49, None),
    ],
)
def test_bands_follow_cat_tools(score_: int, expected: MatchBand | None) -> None:
    assert band(score_) is expected


def test_in_context_beats_exact(memory: TranslationMemory) -> None:
    [match] = memory.lookup("Купить сейчас", context_before="Цена: 99 990 ₸")
    assert (match.score, match.band) == (101, MatchBand.IN_CONTEXT)
    [match] = memory.lookup("Купить сейчас", context_before="Новая коллекция")
    assert (match.score, match.band) == (100, MatchBand.EXACT)


def test_exact_ignores_spacing_but_not_case_or_punctuation(memory: TranslationMemory) -> None:
    assert memory.lookup("Скидка  20% на все\u00a0товары")[0].score == 100
    near = memory.lookup("скидка 20% на все товары!")[0]
    assert near.score == 99
    assert near.band is MatchBand.HIGH


def test_only_numbers_differ_is_high_and_adaptable(memory: TranslationMemory) -> None:
    [match] = memory.lookup("Скидка 30% на все товары")
    assert match.band is MatchBand.HIGH
    assert match.score < 99
    assert adapt_numbers("Скидка 30% на все товары", match.unit) == "Барлық тауарларға 30% жеңілдік"
    assert adapt_numbers("Скидка 30% на всё", match.unit) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Бесплатная доставка по Алматы при заказе в магазине", MatchBand.MEDIUM),
        ("Бесплатная доставка по Астане", MatchBand.LOW),
        ("Скидка 20% на все товары и услуги", MatchBand.LOW),
        ("Бесплатная доставка", MatchBand.FUZZY),
    ],
)
def test_fuzzy_bands(memory: TranslationMemory, query: str, expected: MatchBand) -> None:
    matches = memory.lookup(query)
    assert matches
    assert matches[0].band is expected


def test_nothing_below_fifty_and_other_pairs_are_separate(memory: TranslationMemory) -> None:
    assert memory.lookup("Новая коллекция смартфонов") == []
    assert memory.lookup("Скидка 20% на все товары", source_lang="en") == []


def test_scores_are_ordered_and_limited() -> None:
    units = [TranslationUnit(f"Скидка {n}% на все товары", f"{n}% жеңілдік") for n in range(10)]
    tm = TranslationMemory([*units, SALE])
    matches = tm.lookup("Скидка 20% на все товары", limit=3)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert matches[0].unit is SALE
    assert len(matches) == 3
    assert score("Скидка 20% на все товары", "Скидка 20% на все товары") == 100


def test_tmx_round_trip_keeps_units_and_context() -> None:
    units = [
        SALE,
        BUY,
        TranslationUnit("Buy now", "Қазір сатып алыңыз", "en", "kk", note="CTA"),
        TranslationUnit("Цена: <b>99\u00a0990 ₸</b> & «скидки»", "Бағасы: 99\u00a0990\u00a0₸"),
    ]
    data = tmx.write_tmx(units, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'<tmx version="1.4">' in data
    assert b'creationdate="20260101T000000Z"' in data
    assert tmx.read_tmx(data) == units


def test_tmx_import_from_a_cat_tool_with_inline_codes() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="X" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="en-US" srclang="ru-RU" datatype="html"/>
<body>
 <tu><tuv xml:lang="ru-RU"><seg>Цена <bpt i="1">&lt;b&gt;</bpt>99 990 ₸<ept i="1">&lt;/b&gt;</ept>
 </seg></tuv>
     <tuv xml:lang="kk-KZ"><seg>Бағасы <bpt i="1">&lt;b&gt;</bpt>99 990 ₸<ept i="1">&lt;/b&gt;</ept>
 </seg></tuv>
     <tuv xml:lang="en-US"><seg>Price 99 990 ₸</seg></tuv></tu>
</body></tmx>""".encode()
    units = tmx.read_tmx(data)
    assert [(u.source, u.target, u.source_lang, u.target_lang) for u in units] == [
        ("Цена 99 990 ₸\n ", "Бағасы 99 990 ₸\n ", "ru", "kk"),
        ("Цена 99 990 ₸\n ", "Price 99 990 ₸", "ru", "en"),
    ]


@pytest.mark.parametrize(
    "data",
    [b"not xml", b"<xliff/>", b'<tmx version="1.4"><header srclang="*all*"/><body/></tmx>'],
)
def test_tmx_rejects_bad_documents(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        tmx.read_tmx(data)


def test_tmx_refuses_entity_expansion() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><tmx version="1.4"><header srclang="ru"/>
<body><tu><tuv xml:lang="ru"><seg>&b;</seg></tuv></tu></body></tmx>"""
    with pytest.raises(InvalidInput):
        tmx.read_tmx(bomb)


TERMS = [
    Term("Magnum", TermKind.BRAND, note="registered trademark"),
    Term("Kaspi Red", TermKind.DO_NOT_TRANSLATE),
    Term("скидка", TermKind.REQUIRED, "жеңілдік"),
    Term("скидка", TermKind.FORBIDDEN, "скидка", note="Russian word in Kazakh text"),
    Term("sale", TermKind.REQUIRED, "жеңілдік", source_lang="en"),
]


def test_termbase_csv_round_trip() -> None:
    text = termbase.write_csv(TERMS)
    assert text.splitlines()[0] == "source,target,kind,source_lang,target_lang,note"
    assert termbase.read_csv(text).terms == TERMS


def test_termbase_csv_errors_name_the_row_and_field() -> None:
    with pytest.raises(InvalidInput, match="row 2") as info:
        termbase.read_csv("source,target,kind\nскидка,,required\n")
    assert info.value.field == "target"
    with pytest.raises(InvalidInput, match="kind 'synonym'"):
        termbase.read_csv("source,target,kind\nскидка,жеңілдік,synonym\n")
    with pytest.raises(InvalidInput, match="column"):
        termbase.read_csv("term,translation\n")


def test_termbase_tbx_round_trip() -> None:
    ru_terms = [t for t in TERMS if t.source_lang == "ru"]
    data = termbase.write_tbx(ru_terms)
    assert b'<martif type="TBX-Basic"' in data
    assert termbase.read_tbx(data).terms == ru_terms


def test_tbx_v3_from_another_tool() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Core" style="dca" xml:lang="ru" xmlns="urn:iso:std:iso:30042:ed-2">
<text><body>
 <conceptEntry id="c1">
  <langSec xml:lang="ru"><termSec><term>доставка</term></termSec></langSec>
  <langSec xml:lang="kk"><termSec><term>жеткізу</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
   <termSec><term>доставка</term>
    <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec>
 </conceptEntry>
 <conceptEntry id="c2"><langSec xml:lang="ru"><termSec><term>Technodom</term></termSec></langSec>
  <langSec xml:lang="kk"><termSec><term>Technodom</term></termSec></langSec></conceptEntry>
</body></text></tbx>""".encode()
    assert termbase.read_tbx(data).terms == [
        Term("доставка", TermKind.REQUIRED, "жеткізу"),
        Term("доставка", TermKind.FORBIDDEN, "доставка"),
        Term("Technodom", TermKind.DO_NOT_TRANSLATE),
    ]


def test_termbase_for_pair_keeps_brands_everywhere() -> None:
    base = termbase.Termbase(list(TERMS))
    assert [t.source for t in base.for_pair("en", "kk")] == ["Magnum", "sale"]
