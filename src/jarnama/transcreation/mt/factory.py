"""Build the configured MT backend (engines are imported only when chosen)."""

from __future__ import annotations

from pathlib import Path

from jarnama.transcreation.mt.base import MachineTranslator, MTError, NoMachineTranslation
from jarnama.transcreation.settings import TranscreationSettings


def make_translator(settings: TranscreationSettings) -> MachineTranslator:
    """The MT backend named by `settings.mt_backend`."""
    if settings.mt_backend == "openai":
        from jarnama.transcreation.mt.openai import OpenAICompatibleTranslator

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAICompatibleTranslator(
            settings.openai_base_url,
            settings.openai_model,
            api_key=key,
            timeout_seconds=settings.timeout_seconds,
            max_retries=settings.max_retries,
        )
    if settings.mt_backend == "nllb":
        from jarnama.transcreation.mt.nllb import NllbTranslator

        if not settings.nllb_model_dir:
            raise MTError(
                "JARNAMA_TRANSCREATION__NLLB_MODEL_DIR must name the local model folder",
                code="mt_unavailable",
            )
        return NllbTranslator(Path(settings.nllb_model_dir), device=settings.nllb_device)
    return NoMachineTranslation()
