"""A voice-over: normalise, synthesise, and check the audio fits the spot."""

from __future__ import annotations

from dataclasses import dataclass

from jarnama.transcreation.voice.speech import for_speech
from jarnama.transcreation.voice.tts import SpeechSynthesizer, wav_seconds

# Broadcast and online spots are sold in these lengths (seconds).
SPOT_LENGTHS = (5, 10, 15, 20, 30, 45, 60)


@dataclass(frozen=True, slots=True)
class VoiceOver:
    """The synthesised audio, what was spoken, and whether it fits the spot."""

    audio: bytes
    spoken_text: str
    duration_seconds: float
    spot_seconds: int
    engine: str

    @property
    def fits(self) -> bool:
        """True when the audio is no longer than the spot."""
        return self.duration_seconds <= self.spot_seconds

    @property
    def margin_seconds(self) -> float:
        """Seconds left in the spot (negative: over by that much)."""
        return round(self.spot_seconds - self.duration_seconds, 3)


def voice_over(text: str, spot_seconds: int, engine: SpeechSynthesizer) -> VoiceOver:
    """Speak `text` (normalised for speech) and time it against a spot of `spot_seconds`."""
    spoken = for_speech(text)
    audio = engine.synthesise(spoken)
    return VoiceOver(audio, spoken, round(wav_seconds(audio), 3), spot_seconds, engine.name)
