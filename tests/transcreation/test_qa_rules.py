"""Kazakh QA rules one by one: exact positions, suggestions, and the speller backends."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from jarnama.transcreation.qa import SegmentContext, Severity, check_segment, has_blocking
from jarnama.transcreation.qa.labels import Channel, find_label
from jarnama.transcreation.qa.quantities import Kind, quantities
from jarnama.transcreation.qa.script import lookalike_letters, russified_spellings
from jarnama.transcreation.qa.spelling import HunspellProgram, SpyllsSpeller, find_dictionary
from jarnama.transcreation.terms import Term, TermKind, find_term
from tests.transcreation.conftest import require_system

NBSP = "\u00a0"


def test_lookalike_points_at_the_letter_and_suggests_the_fixed_word() -> None:
    text = "Тегін жеткізу, жеңiлдiк"
    findings = list(lookalike_letters(text))
    assert [(f.start, f.end) for f in findings] == [(18, 19), (21, 22)]
    assert {text[f.start] for f in findings} == {"i"}
    assert {f.suggestion for f in findings} == {"жеңілдік"}
    assert all(f.severity is Severity.BLOCKING for f in findings)


def test_latin_only_words_are_not_lookalikes() -> None:
    assert list(lookalike_letters("iPhone 16 Pro және Samsung Galaxy")) == []


def test_russified_suggestion_keeps_capitals(speller: SpyllsSpeller) -> None:
    [finding] = russified_spellings("ТЕГИН жеткізу", speller)
    assert finding.suggestion == "ТЕГІН"
    [finding] = russified_spellings("Казір сатып алыңыз", speller)
    assert (finding.start, finding.end, finding.suggestion) == (0, 5, "Қазір")


def test_russified_ending_is_restored_with_the_dictionary(speller: SpyllsSpeller) -> None:
    [finding] = russified_spellings("желтоксанга дейін", speller)
    assert finding.suggestion == "желтоқсанға"


def test_a_different_word_that_starts_alike_is_not_flagged(speller: SpyllsSpeller) -> None:
    # "канал" starts like a Russified «қана…»; the dictionary knows it, so nothing is raised.
    assert list(russified_spellings("Біздің канал", speller)) == []


def test_without_a_dictionary_spelling_is_reported_as_not_checked() -> None:
    findings = check_segment("Тегін жеткізу")
    assert [(f.rule, f.severity) for f in findings] == [("kk.spelling", Severity.INFO)]
    # The curated ad vocabulary still catches Russified words without hunspell.
    assert has_blocking(check_segment("Тегин жеткизу"))


def test_quantities_in_three_languages() -> None:
    found = quantities("Скидка 20% до 31.12.2026, с 10:00, цена 1 234 567,89 ₸")
    assert [(q.kind, q.value) for q in found] == [
        (Kind.PERCENT, Decimal(20)),
        (Kind.DATE, (2026, 12, 31)),
        (Kind.TIME, (10, 0, 0)),
        (Kind.AMOUNT, Decimal("1234567.89")),
    ]
    kk = quantities("2026 ж. 31 желтоқсанға дейін")
    en = quantities("until December 31, 2026")
    assert kk[0].value == en[0].value == (2026, 12, 31)


def test_numbers_kept_compares_dates_across_languages() -> None:
    ctx = SegmentContext(source="Акция до 31 декабря, скидка 15%")
    assert not has_blocking(check_segment("31 желтоқсанға дейін 15% жеңілдік", ctx))
    findings = check_segment("30 желтоқсанға дейін 15% жеңілдік", ctx)
    assert {f.rule for f in findings if f.severity is Severity.BLOCKING} == {"kk.numbers"}


def test_tenge_suggestion_uses_no_break_spaces() -> None:
    [finding] = [f for f in check_segment("Бағасы: 99990₸") if f.rule == "kk.tenge-format"]
    assert finding.suggestion == f"99{NBSP}990{NBSP}₸"
    assert (finding.start, finding.end) == (8, 14)
    clean = check_segment(f"Бағасы: 99{NBSP}990{NBSP}₸")
    assert [f for f in clean if f.rule.startswith("kk.tenge")] == []


def test_a_second_currency_beside_tenge_is_only_a_warning() -> None:
    findings = check_segment(f"Бағасы: 45{NBSP}000{NBSP}₸ (90 $)")
    [currency] = [f for f in findings if f.rule == "kk.price-currency"]
    assert currency.severity is Severity.WARNING


def test_length_finding_marks_the_overflow() -> None:
    text = "Қазір сатып алыңыз және жеңілдік алыңыз"
    [finding] = [
        f for f in check_segment(text, SegmentContext(max_chars=18)) if f.rule == "kk.length"
    ]
    assert (finding.start, finding.end) == (18, len(text))
    assert text[: finding.start] == "Қазір сатып алыңыз"


def test_label_for_each_channel() -> None:
    assert find_label("Жарнамалық материал. Жаңа коллекция") == ("kk", 0, 19)
    assert find_label("#жарнама жаңа коллекция") == ("kk", 1, 8)
    text = "Жаңа коллекция дүкендерде"
    assert check_segment(text, SegmentContext(channel=Channel.BANNER)) == check_segment(text)
    findings = check_segment(text, SegmentContext(channel=Channel.SOCIAL_POST))
    [label] = [f for f in findings if f.rule == "kk.ad-label"]
    assert label.severity is Severity.BLOCKING
    assert label.suggestion == "Жарнама. " + text


def test_term_matching_handles_inflection() -> None:
    assert find_term("Барлық жеңілдіктер", "жеңілдік", "kk") == (7, 18)
    assert find_term("Мерекелік жеңілдігі", "жеңілдік", "kk") == (10, 19)
    assert find_term("Со скидкой 20%", "скидка", "ru") == (3, 10)
    assert find_term("MAGNUM дүкені", "Magnum", "kk", exact=True) is None


def test_forbidden_term_position() -> None:
    terms = (Term("скидка", TermKind.FORBIDDEN, target="скидка"),)
    [finding] = [
        f
        for f in check_segment("Барлық тауарларға скидка", SegmentContext(terms=terms))
        if f.rule == "kk.term"
    ]
    assert (finding.start, finding.end, finding.severity) == (18, 24, Severity.BLOCKING)


def test_spylls_and_the_hunspell_program_agree(speller: SpyllsSpeller) -> None:
    require_system("hunspell", shutil.which("hunspell") is not None)
    assert find_dictionary() is not None
    program = HunspellProgram()
    words = ["жарнама", "жеңілдік", "сут", "тегин", "қазір", "алыңыз", "бугін"]
    assert program.unknown(words) == speller.unknown(words) == {"сут", "тегин", "бугін"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Тегін жеткізу ,жеңілдік", "kk.punctuation"),
        ('"Жаңа жыл" акциясы', "kk.punctuation"),
        ("Тегін жеткізу - бүгін ғана", "kk.punctuation"),
        ("Тегін жеткізу!!", "kk.punctuation"),
    ],
)
def test_punctuation_style_findings_are_not_blocking(text: str, rule: str) -> None:
    findings = [f for f in check_segment(text) if f.rule == rule]
    assert findings
    assert not has_blocking(findings)
