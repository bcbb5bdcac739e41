"""Request and response bodies of the catalog API. Money is integer tiyn (`*_tiyn`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from jarnama.catalog.fields import MAX_PRICE_TIYN, format_tenge
from jarnama.catalog.models import Channel, PlacementKind

MAX_ID = 2**63 - 1
# No NUL characters: PostgreSQL cannot store them in text.
_NO_NUL = r"^[^\x00]*$"
RefId = Annotated[int, Field(ge=1, le=MAX_ID)]
Tiyn = Annotated[int, Field(strict=True, ge=0, le=MAX_PRICE_TIYN, description="Integer tiyn.")]
PriceTiyn = Annotated[
    int, Field(strict=True, gt=0, le=MAX_PRICE_TIYN, description="Integer tiyn (> 0).")
]
Count = Annotated[int, Field(strict=True, ge=0, le=2_000_000_000)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00\s/]+$")]


def _text(max_length: int, *, min_length: int = 0) -> Any:
    """A text field of a create body (empty string by default unless `min_length`)."""
    if min_length:
        return Field(min_length=min_length, max_length=max_length, pattern=_NO_NUL)
    return Field(default="", max_length=max_length, pattern=_NO_NUL)


class _FromOrm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- categories -------------------------------------------------------------------------------


class CategoryCreate(BaseModel):
    """A new node of the category tree, under `parent_id` (a root when null)."""

    code: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00\s/]([^\x00/]*[^\x00\s/])?$",
        description="Unique among its siblings; no '/'.",
    )
    parent_id: RefId | None = None
    name_kk: str = _text(200)
    name_ru: str = _text(200)
    name_en: str = _text(200)


class CategoryOut(_FromOrm):
    """A category; `path` is the slash-joined codes from the root."""

    id: int
    parent_id: int | None
    code: str
    path: str
    name_kk: str
    name_ru: str
    name_en: str


# --- brands -----------------------------------------------------------------------------------


class BrandCreate(BaseModel):
    """A new brand, optionally owned by an advertiser account."""

    name: str = _text(200, min_length=1)
    owner_account_id: RefId | None = None


class BrandUpdate(BaseModel):
    """The advertiser owning the brand (null: nobody)."""

    owner_account_id: RefId | None


class BrandOut(_FromOrm):
    """A brand and the advertiser owning it."""

    id: int
    name: str
    owner_account_id: int | None


# --- products ---------------------------------------------------------------------------------


class ProductCreate(BaseModel):
    """A new product; at least one of `name_kk` and `name_ru` is required."""

    sku: Code
    gtin: str | None = Field(
        default=None, pattern=r"^[0-9]{8}([0-9]{4,6})?$", description="GTIN-8/12/13/14."
    )
    brand_id: RefId | None = None
    category_id: RefId | None = None
    name_kk: str = _text(500)
    name_ru: str = _text(500)
    name_en: str = _text(500)
    price_tiyn: PriceTiyn
    stock_total: Count = 0
    active: bool = True


class ProductUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    price_tiyn: PriceTiyn | None = None
    stock_total: Count | None = None
    active: bool | None = None
    name_kk: str | None = Field(default=None, max_length=500, pattern=_NO_NUL)
    name_ru: str | None = Field(default=None, max_length=500, pattern=_NO_NUL)
    name_en: str | None = Field(default=None, max_length=500, pattern=_NO_NUL)


class ProductOut(_FromOrm):
    """A product with its price in tiyn and, read-only, in tenge."""

    id: int
    sku: str
    gtin: str | None
    brand_id: int | None
    category_id: int | None
    name_kk: str
    name_ru: str
    name_en: str
    price_tiyn: int
    stock_total: int
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @computed_field(description='The price in tenge, e.g. "459.90" (read-only).')  # type: ignore[prop-decorator]
    @property
    def price_tenge(self) -> str:
        """The price as a tenge decimal string."""
        return format_tenge(self.price_tiyn)


class StockUpdate(BaseModel):
    """Units on hand in one store."""

    quantity: Count


class StockOut(BaseModel):
    """Units of a product on hand in one store."""

    store_id: int
    store_code: str
    quantity: int


# --- stores -----------------------------------------------------------------------------------


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class StoreCreate(BaseModel):
    """A new store of the retailer."""

    code: Code
    name: str = _text(200, min_length=1)
    city: str = _text(100, min_length=1)
    address: str = _text(300)
    lat: Latitude
    lon: Longitude
    active: bool = True


class StoreUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=_NO_NUL)
    city: str | None = Field(default=None, min_length=1, max_length=100, pattern=_NO_NUL)
    address: str | None = Field(default=None, max_length=300, pattern=_NO_NUL)
    lat: Latitude | None = None
    lon: Longitude | None = None
    active: bool | None = None


class StoreOut(_FromOrm):
    """A store."""

    id: int
    code: str
    name: str
    city: str
    address: str
    lat: float
    lon: float
    active: bool


# --- placements -------------------------------------------------------------------------------


Pixels = Annotated[int, Field(ge=1, le=20_000)]


class PlacementCreate(BaseModel):
    """A new placement; banners and in-store screens need `width` and `height` in pixels."""

    code: Code
    name: str = _text(200, min_length=1)
    kind: PlacementKind
    channel: Channel | None = Field(
        default=None, description="Default: in_store for screens, web otherwise."
    )
    slots: int = Field(default=1, ge=1, le=100)
    width: Pixels | None = None
    height: Pixels | None = None
    min_bid_tiyn: Tiyn = 0
    active: bool = True


class PlacementUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=_NO_NUL)
    slots: int | None = Field(default=None, ge=1, le=100)
    width: Pixels | None = None
    height: Pixels | None = None
    min_bid_tiyn: Tiyn | None = None
    active: bool | None = None


class PlacementOut(_FromOrm):
    """A placement the retailer sells."""

    id: int
    code: str
    name: str
    kind: PlacementKind
    channel: Channel
    slots: int
    width: int | None
    height: int | None
    min_bid_tiyn: int
    active: bool

    @computed_field(description="The minimum bid in tenge (read-only).")  # type: ignore[prop-decorator]
    @property
    def min_bid_tenge(self) -> str:
        """The minimum bid as a tenge decimal string."""
        return format_tenge(self.min_bid_tiyn)


class MinBidUpdate(BaseModel):
    """The minimum bid of a placement in one category."""

    min_bid_tiyn: Tiyn


class MinBidOut(_FromOrm):
    """A per-category minimum bid (it overrides the placement's own)."""

    placement_id: int
    category_id: int
    min_bid_tiyn: int

    @computed_field(description="The minimum bid in tenge (read-only).")  # type: ignore[prop-decorator]
    @property
    def min_bid_tenge(self) -> str:
        """The minimum bid as a tenge decimal string."""
        return format_tenge(self.min_bid_tiyn)


# --- imports ----------------------------------------------------------------------------------


class RowErrorOut(_FromOrm):
    """One problem of one input row."""

    line: int
    field: str
    reason: str


class ImportReportOut(_FromOrm):
    """What an import did; `applied` is false when bad rows stopped it."""

    source: str | None
    applied: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    brands_created: int = 0
    categories_created: int = 0
    errors: list[RowErrorOut]
    errors_omitted: int = Field(description="Problems past the listed ones, counted only.")
