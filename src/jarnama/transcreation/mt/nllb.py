"""NLLB-200 through CTranslate2 from a local model folder; imported only when configured.

The folder is a CTranslate2 conversion of an NLLB-200 checkpoint plus its SentencePiece
model (`sentencepiece.bpe.model`), e.g. made with `ct2-transformers-converter`. No weights
are downloaded: the folder must exist. The engine is optional (not a dependency of Jarnama):
`pip install ctranslate2 sentencepiece` (MIT and Apache-2.0).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jarnama.transcreation.mt.base import NLLB_CODES, MTError, MTSegment

SENTENCEPIECE_FILES = ("sentencepiece.bpe.model", "spm.model", "tokenizer.model")


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MTError(
            f"the NLLB backend needs the {module!r} package: pip install ctranslate2 sentencepiece",
            code="mt_unavailable",
        ) from exc


class NllbTranslator:
    """NLLB-200 on CTranslate2 (CPU by default), loaded on first use."""

    name = "nllb"

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "cpu",
        beam_size: int = 4,
        max_batch_size: int = 16,
    ) -> None:
        if not (model_dir / "model.bin").is_file():
            raise MTError(
                f"no CTranslate2 model in {model_dir} (model.bin is missing)",
                code="mt_unavailable",
            )
        spm = next((model_dir / n for n in SENTENCEPIECE_FILES if (model_dir / n).is_file()), None)
        if spm is None:
            raise MTError(
                f"no SentencePiece model in {model_dir} (looked for {SENTENCEPIECE_FILES})",
                code="mt_unavailable",
            )
        self.model_dir = model_dir
        self.spm_path = spm
        self.device = device
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self._translator: Any = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[Any, Any]:
        if self._translator is None:
            ctranslate2 = _import("ctranslate2")
            sentencepiece = _import("sentencepiece")
            self._translator = ctranslate2.Translator(str(self.model_dir), device=self.device)
            self._tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(self.spm_path))
        return self._translator, self._tokenizer

    def translate(self, segments: Sequence[MTSegment]) -> list[str | None]:
        """Translate with NLLB's language tokens (rus_Cyrl/eng_Latn → kaz_Cyrl)."""
        if not segments:
            return []
        translator, tokenizer = self._load()
        batch = [tokens(segment, tokenizer) for segment in segments]
        prefixes = [[language_code(segment.target_lang)] for segment in segments]
        results = translator.translate_batch(
            batch,
            target_prefix=prefixes,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_size,
        )
        out: list[str | None] = []
        for result in results:
            hypothesis = list(result.hypotheses[0])
            if hypothesis and hypothesis[0] in NLLB_CODES.values():
                hypothesis = hypothesis[1:]
            text = tokenizer.decode(hypothesis)
            out.append(str(text).strip() or None)
        return out


def language_code(lang: str) -> str:
    """The FLORES-200 code NLLB expects for a language ('kk' → 'kaz_Cyrl')."""
    try:
        return NLLB_CODES[lang]
    except KeyError:
        raise MTError(f"NLLB has no configured code for language {lang!r}") from None


def tokens(segment: MTSegment, tokenizer: Any) -> list[str]:
    """NLLB's source tokens: the language code, the SentencePiece pieces, then </s>."""
    pieces: list[str] = tokenizer.encode(segment.source, out_type=str)
    return [language_code(segment.source_lang), *pieces, "</s>"]
