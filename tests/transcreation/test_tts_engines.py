"""Pluggable speech engines: an HTTP TTS endpoint served on loopback, and a Piper voice folder."""

from __future__ import annotations

import io
import json
import stat
import sys
import threading
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jarnama.transcreation.settings import TranscreationSettings
from jarnama.transcreation.voice.tts import (
    HttpSpeech,
    PiperVoice,
    TTSError,
    make_synthesizer,
    wav_seconds,
)
from jarnama.transcreation.voice.voiceover import voice_over

RATE = 16_000
SECONDS_PER_CHAR = 0.07  # ~14 characters a second, a brisk Kazakh announcer


def silent_wav(seconds: float) -> bytes:
    """A mono 16-bit WAV of silence lasting `seconds`."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"\0\0" * int(RATE * seconds))
    return out.getvalue()


class SpeechHandler(BaseHTTPRequestHandler):
    """POST /speak {"text", "language"} → audio/wav as long as the text; 422 for non-kk."""

    received: list[dict[str, str]] = []  # noqa: RUF012 (shared by the test's server only)

    def do_POST(self) -> None:
        if self.path != "/speak":
            self.send_response(404)
            self.end_headers()
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(body)
        if body.get("language") != "kk":
            self.send_response(422)
            self.end_headers()
            return
        audio = silent_wav(len(body["text"]) * SECONDS_PER_CHAR)
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(audio)))
        self.end_headers()
        self.wfile.write(audio)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def tts_url() -> Iterator[str]:
    """A real HTTP TTS server on a free loopback port, stopped after the module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SpeechHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/speak"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_engine_speaks_and_the_spot_is_checked(tts_url: str) -> None:
    engine = make_synthesizer(TranscreationSettings(tts_backend="http", tts_http_url=tts_url))
    assert isinstance(engine, HttpSpeech)
    short = voice_over("Бағасы 450 ₸.", 15, engine)
    assert short.spoken_text == "Бағасы төрт жүз елу теңге."
    assert SpeechHandler.received[-1] == {"text": short.spoken_text, "language": "kk"}
    assert short.duration_seconds == pytest.approx(len(short.spoken_text) * SECONDS_PER_CHAR, 0.01)
    assert short.fits
    assert short.engine == "http"
    long = voice_over(" ".join(["31 желтоқсанға дейін 20% жеңілдік!"] * 8), 15, engine)
    assert not long.fits
    assert long.margin_seconds < 0


def test_http_engine_errors_are_clear(tts_url: str) -> None:
    with pytest.raises(TTSError, match="404"):
        HttpSpeech(tts_url.replace("/speak", "/nothing")).synthesise("сәлем")
    with pytest.raises(TTSError, match="unreachable"):
        HttpSpeech("http://127.0.0.1:9/speak", timeout_seconds=2).synthesise("сәлем")
    with pytest.raises(TTSError, match="TTS_HTTP_URL"):
        make_synthesizer(TranscreationSettings(tts_backend="http"))


PIPER_STUB = """#!{python}
# Stands in for the piper program: same arguments, text on stdin, a WAV at --output_file.
import sys, wave
args = sys.argv[1:]
model, out = args[args.index("--model") + 1], args[args.index("--output_file") + 1]
text = sys.stdin.read()
with open(model + ".json") as config:
    config.read()
with wave.open(out, "wb") as wav:
    wav.setnchannels(1); wav.setsampwidth(2); wav.setframerate(22050)
    wav.writeframes(b"\\0\\0" * int(22050 * 0.05 * len(text)))
"""


def test_piper_voice_folder(tmp_path: Path) -> None:
    voice = tmp_path / "kk_KZ-issai-high"
    voice.mkdir()
    with pytest.raises(TTSError, match=r"no \*\.onnx voice"):
        PiperVoice(voice).synthesise("сәлем")
    (voice / "kk_KZ-issai-high.onnx").write_bytes(b"model")
    (voice / "kk_KZ-issai-high.onnx.json").write_text("{}", encoding="utf-8")
    with pytest.raises(TTSError, match="not installed"):
        PiperVoice(voice, executable=str(tmp_path / "no-piper")).synthesise("сәлем")
    stub = tmp_path / "piper"
    stub.write_text(PIPER_STUB.format(python=sys.executable), encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    engine = make_synthesizer(
        TranscreationSettings(tts_backend="piper", piper_path=str(stub), piper_voice_dir=str(voice))
    )
    assert isinstance(engine, PiperVoice)
    result = voice_over("Сүт 450 ₸", 15, engine)
    assert result.engine == "piper"
    assert wav_seconds(result.audio) == pytest.approx(0.05 * len(result.spoken_text), 0.01)
    assert result.fits
    with pytest.raises(TTSError, match="PIPER_VOICE_DIR"):
        make_synthesizer(TranscreationSettings(tts_backend="piper"))
