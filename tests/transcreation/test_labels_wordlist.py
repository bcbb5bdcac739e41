"""Ad labels per channel (Kazakh and Russian, configurable) and the project word list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.transcreation.qa import SegmentContext, check_segment
from jarnama.transcreation.qa.findings import Severity
from jarnama.transcreation.qa.labels import Channel, LabelRule, ad_label, rule_for
from jarnama.transcreation.qa.spelling import HunspellProgram, SpyllsSpeller
from jarnama.transcreation.qa.wordlist import (
    ProjectWordList,
    project_words,
    write_personal_dictionary,
)
from jarnama.transcreation.terms import Term, TermKind
from tests import factories
from tests.transcreation.conftest import require_system

POST_KK = "Жарнама. Food Master айраны енді әр дүкенде!"
POST_RU = "Реклама. Айран Food Master теперь в каждом магазине!"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (POST_KK, "kk"),
        ("#жарнама Жаңа коллекция", "kk"),
        (POST_RU, "ru"),
        ("🔥 Реклама: скидки", "ru"),
    ],
)
def test_posts_that_open_with_the_label_pass(text: str, language: str) -> None:
    assert list(ad_label(text, Channel.CREATOR_POST, language=language)) == []
    assert list(ad_label(text, Channel.SOCIAL_POST, language=language)) == []


def test_missing_label_in_each_language() -> None:
    [kk] = ad_label("Жаңа коллекция дүкендерде", Channel.CREATOR_POST)
    assert (kk.rule, kk.severity, kk.start, kk.end) == ("kk.ad-label", Severity.BLOCKING, 0, 0)
    assert kk.suggestion == "Жарнама. Жаңа коллекция дүкендерде"
    [ru] = ad_label("Новая коллекция в магазинах", Channel.SOCIAL_POST, language="ru")
    assert (ru.rule, ru.severity) == ("ru.ad-label", Severity.BLOCKING)
    assert ru.suggestion == "Реклама. Новая коллекция в магазинах"


def test_label_at_the_end_of_a_post_is_caught_with_its_position() -> None:
    text = "Food Master айраны енді әр дүкенде! #жарнама"
    [late] = ad_label(text, Channel.CREATOR_POST)
    assert late.severity is Severity.BLOCKING
    assert text[late.start : late.end] == "жарнама"
    assert "open the text" in late.message
    assert late.suggestion == "Жарнама. Food Master айраны енді әр дүкенде! #"
    ru_text = "Айран Food Master в каждом магазине. Реклама"
    [ru_late] = ad_label(ru_text, Channel.CREATOR_POST, language="ru")
    assert ru_text[ru_late.start : ru_late.end] == "Реклама"
    # Online video allows a few words first; a banner needs no label at all.
    assert list(ad_label("Сәлем! Бұл — жарнама.", Channel.ONLINE_VIDEO)) == []
    assert list(ad_label("Жаңа коллекция", Channel.BANNER)) == []


def test_label_in_the_other_language_is_a_warning() -> None:
    [kk] = ad_label("Реклама. Жаңа коллекция", Channel.CREATOR_POST)
    assert (kk.severity, kk.start, kk.end, kk.suggestion) == (Severity.WARNING, 0, 7, "жарнама")
    [ru] = ad_label("Жарнама. Новая коллекция", Channel.CREATOR_POST, language="ru")
    assert (ru.severity, ru.suggestion) == (Severity.WARNING, "реклама")


def test_rules_are_configurable_per_channel() -> None:
    settings = Settings.model_validate(
        {"transcreation": {"ad_labels": {"banner": {"required": True, "max_words_before": 0},
                                          "creator_post": {"required": False}}}}
    )  # fmt: skip
    rules = settings.transcreation.label_rules()
    assert rule_for(Channel.BANNER, rules) == LabelRule(True, 0)
    assert rule_for(Channel.CREATOR_POST, rules) == LabelRule(False)
    assert rule_for(Channel.SOCIAL_POST, rules) == LabelRule(True, 0)  # the default
    text = "Жаңа коллекция"
    assert list(ad_label(text, Channel.BANNER, rule=rules["banner"]))
    assert list(ad_label(text, Channel.CREATOR_POST, rule=rules["creator_post"])) == []
    context = SegmentContext(channel=Channel.BANNER, label_rule=rules["banner"])
    assert [f.rule for f in check_segment(text, context) if f.rule == "kk.ad-label"]
    with pytest.raises(ValueError, match="max_words_before"):
        Settings.model_validate(
            {"transcreation": {"ad_labels": {"banner": {"required": True, "max_words_before": -1}}}}
        )


def test_segment_level_label_in_a_project(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = client.post(
        "/api/v1/transcreation/projects",
        json={
            "name": "Creator post",
            "source_lang": "en",
            "channel": "creator_post",
            "assets": [
                {
                    "name": "Post",
                    "kind": "social_post",
                    "slots": [
                        {"slot": "body", "source": "Ad. Food Master ayran in every store!"},
                        {"slot": "hashtags", "source": "#foodmaster"},
                    ],
                }
            ],
        },
        headers=caller.headers,
    ).json()
    by_key = {(s["slot"], s["target_lang"]): s["id"] for s in project["segments"]}

    def edit(key: tuple[str, str], target: str) -> list[dict[str, object]]:
        answer = client.patch(
            f"/api/v1/transcreation/segments/{by_key[key]}",
            json={"target": target},
            headers=caller.headers,
        )
        assert answer.status_code == 200, answer.text
        findings: list[dict[str, object]] = answer.json()["findings"]
        return [f for f in findings if str(f["rule"]).endswith("ad-label")]

    [kk] = edit(("body", "kk"), "Food Master айраны әр дүкенде!")
    assert (kk["rule"], kk["severity"], kk["start"]) == ("kk.ad-label", "blocking", 0)
    assert edit(("body", "kk"), POST_KK) == []
    [ru] = edit(("body", "ru"), "Айран Food Master в каждом магазине!")
    assert (ru["rule"], ru["severity"]) == ("ru.ad-label", "blocking")
    assert edit(("body", "ru"), POST_RU) == []
    # Only the text that opens the post carries the label.
    assert edit(("hashtags", "kk"), "#foodmaster") == []


def test_termbase_terms_and_ad_loanwords_raise_no_spelling_findings(
    speller: SpyllsSpeller,
) -> None:
    terms = (
        Term("Дастархан", TermKind.BRAND),
        Term("йогурт питьевой", TermKind.REQUIRED, target="ішетін йогурт"),
        Term("Шубат", TermKind.DO_NOT_TRANSLATE),
    )
    text = "Дастарханнан ішетін йогурт, шубат және кэшбэк 5% — промокод онлайн!"
    assert speller.unknown(["Дастарханнан", "кэшбэк", "промокод", "шубат"])  # the raw dictionary
    context = SegmentContext(terms=terms, speller=speller)
    assert [f for f in check_segment(text, context) if f.rule == "kk.spelling"] == []
    # Without the terms the brand is flagged; a real typo still is.
    flagged = check_segment(text, SegmentContext(speller=speller))
    assert "Дастарханнан" in {text[f.start : f.end] for f in flagged if f.rule == "kk.spelling"}
    typo = "Дастарханнан жеңілдіктт"
    found = check_segment(typo, context)
    assert {typo[f.start : f.end] for f in found if f.rule.startswith("kk.")} >= {"жеңілдіктт"}


def test_word_list_accepts_inflected_forms_only_of_listed_stems(speller: SpyllsSpeller) -> None:
    words = project_words((Term("Дастархан", TermKind.BRAND),))
    listed = ProjectWordList(speller, words)
    assert listed.accepts("Дастарханда")
    assert listed.accepts("брендтің")
    assert listed.accepts("смартфондарыңызға")
    assert not listed.accepts("Дастарханымыздағылардың")  # not plural-possessive-case
    assert not listed.accepts("жеңілдіктт")
    assert listed.unknown(["Дастарханда", "сут", "жеңілдік"]) == {"сут"}


def test_hunspell_program_reads_the_word_list(tmp_path: Path) -> None:
    require_system("hunspell", shutil.which("hunspell") is not None)
    words = ["кэшбэк", "промокод", "Дастархан"]
    plain = HunspellProgram()
    assert plain.unknown(words) == set(words)
    path = write_personal_dictionary(tmp_path / "kk_project.dic", words)
    assert path.read_text(encoding="utf-8").splitlines() == sorted(words)
    assert HunspellProgram(personal=path).unknown([*words, "сут"]) == {"сут"}
