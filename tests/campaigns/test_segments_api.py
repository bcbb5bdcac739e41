"""Audience segments: defined by the network admin, members imported from CSV, hashed."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.campaigns.models import AudienceSegmentMember
from jarnama.campaigns.segments import hash_user_id
from tests.campaigns.helpers import (
    World,
    audit_entries,
    create_ad_group,
    create_campaign,
    error_of,
    listing_body,
)

URL = "/api/v1/audience-segments"
CSV = {"Content-Type": "text/csv"}


def _segment(client: TestClient, world: World, code: str, name: str) -> dict[str, object]:
    response = client.post(URL, json={"code": code, "name": name}, headers=world.admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_only_network_admins_define_segments(
    client: TestClient, session: Session, world: World
) -> None:
    body = {"code": "loyal-dairy", "name": "Молочные покупатели"}
    assert client.post(URL, json=body, headers=world.a.headers).status_code == 403
    created = _segment(client, world, "loyal-dairy", "Молочные покупатели")
    assert created["member_count"] == 0
    duplicate = client.post(URL, json=body, headers=world.admin.headers)
    assert error_of(duplicate)[:2] == (409, "code")
    bad_code = client.post(URL, json={"code": "Bad Code", "name": "x"}, headers=world.admin.headers)
    assert error_of(bad_code)[:2] == (422, "code")
    listed = client.get(URL, headers=world.a.headers).json()["items"]
    assert [s["code"] for s in listed] == ["loyal-dairy"]
    renamed = client.patch(
        f"{URL}/{created['id']}", json={"name": "Сүт сатып алушылар"}, headers=world.admin.headers
    )
    assert renamed.json()["name"] == "Сүт сатып алушылар"
    assert (
        client.patch(
            f"{URL}/{created['id']}", json={"name": "x"}, headers=world.a.headers
        ).status_code
        == 403
    )
    assert [
        e.action for e in audit_entries(session, "audience_segment", int(str(created["id"])))
    ] == [
        "create",
        "update",
    ]


def test_import_stores_hashes_and_reports_bad_rows(
    client: TestClient, session: Session, world: World
) -> None:
    dairy = _segment(client, world, "loyal-dairy", "Dairy")
    _segment(client, world, "new-parents", "New parents")
    csv_text = (
        "\ufeffSegment,User_ID\n"
        "loyal-dairy,card-0001\n"
        "loyal-dairy, card-0002 \n"
        "new-parents,card-0001\n"
        "loyal-dairy,card-0001\n"
        "unknown-seg,card-0003\n"
        "loyal-dairy,\n"
        ",card-0004\n"
        "loyal-dairy,card-0005,extra\n"
        "\n"
        f"loyal-dairy,{'x' * 300}\n"
    )
    response = client.post(
        f"{URL}/import", content=csv_text.encode(), headers={**world.admin.headers, **CSV}
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["rows"] == 9
    assert report["imported"] == 3
    assert report["already_present"] == 1
    assert report["errors_truncated"] is False
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (6, "segment"),
        (7, "user_id"),
        (8, "segment"),
        (9, "row"),
        (11, "user_id"),
    ]
    assert "unknown-seg" in report["errors"][0]["reason"]

    stored = session.scalars(
        select(AudienceSegmentMember.user_hash).where(
            AudienceSegmentMember.segment_id == dairy["id"]
        )
    ).all()
    expected = {hashlib.sha256(b"card-0001").hexdigest(), hashlib.sha256(b"card-0002").hexdigest()}
    assert set(stored) == expected
    assert hash_user_id(" card-0002 ") == hashlib.sha256(b"card-0002").hexdigest()
    assert client.get(f"{URL}/{dairy['id']}", headers=world.a.headers).json()["member_count"] == 2

    again = client.post(
        f"{URL}/import",
        content=b"segment,user_id\nloyal-dairy,card-0001\nloyal-dairy,card-0009\n",
        headers={**world.admin.headers, **CSV},
    ).json()
    assert (again["imported"], again["already_present"], again["errors"]) == (1, 1, [])
    entries = audit_entries(session, "audience_segment", int(str(dairy["id"])))
    assert entries[-1].action == "import"
    assert entries[-1].after == {"code": "loyal-dairy", "added": 1, "already_present": 1}


def test_import_refuses_files_it_cannot_read(client: TestClient, world: World) -> None:
    headers = {**world.admin.headers, **CSV}
    cases = [
        (b"card,segment_code\nx,y\n", "header"),
        (b"", "file"),
        (b"segment,user_id\nloyal,\xff\xfe\n", "file"),
    ]
    for content, field in cases:
        response = client.post(f"{URL}/import", content=content, headers=headers)
        assert error_of(response)[:2] == (400, field), response.text
    refused = client.post(f"{URL}/import", content=b"segment,user_id\n", headers=world.a.headers)
    assert refused.status_code == 403


def test_ad_groups_target_segments_by_id(client: TestClient, world: World) -> None:
    segment = _segment(client, world, "loyal-dairy", "Dairy")
    campaign = create_campaign(client, world.a)
    group = create_ad_group(
        client,
        world.a,
        listing_body(campaign["id"], world.milk_a, audience_segment_ids=[segment["id"]]),
    )
    assert group["audience_segment_ids"] == [segment["id"]]
