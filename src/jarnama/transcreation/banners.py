"""Bilingual banners rendered with Pillow: Kazakh first and never smaller than Russian.

Templates in common web and screen sizes; text is fitted to its box (largest size that wraps
into it), Kazakh takes the top (or left) box and Russian is capped at Kazakh's size
(Law «On Languages», Art. 21). Every character is checked against the font's cmap first.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from jarnama.core.errors import InvalidInput
from jarnama.transcreation.compliance import LayoutBlock

LINE_SPACING = 1.2
MIN_FONT_PX = 8


@dataclass(frozen=True, slots=True)
class Template:
    """A banner size and how its two languages are arranged (stacked or side by side)."""

    name: str
    width: int
    height: int
    arrangement: Literal["stacked", "side"]
    background: str = "#0b5394"
    color: str = "#ffffff"
    accent: str = "#ffd966"

    @property
    def padding(self) -> int:
        """The margin around the content (5% of the shorter side, at least 4 px)."""
        return max(4, min(self.width, self.height) // 20)


TEMPLATES = {
    t.name: t
    for t in (
        Template("1920x1080", 1920, 1080, "stacked"),
        Template("1080x1920", 1080, 1920, "stacked"),
        Template("300x250", 300, 250, "stacked"),
        Template("728x90", 728, 90, "side"),
    )
}


@dataclass(frozen=True, slots=True)
class Placed:
    """One language's text as drawn: its box, font size and wrapped lines."""

    language: str
    x: int
    y: int
    font_px: int
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Banner:
    """A rendered banner: the PNG and where each language's text went."""

    png: bytes
    template: Template
    placed: tuple[Placed, ...]

    @property
    def layout(self) -> list[LayoutBlock]:
        """The layout as the compliance report reads it."""
        return [LayoutBlock(p.language, p.x, p.y, p.font_px) for p in self.placed]


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


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than the box."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= width:
                line = candidate
            elif font.getlength(word) > width:
                return None
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def fit(text: str, font_path: str, width: int, height: int, max_px: int) -> tuple[int, list[str]]:
    """The largest font size (≤ max_px) at which `text` wraps into width × height."""
    best: tuple[int, list[str]] | None = None
    low, high = MIN_FONT_PX, max(MIN_FONT_PX, max_px)
    while low <= high:
        size = (low + high) // 2
        lines = _wrap(text, _font(font_path, size), width)
        if lines is not None and len(lines) * size * LINE_SPACING <= height:
            best = (size, lines)
            low = size + 1
        else:
            high = size - 1
    if best is None:
        raise InvalidInput(f"the text does not fit {width}×{height} px even at {MIN_FONT_PX} px")
    return best


def _boxes(template: Template, languages: int) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each language's box, Kazakh's first (top or left)."""
    pad = template.padding
    width, height = template.width - 2 * pad, template.height - 2 * pad
    if languages == 1:
        return [(pad, pad, width, height)]
    if template.arrangement == "side":
        half = (width - pad) // 2
        return [(pad, pad, half, height), (pad * 2 + half, pad, half, height)]
    # Kazakh gets the larger, upper share of a stacked layout (55/45).
    top = int((height - pad) * 0.55)
    return [(pad, pad, width, top), (pad, pad * 2 + top, width, height - pad - top)]


def render(
    kazakh: str,
    russian: str | None,
    template: Template,
    font_path: str,
    bold_font_path: str | None = None,
) -> Banner:
    """A PNG with Kazakh first and Russian no larger; 400 if a glyph is missing from the font."""
    kazakh_font = bold_font_path or font_path
    missing = sorted(
        set(missing_glyphs(kazakh, kazakh_font)) | set(missing_glyphs(russian or "", font_path))
    )
    if missing:
        raise MissingGlyphs(f"the font has no glyph for: {' '.join(missing)}", field="font")
    texts: Sequence[tuple[str, str, str]] = [("kk", kazakh.strip(), kazakh_font)]
    if russian and russian.strip():
        texts = [*texts, ("ru", russian.strip(), font_path)]
    boxes = _boxes(template, len(texts))
    image = Image.new("RGB", (template.width, template.height), template.background)
    draw = ImageDraw.Draw(image)
    placed: list[Placed] = []
    cap = template.height  # Russian may never be larger than Kazakh
    for (language, text, path), (x, y, width, height) in zip(texts, boxes, strict=True):
        size, lines = fit(text, path, width, height, cap)
        cap = size if language == "kk" else cap
        font = _font(path, size)
        color = template.color if language == "kk" else template.accent
        for number, line in enumerate(lines):
            draw.text((x, y + int(number * size * LINE_SPACING)), line, font=font, fill=color)
        placed.append(Placed(language, x, y, size, tuple(lines)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return Banner(out.getvalue(), template, tuple(placed))


def font_exists(path: str) -> bool:
    """True when the configured font file is there."""
    return Path(path).is_file()
