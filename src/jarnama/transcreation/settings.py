"""Configuration of the transcreation studio (the `transcreation` section of Settings)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from jarnama.transcreation.qa.labels import Channel, LabelRule


class AdLabelRule(BaseModel):
    """One channel's ad-label rule: required or not, and how many words may precede it."""

    required: bool
    max_words_before: int | None = Field(default=None, ge=0, le=50)

    def rule(self) -> LabelRule:
        """The rule as the QA check reads it."""
        return LabelRule(self.required, self.max_words_before)


class TranscreationSettings(BaseModel):
    """Which MT backend pre-translates segments, and how to reach it.

    `none`: TM and termbase only, unmatched segments go to people. `openai`: any
    OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama) at `openai_base_url`.
    `nllb`: NLLB-200 converted for CTranslate2 in `nllb_model_dir` (never downloaded).
    """

    mt_backend: Literal["none", "openai", "nllb"] = "none"
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "kazllm"
    openai_api_key: SecretStr | None = None
    # Local models translate a batch of ad lines in seconds; a minute is a stuck server.
    timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=10)
    nllb_model_dir: str | None = None
    nllb_device: Literal["cpu", "cuda", "auto"] = "cpu"
    # Voice-over: espeak-ng (GPL, run as an external program), a Piper voice folder, or HTTP.
    tts_backend: Literal["espeak", "piper", "http"] = "espeak"
    espeak_path: str = "espeak-ng"
    espeak_voice: str = "kk"
    espeak_wpm: int = Field(default=150, ge=80, le=450)
    piper_path: str = "piper"
    piper_voice_dir: str | None = None
    tts_http_url: str | None = None
    # Banners: a font with every Kazakh letter (Debian fonts-dejavu-core).
    banner_font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    banner_bold_font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    # Per-channel overrides of the ad-label rule, e.g.
    # JARNAMA_TRANSCREATION__AD_LABELS='{"banner": {"required": true}}'.
    ad_labels: dict[Channel, AdLabelRule] = Field(default_factory=dict)

    def label_rules(self) -> dict[str, LabelRule]:
        """The configured overrides by channel name."""
        return {channel.value: rule.rule() for channel, rule in self.ad_labels.items()}
