"""Search text for Kazakh and Russian: normalisation, light stemming and keyword matching.

A query and a keyword go through the same `terms()` so they meet on the same stems:
casefold, ё→е, the /jo/ of loanwords folded the same way («йогурт» and «ёгурт» both read
«егурт», «бульон» and «бульён» both «бульен»), punctuation and whitespace collapsed, Kazakh
letters (ә ғ қ ң ө ұ ү һ і) kept, numbers split from units («1л» → «1 л», «2,5%» → «2.5»),
then a light suffix stripper — Russian case endings for words without Kazakh letters
(«молоко/молока/молоком» → «молок»), Kazakh plural, possessive and case suffixes for words
with them («сүт/сүттің/сүтті» → «сүт»).
It is deliberately light: it only has to make a keyword meet its inflected forms, and the
same function runs on both sides, so a stem that is "wrong" linguistically still matches.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

KAZAKH_LETTERS = frozenset("әғқңөұүһі")

# Russian writes the sound /jo/ as «ё» in native words but as «йо» (at the start of a word
# or after a vowel) or «ьо» (after a consonant) in loanwords, and shoppers mix them:
# «ёгурт» for «йогурт», «Нью-Ёрк», «раён», «шампиньёны». «ё» also loses its dots («елка»),
# so it must meet «е» too; one canonical form meets all three only if «йо» and «ьо» fold
# where «ё» does: «йо» → «е» at a word start or after a vowel, «ьо» → «ье». No other «й»
# or «ь» is touched («мой», «бойня», «пальто» stay), nor a Kazakh letter. The price is a
# rare collision of a «йо» word with an «е» one: «йод» and the unit abbreviation «ед» meet.
_YO_AFTER_VOWEL_OR_START = re.compile(r"(?:(?<![^\W\d_])|(?<=[аеиоуыэюяәөұүі]))йо")
_SOFT_YO = re.compile(r"ьо")

# Decimal commas inside numbers become points before punctuation is dropped: «2,5%» → «2.5».
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
# A token is a run of letters, or a number with an optional decimal part.
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")

# Russian inflectional endings, longest first; a stem keeps at least 3 letters.
_RU_ENDINGS = tuple(
    sorted(
        (
            "иями иях иям ием ией ями ами ого его ому ему ыми ими ой ей ом ем ам ям ах ях "
            "ов ев ую юю ая яя ое ее ые ие ия ию ии ый ий ых их ым им ью а я о е ы и у ю ь й"
        ).split(),
        key=len,
        reverse=True,
    )
)
_RU_MIN_STEM = 3

# Kazakh suffixes by slot, stripped from the end inward: case, then possessive, then plural.
_KK_CASE = tuple(
    sorted(
        (
            "ның нің дың дің тың тің ны ні ды ді ты ті ға ге қа ке на не нда нде да де та те "
            "нан нен дан ден тан тен мен бен пен"
        ).split(),
        key=len,
        reverse=True,
    )
)
_KK_POSSESSIVE = tuple(
    sorted("ымыз іміз ыңыз іңіз сы сі ым ім ың ің ы і".split(), key=len, reverse=True)
)
_KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
_KK_MIN_STEM = 2


class MatchType(enum.StrEnum):
    """How a keyword matches a query (the values the campaigns API stores)."""

    EXACT = "exact"
    PHRASE = "phrase"
    BROAD = "broad"


def normalize(text: str) -> str:
    """Casefold, ё/йо→е, numbers split from units, punctuation and spaces collapsed to one space."""
    return " ".join(tokens(text))


def tokens(text: str) -> tuple[str, ...]:
    """The normalised tokens of a text, before stemming."""
    folded = unicodedata.normalize("NFC", text).casefold()
    folded = _SOFT_YO.sub("ье", _YO_AFTER_VOWEL_OR_START.sub("е", folded.replace("ё", "е")))
    return tuple(_TOKEN.findall(_DECIMAL.sub(".", folded)))


def stem(token: str) -> str:
    """The light stem of one normalised token (Kazakh rules if it has Kazakh letters)."""
    if not token.isalpha():
        return token
    if KAZAKH_LETTERS.intersection(token):
        return _stem_kazakh(token)
    if _is_cyrillic(token):
        # Kazakh inflects loanwords without Kazakh letters too («йогурттар», «колбасалар»):
        # strip a Kazakh plural (and what follows it) around the Russian stemmer, so
        # «принтер», «принтера» and «принтерлер» still meet.
        return _strip_kazakh_plural(_stem_russian(_strip_kazakh_plural(token)))
    return token


@lru_cache(maxsize=65_536)
def terms(text: str) -> tuple[str, ...]:
    """The stemmed terms of a query or keyword, in order (cached: queries repeat a lot)."""
    return tuple(stem(token) for token in tokens(text))


def _is_cyrillic(token: str) -> bool:
    return all("\u0400" <= ch <= "\u04ff" for ch in token)


def _strip_one(word: str, suffixes: tuple[str, ...], min_stem: int) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: -len(suffix)]
    return word


def _stem_russian(word: str) -> str:
    return _strip_one(word, _RU_ENDINGS, _RU_MIN_STEM)


_KK_PLURAL_MIN_STEM = 3


def _strip_kazakh_plural(word: str) -> str:
    """`word` without a Kazakh plural and the possessive/case suffixes after it, if it has one."""
    for tail in ("", *_KK_CASE, *_KK_POSSESSIVE):
        if tail and not word.endswith(tail):
            continue
        rest = word[: len(word) - len(tail)]
        for possessive in ("", *_KK_POSSESSIVE):
            if possessive and (tail in _KK_POSSESSIVE or not rest.endswith(possessive)):
                continue
            body = rest[: len(rest) - len(possessive)]
            for plural in _KK_PLURAL:
                if body.endswith(plural) and len(body) - len(plural) >= _KK_PLURAL_MIN_STEM:
                    return body[: -len(plural)]
    return word


def _stem_kazakh(word: str) -> str:
    # Repeat to a fixed point: a dative-looking stem end («жұмыртқа») must meet its
    # inflected forms («жұмыртқасы» → «жұмыртқа» → «жұмырт»), so both sides strip alike.
    for _ in range(4):
        before = word
        for slot in (_KK_CASE, _KK_POSSESSIVE, _KK_PLURAL):
            word = _strip_one(word, slot, _KK_MIN_STEM)
        if word == before:
            break
    return word


@dataclass(frozen=True, slots=True)
class KeywordRule:
    """A compiled keyword: its stemmed terms and how they must appear in a query."""

    terms: tuple[str, ...]
    match: MatchType

    def matches(self, query_terms: tuple[str, ...], query_set: frozenset[str]) -> bool:
        """Whether the query (as terms and as a set of terms) satisfies this keyword."""
        return keyword_matches(self.terms, self.match, query_terms, query_set)


def compile_keyword(text: str, match: MatchType) -> KeywordRule | None:
    """Compile a keyword's text; None when it has no terms left after normalisation."""
    compiled = terms(text)
    return KeywordRule(compiled, MatchType(match)) if compiled else None


def keyword_matches(
    keyword: tuple[str, ...],
    match: MatchType,
    query: tuple[str, ...],
    query_set: frozenset[str],
) -> bool:
    """Exact: same terms; phrase: the terms contiguous in the query; broad: all terms anywhere."""
    if not keyword:
        return False
    if match is MatchType.EXACT:
        return keyword == query
    if match is MatchType.BROAD:
        return query_set.issuperset(keyword)
    width = len(keyword)
    first = keyword[0]
    for start in range(len(query) - width + 1):
        if query[start] == first and query[start : start + width] == keyword:
            return True
    return False


def any_matches(
    rules: tuple[KeywordRule, ...], query: tuple[str, ...], query_set: frozenset[str]
) -> bool:
    """Whether any of the rules matches the query (used for keywords and for negatives)."""
    return any(keyword_matches(r.terms, r.match, query, query_set) for r in rules)
