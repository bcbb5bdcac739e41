"""Script checks: look-alike letters in Cyrillic words, Russified spellings, spelling."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from jarnama.transcreation.kazakh import (
    KAZAKH_CYRILLIC,
    KAZAKHISED,
    LOOKALIKES,
    Token,
    fold_lookalikes,
    has_cyrillic,
    is_cyrillic,
    words,
)
from jarnama.transcreation.qa.findings import Finding, Severity
from jarnama.transcreation.qa.lexicon import HOMOGRAPHS, correct_forms
from jarnama.transcreation.qa.spelling import Speller

LOOKALIKE = "kk.lookalike"
RUSSIFIED = "kk.russified"
SPELLING = "kk.spelling"

# Hunspell candidates: at most this many letters restored, this many lookups per word.
MAX_RESTORED_LETTERS = 4
MAX_CANDIDATES = 1500


def lookalike_letters(text: str) -> Iterator[Finding]:
    """Latin, Greek or other-alphabet letters inside a Cyrillic word (blocking, per letter)."""
    for token in words(text):
        if not has_cyrillic(token.text):
            continue
        foreign = [
            (offset, char)
            for offset, char in enumerate(token.text)
            if char not in KAZAKH_CYRILLIC and (char in LOOKALIKES or not is_cyrillic(char))
        ]
        if not foreign:
            continue
        latin_prefix = _latin_prefix(token.text)
        if latin_prefix >= 2 and all(offset < latin_prefix for offset, _ in foreign):
            # "Samsungтың": a Latin name with a Kazakh ending; the ending takes a hyphen.
            fixed = token.text[:latin_prefix] + "-" + token.text[latin_prefix:]
            yield Finding(
                LOOKALIKE,
                Severity.BLOCKING,
                token.start,
                token.end,
                f"«{token.text}» joins a Latin name and a Kazakh ending without a hyphen",
                fixed,
            )
            continue
        for offset, char in foreign:
            twin = LOOKALIKES.get(char)
            where = token.start + offset
            what = f"U+{ord(char):04X}"
            message = (
                f"«{token.text}» has a look-alike letter {char!r} ({what}) instead of «{twin}»"
                if twin
                else f"«{token.text}» mixes a non-Cyrillic letter {char!r} ({what}) into a "
                "Cyrillic word"
            )
            folded = fold_lookalikes(token.text) if twin else None
            yield Finding(LOOKALIKE, Severity.BLOCKING, where, where + 1, message, folded)


def _latin_prefix(word: str) -> int:
    """How many leading letters are ASCII Latin."""
    count = 0
    for char in word:
        if not ("a" <= char.lower() <= "z"):
            break
        count += 1
    return count


def russified_spellings(text: str, speller: Speller | None) -> Iterator[Finding]:
    """Words typed with Russian letters in place of Kazakh ones (қ→к, ң→н, ү/ұ→у, і→и …)."""
    tokens = [t for t in words(text) if has_cyrillic(t.text) and len(t.text) > 1]
    folded = {t.text: fold_lookalikes(t.text).lower() for t in tokens}
    unknown = speller.unknown(set(folded.values())) if speller is not None else None
    for token in tokens:
        word = folded[token.text]
        match = correct_forms(word)
        if match is not None:
            fixed, whole = match
            if not whole and speller is not None and speller.unknown([fixed]):
                # The ending may be Russified too: «желтоксанга» → «желтоқсанға», not «…нга».
                fixed = restore_kazakh_letters(fixed, speller) or fixed
            rejected = word in unknown if unknown is not None else word not in HOMOGRAPHS
            if whole:
                severity = Severity.BLOCKING if rejected else Severity.WARNING
            elif unknown is None:
                severity = Severity.WARNING  # a stem match with no dictionary to confirm it
            elif rejected:
                severity = Severity.BLOCKING
            else:
                continue  # the dictionary knows it: a different word that merely starts alike
            yield _russified(token, fixed, severity, certain=severity is Severity.BLOCKING)
            continue
        if unknown is not None and speller is not None and word in unknown:
            restored = restore_kazakh_letters(word, speller)
            if restored is not None:
                yield _russified(token, restored, Severity.WARNING, certain=False)


def _russified(token: Token, fixed: str, severity: Severity, *, certain: bool) -> Finding:
    suggestion = _same_case(token.text, fixed)
    message = (
        f"«{token.text}» is a Russified spelling of «{suggestion}»"
        if certain
        else f"«{token.text}» may be a Russified spelling of «{suggestion}»"
    )
    return Finding(RUSSIFIED, severity, token.start, token.end, message, suggestion)


def _same_case(original: str, fixed: str) -> str:
    if original.isupper() and len(original) > 1:
        return fixed.upper()
    if original[:1].isupper():
        return fixed[:1].upper() + fixed[1:]
    return fixed


def restore_kazakh_letters(word: str, speller: Speller) -> str | None:
    """The dictionary word reached by restoring the fewest Kazakh letters (қ for к …), if any."""
    positions = [i for i, char in enumerate(word) if char in KAZAKHISED]
    tried = 0
    for changes in range(1, min(MAX_RESTORED_LETTERS, len(positions)) + 1):
        batch: list[str] = []
        for chosen in itertools.combinations(positions, changes):
            options: Sequence[Iterable[str]] = [KAZAKHISED[word[i]] for i in chosen]
            for letters in itertools.product(*options):
                chars = list(word)
                for index, letter in zip(chosen, letters, strict=True):
                    chars[index] = letter
                batch.append("".join(chars))
        tried += len(batch)
        rejected = speller.unknown(batch)
        known = [c for c in batch if c not in rejected]
        if known:
            return known[0]
        if tried >= MAX_CANDIDATES:
            break
    return None


def spelling(text: str, speller: Speller | None, *, skip: Iterable[str] = ()) -> Iterator[Finding]:
    """Cyrillic words the Kazakh dictionary does not know (warnings: it lacks some forms)."""
    if speller is None:
        yield Finding(
            SPELLING,
            Severity.INFO,
            0,
            0,
            "spelling not checked: the hunspell-kk dictionary is not installed",
        )
        return
    skipped = {word.lower() for word in skip}
    tokens = [
        t
        for t in words(text)
        if has_cyrillic(t.text)
        and len(t.text) > 1
        and not (t.text.isupper() and len(t.text) <= 5)  # abbreviations: ҚР, ЖШС, ҚҚС
        and t.text.lower() not in skipped
        and all(char in KAZAKH_CYRILLIC for char in t.text)
    ]
    candidates = {t.text for t in tokens} | {t.text.lower() for t in tokens}
    unknown = speller.unknown(candidates)
    for token in tokens:
        if token.text in unknown and token.text.lower() in unknown:
            yield Finding(
                SPELLING,
                Severity.WARNING,
                token.start,
                token.end,
                f"«{token.text}» is not in the Kazakh dictionary",
            )
