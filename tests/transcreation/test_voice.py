"""Voice-over: Kazakh numbers and dates as words, real espeak-ng synthesis, spot-length verdict."""

from __future__ import annotations

import base64
import io
import shutil
import wave
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.transcreation.voice.numbers import cardinal, decimal, ordinal
from jarnama.transcreation.voice.speech import for_speech
from jarnama.transcreation.voice.tts import EspeakNg, TTSError, wav_seconds
from jarnama.transcreation.voice.voiceover import voice_over
from tests import factories
from tests.transcreation.conftest import require_system

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "нөл"),
        (7, "жеті"),
        (11, "он бір"),
        (40, "қырық"),
        (100, "жүз"),
        (205, "екі жүз бес"),
        (1000, "мың"),
        (2026, "екі мың жиырма алты"),
        (10_000, "он мың"),
        (99_990, "тоқсан тоғыз мың тоғыз жүз тоқсан"),
        (1_000_000, "бір миллион"),
        (1_250_000, "бір миллион екі жүз елу мың"),
        (3_000_000_000, "үш миллиард"),
        (15, "он бес"),
        (101, "жүз бір"),
        (1100, "мың жүз"),
        (2000, "екі мың"),
        (21_000, "жиырма бір мың"),
        (100_000, "жүз мың"),
        (999_999, "тоғыз жүз тоқсан тоғыз мың тоғыз жүз тоқсан тоғыз"),
        (1_000_001, "бір миллион бір"),
        (12_345_678, "он екі миллион үш жүз қырық бес мың алты жүз жетпіс сегіз"),
        (-40, "минус қырық"),
    ],
)
def test_cardinals(number: int, words: str) -> None:
    assert cardinal(number) == words


def test_ordinals_and_decimals() -> None:
    assert ordinal(31) == "отыз бірінші"
    assert ordinal(2026) == "екі мың жиырма алтыншы"
    assert ordinal(20) == "жиырмасыншы"
    assert decimal(Decimal("2.5")) == "екі бүтін оннан бес"
    assert decimal(Decimal("0.75")) == "нөл бүтін жүзден жетпіс бес"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (f"Бағасы: 99{NBSP}990 ₸", "Бағасы: тоқсан тоғыз мың тоғыз жүз тоқсан теңге"),
        ("20% жеңілдік", "жиырма пайыз жеңілдік"),
        ("20%-ға дейін", "жиырма пайызға дейін"),
        (
            "2026 ж. 31 желтоқсан",
            "екі мың жиырма алтыншы жылғы отыз бірінші желтоқсан",
        ),
        ("31 желтоқсанға дейін", "отыз бірінші желтоқсанға дейін"),
        ("01.03.2026", "екі мың жиырма алтыншы жылғы бірінші наурыз"),
        ("10 000 теңгеден бастап", "он мың теңгеден бастап"),
        ("2,5 есе арзан", "екі бүтін оннан бес есе арзан"),
        ("3-ші дүкен", "үшінші дүкен"),
        ("1 250 000 ₸ ұтыс", "бір миллион екі жүз елу мың теңге ұтыс"),
        (f"Бағасы 1{NBSP}500 тг", "Бағасы мың бес жүз теңге"),
        ("₸ 990", "тоғыз жүз тоқсан теңге"),
        ("12,5% кэшбэк", "он екі бүтін оннан бес пайыз кэшбэк"),
        ("Жеңілдік 7%-дан 50%-ға дейін", "Жеңілдік жеті пайыздан елу пайызға дейін"),
        ("2026 жылы 1 қаңтарда", "екі мың жиырма алтыншы жылы бірінші қаңтарда"),
        ("Аязда -5 градус", "Аязда минус бес градус"),
        ("10-15 минут", "он-он бес минут"),
    ],
)
def test_text_for_speech(text: str, spoken: str) -> None:
    assert for_speech(text) == spoken


@pytest.fixture(scope="module")
def espeak() -> EspeakNg:
    """espeak-ng's kk voice (Debian espeak-ng), required on CI."""
    require_system("espeak-ng", shutil.which("espeak-ng") is not None)
    return EspeakNg()


def test_espeak_speaks_and_the_spot_is_checked(espeak: EspeakNg) -> None:
    short = voice_over("Жарнама. Бағасы 99 990 ₸. Қазір сатып алыңыз!", 15, espeak)
    with wave.open(io.BytesIO(short.audio)) as wav:
        assert wav.getnchannels() == 1
        assert wav.getnframes() > 0
    assert "тоқсан тоғыз мың" in short.spoken_text
    assert 1.0 < short.duration_seconds < 15
    assert short.fits
    assert short.margin_seconds > 0
    long_text = " ".join(["31 желтоқсанға дейін барлық тауарларға 20% жеңілдік!"] * 6)
    long = voice_over(long_text, 15, espeak)
    assert long.duration_seconds > 15
    assert not long.fits
    assert long.margin_seconds < 0


def test_missing_engine_is_a_clear_error() -> None:
    with pytest.raises(TTSError, match="not installed"):
        EspeakNg(executable="no-such-espeak").synthesise("сәлем")
    with pytest.raises(TTSError, match="not a WAV"):
        wav_seconds(b"RIFF0000")


def test_voiceover_api(client: TestClient, session: Session, espeak: EspeakNg) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = client.post(
        "/api/v1/transcreation/projects",
        json={
            "name": "Radio",
            "assets": [
                {
                    "name": "30 s spot",
                    "kind": "audio",
                    "slots": [{"slot": "voiceover", "source": "Молоко за 450 ₸"}],
                }
            ],
        },
        headers=caller.headers,
    ).json()
    url = f"/api/v1/transcreation/projects/{project['id']}/voiceover"
    empty = client.post(url, json={}, headers=caller.headers)
    assert empty.status_code == 400
    segment = project["segments"][0]["id"]
    client.patch(
        f"/api/v1/transcreation/segments/{segment}",
        json={"target": "Сүт 450 ₸"},
        headers=caller.headers,
    )
    answer = client.post(url, json={"spot_seconds": 15}, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["spoken_text"] == "Сүт төрт жүз елу теңге"
    assert data["fits"] is True
    assert data["engine"] == "espeak-ng"
    audio = base64.b64decode(data["audio_base64"])
    assert wav_seconds(audio) == pytest.approx(data["duration_seconds"], abs=0.01)
    raw = client.post(url, params={"format": "wav"}, json={"text": "Сәлем"}, headers=caller.headers)
    assert raw.headers["content-type"] == "audio/wav"
    assert raw.headers["x-fits-spot"] == "true"
    assert raw.content[:4] == b"RIFF"
