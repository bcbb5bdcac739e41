"""Matrix rows of the transcreation studio.

Projects, TM and termbase belong to advertiser accounts: admins (and agencies for them) write,
analysts read, creators get 403 on every route. Paths name `home`'s project and segment.
"""

from __future__ import annotations

from typing import Any

from tests.matrix.case import ADMINS, NOT_CREATORS, Case, Kind, account_filter, advertiser, owned
from tests.matrix.world import Tenant, World
from tests.matrix.world_transcreation import TranscreationWorld

BASE = "/api/v1/transcreation"
XLIFF = (
    b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="ru"'
    b' trgLang="kk"><file id="f"><unit id="u"><segment id="0"><source>x</source></segment>'
    b"</unit></file></xliff>"
)
TMX = (
    '<tmx version="1.4"><header srclang="ru" segtype="sentence" o-tmf="t" adminlang="en"'
    ' datatype="plaintext" creationtool="t" creationtoolversion="1"/><body><tu>'
    '<tuv xml:lang="ru"><seg>Молоко</seg></tuv><tuv xml:lang="kk"><seg>Сүт</seg></tuv>'
    "</tu></body></tmx>"
).encode()
TERMS = b"source,target,kind\nMatrix,,brand\n"


def _tw(w: World) -> TranscreationWorld:
    assert w.transcreation is not None
    return w.transcreation


def _project(w: World, _t: Tenant) -> dict[str, Any]:
    return {"project_id": _tw(w).project_id}


def _segment(w: World, _t: Tenant) -> dict[str, Any]:
    return {"segment_id": _tw(w).segment_id}


def _home(w: World, _t: Tenant) -> dict[str, Any]:
    """The account filter naming `home` (creators act on `home`'s paths too)."""
    return {"account_id": w.home.account_id}


P = f"{BASE}/projects/{{project_id}}"
S = f"{BASE}/segments/{{segment_id}}"

ROWS: list[Case] = [
    Case(
        "POST", f"{BASE}/projects", Kind.WRITE, ADMINS, success=201,
        body=lambda w, t: {"account_id": advertiser(w, t).account_id, "name": "New"},
    ),
    Case(
        "GET", f"{BASE}/projects", Kind.LIST, NOT_CREATORS, query=account_filter,
        belongs_to=owned("account_id"),
    ),
    Case("GET", P, Kind.ONE, NOT_CREATORS, params=_project),
    Case(
        "POST", f"{P}/assets", Kind.WRITE, ADMINS, params=_project, success=201,
        body=lambda w, t: {"name": "Story", "slots": [{"slot": "cta", "source": "Купить"}]},
    ),
    Case("POST", f"{P}/qa", Kind.WRITE, ADMINS, params=_project),
    Case("POST", f"{P}/pretranslate", Kind.WRITE, ADMINS, params=_project),
    Case("GET", f"{P}/xliff", Kind.ONE, NOT_CREATORS, params=_project),
    Case(
        "PUT", f"{P}/xliff", Kind.WRITE, ADMINS, params=_project,
        content=(XLIFF, "application/xml"),
    ),
    Case("GET", f"{P}/compliance", Kind.ONE, NOT_CREATORS, params=_project),
    Case(
        "POST", f"{P}/voiceover", Kind.ONE, NOT_CREATORS, params=_project,
        body=lambda w, t: {"text": "Сүт", "spot_seconds": 15},
    ),
    Case(
        "POST", f"{P}/banners", Kind.ONE, NOT_CREATORS, params=_project,
        body=lambda w, t: {"kazakh": "Сүт", "russian": "Молоко", "template": "728x90"},
    ),
    Case("PATCH", S, Kind.WRITE, ADMINS, params=_segment, body=lambda w, t: {"target": "Сүт"}),
    Case(
        "POST", f"{S}/state", Kind.WRITE, ADMINS, params=_segment,
        body=lambda w, t: {"state": "reviewed"},
    ),
    Case(
        "POST", f"{S}/comments", Kind.WRITE, ADMINS, params=_segment, success=201,
        body=lambda w, t: {"text": "Жарайды"},
    ),
    Case("GET", f"{S}/comments", Kind.ONE, NOT_CREATORS, params=_segment),
    Case(
        "POST", f"{BASE}/tm/import", Kind.WRITE, ADMINS, query=_home,
        content=(TMX, "application/xml"),
    ),
    Case("GET", f"{BASE}/tm/export", Kind.ONE, NOT_CREATORS, query=_home),
    Case(
        "POST", f"{BASE}/termbase/import", Kind.WRITE, ADMINS, query=_home,
        content=(TERMS, "text/csv"),
    ),
    Case("GET", f"{BASE}/termbase/export", Kind.ONE, NOT_CREATORS, query=_home),
]  # fmt: skip
