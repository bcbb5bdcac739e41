"""Machine translation behind one Protocol: an OpenAI-compatible endpoint, NLLB-200, or none."""

from jarnama.transcreation.mt.base import (
    MachineTranslator,
    MTError,
    MTSegment,
    NoMachineTranslation,
)

__all__ = ["MTError", "MTSegment", "MachineTranslator", "NoMachineTranslation"]
