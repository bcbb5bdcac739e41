"""Query normalisation and keyword matching on real Kazakh and Russian grocery queries."""

from __future__ import annotations

import pytest

from jarnama.decisioning.text import (
    MatchType,
    compile_keyword,
    keyword_matches,
    normalize,
    terms,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Молоко   2,5%  1л ", "молоко 2.5 1 л"),
        ("ЁЛКА «Новогодняя»!!!", "елка новогодняя"),
        ("ҚАЙМАҚ, 20%", "қаймақ 20"),
        ("Айран—Шұбат/Қымыз", "айран шұбат қымыз"),
        ("Coca-Cola 0.5 л", "coca cola 0.5 л"),
        ("ӘЖЕ ҒҰМЫР ҚҰРТ ҢҮӨҺІ", "әже ғұмыр құрт ңүөһі"),
        ("\tкефир\n\n1%\u00a0900г", "кефир 1 900 г"),
        ("Йогурт Нью-Йорк", "егурт нью ерк"),
        ("ҚҰРТ ёгурт", "құрт егурт"),
        ("Е\u0308лка и\u0306огурт", "елка егурт"),  # decomposed «ё» and «й» (NFD input)
    ],
)
def test_normalize_folds_case_yo_punctuation_and_keeps_kazakh_letters(
    raw: str, expected: str
) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "forms",
    [
        ("молоко", "молока", "молоком", "молоку", "Молоко"),
        ("кефир", "кефира", "кефиром"),
        ("сыр", "сыра", "сыром"),
        ("детское питание", "детского питания", "детским питанием"),
        ("йогурт", "йогурты", "йогуртов"),
        ("сүт", "сүттің", "сүтті", "сүтке", "сүттер", "сүтінің", "СҮТ"),
        ("ірімшік", "ірімшіктер", "ірімшікті"),
        ("қаймақ", "қаймақты", "қаймақтың"),
        ("жұмыртқа", "жұмыртқасы", "жұмыртқаны"),
        ("шұжық", "шұжықтар"),
        ("балмұздақ", "балмұздақтар", "балмұздаққа"),
        ("йогурт", "йогурттар", "йогурттары"),
        ("колбаса", "колбасалар", "колбасы"),
        ("шоколад", "шоколадтар", "шоколада"),
        ("принтер", "принтера", "принтерлер"),
    ],
)
def test_inflected_forms_share_one_stem(forms: tuple[str, ...]) -> None:
    assert len({terms(form) for form in forms}) == 1, {f: terms(f) for f in forms}


@pytest.mark.parametrize(
    "spellings",
    [
        ("йогурт", "ёгурт", "Ёгурт", "егурт"),
        ("йогурты", "ёгурты", "йогуртов", "ёгуртов", "ёгурттар", "йогурттары"),
        ("Нью-Йорк", "Нью-Ёрк", "нью ёрк"),
        ("йод", "ёд"),
        ("майонез", "маёнез", "майонеза", "маёнезы"),
        ("бульон", "бульён", "бульона"),
        ("шампиньоны", "шампиньёны", "шампиньонов"),
        ("ёлка", "елка", "ёлки"),
        ("подъём", "подъем"),
    ],
)
def test_yo_and_jo_spellings_of_one_word_meet(spellings: tuple[str, ...]) -> None:
    """Russian writes /jo/ «ё» in native words and «йо»/«ьо» in loanwords; shoppers mix them."""
    assert len({terms(s) for s in spellings}) == 1, {s: terms(s) for s in spellings}


def test_the_yo_fold_leaves_other_y_and_soft_sign_words_and_kazakh_letters_alone() -> None:
    assert terms("мой") == ("мой",)
    assert terms("бойня") != terms("беня")
    assert terms("пальто") == ("пальт",)
    assert terms("йод") != terms("еда")
    assert terms("йогурт") != terms("огурец")
    assert normalize("қой өнімі ұйым үй") == "қой өнімі ұйым үй"


def test_different_words_keep_different_stems() -> None:
    assert terms("молоко") != terms("мука")
    assert terms("сүт") != terms("сүзбе")
    assert terms("қант") != terms("қаймақ")


@pytest.mark.parametrize(
    ("keyword", "match", "query", "expected"),
    [
        ("молоко", MatchType.EXACT, "Молоко", True),
        ("молоко", MatchType.EXACT, "молока", True),
        ("молоко", MatchType.EXACT, "молоко 2,5%", False),
        ("детское молоко", MatchType.PHRASE, "купить детское молоко 1л", True),
        ("детское молоко", MatchType.PHRASE, "молоко детское", False),
        ("молоко детское", MatchType.BROAD, "детского молока", True),
        ("молоко детское", MatchType.BROAD, "молоко", False),
        ("сүт", MatchType.BROAD, "балаларға арналған сүттің", True),
        ("ірімшік", MatchType.PHRASE, "қазақстан ірімшіктері", True),
        ("сүт", MatchType.EXACT, "сүзбе", False),
        ("2,5%", MatchType.BROAD, "молоко 2.5 %", True),
        ("йогурт", MatchType.EXACT, "ёгурт", True),
        ("ёгурт", MatchType.PHRASE, "питьевой йогурт 2,5%", True),
        ("йогурт клубничный", MatchType.BROAD, "клубничные ёгурты", True),
        ("йогурт", MatchType.BROAD, "огурцы", False),
    ],
)
def test_keyword_match_types(keyword: str, match: MatchType, query: str, expected: bool) -> None:
    rule = compile_keyword(keyword, match)
    assert rule is not None
    query_terms = terms(query)
    assert rule.matches(query_terms, frozenset(query_terms)) is expected
    assert keyword_matches(rule.terms, match, query_terms, frozenset(query_terms)) is expected


def test_empty_keyword_compiles_to_nothing() -> None:
    assert compile_keyword(" ,.!? ", MatchType.EXACT) is None
