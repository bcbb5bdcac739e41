"""Bilingual banners rendered with Pillow: Kazakh first and never smaller than Russian.

Each template is a size with fixed boxes: a logo area, the Kazakh headline, the Russian
headline, and a call-to-action button that holds the Kazakh CTA above the Russian one. Kazakh
takes the top (or left) box and Russian is capped at Kazakh's font size (Law «On Languages»,
Art. 21). Text is fitted to its box: the largest size whose word wrap fits, measured with
`ImageFont.getlength` in the template's font, never below the template's minimum size. Every
character is checked against the font's cmap before anything is drawn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from jarnama.core.errors import InvalidInput
from jarnama.transcreation.compliance import LayoutBlock
from jarnama.transcreation.qa.findings import Finding, Severity

LINE_SPACING = 1.2
RENDERED_WIDTH = "kk.rendered-width"
# Slots whose Kazakh text a banner template places (and whose rendered width QA measures).
PLACED_SLOTS = ("headline", "cta")
MAX_LOGO_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in pixels (origin top-left)."""

    x: int
    y: int
    width: int
    height: int

    def inset(self, pad: int) -> Box:
        """The box shrunk by `pad` pixels on every side."""
        return Box(self.x + pad, self.y + pad, self.width - 2 * pad, self.height - 2 * pad)

    def split(self, share: float, *, side: bool = False) -> tuple[Box, Box]:
        """Two boxes: the first `share` of the height (of the width when `side`) and the rest."""
        if side:
            first = int(self.width * share)
            return (
                Box(self.x, self.y, first, self.height),
                Box(self.x + first, self.y, self.width - first, self.height),
            )
        first = int(self.height * share)
        return (
            Box(self.x, self.y, self.width, first),
            Box(self.x, self.y + first, self.width, self.height - first),
        )


def _box(width: int, height: int, x0: float, y0: float, x1: float, y1: float) -> Box:
    """A box given as fractions of the banner's width and height."""
    return Box(int(width * x0), int(height * y0), int(width * (x1 - x0)), int(height * (y1 - y0)))


@dataclass(frozen=True, slots=True)
class Template:
    """A banner size: its boxes (fractions x0, y0, x1, y1), minimum font size and colours."""

    name: str
    width: int
    height: int
    logo: tuple[float, float, float, float]
    headline_kk: tuple[float, float, float, float]
    headline_ru: tuple[float, float, float, float]
    cta: tuple[float, float, float, float]
    # The smallest legible size at the format's viewing distance (screens are seen from metres).
    min_font_px: int
    background: str = "#0b5394"
    color: str = "#ffffff"
    accent: str = "#ffd966"
    button: str = "#ffd966"
    button_text: str = "#0b2e59"

    def box(self, name: str) -> Box:
        """One of the template's boxes in pixels: logo, headline_kk, headline_ru or cta."""
        x0, y0, x1, y1 = getattr(self, name)
        return _box(self.width, self.height, x0, y0, x1, y1)

    def cta_boxes(self, bilingual: bool) -> tuple[Box, Box | None]:
        """The Kazakh and (when bilingual) Russian text boxes inside the CTA button."""
        inner = self.box("cta").inset(max(2, self.box("cta").height // 10))
        if not bilingual:
            return inner, None
        kazakh, russian = inner.split(0.55)
        return kazakh, russian

    def text_box(self, slot: str, bilingual: bool) -> Box | None:
        """The box the Kazakh text of `slot` is fitted into (None: not placed by this template)."""
        if slot == "headline":
            return self.box("headline_kk")
        if slot == "cta":
            return self.cta_boxes(bilingual)[0]
        return None


TEMPLATES = {
    t.name: t
    for t in (
        # A landscape screen: logo top-left, Kazakh headline, Russian below, button bottom-right.
        Template("1920x1080", 1920, 1080, logo=(0.04, 0.05, 0.24, 0.2),
                 headline_kk=(0.04, 0.24, 0.96, 0.52), headline_ru=(0.04, 0.55, 0.96, 0.76),
                 cta=(0.6, 0.8, 0.96, 0.95), min_font_px=24),
        # A portrait screen: logo top, headlines stacked, a wide button near the bottom.
        Template("1080x1920", 1080, 1920, logo=(0.3, 0.04, 0.7, 0.14),
                 headline_kk=(0.06, 0.18, 0.94, 0.46), headline_ru=(0.06, 0.49, 0.94, 0.68),
                 cta=(0.15, 0.76, 0.85, 0.88), min_font_px=24),
        # The IAB medium rectangle.
        Template("300x250", 300, 250, logo=(0.05, 0.04, 0.4, 0.2),
                 headline_kk=(0.05, 0.23, 0.95, 0.5), headline_ru=(0.05, 0.52, 0.95, 0.72),
                 cta=(0.2, 0.76, 0.8, 0.95), min_font_px=10),
        # The IAB leaderboard: side by side, Kazakh left of Russian, the button at the right.
        Template("728x90", 728, 90, logo=(0.01, 0.1, 0.12, 0.9),
                 headline_kk=(0.14, 0.08, 0.47, 0.92), headline_ru=(0.49, 0.08, 0.76, 0.92),
                 cta=(0.78, 0.15, 0.98, 0.85), min_font_px=10),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class BannerText:
    """What a banner shows: the headline and CTA in Kazakh (and Russian), and a logo image."""

    headline_kk: str
    headline_ru: str | None = None
    cta_kk: str | None = None
    cta_ru: str | None = None
    logo: bytes | None = None

    def texts(self) -> list[str]:
        """Every text of the banner."""
        found = (self.headline_kk, self.headline_ru, self.cta_kk, self.cta_ru)
        return [t for t in found if t]


@dataclass(frozen=True, slots=True)
class Placed:
    """One element as drawn: its role, language, box, font size and wrapped lines."""

    role: str  # headline, cta, logo
    language: str | None
    box: Box
    font_px: int = 0
    lines: tuple[str, ...] = ()

    @property
    def x(self) -> int:
        """The left edge of the element's box."""
        return self.box.x

    @property
    def y(self) -> int:
        """The top edge of the element's box."""
        return self.box.y


@dataclass(frozen=True, slots=True)
class Banner:
    """A rendered banner: the PNG and where each element went."""

    png: bytes
    template: Template
    placed: tuple[Placed, ...]

    def element(self, role: str, language: str | None = None) -> Placed:
        """The placed element of a role (and language); KeyError when absent."""
        for placed in self.placed:
            if placed.role == role and placed.language == language:
                return placed
        raise KeyError((role, language))

    @property
    def layout(self) -> list[LayoutBlock]:
        """The text layout as the compliance report reads it."""
        return [
            LayoutBlock(p.language, p.x, p.y, p.font_px, p.role)
            for p in self.placed
            if p.language is not None
        ]


class MissingGlyphs(InvalidInput):
    """The font has no glyph for some characters of the text."""

    code = "missing_glyphs"


@lru_cache(maxsize=8)
def _cmap(font_path: str) -> frozenset[int]:
    with TTFont(font_path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, font_path: str) -> list[str]:
    """The characters of `text` the font has no glyph for (spaces and controls excepted)."""
    cmap = _cmap(font_path)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})


@lru_cache(maxsize=512)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass(frozen=True, slots=True)
class Overflow:
    """Why a text does not fit its box at a size, with the span of text that overflows."""

    start: int
    end: int
    reason: str


_WORD_RE = re.compile(r"\S+")


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> Iterator[tuple[int, int]]:
    """Greedy word wrap as (start, end) spans of `text`; a too-wide word is its own line."""
    for paragraph in re.finditer(r"[^\n]+", text):
        start = end = -1
        for word in _WORD_RE.finditer(paragraph.group()):
            w_start, w_end = paragraph.start() + word.start(), paragraph.start() + word.end()
            if start < 0:
                start, end = w_start, w_end
            elif font.getlength(" ".join(text[start:w_end].split())) <= width:
                end = w_end
            else:
                yield start, end
                start, end = w_start, w_end
        if start >= 0:
            yield start, end


def overflow(text: str, font_path: str, box: Box, size: int) -> Overflow | None:
    """Where `text` overflows `box` at `size` px (None when it fits): a word or the lines."""
    font = _font(font_path, size)
    spans = list(_lines(text, font, box.width))
    for start, end in spans:
        for word in _WORD_RE.finditer(text, start, end):
            if font.getlength(word.group()) > box.width:
                return Overflow(
                    word.start(),
                    word.end(),
                    f"«{word.group()}» is {font.getlength(word.group()):.0f} px wide at {size} px; "
                    f"the box is {box.width} px",
                )
    fitting = int(box.height // (size * LINE_SPACING))
    if len(spans) > fitting:
        return Overflow(
            spans[fitting][0],
            len(text.rstrip()),
            f"{len(spans)} lines at {size} px; the {box.width}×{box.height} px box holds {fitting}",
        )
    return None


def _wrapped(text: str, font_path: str, box: Box, size: int) -> tuple[str, ...]:
    font = _font(font_path, size)
    return tuple(" ".join(text[s:e].split()) for s, e in _lines(text, font, box.width))


def fit(
    text: str, font_path: str, box: Box, *, max_px: int, min_px: int, field: str = "kazakh"
) -> tuple[int, tuple[str, ...]]:
    """The largest font size in [min_px, max_px] at which `text` wraps into `box`.

    400 when it does not fit even at `min_px` (the template's smallest legible size).
    """
    best: int | None = None
    low, high = min_px, max(min_px, max_px)
    while low <= high:
        size = (low + high) // 2
        if overflow(text, font_path, box, size) is None:
            best = size
            low = size + 1
        else:
            high = size - 1
    if best is None:
        problem = overflow(text, font_path, box, min_px)
        detail = f": {problem.reason}" if problem else ""
        raise InvalidInput(
            f"the text does not fit {box.width}×{box.height} px even at {min_px} px{detail}",
            field=field,
        )
    return best, _wrapped(text, font_path, box, best)


def rendered_width(
    text: str, slot: str, template: Template, font_path: str, *, bilingual: bool = True
) -> list[Finding]:
    """A blocking finding when the Kazakh text of `slot` cannot fit its box at the minimum size."""
    box = template.text_box(slot, bilingual)
    if box is None or not text.strip():
        return []
    problem = overflow(text, font_path, box, template.min_font_px)
    if problem is None:
        return []
    return [
        Finding(
            RENDERED_WIDTH,
            Severity.BLOCKING,
            problem.start,
            problem.end,
            f"does not fit the {slot} box of the {template.name} banner "
            f"({box.width}×{box.height} px) at its minimum {template.min_font_px} px: "
            f"{problem.reason}",
        )
    ]


def _logo(data: bytes, box: Box) -> Image.Image:
    """The logo image scaled (aspect kept) to fit inside `box`; 400 for a file that is no image."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(f"the logo is larger than {MAX_LOGO_BYTES:,} bytes", field="logo")
    try:
        opened = Image.open(io.BytesIO(data))
        opened.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidInput("the logo is not a PNG or JPEG image", field="logo") from exc
    image = opened.convert("RGBA")
    image.thumbnail((box.width, box.height))
    return image


def _draw_text(
    draw: ImageDraw.ImageDraw,
    box: Box,
    lines: tuple[str, ...],
    font_path: str,
    size: int,
    color: str,
) -> None:
    font = _font(font_path, size)
    for number, line in enumerate(lines):
        draw.text((box.x, box.y + int(number * size * LINE_SPACING)), line, font=font, fill=color)


def render(
    content: BannerText,
    template: Template,
    font_path: str,
    bold_font_path: str | None = None,
) -> Banner:
    """A PNG, Kazakh first and Russian no larger; 400 for a missing glyph or overflowing text."""
    kazakh_font = bold_font_path or font_path
    missing = sorted(
        set(missing_glyphs(content.headline_kk + (content.cta_kk or ""), kazakh_font))
        | set(missing_glyphs((content.headline_ru or "") + (content.cta_ru or ""), font_path))
    )
    if missing:
        raise MissingGlyphs(f"the font has no glyph for: {' '.join(missing)}", field="font")
    image = Image.new("RGB", (template.width, template.height), template.background)
    draw = ImageDraw.Draw(image)
    placed: list[Placed] = []
    if content.logo:
        area = template.box("logo")
        logo = _logo(content.logo, area)
        at = Box(area.x, area.y + (area.height - logo.height) // 2, logo.width, logo.height)
        image.paste(logo, (at.x, at.y), logo)
        placed.append(Placed("logo", None, at))
    minimum = template.min_font_px
    headline_kk = template.box("headline_kk")
    size, lines = fit(
        content.headline_kk.strip(), kazakh_font, headline_kk,
        max_px=headline_kk.height, min_px=minimum,
    )  # fmt: skip
    _draw_text(draw, headline_kk, lines, kazakh_font, size, template.color)
    placed.append(Placed("headline", "kk", headline_kk, size, lines))
    if content.headline_ru and content.headline_ru.strip():
        box = template.box("headline_ru")
        # Russian may never be larger than Kazakh (Art. 21): Kazakh's size is its ceiling.
        ru_size, ru_lines = fit(
            content.headline_ru.strip(), font_path, box, max_px=size, min_px=min(minimum, size),
            field="russian",
        )  # fmt: skip
        _draw_text(draw, box, ru_lines, font_path, ru_size, template.accent)
        placed.append(Placed("headline", "ru", box, ru_size, ru_lines))
    if content.cta_kk and content.cta_kk.strip():
        placed += _draw_cta(draw, content, template, font_path, kazakh_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return Banner(out.getvalue(), template, tuple(placed))


def _draw_cta(
    draw: ImageDraw.ImageDraw,
    content: BannerText,
    template: Template,
    font_path: str,
    kazakh_font: str,
) -> list[Placed]:
    """The button with the Kazakh CTA on top and the Russian one (no larger) below it."""
    button = template.box("cta")
    draw.rounded_rectangle(
        (button.x, button.y, button.x + button.width, button.y + button.height),
        radius=max(2, button.height // 5),
        fill=template.button,
    )
    russian = (content.cta_ru or "").strip()
    kk_box, ru_box = template.cta_boxes(bool(russian))
    minimum = min(template.min_font_px, kk_box.height)
    size, lines = fit((content.cta_kk or "").strip(), kazakh_font, kk_box,
                      max_px=kk_box.height, min_px=minimum, field="cta_kazakh")  # fmt: skip
    _draw_text(draw, kk_box, lines, kazakh_font, size, template.button_text)
    placed = [Placed("cta", "kk", kk_box, size, lines)]
    if russian and ru_box is not None:
        ru_size, ru_lines = fit(russian, font_path, ru_box, max_px=size,
                                min_px=min(minimum, size), field="cta_russian")  # fmt: skip
        _draw_text(draw, ru_box, ru_lines, font_path, ru_size, template.button_text)
        placed.append(Placed("cta", "ru", ru_box, ru_size, ru_lines))
    return placed


def font_exists(path: str) -> bool:
    """True when the configured font file is there."""
    return Path(path).is_file()
