"""Termbase entries and how a term is found in inflected Russian or Kazakh text."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass


class TermKind(enum.StrEnum):
    """What a termbase entry demands of a translation."""

    BRAND = "brand"  # a trademark: kept exactly as registered (Law "On Languages" Art. 21)
    DO_NOT_TRANSLATE = "do_not_translate"  # kept as in the source
    REQUIRED = "required"  # the source term must be translated as `target`
    FORBIDDEN = "forbidden"  # `target` must not be used (a deprecated or wrong translation)


@dataclass(frozen=True, slots=True)
class Term:
    """One termbase entry (`target` is None for brand and do-not-translate terms)."""

    source: str
    kind: TermKind
    target: str | None = None
    source_lang: str = "ru"
    target_lang: str = "kk"
    note: str | None = None

    @property
    def kept_verbatim(self) -> bool:
        """True when the term must appear in the target exactly as in the source."""
        return self.kind in (TermKind.BRAND, TermKind.DO_NOT_TRANSLATE)


# Endings a dictionary form loses when inflected: Russian vowels and soft sign; Kazakh
# final voiceless consonants alternate before a vowel (жеңілдік → жеңілдігі, кітап → кітабы).
_RU_ENDINGS = "аяоеёиыуюьй"
_KK_ALTERNATING = "кқп"
_MIN_STEM = 4


def _stem(word: str, lang: str) -> str:
    word = word.lower()
    if len(word) <= _MIN_STEM:
        return word
    if lang == "ru":
        return word.rstrip(_RU_ENDINGS) if len(word.rstrip(_RU_ENDINGS)) >= _MIN_STEM else word
    if lang == "kk" and word[-1] in _KK_ALTERNATING:
        return word[:-1]
    return word


_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def find_term(text: str, term: str, lang: str, *, exact: bool = False) -> tuple[int, int] | None:
    """Where `term` occurs in `text` (case-insensitive; inflected forms unless `exact`)."""
    if exact:
        match = re.search(r"(?<![^\W_])" + re.escape(term) + r"(?![^\W_])", text)
        return match.span() if match else None
    parts = term.lower().split()
    tokens = list(_TOKEN_RE.finditer(text))
    stems = [_stem(part, lang) for part in parts]
    for i in range(len(tokens) - len(parts) + 1):
        window = tokens[i : i + len(parts)]
        last = len(parts) - 1
        if all(
            tok.group().lower() == part
            or ((j == last or lang == "ru") and tok.group().lower().startswith(stem))
            for j, (tok, part, stem) in enumerate(zip(window, parts, stems, strict=True))
        ):
            return window[0].start(), window[-1].end()
    return None


def terms_in(source: str, terms: Iterable[Term]) -> list[Term]:
    """The entries whose source term occurs in `source`."""
    return [
        term
        for term in terms
        if find_term(source, term.source, term.source_lang, exact=term.kept_verbatim) is not None
    ]
