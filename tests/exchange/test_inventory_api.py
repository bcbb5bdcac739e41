"""Screens, screen groups and deals through the HTTP API: validation, tenancy, audit, import."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.exchange.helpers import Owners, audit_count, screen_payload

SCREENS = "/api/v1/exchange/screens"


def _create(client: TestClient, owners: Owners, **overrides: Any) -> dict[str, Any]:
    response = client.post(SCREENS, json=screen_payload(**overrides), headers=owners.a.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_media_owner_registers_a_screen_and_reads_it_back_exactly(
    client: TestClient, owners: Owners, session: Session
) -> None:
    created = _create(client, owners)
    assert created["account_id"] == owners.a_id
    assert created["orientation"] == "landscape"
    assert created["floor_cpm"] == "1500.0000"
    assert created["audience"] == {
        "multiplier": "12.5000",
        "source_type": 1,
        "vendor": "geopath.org",
    }
    assert created["operating_hours"]["mon"] == [{"open": "07:00", "close": "23:00"}]
    assert created["daypart_floors"][0]["start"] == "07:00"
    shown = client.get(f"{SCREENS}/{created['id']}", headers=owners.a.headers).json()
    assert shown == created
    assert audit_count(session, "exchange_screen") == 1


def test_unknown_venue_type_answers_400_naming_the_field(
    client: TestClient, owners: Owners
) -> None:
    response = client.post(
        SCREENS, json=screen_payload(venue_type_ids=[30101, 99999]), headers=owners.a.headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == "venue_type_ids"
    assert "99999" in response.json()["detail"]


def test_cross_field_rules_answer_400(client: TestClient, owners: Owners) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"orientation": "portrait"}, "orientation"),
        ({"slot_seconds": 90}, "slot_seconds"),
        ({"audience": {"multiplier": "3", "source_type": 1}}, "audience.vendor"),
        (
            {"operating_hours": {"mon": [{"open": "10:00", "close": "09:00"}]}},
            "operating_hours.mon.0.close",
        ),
        (
            {
                "operating_hours": {
                    "mon": [
                        {"open": "07:00", "close": "12:00"},
                        {"open": "11:00", "close": "13:00"},
                    ]
                }
            },
            "operating_hours.mon.1",
        ),
        (
            {
                "daypart_floors": [
                    {"days": ["sat"], "start": "12:00", "end": "12:00", "floor_cpm": "1"}
                ]
            },
            "daypart_floors.0.end",
        ),
    ]
    for overrides, field in cases:
        response = client.post(SCREENS, json=screen_payload(**overrides), headers=owners.a.headers)
        assert (response.status_code, response.json()["field"]) == (400, field), overrides


def test_portrait_is_derived_and_24_00_closes_at_midnight(
    client: TestClient, owners: Owners
) -> None:
    created = _create(
        client,
        owners,
        width_px=1080,
        height_px=1920,
        operating_hours={"fri": [{"open": "18:00", "close": "24:00"}]},
    )
    assert created["orientation"] == "portrait"
    assert created["operating_hours"] == {"fri": [{"open": "18:00", "close": "24:00"}]}


def test_malformed_bodies_are_422(client: TestClient, owners: Owners) -> None:
    for overrides in (
        {"lat": "91"},
        {"operating_hours": {"mon": [{"open": "7:00", "close": "23:00"}]}},
        {"floor_currency": "GBP"},
        {"blocked_domains": ["not a domain"]},
        {"floor_cpm": "1.23456"},
    ):
        response = client.post(SCREENS, json=screen_payload(**overrides), headers=owners.a.headers)
        assert response.status_code == 422, overrides


def test_a_media_owner_sees_only_its_own_screens(client: TestClient, owners: Owners) -> None:
    mine = _create(client, owners)
    theirs = client.post(SCREENS, json=screen_payload("AST-1"), headers=owners.b.headers).json()
    listed = client.get(SCREENS, headers=owners.a.headers).json()["items"]
    assert [s["id"] for s in listed] == [mine["id"]]
    assert client.get(f"{SCREENS}/{theirs['id']}", headers=owners.a.headers).status_code == 404
    patch = client.patch(f"{SCREENS}/{theirs['id']}", json={"name": "x"}, headers=owners.a.headers)
    assert patch.status_code == 404
    filtered = client.get(SCREENS, params={"account_id": owners.b_id}, headers=owners.a.headers)
    assert filtered.json()["items"] == []
    every = client.get(SCREENS, headers=owners.admin.headers).json()["items"]
    assert {s["id"] for s in every} == {mine["id"], theirs["id"]}


def test_screens_belong_to_media_owners_and_codes_are_unique(
    client: TestClient, owners: Owners
) -> None:
    refused = client.post(SCREENS, json=screen_payload(), headers=owners.advertiser.headers)
    assert (refused.status_code, refused.json()["field"]) == (400, "account_id")
    _create(client, owners)
    again = client.post(SCREENS, json=screen_payload(), headers=owners.a.headers)
    assert again.status_code == 409
    # Another owner may use the same code for its own screen.
    assert client.post(SCREENS, json=screen_payload(), headers=owners.b.headers).status_code == 201


def test_read_only_callers_cannot_write(client: TestClient, owners: Owners) -> None:
    created = _create(client, owners)
    for caller in (owners.a_analyst, owners.a_read_key):
        assert (
            client.post(SCREENS, json=screen_payload("X"), headers=caller.headers).status_code
            == 403
        )
        url = f"{SCREENS}/{created['id']}"
        assert client.patch(url, json={"name": "x"}, headers=caller.headers).status_code == 403
        assert client.get(url, headers=caller.headers).status_code == 200


def test_patch_rederives_orientation_and_keeps_rules(client: TestClient, owners: Owners) -> None:
    created = _create(client, owners)
    url = f"{SCREENS}/{created['id']}"
    turned = client.patch(url, json={"width_px": 1080, "height_px": 1920}, headers=owners.a.headers)
    assert turned.json()["orientation"] == "portrait"
    bad = client.patch(url, json={"venue_type_ids": [7]}, headers=owners.a.headers)
    assert bad.status_code == 200  # 7 is office_buildings, a known category id
    refused = client.patch(url, json={"loop_seconds": 5}, headers=owners.a.headers)
    assert (refused.status_code, refused.json()["field"]) == (400, "slot_seconds")
    cleared = client.patch(url, json={"floor_cpm": None}, headers=owners.a.headers)
    assert cleared.status_code == 400
    off = client.patch(url, json={"active": False}, headers=owners.a.headers).json()
    assert off["active"] is False
    assert (
        client.get(SCREENS, params={"active": True}, headers=owners.a.headers).json()["items"] == []
    )


def test_import_reports_every_refused_row_and_writes_nothing(
    client: TestClient, owners: Owners, session: Session
) -> None:
    rows = [
        screen_payload("ALA-1"),
        screen_payload("ALA-2", venue_type_ids=[123456]),
        screen_payload("ALA-3", lat="100"),
        screen_payload("ALA-1"),
        {"code": "ALA-4"},
    ]
    report = client.post(f"{SCREENS}/import", json={"rows": rows}, headers=owners.a.headers).json()
    assert report["applied"] is False
    by_row = {(e["row"], e["field"]) for e in report["errors"]}
    assert (2, "venue_type_ids") in by_row
    assert (3, "lat") in by_row
    assert (4, "code") in by_row
    assert (5, "name") in by_row
    assert client.get(SCREENS, headers=owners.a.headers).json()["items"] == []
    assert audit_count(session, "exchange_screen") == 0


def test_import_creates_and_updates_by_code(
    client: TestClient, owners: Owners, session: Session
) -> None:
    existing = _create(client, owners, code="ALA-1")
    rows = [
        screen_payload("ALA-1", name="Renamed", width_px=1080, height_px=1920),
        screen_payload("ALA-2"),
    ]
    dry = client.post(
        f"{SCREENS}/import", json={"rows": rows, "dry_run": True}, headers=owners.a.headers
    ).json()
    assert dry == {"applied": False, "created": 1, "updated": 1, "errors": []}
    report = client.post(f"{SCREENS}/import", json={"rows": rows}, headers=owners.a.headers)
    assert report.json() == {"applied": True, "created": 1, "updated": 1, "errors": []}
    shown = client.get(f"{SCREENS}/{existing['id']}", headers=owners.a.headers).json()
    assert (shown["name"], shown["orientation"]) == ("Renamed", "portrait")
    assert len(client.get(SCREENS, headers=owners.a.headers).json()["items"]) == 2
    assert audit_count(session, "exchange_screen") == 3


def test_import_refuses_a_bad_update_without_touching_the_stored_screen(
    client: TestClient, owners: Owners
) -> None:
    existing = _create(client, owners, code="ALA-1")
    rows = [screen_payload("ALA-1", name="Changed", slot_seconds=600, loop_seconds=60)]
    report = client.post(f"{SCREENS}/import", json={"rows": rows}, headers=owners.a.headers)
    assert report.json()["errors"] == [
        {"row": 1, "field": "slot_seconds", "detail": "a slot cannot be longer than the loop"}
    ]
    shown = client.get(f"{SCREENS}/{existing['id']}", headers=owners.a.headers).json()
    assert shown["name"] == existing["name"]


def test_groups_hold_only_the_owners_screens(client: TestClient, owners: Owners) -> None:
    one = _create(client, owners, code="ALA-1")
    two = _create(client, owners, code="ALA-2")
    theirs = client.post(SCREENS, json=screen_payload("AST-1"), headers=owners.b.headers).json()
    groups = "/api/v1/exchange/screen-groups"
    foreign = client.post(
        groups,
        json={"name": "Mix", "screen_ids": [one["id"], theirs["id"]]},
        headers=owners.a.headers,
    )
    assert (foreign.status_code, foreign.json()["field"]) == (404, "screen_ids")
    made = client.post(
        groups,
        json={"name": "Al-Farabi", "screen_ids": [two["id"], one["id"], one["id"]]},
        headers=owners.a.headers,
    )
    assert made.status_code == 201
    group = made.json()
    assert group["screen_ids"] == sorted([one["id"], two["id"]])
    dup = client.post(groups, json={"name": "Al-Farabi"}, headers=owners.a.headers)
    assert dup.status_code == 409
    changed = client.patch(
        f"{groups}/{group['id']}", json={"screen_ids": [two["id"]]}, headers=owners.a.headers
    ).json()
    assert changed["screen_ids"] == [two["id"]]
    assert client.get(f"{groups}/{group['id']}", headers=owners.b.headers).status_code == 404
    assert client.get(groups, headers=owners.b.headers).json()["items"] == []


def test_deals_cover_the_owners_screens_and_groups(client: TestClient, owners: Owners) -> None:
    one = _create(client, owners, code="ALA-1")
    deals = "/api/v1/exchange/deals"
    body = {
        "code": "JRN-DEAL-1",
        "name": "Shoro summer",
        "kind": "preferred",
        "floor_cpm": "3000",
        "bidders": ["alpha"],
        "screen_ids": [one["id"]],
    }
    made = client.post(deals, json=body, headers=owners.a.headers)
    assert made.status_code == 201, made.text
    assert made.json()["floor_cpm"] == "3000.0000"
    assert client.post(deals, json=body, headers=owners.a.headers).status_code == 409
    empty = client.post(
        deals, json={**body, "code": "D2", "screen_ids": []}, headers=owners.a.headers
    )
    assert empty.status_code == 400
    other = client.post(deals, json={**body, "code": "D3"}, headers=owners.b.headers)
    assert other.status_code == 404
    assert client.get(f"{deals}/{made.json()['id']}", headers=owners.b.headers).status_code == 404


def test_venue_types_come_from_the_packaged_taxonomy(client: TestClient, owners: Owners) -> None:
    venues = client.get("/api/v1/exchange/venue-types", headers=owners.a.headers).json()
    by_id = {v["id"]: v for v in venues}
    assert by_id[30101] == {
        "id": 30101,
        "code": "outdoor.billboards.roadside",
        "name": by_id[30101]["name"],
        "parent_id": 301,
    }
    assert len(venues) == 99


def test_creators_are_refused_everywhere(client: TestClient, session: Session) -> None:
    from jarnama.tenancy.models import AccountKind, Role
    from tests.factories import account, api_caller

    creator = account(session, "Blogger", kind=AccountKind.CREATOR)
    session.flush()
    caller = api_caller(session, role=Role.CREATOR, account_id=creator.id)
    assert client.get(SCREENS, headers=caller.headers).status_code == 403
