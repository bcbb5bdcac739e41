"""MT backends: the OpenAI-compatible client against a real HTTP server on loopback, NLLB
configuration errors, the "none" backend, and pre-translation from TM, MT or a human queue."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from jarnama.config import load_settings
from jarnama.transcreation.memory import TranslationMemory, TranslationUnit
from jarnama.transcreation.mt import MTError, MTSegment, NoMachineTranslation
from jarnama.transcreation.mt.factory import make_translator
from jarnama.transcreation.mt.nllb import NllbTranslator, language_code
from jarnama.transcreation.mt.openai import OpenAICompatibleTranslator
from jarnama.transcreation.pretranslate import Origin, SourceSegment, pretranslate
from jarnama.transcreation.settings import TranscreationSettings
from jarnama.transcreation.terms import Term, TermKind
from tests.transcreation.openai_server import API_KEY, Recorder, serve

MAGNUM = Term("Magnum", TermKind.BRAND)
SALE_TERM = Term("скидка", TermKind.REQUIRED, "жеңілдік")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Recorder]]:
    with serve() as running:
        yield running


def _client(url: str, model: str = "kk-good", **kwargs: object) -> OpenAICompatibleTranslator:
    options: dict[str, object] = {"api_key": API_KEY, "backoff_seconds": 0.01, **kwargs}
    return OpenAICompatibleTranslator(url, model, **options)  # type: ignore[arg-type]


def test_translates_a_batch_over_http(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    segments = [
        MTSegment("h1", "Скидка 20% на все товары", terms=(SALE_TERM,)),
        MTSegment("c1", "Купить сейчас", slot="cta", max_chars=20),
    ]
    before = len(recorder.requests)
    with _client(url) as client:
        assert client.translate(segments) == [
            "Барлық тауарларға 20% жеңілдік",
            "Қазір сатып алыңыз",
        ]
    [body] = recorder.requests[before:]
    assert body["model"] == "kk-good"
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert "Kazakh" in system["content"]
    assert "₸" in system["content"]
    payload = json.loads(user["content"])["segments"]
    assert payload[0]["termbase"] == [{"term": "скидка", "rule": "translate as «жеңілдік»"}]
    assert payload[1]["max_chars"] == 20


def test_prompt_carries_tm_matches_and_brands(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    memory = TranslationMemory([TranslationUnit("Скачайте приложение", "Қосымшаны жүктеп алыңыз")])
    segments = [SourceSegment("s1", "Скачайте приложение Magnum")]
    with _client(url) as client:
        [result] = pretranslate(segments, memory, [MAGNUM], client)
    assert (result.origin, result.target) == (Origin.MT, "Magnum қосымшасын жүктеп алыңыз")
    payload = json.loads(recorder.requests[-1]["messages"][-1]["content"])["segments"][0]
    assert payload["termbase"] == [{"term": "Magnum", "rule": "keep exactly as written"}]
    [hint] = payload["translation_memory"]
    assert hint["target"] == "Қосымшаны жүктеп алыңыз"
    assert 75 <= hint["score"] < 100


def test_fenced_json_is_accepted(server: tuple[str, Recorder]) -> None:
    with _client(server[0], "kk-fenced") as client:
        assert client.translate([MTSegment("1", "Купить сейчас")]) == ["Қазір сатып алыңыз"]


def test_retries_a_busy_server_then_succeeds(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    with _client(url, "kk-flaky", max_retries=2) as client:
        assert client.translate([MTSegment("1", "Купить сейчас")]) == ["Қазір сатып алыңыз"]
    assert recorder.calls_by_model["kk-flaky"] == 3


def test_gives_up_after_the_retry_budget(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    with (
        _client(url, "kk-rate-limited", max_retries=1) as client,
        pytest.raises(MTError, match=r"after 2 attempts \(HTTP 429: slow down\)"),
    ):
        client.translate([MTSegment("1", "Купить сейчас")])
    assert recorder.calls_by_model["kk-rate-limited"] == 2


def test_timeout_is_a_clear_error(server: tuple[str, Recorder]) -> None:
    started = time.monotonic()
    with (
        _client(server[0], "kk-slow", timeout_seconds=0.3, max_retries=0) as client,
        pytest.raises(MTError, match=r"timed out after 0\.3 s"),
    ):
        client.translate([MTSegment("1", "Купить сейчас")])
    assert time.monotonic() - started < 1.9


def test_wrong_key_is_not_retried(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    before = len(recorder.requests)
    client = OpenAICompatibleTranslator(url, "kk-good", api_key="wrong", max_retries=3)
    with client, pytest.raises(MTError, match="HTTP 401: Incorrect API key provided"):
        client.translate([MTSegment("1", "Купить сейчас")])
    assert len(recorder.requests) == before


@pytest.mark.parametrize(
    ("model", "message"), [("kk-prose", "not the requested JSON"), ("kk-missing", "lacks segment")]
)
def test_unusable_answers_are_errors(
    server: tuple[str, Recorder], model: str, message: str
) -> None:
    segments = [MTSegment("1", "Купить сейчас"), MTSegment("2", "Скидка 20% на все товары")]
    with _client(server[0], model) as client, pytest.raises(MTError, match=message):
        client.translate(segments)


def test_unreachable_endpoint() -> None:
    client = _client("http://127.0.0.1:9/v1", max_retries=1, timeout_seconds=2)
    with client, pytest.raises(MTError, match="cannot reach"):
        client.translate([MTSegment("1", "Купить сейчас")])


def test_empty_answer_goes_to_a_human(server: tuple[str, Recorder]) -> None:
    segments = [SourceSegment("x", "Совсем новая фраза без перевода")]
    with _client(server[0]) as client:
        [result] = pretranslate(segments, TranslationMemory(), [], client)
    assert (result.origin, result.target) == (Origin.HUMAN, None)


def test_none_backend_uses_tm_and_queues_the_rest() -> None:
    memory = TranslationMemory(
        [
            TranslationUnit("Купить сейчас", "Қазір сатып алыңыз"),
            TranslationUnit("Скидка 20% на все товары", "Барлық тауарларға 20% жеңілдік"),
        ]
    )
    segments = [
        SourceSegment("a", "Купить сейчас"),
        SourceSegment("b", "Скидка 35% на все товары"),
        SourceSegment("c", "Новая коллекция"),
    ]
    results = pretranslate(segments, memory, [], NoMachineTranslation())
    assert [(r.origin, r.target) for r in results] == [
        (Origin.TM, "Қазір сатып алыңыз"),
        (Origin.TM_ADAPTED, "Барлық тауарларға 35% жеңілдік"),
        (Origin.HUMAN, None),
    ]


def test_mt_runs_in_batches_and_reports_progress(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    memory = TranslationMemory([TranslationUnit("Купить сейчас", "Қазір сатып алыңыз")])
    segments = [SourceSegment("tm", "Купить сейчас")] + [
        SourceSegment(f"s{i}", source)
        for i, source in enumerate(
            ["Скидка 20% на все товары", "Свежее молоко каждый день",
             "Скачайте приложение Magnum"]
        )
    ]  # fmt: skip
    before = len(recorder.requests)
    progress: list[int] = []
    with _client(url) as client:
        results = pretranslate(
            segments, memory, [], client, on_progress=progress.append, batch_size=2
        )
    assert progress == [1, 2, 1]  # the TM hit, then two MT requests of 2 and 1 segments
    assert len(recorder.requests) - before == 2
    assert [r.origin for r in results] == [Origin.TM, Origin.MT, Origin.MT, Origin.MT]
    assert results[3].target == "Magnum қосымшасын жүктеп алыңыз"


def test_nllb_is_not_imported_until_used(tmp_path: Path) -> None:
    assert "ctranslate2" not in sys.modules
    with pytest.raises(MTError, match=r"model\.bin is missing"):
        NllbTranslator(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(MTError, match="SentencePiece"):
        NllbTranslator(tmp_path)
    (tmp_path / "sentencepiece.bpe.model").write_bytes(b"")
    translator = NllbTranslator(tmp_path)
    assert translator.translate([]) == []
    assert "ctranslate2" not in sys.modules
    if importlib.util.find_spec("ctranslate2") is None:
        with pytest.raises(MTError, match="pip install ctranslate2 sentencepiece"):
            translator.translate([MTSegment("1", "Купить сейчас")])
    assert language_code("kk") == "kaz_Cyrl"
    with pytest.raises(MTError, match="no configured code"):
        language_code("de")


def test_factory_builds_the_configured_backend(server: tuple[str, Recorder]) -> None:
    assert isinstance(make_translator(TranscreationSettings()), NoMachineTranslation)
    settings = TranscreationSettings(
        mt_backend="openai", openai_base_url=server[0], openai_model="kk-good",
        openai_api_key=SecretStr(API_KEY),
    )  # fmt: skip
    translator = make_translator(settings)
    assert translator.translate([MTSegment("1", "Купить сейчас")]) == ["Қазір сатып алыңыз"]
    assert isinstance(translator, OpenAICompatibleTranslator)
    translator.close()
    with pytest.raises(MTError, match="NLLB_MODEL_DIR"):
        make_translator(TranscreationSettings(mt_backend="nllb"))


def test_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JARNAMA_TRANSCREATION__MT_BACKEND", "openai")
    monkeypatch.setenv("JARNAMA_TRANSCREATION__OPENAI_MODEL", "issai/LLama-3.1-KazLLM-1.0-8B")
    settings = load_settings()
    assert settings.transcreation.mt_backend == "openai"
    assert settings.transcreation.openai_model == "issai/LLama-3.1-KazLLM-1.0-8B"
