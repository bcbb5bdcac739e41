"""Bilingual banners: every template renders at its size, Kazakh first and never smaller."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.transcreation import banners
from jarnama.transcreation.compliance import Verdict, report
from jarnama.transcreation.kazakh import KAZAKH_CYRILLIC
from jarnama.transcreation.settings import TranscreationSettings
from tests import factories
from tests.transcreation.conftest import require_system

FONT = TranscreationSettings().banner_font
BOLD = TranscreationSettings().banner_bold_font
KK = "31 желтоқсанға дейін барлық тауарларға 20% жеңілдік!"
RU = "Скидка 20% на все товары до 31 декабря!"


@pytest.fixture(scope="module", autouse=True)
def _dejavu() -> None:
    require_system("fonts-dejavu-core", Path(FONT).is_file() and Path(BOLD).is_file())


def test_the_font_has_every_kazakh_letter_and_the_tenge_sign() -> None:
    assert banners.missing_glyphs("".join(sorted(KAZAKH_CYRILLIC)) + "₸№«»—", FONT) == []
    assert banners.missing_glyphs("".join(sorted(KAZAKH_CYRILLIC)), BOLD) == []
    assert banners.missing_glyphs("сүт 🥛", FONT) == ["🥛"]


@pytest.mark.parametrize("name", sorted(banners.TEMPLATES))
def test_templates_render_kazakh_first_and_not_smaller(name: str) -> None:
    template = banners.TEMPLATES[name]
    banner = banners.render(KK, RU, template, FONT, BOLD)
    image = Image.open(io.BytesIO(banner.png))
    assert image.format == "PNG"
    assert image.size == (template.width, template.height)
    kk, ru = banner.placed
    assert (kk.language, ru.language) == ("kk", "ru")
    assert (kk.y, kk.x) < (ru.y, ru.x)  # above, or to the left
    assert kk.font_px >= ru.font_px
    assert " ".join(kk.lines) == KK
    assert " ".join(ru.lines) == RU
    layout = report([], layout=banner.layout).checks
    assert {c.id: c.verdict for c in layout}["layout.kazakh_first"] is Verdict.PASS


def test_short_russian_never_outgrows_kazakh() -> None:
    banner = banners.render(KK, "Скидка", banners.TEMPLATES["1920x1080"], FONT, BOLD)
    kk, ru = banner.placed
    assert ru.font_px == kk.font_px


def test_text_is_fitted_to_the_box() -> None:
    small = banners.render(KK * 3, None, banners.TEMPLATES["728x90"], FONT, BOLD)
    large = banners.render(KK, None, banners.TEMPLATES["728x90"], FONT, BOLD)
    assert small.placed[0].font_px < large.placed[0].font_px
    with pytest.raises(InvalidInput, match="does not fit"):
        banners.render("Ұзақ " * 400, None, banners.TEMPLATES["728x90"], FONT, BOLD)


def test_missing_glyph_is_refused() -> None:
    with pytest.raises(banners.MissingGlyphs, match="🥛"):
        banners.render("Сүт 🥛", None, banners.TEMPLATES["300x250"], FONT, BOLD)


def test_banner_api(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = client.post(
        "/api/v1/transcreation/projects",
        json={
            "name": "Web",
            "assets": [{"name": "MPU", "slots": [{"slot": "headline", "source": RU}]}],
        },
        headers=caller.headers,
    ).json()
    url = f"/api/v1/transcreation/projects/{project['id']}/banners"
    assert client.post(url, json={}, headers=caller.headers).status_code == 400
    client.patch(
        f"/api/v1/transcreation/segments/{project['segments'][0]['id']}",
        json={"target": KK},
        headers=caller.headers,
    )
    answer = client.post(url, json={"template": "728x90"}, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(answer.content)).size == (728, 90)
    assert int(answer.headers["x-font-px-kk"]) >= int(answer.headers["x-font-px-ru"])
    refused = client.post(url, json={"kazakh": "Сүт 🥛"}, headers=caller.headers)
    assert refused.status_code == 400
    assert refused.json()["error"] == "missing_glyphs"
