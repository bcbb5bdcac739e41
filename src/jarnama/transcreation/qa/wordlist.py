"""A project word list for the Kazakh speller: brands, termbase terms and common ad words.

Debian's hunspell-kk dictionary lacks brand names, many product terms and the loanwords
Kazakh ads use every day («кэшбэк», «промокод», «онлайн»). Without a word list correct ad
text would raise spelling findings on them. The list is the shipped `AD_LOANWORDS`, the
curated ad vocabulary, and the account's termbase (sources and Kazakh targets); a listed word
is also accepted with Kazakh endings: plural, possessive and case, in that order («брендтің»,
«Дастарханда», «смартфондарыңызға»), but not with a stray letter («жеңілдіктт»).
`write_personal_dictionary` writes the same list for `hunspell -p`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from jarnama.transcreation.qa.lexicon import ad_words
from jarnama.transcreation.qa.spelling import Speller
from jarnama.transcreation.terms import Term

# Loanwords of Kazakh advertising that hunspell-kk 2010 does not know (checked with spylls).
AD_LOANWORDS = frozenset(
    """
    акция акциясы бонус бонустар бренд блогер гаджет дисконт интернет кэшбэк кешбэк лайк
    логотип маркетплейс мессенджер ноутбук онлайн офлайн промокод смартфон сторис трафик
    хэштег чат курьер курьерлік стриминг подкаст геймер фитнес косметика парфюм пицца
    бургер латте капучино смузи йогурт чипсы Kaspi QR
    """.split()
)
MIN_STEM = 4
# Kazakh inflection after a stem: plural, then possessive, then case (all variants of harmony).
_PLURAL = "лар|лер|дар|дер|тар|тер"
_POSSESSIVE = "ымыз|іміз|мыз|міз|ыңыз|іңіз|ңыз|ңіз|ым|ім|м|ың|ің|ң|сы|сі|ы|і"
_CASE = (
    "ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|а|е|ны|ні|ды|ді|ты|ті|н|"
    "нда|нде|да|де|та|те|нан|нен|дан|ден|тан|тен|мен|бен|пен|ша|ше"
)
ENDING_RE = re.compile(f"(?:{_PLURAL})?(?:{_POSSESSIVE})?(?:{_CASE})?")
_WORD_RE = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=64)
def project_words(terms: tuple[Term, ...] = ()) -> frozenset[str]:
    """The word list: shipped loanwords, the ad vocabulary, and every word of the terms."""
    words = {w.lower() for w in AD_LOANWORDS} | set(ad_words())
    for term in terms:
        for text in (term.source, term.target or ""):
            words |= {w.lower() for w in _WORD_RE.findall(text)}
    return frozenset(words)


class ProjectWordList:
    """A speller that accepts the project's words (and their inflected forms) first."""

    def __init__(self, base: Speller, words: Iterable[str]) -> None:
        self.base = base
        self.words = frozenset(w.lower() for w in words)
        self._stems = frozenset(w for w in self.words if len(w) >= MIN_STEM)

    def accepts(self, word: str) -> bool:
        """True for a listed word, or a listed stem followed by Kazakh inflectional endings."""
        lower = word.lower()
        if lower in self.words:
            return True
        return any(
            lower[:cut] in self._stems and ENDING_RE.fullmatch(lower[cut:]) is not None
            for cut in range(MIN_STEM, len(lower))
        )

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words neither the list nor the dictionary knows."""
        return self.base.unknown([w for w in words if not self.accepts(w)])


def write_personal_dictionary(path: Path, words: Iterable[str]) -> Path:
    """Write the words one a line (UTF-8), as `hunspell -p FILE` reads a personal dictionary."""
    path.write_text("".join(f"{w}\n" for w in sorted(set(words))), encoding="utf-8")
    return path
