"""Tables of the catalog domain."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, BigId, UTCDateTime, str_enum
from jarnama.core.time import utcnow


class PlacementKind(enum.StrEnum):
    """Where on the retailer's surfaces an ad can appear."""

    SEARCH = "search"
    CATEGORY = "category"
    HOME_BANNER = "home_banner"
    PRODUCT_PAGE = "product_page"
    IN_STORE_SCREEN = "in_store_screen"


class Channel(enum.StrEnum):
    """The surface a request comes from."""

    APP = "app"
    WEB = "web"
    IN_STORE = "in_store"


class Category(Base):
    """A node of the category tree; `path` is the slash-joined codes from the root.

    A code is unique among its siblings only (`dairy/milk` and `plant-based/milk` may both
    exist); the full `path` is unique.
    """

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(500), unique=True)
    name_kk: Mapped[str] = mapped_column(String(200), default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class Brand(Base):
    """A brand sold by the retailer; the owning advertiser may promote its products."""

    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)


class Product(Base):
    """A sellable item, keyed by the retailer's SKU."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    name_kk: Mapped[str] = mapped_column(String(500), default="")
    name_ru: Mapped[str] = mapped_column(String(500), default="")
    name_en: Mapped[str] = mapped_column(String(500), default="")
    price_tiyn: Mapped[int] = mapped_column(BigInteger)
    stock_total: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Store(Base):
    """A physical store of the retailer."""

    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProductStock(Base):
    """Units of a product on hand in one store."""

    __tablename__ = "product_stock"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True, index=True)
    quantity: Mapped[int] = mapped_column(Integer)


class Placement(Base):
    """A slot group the retailer sells: search results, a banner, an in-store screen."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PlacementKind] = mapped_column(str_enum(PlacementKind))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    slots: Mapped[int] = mapped_column(Integer, default=1)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    min_bid_tiyn: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CategoryMinBid(Base):
    """A minimum bid for one placement in one category (overrides the placement's own)."""

    __tablename__ = "category_min_bids"

    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), primary_key=True)
    min_bid_tiyn: Mapped[int] = mapped_column(BigInteger)
