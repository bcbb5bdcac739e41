"""The studio over HTTP: projects, segments through the approval gate, QA, TM, termbase, XLIFF."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy.models import Role
from jarnama.transcreation.memory import TranslationUnit
from jarnama.transcreation.tmx import write_tmx
from jarnama.transcreation.xliff import read_xliff
from tests import factories
from tests.factories import Caller

BASE = "/api/v1/transcreation"
NBSP = "\u00a0"
HEADLINE_RU = "Скидка 20% на все товары до 31 декабря!"
HEADLINE_KK = "31 желтоқсанға дейін барлық тауарларға 20% жеңілдік!"
CTA_RU = "Купить сейчас"
CTA_KK = "Қазір сатып алыңыз"


def _project(client: TestClient, caller: Caller, **extra: Any) -> dict[str, Any]:
    body = {
        "name": "Winter sale",
        "channel": "banner",
        "assets": [
            {
                "name": "Web banner",
                "kind": "banner",
                "slots": [
                    {"slot": "headline", "source": HEADLINE_RU, "max_chars": 60},
                    {"slot": "cta", "source": CTA_RU, "max_chars": 20},
                ],
            }
        ],
        **extra,
    }
    response = client.post(f"{BASE}/projects", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def _seg(project: dict[str, Any], slot: str) -> int:
    found: int = next(s["id"] for s in project["segments"] if s["slot"] == slot)
    return found


def test_project_review_flow(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = _project(client, caller)
    assert [s["target_lang"] for s in project["segments"]] == ["kk", "kk"]
    assert project["segments"][0]["state"] == "initial"
    headline = _seg(project, "headline")

    # A broken target (the discount changed, a Russified letter) is stopped by the gate.
    bad = client.patch(
        f"{BASE}/segments/{headline}",
        json={"target": "31 желтоқсанға дейін барлық тауарларға 30% жеңилдік!"},
        headers=caller.headers,
    )
    assert bad.status_code == 200
    assert bad.json()["state"] == "translated"
    assert any(f["severity"] == "blocking" for f in bad.json()["findings"])
    gate = client.post(
        f"{BASE}/segments/{headline}/state", json={"state": "final"}, headers=caller.headers
    )
    assert gate.status_code == 409, gate.text
    assert gate.json()["error"] == "approval_blocked"

    good = client.patch(
        f"{BASE}/segments/{headline}", json={"target": HEADLINE_KK}, headers=caller.headers
    )
    assert [f for f in good.json()["findings"] if f["severity"] == "blocking"] == []
    final = client.post(
        f"{BASE}/segments/{headline}/state", json={"state": "final"}, headers=caller.headers
    )
    assert final.status_code == 200, final.text
    assert final.json()["state"] == "final"

    comment = client.post(
        f"{BASE}/segments/{headline}/comments", json={"text": "Жарайды"}, headers=caller.headers
    )
    assert comment.status_code == 201
    listed = client.get(f"{BASE}/segments/{headline}/comments", headers=caller.headers)
    assert [c["text"] for c in listed.json()] == ["Жарайды"]

    qa = client.post(f"{BASE}/projects/{project['id']}/qa", headers=caller.headers).json()
    assert qa["blocking"] >= 1  # the CTA has no Kazakh yet
    report = client.get(f"{BASE}/projects/{project['id']}/compliance", headers=caller.headers)
    assert report.status_code == 200
    checks = {c["id"]: c["verdict"] for c in report.json()["assets"][0]["checks"]}
    assert checks["kazakh.present"] == "fail"
    assert report.json()["compliant"] is False

    # The final headline went into the memory: TMX export carries it.
    tmx = client.get(f"{BASE}/tm/export", headers=caller.headers)
    assert tmx.status_code == 200
    assert HEADLINE_KK in tmx.text


def test_pretranslate_tm_then_human_queue(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    tmx = write_tmx([TranslationUnit(CTA_RU, CTA_KK)])
    imported = client.post(
        f"{BASE}/tm/import",
        content=tmx,
        headers=caller.headers | {"content-type": "application/xml"},
    )
    assert imported.json() == {"account_id": acct.id, "added": 1, "skipped": 0}
    again = client.post(
        f"{BASE}/tm/import",
        content=tmx,
        headers=caller.headers | {"content-type": "application/xml"},
    )
    assert again.json()["skipped"] == 1
    project = _project(client, caller)
    report = client.post(f"{BASE}/projects/{project['id']}/pretranslate", headers=caller.headers)
    assert report.status_code == 200, report.text
    data = report.json()
    assert data["backend"] == "none"
    assert data["counts"] == {"tm": 1, "human": 1}
    assert data["human_queue"] == [_seg(project, "headline")]
    cta = next(s for s in data["segments"] if s["slot"] == "cta")
    assert (cta["target"], cta["origin"], cta["tm_score"]) == (CTA_KK, "tm", 100)


def test_xliff_round_trip_through_the_gate(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = _project(client, caller)
    exported = client.get(f"{BASE}/projects/{project['id']}/xliff", headers=caller.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/xliff+xml")
    src, trg, segments = read_xliff(exported.content)
    assert (src, trg, len(segments)) == ("ru", "kk", 2)
    translated = exported.text.replace(
        f"<source>{CTA_RU}</source>", f"<source>{CTA_RU}</source>\n<target>{CTA_KK}</target>"
    ).replace('state="initial"', 'state="final"', 2)
    # Both final: the headline has no target, so the gate refuses the whole import.
    refused = client.put(
        f"{BASE}/projects/{project['id']}/xliff",
        content=translated.encode(),
        headers=caller.headers | {"content-type": "application/xml"},
    )
    assert refused.status_code == 400, refused.text  # a final segment needs a target
    only_cta = exported.text.replace(
        f"<source>{CTA_RU}</source>", f"<source>{CTA_RU}</source>\n<target>{CTA_KK}</target>"
    )
    cta_id = str(_seg(project, "cta"))
    only_cta = only_cta.replace(
        f'<segment id="{cta_id}" state="initial"', f'<segment id="{cta_id}" state="final"'
    )
    accepted = client.put(
        f"{BASE}/projects/{project['id']}/xliff",
        content=only_cta.encode(),
        headers=caller.headers | {"content-type": "application/xml"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["updated"] == 2
    shown = client.get(f"{BASE}/projects/{project['id']}", headers=caller.headers).json()
    cta = next(s for s in shown["segments"] if s["slot"] == "cta")
    assert (cta["target"], cta["state"]) == (CTA_KK, "final")


def test_termbase_csv_and_tbx(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    csv = "source,target,kind\nMagnum,,brand\nскидка,жеңілдік,required\n"
    imported = client.post(
        f"{BASE}/termbase/import",
        content=csv.encode(),
        headers=caller.headers | {"content-type": "text/csv"},
    )
    assert imported.json()["added"] == 2, imported.text
    tbx = client.get(f"{BASE}/termbase/export", params={"format": "tbx"}, headers=caller.headers)
    assert b"<martif" in tbx.content
    assert "жеңілдік" in tbx.text
    back = client.post(
        f"{BASE}/termbase/import",
        params={"format": "tbx"},
        content=tbx.content,
        headers=caller.headers | {"content-type": "application/xml"},
    )
    assert back.json() == {"account_id": acct.id, "added": 0, "skipped": 2}
    exported = client.get(f"{BASE}/termbase/export", headers=caller.headers)
    assert exported.text.splitlines()[1:] == [
        "Magnum,,brand,ru,kk,",
        "скидка,жеңілдік,required,ru,kk,",
    ]


def test_tenants_and_roles(client: TestClient, session: Session) -> None:
    home = factories.account(session, "Home")
    other = factories.account(session, "Other")
    admin = factories.api_caller(session, account_id=home.id)
    project = _project(client, admin)
    stranger = factories.api_caller(session, account_id=other.id)
    analyst = factories.api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=home.id)
    assert (
        client.get(f"{BASE}/projects/{project['id']}", headers=stranger.headers).status_code == 404
    )
    assert client.get(f"{BASE}/projects", headers=stranger.headers).json()["items"] == []
    segment = _seg(project, "cta")
    edit = client.patch(
        f"{BASE}/segments/{segment}", json={"target": "x"}, headers=stranger.headers
    )
    assert edit.status_code == 404
    assert (
        client.get(f"{BASE}/projects/{project['id']}", headers=analyst.headers).status_code == 200
    )
    edit = client.patch(f"{BASE}/segments/{segment}", json={"target": "x"}, headers=analyst.headers)
    assert edit.status_code == 403
    tm = client.get(f"{BASE}/tm/export", params={"account_id": home.id}, headers=stranger.headers)
    assert tm.status_code == 404
