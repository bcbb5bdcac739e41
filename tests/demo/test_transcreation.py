"""The demo studio project: a Russian ad, its correct Kazakh version, QA clean and compliant."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.demo.transcreation import BANNER, PRICE, VOICEOVER, seed_transcreation
from jarnama.transcreation.kazakh import has_kazakh_letters
from jarnama.transcreation.models import TranscreationSegment
from tests import factories

BASE = "/api/v1/transcreation/projects"


def test_demo_ad_is_kazakh_and_correctly_priced() -> None:
    kazakh = " ".join(s.kazakh for s in (*BANNER, *VOICEOVER))
    assert all(letter in kazakh.lower() for letter in "әғқңөұүі"), kazakh
    assert all(has_kazakh_letters(s.kazakh) for s in (*BANNER, *VOICEOVER) if s.slot != "legal")
    assert PRICE == "99\u00a0990\u00a0₸"
    assert PRICE in kazakh
    assert {s.slot for s in (*BANNER, *VOICEOVER)} == {
        "headline", "body", "cta", "legal", "voiceover",
    }  # fmt: skip


def test_demo_project_is_qa_clean_reviewed_and_compliant(
    session: Session, client: TestClient
) -> None:
    supplier = factories.account(session, "Food Master")
    studio = seed_transcreation(session, supplier)
    assert (studio.segments, studio.blocking) == (len(BANNER) + len(VOICEOVER), 0)
    segments = session.query(TranscreationSegment).filter_by(project_id=studio.project_id).all()
    assert {s.state.value for s in segments} == {"reviewed"}
    assert {s.origin for s in segments} == {"human"}
    session.commit()

    caller = factories.api_caller(session, account_id=supplier.id)
    project = client.get(f"{BASE}/{studio.project_id}", headers=caller.headers).json()
    by_slot = {s["slot"]: s for s in project["segments"]}
    assert project["assets"][0]["templates"] == ["728x90", "300x250"]  # rendered width checked
    assert by_slot["body"]["source"].startswith("Годовой запас")
    assert by_slot["body"]["target"].startswith("Бір жылдық")
    assert not [f for s in project["segments"] for f in s["findings"] if f["severity"] != "info"]

    report = client.get(f"{BASE}/{studio.project_id}/compliance", headers=caller.headers)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["compliant"] is True, body
    checks = {c["id"]: c["verdict"] for a in body["assets"] for c in a["checks"]}
    assert checks["kazakh.present"] == checks["kazakh.complete"] == "pass"
    assert checks["trademarks.unchanged"] == "pass"

    stranger = factories.api_caller(session, account_id=factories.account(session, "Other").id)
    other = client.get(f"{BASE}/{studio.project_id}/compliance", headers=stranger.headers)
    assert other.status_code == 404
