"""The creator exchange over HTTP: the whole flow, and who may see and change what."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jarnama.tenancy.models import AccountKind, Role, Scope
from tests.factories import Caller, account, api_caller, network_admin

BASE = "/api/v1/creators"
IIN_A = "900515300018"
IIN_B = "880212400120"
CARD = "4400430123456789"


@dataclass
class Http:
    """Callers and the offer of the HTTP tests."""

    admin: Caller
    adv: Caller
    adv_analyst: Caller
    other_adv: Caller
    creator: Caller
    creator2: Caller
    offer: dict[str, Any]
    part: dict[str, Any]


def _profile(name: str, iin: str) -> dict[str, Any]:
    return {
        "display_name": name,
        "platforms": [{"platform": "instagram", "handle": name.lower(), "followers": 9_000}],
        "audience_cities": {"Almaty": 0.7},
        "tax_status": "individual",
        "tax_id": iin,
        "payout": {"method": "kaspi_card", "number": CARD},
    }


@pytest.fixture
def http(client: TestClient, session: Session) -> Http:
    """An advertiser with an active offer and one approved creator, over the API."""
    adv_id = account(session, "Magnum").id
    other_id = account(session, "Small Shop").id
    c1 = account(session, "Aigerim", AccountKind.CREATOR).id
    c2 = account(session, "Dana", AccountKind.CREATOR).id
    session.commit()
    h = Http(
        admin=network_admin(session),
        adv=api_caller(session, account_id=adv_id),
        adv_analyst=api_caller(session, role=Role.ACCOUNT_ANALYST, account_id=adv_id),
        other_adv=api_caller(session, account_id=other_id),
        creator=api_caller(session, role=Role.CREATOR, account_id=c1),
        creator2=api_caller(session, role=Role.CREATOR, account_id=c2),
        offer={},
        part={},
    )
    body = {
        "name": "Kefir launch",
        "landing_url": "https://magnum.kz/kefir?utm_source=jarnama",
        "goals": [{"goal": "sale", "kind": "percent", "percent_bp": 1000}],
        "hold_days": 7,
    }
    r = client.post(f"{BASE}/offers", json=body, headers=h.adv.headers)
    assert r.status_code == 201, r.text
    h.offer = r.json()
    r = client.post(
        f"{BASE}/offers/{h.offer['id']}/status", json={"status": "active"}, headers=h.adv.headers
    )
    assert r.status_code == 200, r.text
    for caller, name, iin in ((h.creator, "Aigerim", IIN_A), (h.creator2, "Dana", IIN_B)):
        r = client.put(f"{BASE}/profile", json=_profile(name, iin), headers=caller.headers)
        assert r.status_code == 200, r.text
    r = client.post(f"{BASE}/offers/{h.offer['id']}/apply", json={}, headers=h.creator.headers)
    assert r.status_code == 201, r.text
    h.part = r.json()
    return h


def test_offer_creation_shows_the_postback_credentials_once(client: TestClient, http: Http) -> None:
    assert http.offer["postback_token"]
    shown = client.get(f"{BASE}/offers/{http.offer['id']}", headers=http.adv.headers).json()
    assert "postback_token" not in shown
    assert "postback_secret" not in shown


def test_the_whole_flow_from_click_to_payout(client: TestClient, http: Http) -> None:
    offer_id = http.offer["id"]
    assert http.part["status"] == "approved"
    code = http.part["codes"][0]["code"]
    slug = http.part["links"][0]["slug"]
    r = client.get(f"/c/{slug}", follow_redirects=False)
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith("https://magnum.kz/kefir?utm_source=jarnama&jr_click=")
    click_id = location.rsplit("=", 1)[1]
    params = {
        "token": http.offer["postback_token"],
        "order_id": "M-1",
        "amount": "200000",
        "click_id": click_id,
    }
    r = client.get(f"{BASE}/postback/{offer_id}", params=params)
    assert r.status_code == 200, r.text
    conversion_id = r.json()["conversion_id"]
    assert r.json()["payout_tiyn"] == 2_000_000
    again = client.get(f"{BASE}/postback/{offer_id}", params=params).json()
    assert again["duplicate"] is True
    body = b'{"order_id": "M-2", "amount": 5000.50, "promo_code": "%s"}' % code.encode()
    signature = hmac.new(http.offer["postback_secret"].encode(), body, hashlib.sha256).hexdigest()
    r = client.post(
        f"{BASE}/postback/{offer_id}",
        content=body,
        headers={"content-type": "application/json", "x-signature": signature},
    )
    assert r.status_code == 200, r.text
    assert r.json()["payout_tiyn"] == 50_005
    # No escrow yet: the advertiser's approval is refused with the reason.
    r = client.post(f"{BASE}/conversions/{conversion_id}/approve", headers=http.adv.headers)
    assert r.status_code == 409
    assert r.json()["error"] == "insufficient_escrow"
    r = client.post(
        f"{BASE}/escrow/deposits",
        json={"advertiser_account_id": http.adv.account_id, "amount_tiyn": 10_000_000},
        headers=http.admin.headers,
    )
    assert r.status_code == 200, r.text
    r = client.post(f"{BASE}/conversions/{conversion_id}/approve", headers=http.adv.headers)
    assert r.json()["status"] == "approved"
    assert r.json()["tax_tiyn"] == 200_000
    detail = client.get(f"{BASE}/conversions/{conversion_id}", headers=http.creator.headers)
    assert [e["kind"] for e in detail.json()["history"]] == ["reported", "approved"]
    balance = client.get(f"{BASE}/balances/{http.creator.account_id}", headers=http.creator.headers)
    assert balance.json()["creator_payable_tiyn"] == 1_800_000
    batch = client.post(f"{BASE}/payout-batches", headers=http.admin.headers)
    assert batch.status_code == 201, batch.text
    csv_text = client.get(
        f"{BASE}/payout-batches/{batch.json()['id']}/csv", headers=http.admin.headers
    )
    assert csv_text.headers["content-type"].startswith("text/csv")
    assert CARD in csv_text.text
    paid = client.post(
        f"{BASE}/payout-batches/{batch.json()['id']}/paid", headers=http.admin.headers
    )
    assert paid.json()["status"] == "paid"
    assert (
        client.get(f"{BASE}/conversions/{conversion_id}", headers=http.creator.headers).json()[
            "status"
        ]
        == "paid"
    )


def test_refused_postbacks_name_the_reason(client: TestClient, http: Http) -> None:
    url = f"{BASE}/postback/{http.offer['id']}"
    r = client.get(url, params={"token": "wrong", "order_id": "X"})
    assert (r.status_code, r.json()["error"]) == (401, "bad_token")
    r = client.get(
        url,
        params={
            "token": http.offer["postback_token"],
            "order_id": "X",
            "amount": "10",
            "promo_code": "NOPE-9999",
        },
    )
    assert (r.status_code, r.json()["error"], r.json()["field"]) == (
        400,
        "unknown_promo_code",
        "promo_code",
    )
    r = client.post(url, content=b"[1]", headers={"content-type": "application/json"})
    assert r.json()["error"] == "malformed_body"


def test_creators_see_only_their_own_data(client: TestClient, http: Http) -> None:
    params = {
        "token": http.offer["postback_token"],
        "order_id": "T-1",
        "amount": "1000",
        "promo_code": http.part["codes"][0]["code"],
    }
    cid = client.get(f"{BASE}/postback/{http.offer['id']}", params=params).json()["conversion_id"]
    mine = client.get(f"{BASE}/conversions", headers=http.creator.headers).json()["items"]
    assert [c["id"] for c in mine] == [cid]
    assert client.get(f"{BASE}/conversions", headers=http.creator2.headers).json()["items"] == []
    for caller in (http.creator2, http.other_adv):
        assert client.get(f"{BASE}/conversions/{cid}", headers=caller.headers).status_code == 404
    other = http.creator2.account_id
    for path in (
        f"/balances/{other}",
        f"/statements/{other}?month=2026-01",
        f"/statements/{other}/csv?month=2026-01",
        f"/tax-summary/{other}?year=2026",
        f"/participations/{http.part['id']}",
    ):
        if path.startswith("/participations"):
            r = client.get(BASE + path, headers=http.creator2.headers)
        else:
            r = client.get(BASE + path, headers=http.creator.headers)
        assert r.status_code == 404, path
    # A creator cannot decline, approve or refund anything, even its own conversion.
    decline = {"reason": "fraud", "text": "I declare fraud", "evidence": ["x.png"]}
    r = client.post(f"{BASE}/conversions/{cid}/decline", json=decline, headers=http.creator.headers)
    assert r.status_code == 403
    # The creator's profile shows personal data masked only.
    profile = client.get(
        f"{BASE}/profiles/{http.creator.account_id}", headers=http.creator.headers
    ).json()
    assert IIN_A not in str(profile)
    assert CARD not in str(profile)
    assert profile["tax_id_masked"].endswith(IIN_A[-4:])


def test_advertisers_see_only_their_offers(client: TestClient, http: Http) -> None:
    offer_id = http.offer["id"]
    assert (
        client.get(f"{BASE}/offers/{offer_id}", headers=http.other_adv.headers).status_code == 404
    )
    listed = client.get(f"{BASE}/offers", headers=http.other_adv.headers).json()["items"]
    assert listed == []
    r = client.patch(
        f"{BASE}/offers/{offer_id}", json={"name": "Mine now"}, headers=http.other_adv.headers
    )
    assert r.status_code == 404
    # Creators browse active offers; a draft of another advertiser stays hidden.
    body = {
        "name": "Secret",
        "landing_url": "https://shop.kz/x",
        "goals": [{"goal": "lead", "kind": "fixed", "fixed_tiyn": 50_000}],
    }
    draft = client.post(f"{BASE}/offers", json=body, headers=http.other_adv.headers).json()
    seen = client.get(f"{BASE}/offers", headers=http.creator.headers).json()["items"]
    assert [o["id"] for o in seen] == [offer_id]
    assert (
        client.get(f"{BASE}/offers/{draft['id']}", headers=http.creator.headers).status_code == 404
    )
    # The advertiser sees its applicant's profile, with the tax notice, but not others'.
    r = client.get(f"{BASE}/profiles/{http.creator.account_id}", headers=http.adv.headers)
    assert r.status_code == 200
    r = client.get(f"{BASE}/profiles/{http.creator2.account_id}", headers=http.adv.headers)
    assert r.status_code == 404


def test_read_only_callers_cannot_write(client: TestClient, http: Http, session: Session) -> None:
    r = client.patch(
        f"{BASE}/offers/{http.offer['id']}", json={"name": "x"}, headers=http.adv_analyst.headers
    )
    assert r.status_code == 403
    reader = api_caller(session, account_id=http.adv.account_id, scopes=(Scope.READ,))
    assert client.get(f"{BASE}/offers", headers=reader.headers).status_code == 200
    r = client.post(
        f"{BASE}/offers/{http.offer['id']}/status",
        json={"status": "paused"},
        headers=reader.headers,
    )
    assert r.status_code == 403
    assert client.post(f"{BASE}/payout-batches", headers=http.adv.headers).status_code == 403


def test_bad_identifiers_are_refused_naming_the_field(client: TestClient, http: Http) -> None:
    bad = _profile("Aigerim", "900515300017")
    r = client.put(f"{BASE}/profile", json=bad, headers=http.creator.headers)
    assert (r.status_code, r.json()["field"]) == (400, "tax_id")
    bad = _profile("Aigerim", IIN_A) | {
        "payout": {"method": "iban", "number": "KZ19722S000012345678"}
    }
    r = client.put(f"{BASE}/profile", json=bad, headers=http.creator.headers)
    assert (r.status_code, r.json()["field"]) == (400, "payout.number")
    r = client.put(f"{BASE}/profile", json=_profile("Other", IIN_A), headers=http.creator2.headers)
    assert r.status_code == 409  # one IIN, one creator account


def test_post_label_checks_over_http(client: TestClient, http: Http) -> None:
    body = {
        "offer_id": http.offer["id"],
        "platform": "instagram",
        "url": "https://instagram.com/p/abc",
        "caption": "Жарнама. Жаңа айран!",
    }
    r = client.post(f"{BASE}/posts", json=body, headers=http.creator.headers)
    assert r.status_code == 201, r.text
    assert r.json()["label_ok"] is True
    assert "реклама" in r.json()["label_problems"][0]  # the brief asked for «реклама»
    body["caption"] = "Новый айран! #реклама"
    r = client.post(f"{BASE}/posts", json=body, headers=http.creator.headers)
    assert r.json()["label_ok"] is False
    assert client.post(f"{BASE}/posts", json=body, headers=http.creator2.headers).status_code == 404
