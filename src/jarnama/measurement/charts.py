"""A PNG chart of spend against attributed sales over time, drawn with Pillow.

Spend is drawn as bars and attributed sales as a line on one axis in tenge, one point per day,
so the gap between them is the return a supplier sees. Pillow is already a dependency (the
transcreation banners); a plotting library would add ~40 MB for one chart. Labels use DejaVu
Sans (Cyrillic and Kazakh letters), falling back to Pillow's own font where it is missing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WIDTH, HEIGHT = 1000, 480
LEFT, RIGHT, TOP, BOTTOM = 110, 30, 70, 40
SPEND = (94, 129, 172)  # muted blue bars
SALES = (208, 135, 30)  # amber line
INK, GRID = (40, 40, 40), (225, 225, 225)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class DailySeries:
    """Spend and attributed sales (tiyn) per day, days ascending and without gaps."""

    days: list[dt.date]
    spend_tiyn: list[Decimal]
    sales_tiyn: list[Decimal]


def daily_series(table: pa.Table, start: dt.date, end: dt.date) -> DailySeries:
    """Sum a report's `spend_tiyn` and `sales_tiyn` by its `day` column over start..end."""
    spend: dict[dt.date, Decimal] = {}
    sales: dict[dt.date, Decimal] = {}
    columns = table.select(["day", "spend_tiyn", "sales_tiyn"]).to_pydict()
    for day, cost, sold in zip(
        columns["day"], columns["spend_tiyn"], columns["sales_tiyn"], strict=True
    ):
        when = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        spend[when] = spend.get(when, Decimal(0)) + Decimal(str(cost or 0))
        sales[when] = sales.get(when, Decimal(0)) + Decimal(str(sold or 0))
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return DailySeries(
        days, [spend.get(d, Decimal(0)) for d in days], [sales.get(d, Decimal(0)) for d in days]
    )


def _font(size: int) -> Font:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def tenge(tiyn: Decimal) -> str:
    """A tiyn amount as whole tenge with thin-space thousands: «12 500 ₸»."""
    whole = int((tiyn / 100).to_integral_value())
    return f"{whole:,}".replace(",", "\u202f") + " ₸"


def _nice_top(value: Decimal) -> Decimal:
    """The smallest 1/2/5 x 10^n at or above `value` (the axis top; 100 tiyn when all zero)."""
    if value <= 0:
        return Decimal(100)
    step = Decimal(1)
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10  # pragma: no cover - the loop always returns


def render_chart(series: DailySeries, title: str) -> bytes:
    """The PNG bytes of spend bars and an attributed-sales line per day."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    small, label = _font(13), _font(17)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_top(max([*series.spend_tiyn, *series.sales_tiyn], default=Decimal(0)))

    def y_of(amount: Decimal) -> float:
        return TOP + plot_h - float(amount / top) * plot_h

    for tick in range(5):
        amount = top * tick / 4
        y = y_of(amount)
        draw.line([(LEFT, y), (LEFT + plot_w, y)], fill=GRID)
        text = tenge(amount)
        draw.text((LEFT - 8 - draw.textlength(text, font=small), y - 8), text, fill=INK, font=small)
    draw.line([(LEFT, TOP), (LEFT, TOP + plot_h), (LEFT + plot_w, TOP + plot_h)], fill=INK)

    n = max(len(series.days), 1)
    slot = plot_w / n
    points: list[tuple[float, float]] = []
    for index, (cost, sold) in enumerate(zip(series.spend_tiyn, series.sales_tiyn, strict=True)):
        x0 = LEFT + index * slot
        bar = max(slot * 0.6, 1)
        middle = x0 + slot / 2
        if cost > 0:
            draw.rectangle(
                [middle - bar / 2, y_of(cost), middle + bar / 2, TOP + plot_h], fill=SPEND
            )
        points.append((middle, y_of(sold)))
    if len(points) > 1:
        draw.line(points, fill=SALES, width=3, joint="curve")
    for x, y in points:
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=SALES)

    _day_labels(draw, series.days, slot, small, TOP + plot_h + 8)
    draw.text((LEFT, 8), title, fill=INK, font=label)
    _legend(
        draw, small, totals=(sum(series.spend_tiyn, Decimal(0)), sum(series.sales_tiyn, Decimal(0)))
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _day_labels(
    draw: ImageDraw.ImageDraw, days: Sequence[dt.date], slot: float, font: Font, y: float
) -> None:
    """At most ~10 day labels (DD.MM), evenly spaced, always the first and the last."""
    if not days:
        return
    every = max(1, -(-len(days) // 10))
    for index, day in enumerate(days):
        if index % every and index != len(days) - 1:
            continue
        text = day.strftime("%d.%m")
        x = LEFT + index * slot + slot / 2 - draw.textlength(text, font=font) / 2
        draw.text((x, y), text, fill=INK, font=font)


def _legend(draw: ImageDraw.ImageDraw, font: Font, totals: tuple[Decimal, Decimal]) -> None:
    """Under the title: the two series' keys with their totals over the period."""
    x, y = LEFT, 36
    spend, sales = totals
    draw.rectangle([x, y + 1, x + 14, y + 15], fill=SPEND)
    text = f"spend {tenge(spend)}"
    draw.text((x + 20, y), text, fill=INK, font=font)
    x += 20 + int(draw.textlength(text, font=font)) + 30
    draw.line([(x, y + 8), (x + 16, y + 8)], fill=SALES, width=3)
    draw.text((x + 22, y), f"attributed sales {tenge(sales)}", fill=INK, font=font)
