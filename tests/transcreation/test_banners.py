"""Bilingual banners: every template renders at its size, Kazakh first and never smaller."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from jarnama.core.errors import InvalidInput
from jarnama.transcreation import banners
from jarnama.transcreation.compliance import LayoutBlock, Verdict, report
from jarnama.transcreation.kazakh import KAZAKH_CYRILLIC
from jarnama.transcreation.qa.findings import Severity
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


CTA_KK = "Қазір сатып алыңыз"
CTA_RU = "Купить сейчас"


def _logo_png(color: str = "#e06666") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (400, 200), color).save(out, format="PNG")
    return out.getvalue()


def _inside(inner: banners.Box, outer: banners.Box) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


def _overlap(a: banners.Box, b: banners.Box) -> bool:
    return not (
        a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y
        or b.y + b.height <= a.y
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(banners.TEMPLATES))
def test_templates_place_logo_headlines_and_cta_kazakh_first(name: str) -> None:
    template = banners.TEMPLATES[name]
    content = banners.BannerText(KK, RU, CTA_KK, CTA_RU, _logo_png())
    banner = banners.render(content, template, FONT, BOLD)
    image = Image.open(io.BytesIO(banner.png))
    assert image.format == "PNG"
    assert image.size == (template.width, template.height)
    canvas = banners.Box(0, 0, template.width, template.height)
    kk, ru = banner.element("headline", "kk"), banner.element("headline", "ru")
    cta_kk, cta_ru = banner.element("cta", "kk"), banner.element("cta", "ru")
    logo = banner.element("logo")
    # Kazakh above (or left of) Russian and never smaller, in the headline and in the button.
    assert (kk.y, kk.x) < (ru.y, ru.x)
    assert kk.font_px >= ru.font_px >= 1
    assert (cta_kk.y, cta_kk.x) < (cta_ru.y, cta_ru.x)
    assert cta_kk.font_px >= cta_ru.font_px
    assert kk.font_px >= template.min_font_px
    assert " ".join(kk.lines) == KK
    assert " ".join(ru.lines) == RU
    assert " ".join(cta_kk.lines) == CTA_KK
    # Every box is on the canvas; the CTA texts sit inside the button; nothing overlaps.
    button = template.box("cta")
    for placed in banner.placed:
        assert _inside(placed.box, canvas), placed
    assert _inside(cta_kk.box, button)
    assert _inside(cta_ru.box, button)
    assert _inside(logo.box, template.box("logo"))
    boxes = [logo.box, kk.box, ru.box, button]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # Each text's wrapped lines fit its box at the size drawn (measured in the font).
    for placed in (kk, ru, cta_kk, cta_ru):
        path = BOLD if placed.language == "kk" else FONT
        font = banners._font(path, placed.font_px)
        assert all(font.getlength(line) <= placed.box.width for line in placed.lines)
        assert len(placed.lines) * placed.font_px * banners.LINE_SPACING <= placed.box.height
    # The logo was drawn: the pixel at its centre has the logo's colour.
    centre = (logo.box.x + logo.box.width // 2, logo.box.y + logo.box.height // 2)
    assert image.convert("RGB").getpixel(centre) == (224, 102, 102)
    checks = {c.id: c.verdict for c in report([], layout=banner.layout).checks}
    assert checks["layout.kazakh_first"] is Verdict.PASS


def test_glyph_check_passes_for_kazakh_cyrillic_and_latin() -> None:
    from jarnama.transcreation.latin import to_latin

    every_letter = "".join(sorted(KAZAKH_CYRILLIC))
    assert banners.missing_glyphs(every_letter + "₸«»—", BOLD) == []
    assert banners.missing_glyphs(to_latin(every_letter), BOLD) == []
    banner = banners.render(
        banners.BannerText(to_latin(KK), RU, to_latin(CTA_KK), CTA_RU),
        banners.TEMPLATES["300x250"], FONT, BOLD,
    )  # fmt: skip
    assert banner.element("headline", "kk").lines[0].startswith("31 jeltoqsanğa")


def test_short_russian_never_outgrows_kazakh() -> None:
    content = banners.BannerText(KK, "Скидка", CTA_KK, "Купить")
    banner = banners.render(content, banners.TEMPLATES["1920x1080"], FONT, BOLD)
    assert banner.element("headline", "ru").font_px == banner.element("headline", "kk").font_px
    assert banner.element("cta", "ru").font_px <= banner.element("cta", "kk").font_px


def test_russian_placed_first_or_larger_fails_compliance() -> None:
    layout = [
        LayoutBlock("kk", 0, 100, 40, "headline"),
        LayoutBlock("ru", 0, 10, 40, "headline"),
        LayoutBlock("kk", 0, 300, 20, "cta"),
        LayoutBlock("ru", 0, 330, 24, "cta"),
    ]
    check = {c.id: c for c in report([], layout=layout).checks}["layout.kazakh_first"]
    assert check.verdict is Verdict.FAIL
    assert "headline: ru is placed before Kazakh" in check.detail
    assert "cta: Kazakh (20 px) is smaller than ru (24 px)" in check.detail


def test_text_is_fitted_to_the_box() -> None:
    template = banners.TEMPLATES["728x90"]
    small = banners.render(banners.BannerText(KK * 2), template, FONT, BOLD)
    large = banners.render(banners.BannerText(KK), template, FONT, BOLD)
    assert small.element("headline", "kk").font_px < large.element("headline", "kk").font_px
    with pytest.raises(InvalidInput, match="does not fit") as refused:
        banners.render(banners.BannerText("Ұзақ " * 400), template, FONT, BOLD)
    assert refused.value.field == "kazakh"


def test_rendered_width_finding_marks_what_overflows() -> None:
    template = banners.TEMPLATES["728x90"]
    box = template.text_box("headline", bilingual=True)
    assert box is not None
    fits = "Food Master сүті — күн сайын таза әрі жаңа"
    assert banners.rendered_width(fits, "headline", template, BOLD) == []
    # One word wider than the box at the minimum size: the finding spans that word.
    word = "Жеңілдіктер" * 4
    [finding] = banners.rendered_width(f"Жаңа {word}", "headline", template, BOLD)
    assert finding.rule == "kk.rendered-width"
    assert finding.severity is Severity.BLOCKING
    assert (finding.start, finding.end) == (5, 5 + len(word))
    assert f"{template.min_font_px} px" in finding.message
    # Too many lines: the finding starts at the first line that no longer fits.
    long = " ".join(["жеңілдік"] * 60)
    [lines] = banners.rendered_width(long, "headline", template, BOLD)
    font = banners._font(BOLD, template.min_font_px)
    wrapped = list(banners._lines(long, font, box.width))
    fitting = int(box.height // (template.min_font_px * banners.LINE_SPACING))
    assert lines.start == wrapped[fitting][0]
    assert lines.end == len(long)
    # The CTA is measured in its half of the button; other slots are not placed.
    assert banners.rendered_width("Қазір сатып алыңыз", "cta", template, BOLD) == []
    assert banners.rendered_width(" ".join(["алыңыз"] * 9), "cta", template, BOLD)
    assert banners.rendered_width(long, "legal", template, BOLD) == []


def test_bad_logo_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a PNG") as refused:
        banners.render(
            banners.BannerText(KK, logo=b"not an image"), banners.TEMPLATES["300x250"], FONT
        )
    assert refused.value.field == "logo"


def test_missing_glyph_is_refused() -> None:
    with pytest.raises(banners.MissingGlyphs, match="🥛"):
        banners.render(banners.BannerText("Сүт 🥛"), banners.TEMPLATES["300x250"], FONT, BOLD)


def test_banner_api(client: TestClient, session: Session) -> None:
    acct = factories.account(session, "Magnum")
    caller = factories.api_caller(session, account_id=acct.id)
    project = client.post(
        "/api/v1/transcreation/projects",
        json={
            "name": "Web",
            "assets": [
                {
                    "name": "MPU",
                    "templates": ["300x250", "728x90"],
                    "slots": [
                        {"slot": "headline", "source": RU},
                        {"slot": "cta", "source": CTA_RU},
                    ],
                }
            ],
        },
        headers=caller.headers,
    ).json()
    assert project["assets"][0]["templates"] == ["300x250", "728x90"]
    url = f"/api/v1/transcreation/projects/{project['id']}/banners"
    assert client.post(url, json={}, headers=caller.headers).status_code == 400
    headline, cta = project["segments"]
    client.patch(
        f"/api/v1/transcreation/segments/{headline['id']}",
        json={"target": KK},
        headers=caller.headers,
    )
    client.patch(
        f"/api/v1/transcreation/segments/{cta['id']}",
        json={"target": CTA_KK},
        headers=caller.headers,
    )
    logo = base64.b64encode(_logo_png()).decode()
    answer = client.post(
        url, json={"template": "728x90", "logo_base64": logo}, headers=caller.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(answer.content)).size == (728, 90)
    assert int(answer.headers["x-font-px-kk"]) >= int(answer.headers["x-font-px-ru"])
    assert int(answer.headers["x-cta-font-px-kk"]) >= int(answer.headers["x-cta-font-px-ru"])
    latin = client.post(url, json={"script": "latn"}, headers=caller.headers)
    assert latin.status_code == 200, latin.text
    refused = client.post(url, json={"kazakh": "Сүт 🥛"}, headers=caller.headers)
    assert refused.status_code == 400
    assert refused.json()["error"] == "missing_glyphs"
    bad_logo = client.post(url, json={"logo_base64": "!!!not-base64!!!"}, headers=caller.headers)
    assert bad_logo.status_code == 400
    assert bad_logo.json()["field"] == "logo_base64"
    # QA measures the rendered width of the headline in each of the asset's templates.
    word = "Жеңілдіктер" * 4
    edited = client.patch(
        f"/api/v1/transcreation/segments/{headline['id']}",
        json={"target": f"Жаңа {word}"},
        headers=caller.headers,
    ).json()
    widths = [f for f in edited["findings"] if f["rule"] == "kk.rendered-width"]
    assert {f["severity"] for f in widths} == {"blocking"}
    assert {(f["start"], f["end"]) for f in widths} == {(5, 5 + len(word))}
    assert any("728x90" in f["message"] for f in widths)
