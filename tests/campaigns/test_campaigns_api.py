"""Campaigns through the API: create, validate, change, move through statuses, list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from jarnama.campaigns.models import Campaign, CampaignStatus, PacingMode
from jarnama.campaigns.schemas import CampaignOut
from tests.campaigns.helpers import (
    World,
    audit_entries,
    audit_total,
    campaign_body,
    create_campaign,
    error_of,
    in_days,
)
from tests.factories import Caller

URL = "/api/v1/campaigns"


def test_create_campaign_starts_as_even_paced_draft_and_is_audited(
    client: TestClient, session: Session, world: World
) -> None:
    created = create_campaign(client, world.a)
    assert created["account_id"] == world.a_id
    assert created["status"] == "draft"
    assert created["pacing"] == "even"
    assert created["daily_budget_tiyn"] == 500_000
    assert created["starts_at"].startswith("2029-12-31T19:00:00")  # stored as UTC
    entries = audit_entries(session, "campaign", created["id"])
    assert [e.action for e in entries] == ["create"]
    assert entries[0].account_id == world.a_id
    assert entries[0].after is not None
    assert entries[0].after["name"] == "Сүт апталығы"
    shown = client.get(f"{URL}/{created['id']}", headers=world.a.headers)
    assert shown.status_code == 200
    assert shown.json() == created


def test_a_campaign_needs_at_least_one_budget(client: TestClient, world: World) -> None:
    body = campaign_body(daily_budget_tiyn=None, total_budget_tiyn=None)
    response = client.post(URL, json=body, headers=world.a.headers)
    assert error_of(response)[:2] == (400, "daily_budget_tiyn")
    only_total = campaign_body(daily_budget_tiyn=None)
    assert client.post(URL, json=only_total, headers=world.a.headers).status_code == 201


def test_budget_and_schedule_errors_name_the_field(client: TestClient, world: World) -> None:
    cases = [
        (campaign_body(daily_budget_tiyn=20_000_000), 400, "daily_budget_tiyn"),
        (campaign_body(ends_at="2029-06-01T00:00:00Z"), 400, "ends_at"),
        (campaign_body(daily_budget_tiyn=12.5), 422, "daily_budget_tiyn"),
        (campaign_body(daily_budget_tiyn=0), 422, "daily_budget_tiyn"),
        (campaign_body(starts_at="2030-01-01T00:00:00"), 422, "starts_at"),
        (campaign_body(pacing="sometimes"), 422, "pacing"),
        (campaign_body(name=""), 422, "name"),
    ]
    for body, status, field in cases:
        response = client.post(URL, json=body, headers=world.a.headers)
        assert error_of(response)[:2] == (status, field), (body, response.text)


def test_dayparting_is_stored_per_weekday_in_almaty_hours(client: TestClient, world: World) -> None:
    dayparting = {
        "sat": [{"from_hour": 10, "to_hour": 14}],
        "mon": [{"from_hour": 18, "to_hour": 24}, {"from_hour": 7, "to_hour": 10}],
    }
    created = create_campaign(client, world.a, dayparting=dayparting)
    assert created["dayparting"] == {
        "mon": [{"from_hour": 7, "to_hour": 10}, {"from_hour": 18, "to_hour": 24}],
        "sat": [{"from_hour": 10, "to_hour": 14}],
    }
    overlapping = {"mon": [{"from_hour": 7, "to_hour": 12}, {"from_hour": 11, "to_hour": 13}]}
    response = client.post(URL, json=campaign_body(dayparting=overlapping), headers=world.a.headers)
    assert error_of(response)[:2] == (400, "dayparting.mon.1")
    backwards = {"tue": [{"from_hour": 9, "to_hour": 9}]}
    response = client.post(URL, json=campaign_body(dayparting=backwards), headers=world.a.headers)
    assert error_of(response)[:2] == (400, "dayparting.tue.0.to_hour")
    nothing: dict[str, list[object]] = {"tue": []}
    response = client.post(URL, json=campaign_body(dayparting=nothing), headers=world.a.headers)
    assert error_of(response)[:2] == (400, "dayparting")
    unknown_day = {"someday": [{"from_hour": 1, "to_hour": 2}]}
    response = client.post(URL, json=campaign_body(dayparting=unknown_day), headers=world.a.headers)
    assert response.status_code == 422


def test_update_changes_only_the_fields_sent(
    client: TestClient, session: Session, world: World
) -> None:
    created = create_campaign(client, world.a, pacing="asap")
    response = client.patch(
        f"{URL}/{created['id']}",
        json={"total_budget_tiyn": None, "name": "Молоко неделя"},
        headers=world.a.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["total_budget_tiyn"] is None
    assert updated["daily_budget_tiyn"] == 500_000
    assert updated["pacing"] == "asap"
    assert updated["name"] == "Молоко неделя"
    entry = audit_entries(session, "campaign", created["id"])[-1]
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.before["total_budget_tiyn"] == 10_000_000
    assert entry.after is not None
    assert entry.after["total_budget_tiyn"] is None

    both_gone = client.patch(
        f"{URL}/{created['id']}", json={"daily_budget_tiyn": None}, headers=world.a.headers
    )
    assert error_of(both_gone)[:2] == (400, "daily_budget_tiyn")
    null_name = client.patch(f"{URL}/{created['id']}", json={"name": None}, headers=world.a.headers)
    assert error_of(null_name)[:2] == (400, "name")


def test_status_transitions(client: TestClient, session: Session, world: World) -> None:
    created = create_campaign(client, world.a)
    url = f"{URL}/{created['id']}/status"

    def move(status: str) -> tuple[int, str | None, str]:
        return error_of(client.post(url, json={"status": status}, headers=world.a.headers))

    assert move("paused")[0] == 409  # a draft is not running
    assert move("bogus")[:2] == (400, "status")
    for status in ("active", "paused", "active", "ended"):
        response = client.post(url, json={"status": status}, headers=world.a.headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    code, _, detail = move("active")
    assert code == 409
    assert "from ended: archived" in detail
    edit = client.patch(f"{URL}/{created['id']}", json={"name": "x"}, headers=world.a.headers)
    assert edit.status_code == 409
    assert move("archived")[0] == 200
    assert move("active")[0] == 409
    actions = [e.action for e in audit_entries(session, "campaign", created["id"])]
    assert actions == ["create", "status", "status", "status", "status", "status"]


def test_a_campaign_whose_end_has_passed_cannot_be_activated(
    client: TestClient, world: World
) -> None:
    created = create_campaign(client, world.a, starts_at=in_days(-10), ends_at=in_days(-1))
    response = client.post(
        f"{URL}/{created['id']}/status", json={"status": "active"}, headers=world.a.headers
    )
    assert error_of(response)[:2] == (409, "ends_at")


def test_lists_are_cursor_paginated_and_filterable(client: TestClient, world: World) -> None:
    ids = [create_campaign(client, world.a, name=f"C{i}")["id"] for i in range(3)]
    client.post(f"{URL}/{ids[1]}/status", json={"status": "active"}, headers=world.a.headers)
    first = client.get(URL, params={"limit": 2}, headers=world.a.headers).json()
    assert [c["id"] for c in first["items"]] == ids[:2]
    second = client.get(
        URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=world.a.headers
    ).json()
    assert [c["id"] for c in second["items"]] == ids[2:]
    assert second["next_cursor"] is None
    active = client.get(URL, params={"status": "active"}, headers=world.a.headers).json()
    assert [c["id"] for c in active["items"]] == [ids[1]]
    bad_cursor = client.get(URL, params={"cursor": "nonsense!"}, headers=world.a.headers)
    assert error_of(bad_cursor)[:2] == (400, "cursor")


def test_read_only_callers_cannot_write(client: TestClient, session: Session, world: World) -> None:
    created = create_campaign(client, world.a)
    before = audit_total(session)
    for caller in (world.a_analyst, world.a_read_key):
        assert client.post(URL, json=campaign_body(), headers=caller.headers).status_code == 403
        patch = client.patch(f"{URL}/{created['id']}", json={"name": "x"}, headers=caller.headers)
        assert patch.status_code == 403
        status = client.post(
            f"{URL}/{created['id']}/status", json={"status": "active"}, headers=caller.headers
        )
        assert status.status_code == 403
        assert client.get(f"{URL}/{created['id']}", headers=caller.headers).status_code == 200
    assert audit_total(session) == before


def test_agency_acts_for_its_client_only(client: TestClient, world: World) -> None:
    for_client = create_campaign(client, world.agency, account_id=world.a_id)
    assert for_client["account_id"] == world.a_id
    own = client.post(URL, json=campaign_body(), headers=world.agency.headers)
    assert error_of(own)[:2] == (400, "account_id")
    foreign = client.post(
        URL, json=campaign_body(account_id=world.b_id), headers=world.agency.headers
    )
    assert foreign.status_code == 404
    listed = client.get(URL, headers=world.agency.headers).json()["items"]
    assert [c["id"] for c in listed] == [for_client["id"]]


def test_network_admin_names_the_advertiser(client: TestClient, world: World) -> None:
    unnamed = client.post(URL, json=campaign_body(), headers=world.admin.headers)
    assert unnamed.status_code == 403
    created = create_campaign(client, world.admin, account_id=world.b_id)
    assert created["account_id"] == world.b_id


def _end_passes(session: Session, *campaign_ids: int) -> None:
    """Time passes: the campaigns' ends_at is now an hour ago (no API write, so no audit)."""
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    session.execute(
        update(Campaign).where(Campaign.id.in_(campaign_ids)).values(ends_at=an_hour_ago)
    )
    session.commit()


def _start(client: TestClient, caller: Caller, *statuses: str, **fields: Any) -> int:
    created = create_campaign(client, caller, starts_at=in_days(-10), ends_at=in_days(5), **fields)
    for status in statuses:
        response = client.post(
            f"{URL}/{created['id']}/status", json={"status": status}, headers=caller.headers
        )
        assert response.status_code == 200, response.text
    return int(created["id"])


def test_a_campaign_whose_end_has_passed_reads_ended_in_answers_lists_and_filters(
    client: TestClient, session: Session, world: World
) -> None:
    running = _start(client, world.a, "active", name="running")
    over = _start(client, world.a, "active", name="over")
    paused_over = _start(client, world.a, "active", "paused", name="paused, over")
    paused = _start(client, world.a, "active", "paused", name="paused")
    ended_by_hand = _start(client, world.a, "active", "ended", name="ended by hand")
    draft_over = _start(client, world.a, name="draft, over")
    archived_over = _start(client, world.a, "archived", name="archived, over")
    other_tenant_over = _start(client, world.b, "active", name="B's, over")
    _end_passes(session, over, paused_over, draft_over, archived_over, other_tenant_over)
    audited = audit_total(session)

    shown = client.get(f"{URL}/{over}", headers=world.a.headers).json()
    assert shown["status"] == "ended"
    listed = client.get(URL, headers=world.a.headers).json()["items"]
    assert {c["id"]: c["status"] for c in listed} == {
        running: "active",
        over: "ended",
        paused_over: "ended",
        paused: "paused",
        ended_by_hand: "ended",
        draft_over: "draft",  # never ran: it stays a draft until someone moves ends_at
        archived_over: "archived",
    }

    def filtered(status: str, caller: Caller = world.a) -> list[int]:
        answer = client.get(URL, params={"status": status}, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    assert filtered("ended") == [over, paused_over, ended_by_hand]
    assert filtered("active") == [running]
    assert filtered("paused") == [paused]
    assert filtered("draft") == [draft_over]
    assert filtered("archived") == [archived_over]
    # Tenants see only their own, also among the computed ones.
    assert filtered("ended", world.b) == [other_tenant_over]
    assert other_tenant_over not in filtered("ended", world.agency)
    assert set(filtered("ended", world.admin)) == {
        over,
        paused_over,
        ended_by_hand,
        other_tenant_over,
    }
    # Reading is not writing: the end is computed, nothing was recorded.
    assert audit_total(session) == audited


def test_a_campaign_ended_by_its_schedule_can_be_archived_ended_or_reopened(
    client: TestClient, session: Session, world: World
) -> None:
    archive_me, end_me, reopen_me = (_start(client, world.a, "active") for _ in range(3))
    _end_passes(session, archive_me, end_me, reopen_me)

    def move(campaign_id: int, status: str) -> Any:
        return client.post(
            f"{URL}/{campaign_id}/status", json={"status": status}, headers=world.a.headers
        )

    for status in ("paused", "active"):
        code, field, detail = error_of(move(archive_me, status))
        assert (code, field) == (409, "ends_at"), detail
        assert "from ended: archived, ended" in detail
        assert "move ends_at later" in detail
    archived = move(archive_me, "archived")
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    entry = audit_entries(session, "campaign", archive_me)[-1]
    assert entry.action == "status"
    assert entry.before is not None
    assert entry.before["status"] == "active"
    assert entry.after is not None
    assert entry.after["status"] == "archived"

    # Ending it by hand makes it final: no more changes, not even a new end.
    assert move(end_me, "ended").json()["status"] == "ended"
    assert audit_entries(session, "campaign", end_me)[-1].action == "status"
    final = client.patch(f"{URL}/{end_me}", json={"ends_at": in_days(30)}, headers=world.a.headers)
    assert final.status_code == 409

    # Moving ends_at later reopens it with the status it had (the engine serves it again).
    reopened = client.patch(
        f"{URL}/{reopen_me}", json={"ends_at": in_days(30)}, headers=world.a.headers
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "active"
    entry = audit_entries(session, "campaign", reopen_me)[-1]
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["ends_at"] != entry.after["ends_at"]
    assert move(reopen_me, "paused").json()["status"] == "paused"


def test_shown_status_is_exact_at_the_instant_of_the_end() -> None:
    ends = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
    campaign = Campaign(
        id=1,
        account_id=1,
        name="x",
        daily_budget_tiyn=100,
        total_budget_tiyn=None,
        starts_at=ends - dt.timedelta(days=5),
        ends_at=ends,
        dayparting=None,
        status=CampaignStatus.ACTIVE,
        pacing=PacingMode.EVEN,
        created_at=ends,
        updated_at=ends,
    )
    just_before = ends - dt.timedelta(microseconds=1)
    assert CampaignOut.of(campaign, now=just_before).status is CampaignStatus.ACTIVE
    assert CampaignOut.of(campaign, now=ends).status is CampaignStatus.ENDED
    campaign.ends_at = None
    assert CampaignOut.of(campaign, now=ends + dt.timedelta(days=999)).status == "active"
