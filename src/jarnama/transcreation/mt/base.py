"""The machine-translation protocol, its inputs, and the "none" backend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from jarnama.core.errors import JarnamaError
from jarnama.transcreation.memory import Match
from jarnama.transcreation.terms import Term

# FLORES-200 codes NLLB uses, and what LLM prompts call the languages.
NLLB_CODES = {"kk": "kaz_Cyrl", "ru": "rus_Cyrl", "en": "eng_Latn"}
LANGUAGE_NAMES = {"kk": "Kazakh (Cyrillic)", "ru": "Russian", "en": "English"}


class MTError(JarnamaError):
    """The translation engine failed or answered something unusable."""

    status_code = 502
    code = "mt_failed"


@dataclass(frozen=True, slots=True)
class MTSegment:
    """One segment to translate, with the termbase entries and TM matches that apply to it."""

    id: str
    source: str
    source_lang: str = "ru"
    target_lang: str = "kk"
    slot: str | None = None
    max_chars: int | None = None
    terms: tuple[Term, ...] = ()
    matches: tuple[Match, ...] = ()


class MachineTranslator(Protocol):
    """Translates a batch of segments; None for a segment means "leave it to a person"."""

    name: str

    def translate(self, segments: Sequence[MTSegment]) -> list[str | None]:
        """One target (or None) per segment, in order."""
        ...


class NoMachineTranslation:
    """No engine: TM and termbase only; every unmatched segment goes to a human queue."""

    name = "none"

    def translate(self, segments: Sequence[MTSegment]) -> list[str | None]:
        """Nothing is machine translated."""
        return [None for _ in segments]
