"""Tables of the money domain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from jarnama.core.db import Base, UTCDateTime
from jarnama.core.time import utcnow


class ExchangeRate(Base):
    """Tenge for `quantity` units of a currency on a date (NBK quotes RUB per 1 unit too)."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kzt: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(32), default="config")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
