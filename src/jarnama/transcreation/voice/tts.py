"""Speech synthesis behind one Protocol: espeak-ng (default), a Piper voice, an HTTP endpoint.

espeak-ng is GPL: it is only ever run as an external program, never linked or imported.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from jarnama.core.errors import JarnamaError
from jarnama.transcreation.settings import TranscreationSettings


class TTSError(JarnamaError):
    """The speech engine is missing or failed."""

    status_code = 503
    code = "tts_failed"


class SpeechSynthesizer(Protocol):
    """Turns Kazakh text (already normalised for speech) into WAV bytes."""

    @property
    def name(self) -> str:
        """The engine's name, reported with the audio."""
        ...

    def synthesise(self, text: str) -> bytes:
        """The spoken text as a WAV file."""
        ...


def _run(command: list[str], text: str, timeout: float) -> None:
    try:
        subprocess.run(
            command, input=text.encode("utf-8"), capture_output=True, timeout=timeout, check=True
        )
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode("utf-8", "replace").strip()[:300]
        raise TTSError(f"{Path(command[0]).name} failed: {detail}") from exc
    except subprocess.TimeoutExpired as exc:
        raise TTSError(f"{Path(command[0]).name} took longer than {timeout:.0f} s") from exc


def _found(executable: str) -> str:
    path = shutil.which(executable)
    if path is None:
        raise TTSError(f"{executable} is not installed (scripts/system-deps.sh installs espeak-ng)")
    return path


@dataclass(frozen=True)
class EspeakNg:
    """espeak-ng's `kk` voice (Debian package `espeak-ng`), run as an external program."""

    executable: str = "espeak-ng"
    voice: str = "kk"
    words_per_minute: int = 150
    timeout_seconds: float = 60.0
    name: str = "espeak-ng"

    def synthesise(self, text: str) -> bytes:
        """Speak `text` to a temporary WAV file and return its bytes."""
        program = _found(self.executable)
        with tempfile.TemporaryDirectory(prefix="jarnama-tts-") as tmp:
            out = Path(tmp) / "speech.wav"
            # -w writes a WAV with correct sizes (--stdout leaves them unset); text on stdin.
            _run(
                [program, "-v", self.voice, "-s", str(self.words_per_minute), "-w", str(out)],
                text,
                self.timeout_seconds,
            )
            return out.read_bytes()


@dataclass(frozen=True)
class PiperVoice:
    """A Piper voice folder (one `*.onnx` with its `.onnx.json`), run with the `piper` program."""

    voice_dir: Path
    executable: str = "piper"
    timeout_seconds: float = 60.0
    name: str = "piper"

    def synthesise(self, text: str) -> bytes:
        """Speak `text` with the folder's voice model."""
        models = sorted(self.voice_dir.glob("*.onnx"))
        if not models:
            raise TTSError(f"no *.onnx voice in {self.voice_dir}")
        program = _found(self.executable)
        with tempfile.TemporaryDirectory(prefix="jarnama-tts-") as tmp:
            out = Path(tmp) / "speech.wav"
            _run(
                [program, "--model", str(models[0]), "--output_file", str(out)],
                text,
                self.timeout_seconds,
            )
            return out.read_bytes()


@dataclass(frozen=True)
class HttpSpeech:
    """An HTTP TTS endpoint: POST {"text", "language": "kk"} answers audio/wav."""

    url: str
    timeout_seconds: float = 60.0
    name: str = "http"

    def synthesise(self, text: str) -> bytes:
        """Ask the endpoint to speak `text`."""
        try:
            response = httpx.post(
                self.url, json={"text": text, "language": "kk"}, timeout=self.timeout_seconds
            )
        except httpx.HTTPError as exc:
            raise TTSError(f"the TTS endpoint is unreachable: {exc}") from exc
        if response.status_code != 200:
            raise TTSError(f"the TTS endpoint answered {response.status_code}")
        return response.content


def make_synthesizer(settings: TranscreationSettings) -> SpeechSynthesizer:
    """The speech engine named by `settings.tts_backend`."""
    if settings.tts_backend == "piper":
        if not settings.piper_voice_dir:
            raise TTSError("JARNAMA_TRANSCREATION__PIPER_VOICE_DIR must name the voice folder")
        return PiperVoice(Path(settings.piper_voice_dir), settings.piper_path)
    if settings.tts_backend == "http":
        if not settings.tts_http_url:
            raise TTSError("JARNAMA_TRANSCREATION__TTS_HTTP_URL must name the endpoint")
        return HttpSpeech(settings.tts_http_url, settings.timeout_seconds)
    return EspeakNg(settings.espeak_path, settings.espeak_voice, settings.espeak_wpm)


def wav_seconds(data: bytes) -> float:
    """The duration of a WAV file in seconds (frames / frame rate)."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return float(wav.getnframes()) / float(wav.getframerate())
    except (wave.Error, EOFError) as exc:
        raise TTSError(f"the engine's audio is not a WAV file: {exc}") from exc
