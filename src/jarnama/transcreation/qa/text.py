"""Text checks: untranslated segments, termbase use, length limits, punctuation and spacing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from jarnama.transcreation.kazakh import has_kazakh_letters, normalise, words
from jarnama.transcreation.qa.findings import Finding, Severity
from jarnama.transcreation.terms import Term, TermKind, find_term, terms_in

UNTRANSLATED = "kk.untranslated"
TERM = "kk.term"
LENGTH = "kk.length"
PUNCTUATION = "kk.punctuation"

# Russian function words that have no place in Kazakh text ("и" is «және», "для" is «үшін»).
RUSSIAN_MARKERS = frozenset(
    "и в во на с со по для от до за не что это как при все всё только вы мы вас нас или "
    "уже если так без из к у о об же бы ли ещё еще также чтобы который которые".split()
)
UNTRANSLATED_SHARE_BLOCKING = 0.6
UNTRANSLATED_SHARE_WARNING = 0.4
MIN_SHARED_WORDS = 2
MIN_WORDS_FOR_LETTER_CHECK = 4


def _content_words(text: str, terms: Sequence[Term]) -> list[str]:
    kept = {part.lower() for t in terms if t.kept_verbatim for part in t.source.split()}
    return [t.text.lower() for t in words(text) if t.text.lower() not in kept]


def untranslated(source: str | None, target: str, terms: Sequence[Term] = ()) -> Iterator[Finding]:
    """An empty target, a copy of the source, or a target still largely in the source language."""
    if not target.strip():
        yield Finding(UNTRANSLATED, Severity.BLOCKING, 0, 0, "the Kazakh translation is empty")
        return
    target_words = _content_words(target, terms)
    if source is not None and target_words:
        if normalise(source).casefold() == normalise(target).casefold():
            yield Finding(
                UNTRANSLATED,
                Severity.BLOCKING,
                0,
                len(target),
                "the target is the source text, untranslated",
            )
            return
        source_words = set(_content_words(source, terms))
        shared = sum(1 for word in target_words if word in source_words and len(word) > 1)
        share = shared / len(target_words)
        # Loanwords shared with Russian (акция, коллекция, смартфон) are normal one at a time.
        if shared >= MIN_SHARED_WORDS and share >= UNTRANSLATED_SHARE_WARNING:
            yield Finding(
                UNTRANSLATED,
                Severity.BLOCKING if share >= UNTRANSLATED_SHARE_BLOCKING else Severity.WARNING,
                0,
                len(target),
                f"{shared} of {len(target_words)} words are copied from the source",
            )
            return
    for token in words(target):
        if token.text.lower() in RUSSIAN_MARKERS:
            yield Finding(
                UNTRANSLATED,
                Severity.WARNING,
                token.start,
                token.end,
                f"«{token.text}» is a Russian word; is this part translated?",
            )
    if len(target_words) >= MIN_WORDS_FOR_LETTER_CHECK and not has_kazakh_letters(target):
        yield Finding(
            UNTRANSLATED,
            Severity.WARNING,
            0,
            len(target),
            "no Kazakh-only letter (ә ғ қ ң ө ұ ү һ і) in the whole text: is it Kazakh?",
        )


def termbase(source: str | None, target: str, terms: Sequence[Term]) -> Iterator[Finding]:
    """Brand and do-not-translate terms kept, required translations used, forbidden ones absent."""
    if source is not None:
        for term in terms_in(source, terms):
            if term.kept_verbatim:
                if find_term(target, term.source, term.target_lang, exact=True) is None:
                    what = "the trademark" if term.kind is TermKind.BRAND else "the term"
                    yield Finding(
                        TERM,
                        Severity.BLOCKING,
                        0,
                        len(target),
                        f"{what} «{term.source}» must stay exactly as in the source",
                    )
            elif term.kind is TermKind.REQUIRED and term.target:
                if find_term(target, term.target, term.target_lang) is None:
                    yield Finding(
                        TERM,
                        Severity.WARNING,
                        0,
                        len(target),
                        f"«{term.source}» should be translated «{term.target}» (termbase)",
                        term.target,
                    )
    for term in terms:
        if term.kind is TermKind.FORBIDDEN and term.target:
            span = find_term(target, term.target, term.target_lang)
            if span is not None:
                yield Finding(
                    TERM,
                    Severity.BLOCKING,
                    *span,
                    f"«{target[span[0] : span[1]]}» is a forbidden translation (termbase)",
                )


def length(target: str, max_chars: int | None) -> Iterator[Finding]:
    """The target fits the slot's character limit (blocking when over)."""
    if max_chars is None:
        return
    size = len(unicodedata.normalize("NFC", target))
    if size > max_chars:
        yield Finding(
            LENGTH,
            Severity.BLOCKING,
            max_chars,
            len(target),
            f"{size} characters; the slot allows {max_chars}",
        )


_SPACE_BEFORE_RE = re.compile(r"[ \t]+(?=[,.;:!?)»])")
_NO_SPACE_AFTER_RE = re.compile(r"(?<=[^\W\d_])[,;!?](?=[^\W\d_])")
_DOUBLE_SPACE_RE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_REPEATED_RE = re.compile(r"([!?,;:])\1+|\.{2}(?!\.)")
_HYPHEN_DASH_RE = re.compile(r"(?<=\s)-(?=\s)")
_STRAIGHT_QUOTES_RE = re.compile(r"\"[^\"]*\"")
_PAIRS = (("«", "»"), ("(", ")"), ("“", "”"))
_ENDINGS = "!?."


def punctuation(target: str, source: str | None = None) -> Iterator[Finding]:
    """Spacing around punctuation, Kazakh quotes and dashes, balanced pairs, the final mark."""
    if target != target.strip():
        yield Finding(PUNCTUATION, Severity.WARNING, 0, len(target),
                      "leading or trailing whitespace", target.strip())  # fmt: skip
    checks: tuple[tuple[re.Pattern[str], Severity, str], ...] = (
        (_SPACE_BEFORE_RE, Severity.WARNING, "no space before punctuation"),
        (_NO_SPACE_AFTER_RE, Severity.WARNING, "a space is missing after punctuation"),
        (_DOUBLE_SPACE_RE, Severity.WARNING, "double space"),
        (_REPEATED_RE, Severity.INFO, "repeated punctuation"),
        (_HYPHEN_DASH_RE, Severity.INFO, "a hyphen used as a dash: write « — »"),
        (_STRAIGHT_QUOTES_RE, Severity.INFO, "straight quotes: Kazakh uses «ёлочки»"),
    )
    for pattern, severity, message in checks:
        for match in pattern.finditer(target):
            yield Finding(PUNCTUATION, severity, match.start(), match.end(), message)
    for opening, closing in _PAIRS:
        if target.count(opening) != target.count(closing):
            yield Finding(
                PUNCTUATION,
                Severity.WARNING,
                0,
                len(target),
                f"unbalanced {opening}{closing}: {target.count(opening)} opened, "
                f"{target.count(closing)} closed",
            )
    if source is not None and source.strip() and target.strip():
        want, have = source.strip()[-1], target.strip()[-1]
        if want in _ENDINGS and want != have and have not in "…»)":
            yield Finding(
                PUNCTUATION,
                Severity.INFO,
                len(target.rstrip()) - 1,
                len(target.rstrip()),
                f"the source ends with «{want}», the target with «{have}»",
            )
