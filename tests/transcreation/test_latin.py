"""Transliteration to the 2021 Kazakh Latin alphabet, on real words and in XLIFF exports."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.transcreation import xliff
from jarnama.transcreation.latin import Script, in_script, language_tag, to_latin
from tests import factories


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Қазақстан", "Qazaqstan"),
        ("шоколад", "şokolad"),
        ("ұлттық", "ūlttyq"),
        ("Әлем", "Älem"),
        ("өнім", "önım"),
        ("үйге", "üige"),
        ("жаңа", "jaña"),
        ("бағасы", "bağasy"),
        ("Шығыс", "Şyğys"),
        ("Іле", "Ile"),
        ("Иә", "İä"),
        ("сый", "syi"),
        ("шаһар", "şahar"),
        ("чипсы", "çipsy"),
        ("пицца", "pitstsa"),
        ("ащы", "aşşy"),
        ("Ярмарка", "Iarmarka"),
        ("ЯРМАРКА", "IARMARKA"),
        ("ҚАЗАҚСТАН", "QAZAQSTAN"),
        ("съезд", "sezd"),
        ("Food Master сүті 99 990 ₸!", "Food Master sütı 99 990 ₸!"),
    ],
)
def test_real_words(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic) == latin


def test_the_2021_worked_example() -> None:
    # Wikipedia's "Kazakh alphabets" example of the 2021 alphabet, word for word.
    cyrillic = "Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының"
    assert to_latin(cyrillic) == (
        "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ"
    )


def test_script_helpers() -> None:
    assert in_script("Жаңа", Script.CYRILLIC) == "Жаңа"
    assert in_script("Жаңа", "latn") == "Jaña"
    assert language_tag("kk", "latn") == "kk-Latn"
    assert language_tag("ru", "latn") == "ru"
    assert language_tag("kk", "cyrl") == "kk"


def test_xliff_export_in_latin(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = client.post(
        "/api/v1/transcreation/projects",
        json={
            "name": "Web",
            "assets": [{"name": "MPU", "slots": [{"slot": "headline", "source": "Новинка"}]}],
        },
        headers=caller.headers,
    ).json()
    segment = project["segments"][0]["id"]
    client.patch(
        f"/api/v1/transcreation/segments/{segment}",
        json={"target": "Қазақстанның жаңа өнімі"},
        headers=caller.headers,
    )
    url = f"/api/v1/transcreation/projects/{project['id']}/xliff"
    answer = client.get(url, params={"script": "latn"}, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    source_lang, target_lang, segments = xliff.read_xliff(answer.content)
    assert (source_lang, target_lang) == ("ru", "kk-Latn")
    assert segments[0].target == "Qazaqstannyñ jaña önımı"
    assert segments[0].source == "Новинка"
    cyrillic = client.get(url, headers=caller.headers)
    assert xliff.read_xliff(cyrillic.content)[2][0].target == "Қазақстанның жаңа өнімі"
    refused = client.put(url, content=answer.content, headers=caller.headers)
    assert refused.status_code == 400
    assert refused.json()["field"] == "file"
    bad = client.get(url, params={"script": "arab"}, headers=caller.headers)
    assert bad.status_code == 400
    assert bad.json()["field"] == "script"
