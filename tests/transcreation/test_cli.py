"""`jarnama transcreate`: QA of a file of lines, pre-translation and XLIFF export on a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jarnama.cli import app
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.migrate import upgrade
from jarnama.demo.transcreation import BANNER, VOICEOVER, seed_transcreation
from jarnama.tenancy import service as tenancy
from jarnama.tenancy.models import AccountKind
from jarnama.transcreation import service
from jarnama.transcreation.cli import cli_principal
from jarnama.transcreation.memory import TranslationUnit
from jarnama.transcreation.schemas import AssetIn, ProjectCreate, SlotIn
from jarnama.transcreation.xliff import SegmentState, read_xliff

NBSP = "\u00a0"
runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file the CLI is pointed at."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JARNAMA_DATABASE__URL", url)
    monkeypatch.setenv("JARNAMA_AUTH__SECRET_KEY", "test-secret")
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _seed(url: str) -> tuple[int, int]:
    """The demo project, and a second project of the same supplier with nothing translated."""
    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            account = tenancy.create_account(
                session, "test", kind=AccountKind.ADVERTISER, name="Food Master",
                external_ref="food-master",
            )  # fmt: skip
            studio = seed_transcreation(session, account)
            principal = cli_principal()
            service.add_units(
                session, principal, account.id,
                [TranslationUnit("Купить сейчас", "Қазір сатып алыңыз", "ru", "kk")],
            )  # fmt: skip
            fresh = service.create_project(
                session,
                principal,
                ProjectCreate(
                    account_id=account.id,
                    name="Fresh",
                    assets=[
                        AssetIn(
                            name="Banner",
                            slots=[
                                SlotIn(slot="cta", source="Купить сейчас"),
                                SlotIn(slot="body", source="Новый кефир уже в магазинах"),
                            ],
                        )
                    ],
                ),
            )
            return studio.project_id, fresh.id
    finally:
        engine.dispose()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_qa_passes_correct_kazakh_lines(tmp_path: Path) -> None:
    slots = (*BANNER, *VOICEOVER)
    kazakh = _write(tmp_path / "kk.txt", [s.kazakh for s in slots])
    russian = _write(tmp_path / "ru.txt", [s.russian for s in slots])
    result = runner.invoke(app, ["transcreate", "qa", str(kazakh), "--source", str(russian)])
    assert result.exit_code == 0, result.output
    assert f"{len(slots)} line(s) checked: 0 blocking" in result.output
    assert "passed" in result.output


def test_qa_reports_broken_lines_and_exits_1(tmp_path: Path) -> None:
    kazakh = _write(
        tmp_path / "kk.txt",
        [
            "Казир сатып алыныз",  # Russified: қ→к, ң→н
            "",
            f"Бір жылдық сүт өнімдері 99{NBSP}990{NBSP}₸. 31 желтоқсанға дейін 20% жеңілдік!",
            "Жарнама. Тауар саны шектеулi.",  # a Latin i inside a Cyrillic word
        ],
    )
    russian = _write(
        tmp_path / "ru.txt",
        [
            "Купить сейчас",
            "",
            f"Годовой запас за 99{NBSP}990{NBSP}₸. Скидка 15% до 31 декабря!",
            "Реклама. Количество товара ограничено.",
        ],
    )
    result = runner.invoke(
        app,
        ["transcreate", "qa", str(kazakh), "--source", str(russian)],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 1, result.output
    assert "3 line(s) checked" in result.output
    assert "Қазір" in result.output  # the suggested spelling
    assert "blocked" in result.output
    for rule in ("kk.russified", "kk.lookalike"):
        assert rule in result.output


def test_qa_refuses_files_that_are_not_aligned(tmp_path: Path) -> None:
    kazakh = _write(tmp_path / "kk.txt", ["Қазір сатып алыңыз", "Жарнама."])
    russian = _write(tmp_path / "ru.txt", ["Купить сейчас"])
    result = runner.invoke(app, ["transcreate", "qa", str(kazakh), "--source", str(russian)])
    assert result.exit_code == 2
    assert "aligned" in result.output
    missing = runner.invoke(app, ["transcreate", "qa", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2


def test_pretranslate_and_export_xliff(database: str, tmp_path: Path) -> None:
    demo_id, fresh_id = _seed(database)

    result = runner.invoke(app, ["transcreate", "pretranslate", str(fresh_id)])
    assert result.exit_code == 0, result.output
    assert "pre-translated with none" in result.output
    assert "1 segment(s) wait for a translator" in result.output

    out = tmp_path / "demo.xlf"
    result = runner.invoke(app, ["transcreate", "export-xliff", str(demo_id), str(out)])
    assert result.exit_code == 0, result.output
    source_lang, target_lang, segments = read_xliff(out.read_bytes())
    assert (source_lang, target_lang) == ("ru", "kk")
    assert len(segments) == len(BANNER) + len(VOICEOVER)
    assert {s.state for s in segments} == {SegmentState.REVIEWED}
    assert f"99{NBSP}990{NBSP}₸" in (segments[1].target or "")

    fresh = tmp_path / "fresh.xlf"
    result = runner.invoke(app, ["transcreate", "export-xliff", str(fresh_id), str(fresh)])
    assert result.exit_code == 0, result.output
    targets = {s.source: s.target for s in read_xliff(fresh.read_bytes())[2]}
    assert targets == {"Купить сейчас": "Қазір сатып алыңыз", "Новый кефир уже в магазинах": None}


def test_unknown_project_and_language_exit_2(database: str, tmp_path: Path) -> None:
    demo_id, _ = _seed(database)
    result = runner.invoke(app, ["transcreate", "pretranslate", "999"])
    assert result.exit_code == 2
    assert "project not found" in result.output
    result = runner.invoke(
        app,
        [
            "transcreate",
            "export-xliff",
            str(demo_id),
            str(tmp_path / "x.xlf"),
            "--target-lang",
            "ru",
        ],
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.xlf").exists()


def test_qa_checks_the_ad_label_of_a_channel(tmp_path: Path) -> None:
    lines = _write(tmp_path / "post.txt", ["Жарнама. Food Master айраны әр дүкенде!"])
    assert (
        runner.invoke(app, ["transcreate", "qa", str(lines), "--channel", "creator_post"]).exit_code
        == 0
    )
    unlabelled = _write(tmp_path / "bare.txt", ["Food Master айраны әр дүкенде!"])
    result = runner.invoke(
        app,
        ["transcreate", "qa", str(unlabelled), "--channel", "creator_post"],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 1, result.output
    assert "kk.ad-label" in result.output
    assert runner.invoke(app, ["transcreate", "qa", str(unlabelled)]).exit_code == 0
    bad = runner.invoke(app, ["transcreate", "qa", str(unlabelled), "--channel", "billboard"])
    assert bad.exit_code == 2


def test_latin_transliterates_a_file(tmp_path: Path) -> None:
    source = _write(tmp_path / "kk.txt", ["Қазақстан шоколады", "Ұлттық Әлем"])
    result = runner.invoke(app, ["transcreate", "latin", str(source)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Qazaqstan şokolady", "Ūlttyq Älem"]
    out = tmp_path / "latin.txt"
    result = runner.invoke(app, ["transcreate", "latin", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "Qazaqstan şokolady\nŪlttyq Älem\n"
    assert runner.invoke(app, ["transcreate", "latin", str(tmp_path / "none.txt")]).exit_code == 2


def test_export_xliff_in_latin(database: str, tmp_path: Path) -> None:
    demo_id, _ = _seed(database)
    out = tmp_path / "latin.xlf"
    result = runner.invoke(app, ["transcreate", "export-xliff", str(demo_id), str(out), "--latin"])
    assert result.exit_code == 0, result.output
    source_lang, target_lang, segments = read_xliff(out.read_bytes())
    assert (source_lang, target_lang) == ("ru", "kk-Latn")
    assert segments[2].target == "Qazır satyp alyñyz"
