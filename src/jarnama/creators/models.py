"""Tables of the CPA creator exchange."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jarnama.core.db import Base, BigId, JsonDoc, UTCDateTime, str_enum
from jarnama.core.time import utcnow
from jarnama.creators.taxes import TaxStatus

# Amounts are BIGINT tiyn on both backends (SQLite INTEGER is 64-bit anyway).
Tiyn = BigInteger()


class OfferStatus(enum.StrEnum):
    """Where an offer is in its life."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Goal(enum.StrEnum):
    """What a conversion is."""

    SALE = "sale"
    FIRST_ORDER = "first_order"
    APP_INSTALL = "app_install"
    LEAD = "lead"


class PayoutKind(enum.StrEnum):
    """How a goal pays: a share of the order value or a fixed amount."""

    PERCENT = "percent"
    FIXED = "fixed"


class Attribution(enum.StrEnum):
    """Which signal wins when a promo code and a click point to different creators."""

    CODE_FIRST = "code_first"
    CLICK_FIRST = "click_first"


class ClickModel(enum.StrEnum):
    """Which of a visitor's clicks in the window gets the conversion."""

    FIRST = "first"
    LAST = "last"


class ApprovalMode(enum.StrEnum):
    """Whether creators joining an offer need the advertiser's approval."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"


class CodeSource(enum.StrEnum):
    """Where an offer's promo codes come from."""

    GENERATED = "generated"
    POOL = "pool"


class Platform(enum.StrEnum):
    """Where creators publish."""

    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    TELEGRAM = "telegram"
    YOUTUBE = "youtube"
    THREADS = "threads"


class Offer(Base):
    """An advertiser's pay-per-result offer to creators."""

    __tablename__ = "creator_offers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus), default=OfferStatus.DRAFT)
    brief: Mapped[str] = mapped_column(Text, default="")
    required_label: Mapped[str] = mapped_column(String(64), default="реклама")
    landing_url: Mapped[str] = mapped_column(String(2000))
    product_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    category_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    cities: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    platforms: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    # [{"min_monthly_conversions": 20, "bonus_bp": 1000}]: +10% on payouts from the 20th on.
    tiers: Mapped[list[dict[str, int]]] = mapped_column(JsonDoc, default=list)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    monthly_cap: Mapped[int | None] = mapped_column(Integer)
    budget_tiyn: Mapped[int | None] = mapped_column(Tiyn)
    hold_days: Mapped[int] = mapped_column(Integer, default=14)
    attribution: Mapped[Attribution] = mapped_column(
        str_enum(Attribution), default=Attribution.CODE_FIRST
    )
    click_window_days: Mapped[int] = mapped_column(Integer, default=30)
    click_model: Mapped[ClickModel] = mapped_column(str_enum(ClickModel), default=ClickModel.LAST)
    approval_mode: Mapped[ApprovalMode] = mapped_column(
        str_enum(ApprovalMode), default=ApprovalMode.AUTOMATIC
    )
    code_source: Mapped[CodeSource] = mapped_column(
        str_enum(CodeSource), default=CodeSource.GENERATED
    )
    code_pattern: Mapped[str] = mapped_column(String(64), default="{handle}-####")
    postback_token_hash: Mapped[str] = mapped_column(String(128))
    postback_secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferGoal(Base):
    """One goal of an offer and what it pays."""

    __tablename__ = "creator_offer_goals"
    __table_args__ = (
        UniqueConstraint("offer_id", "goal"),
        CheckConstraint(
            "(kind = 'percent' AND percent_bp IS NOT NULL AND percent_bp BETWEEN 1 AND 10000)"
            " OR (kind = 'fixed' AND fixed_tiyn IS NOT NULL AND fixed_tiyn > 0)",
            name="payout_shape",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    goal: Mapped[Goal] = mapped_column(str_enum(Goal))
    kind: Mapped[PayoutKind] = mapped_column(str_enum(PayoutKind))
    percent_bp: Mapped[int | None] = mapped_column(Integer)
    fixed_tiyn: Mapped[int | None] = mapped_column(Tiyn)


class CreatorProfile(Base):
    """A creator account's public profile, tax status and (encrypted) payout details."""

    __tablename__ = "creator_profiles"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # [{"platform": "instagram", "handle": "aigerim.cooks", "followers": 12400}]
    platforms: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    # {"Almaty": 0.62, "Astana": 0.21}
    audience_cities: Mapped[dict[str, float]] = mapped_column(JsonDoc, default=dict)
    categories: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    tax_status: Mapped[TaxStatus] = mapped_column(str_enum(TaxStatus))
    tax_id_kind: Mapped[str] = mapped_column(String(8))
    tax_id_encrypted: Mapped[str] = mapped_column(Text)
    tax_id_index: Mapped[str] = mapped_column(String(64), unique=True)
    tax_id_last4: Mapped[str] = mapped_column(String(4))
    payout_method: Mapped[str | None] = mapped_column(String(16))
    payout_encrypted: Mapped[str | None] = mapped_column(Text)
    payout_masked: Mapped[str | None] = mapped_column(String(40))
    # Blind indexes of the creator's own phone/e-mail/loyalty ids (self-purchase detection).
    own_buyer_hashes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ParticipationStatus(enum.StrEnum):
    """A creator's standing in an offer."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Participation(Base):
    """A creator taking part in an offer, with any personal rates."""

    __tablename__ = "creator_participations"
    __table_args__ = (UniqueConstraint("offer_id", "creator_account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[ParticipationStatus] = mapped_column(str_enum(ParticipationStatus))
    # {"sale": {"kind": "percent", "percent_bp": 1200}} overrides the offer's goal payouts.
    rates: Mapped[dict[str, dict[str, Any]]] = mapped_column(JsonDoc, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PromoCode(Base):
    """A promo code: generated for a creator, or imported from the shop into a pool."""

    __tablename__ = "creator_promo_codes"
    __table_args__ = (UniqueConstraint("advertiser_account_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    advertiser_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    creator_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    source: Mapped[CodeSource] = mapped_column(str_enum(CodeSource))
    # The platform the code was issued for: set when its creator is on exactly one of the
    # offer's platforms, so a code-only sale can still be credited to a platform.
    platform: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TrackedLink(Base):
    """A creator's short link to an offer's landing page."""

    __tablename__ = "creator_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    platform: Mapped[str | None] = mapped_column(String(16))
    post_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Click(Base):
    """One click on a tracked link."""

    __tablename__ = "creator_clicks"
    __table_args__ = (Index("ix_creator_clicks_visitor", "offer_id", "visitor_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    click_id: Mapped[str] = mapped_column(String(32), unique=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("creator_links.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"))
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    visitor_id: Mapped[str] = mapped_column(String(32))
    referrer: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ConversionStatus(enum.StrEnum):
    """Where a conversion is: pending → approved or declined → paid."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    PAID = "paid"


class DeclineReason(enum.StrEnum):
    """The fixed list of reasons a conversion may be declined for."""

    ORDER_CANCELLED = "order_cancelled"
    ORDER_RETURNED = "order_returned"
    NOT_PAID = "not_paid"
    DUPLICATE = "duplicate"
    FRAUD = "fraud"
    SELF_PURCHASE = "self_purchase"
    OUT_OF_SCOPE = "out_of_scope"
    OVER_CAP = "over_cap"
    MISSING_LABEL = "missing_label"
    TERMS_VIOLATION = "terms_violation"


class Conversion(Base):
    """One attributed order (or install, or lead) and what it pays the creator."""

    __tablename__ = "creator_conversions"
    __table_args__ = (
        UniqueConstraint("offer_id", "order_id"),
        Index("ix_creator_conversions_creator", "creator_account_id", "occurred_at"),
        Index("ix_creator_conversions_hold", "status", "hold_until"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    advertiser_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    goal: Mapped[Goal] = mapped_column(str_enum(Goal))
    order_id: Mapped[str] = mapped_column(String(100))
    amount_tiyn: Mapped[int] = mapped_column(Tiyn)
    currency: Mapped[str] = mapped_column(String(3), default="KZT")
    original_amount: Mapped[str | None] = mapped_column(String(40))
    refunded_tiyn: Mapped[int] = mapped_column(Tiyn, default=0)
    payout_tiyn: Mapped[int] = mapped_column(Tiyn)
    tax_tiyn: Mapped[int] = mapped_column(Tiyn, default=0)
    status: Mapped[ConversionStatus] = mapped_column(str_enum(ConversionStatus))
    attributed_by: Mapped[str] = mapped_column(String(8))
    promo_code: Mapped[str | None] = mapped_column(String(64))
    click_id: Mapped[str | None] = mapped_column(String(32))
    # Where the sale is credited in per-platform reports, and by which rule (docs/creators.md):
    # link (the click's link), code (the code's platform), post (the creator's latest post for
    # the offer), or NULL (unspecified).
    platform: Mapped[str | None] = mapped_column(String(16))
    platform_source: Mapped[str | None] = mapped_column(String(8))
    buyer_hash: Mapped[str | None] = mapped_column(String(128))
    buyer_city: Mapped[str | None] = mapped_column(String(100))
    referrer: Mapped[str | None] = mapped_column(String(500))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    hold_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(str_enum(DeclineReason))
    decline_text: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    fraud_score: Mapped[int] = mapped_column(Integer, default=0)
    fraud_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    payout_batch_id: Mapped[int | None] = mapped_column(BigId, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ConversionEvent(Base):
    """One step in a conversion's history, shown to the creator as it happened."""

    __tablename__ = "creator_conversion_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversion_id: Mapped[int] = mapped_column(ForeignKey("creator_conversions.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class DisputeKind(enum.StrEnum):
    """What a creator disputes."""

    MISSING_ORDER = "missing_order"
    WRONG_DECLINE = "wrong_decline"


class DisputeStatus(enum.StrEnum):
    """Where a dispute is."""

    OPEN = "open"
    RESOLVED_FOR_CREATOR = "resolved_for_creator"
    RESOLVED_FOR_ADVERTISER = "resolved_for_advertiser"


class Dispute(Base):
    """A creator's claim against an advertiser's decision, with a deadline for the answer."""

    __tablename__ = "creator_disputes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    advertiser_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    conversion_id: Mapped[int | None] = mapped_column(ForeignKey("creator_conversions.id"))
    kind: Mapped[DisputeKind] = mapped_column(str_enum(DisputeKind))
    order_id: Mapped[str | None] = mapped_column(String(100))
    claimed_amount_tiyn: Mapped[int | None] = mapped_column(Tiyn)
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    status: Mapped[DisputeStatus] = mapped_column(
        str_enum(DisputeStatus), default=DisputeStatus.OPEN
    )
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Book(enum.StrEnum):
    """The ledger's books; each is kept per tenant account (network books on the network)."""

    ADVERTISER_FUNDING = "advertiser_funding"  # contra: money received from advertisers
    ESCROW = "escrow"  # the advertiser's prepaid balance, never negative
    CREATOR_PAYABLE = "creator_payable"  # what the network owes a creator
    TAX_PAYABLE = "tax_payable"  # personal income tax withheld, owed to the state
    PAYOUT_CLEARING = "payout_clearing"  # exported to the bank, not yet confirmed
    PAID_OUT = "paid_out"  # contra: money that left for creators' accounts


class LedgerTransaction(Base):
    """One balanced posting: its entries sum to zero."""

    __tablename__ = "creator_ledger_transactions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    conversion_id: Mapped[int | None] = mapped_column(BigId, index=True)
    payout_batch_id: Mapped[int | None] = mapped_column(BigId, index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set instead of conversion_id when the conversion is not flushed yet (the purchase feed
    # writes a chunk of rows in one flush, see creators/deferred.py); never loaded.
    conversion: Mapped[Conversion | None] = relationship(
        primaryjoin="foreign(LedgerTransaction.conversion_id) == Conversion.id", lazy="raise"
    )


class LedgerEntry(Base):
    """One leg of a transaction: a signed amount on one book of one account."""

    __tablename__ = "creator_ledger_entries"
    __table_args__ = (Index("ix_creator_ledger_entries_book", "book", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("creator_ledger_transactions.id"), index=True
    )
    book: Mapped[Book] = mapped_column(str_enum(Book))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount_tiyn: Mapped[int] = mapped_column(Tiyn)


class LedgerBalance(Base):
    """The running balance of one book of one account (the database refuses negative escrow)."""

    __tablename__ = "creator_ledger_balances"
    __table_args__ = (
        CheckConstraint("book <> 'escrow' OR balance_tiyn >= 0", name="escrow_not_negative"),
    )

    book: Mapped[Book] = mapped_column(str_enum(Book), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    balance_tiyn: Mapped[int] = mapped_column(Tiyn, default=0)


class PayoutBatchStatus(enum.StrEnum):
    """A payout batch: exported to the bank, then confirmed paid."""

    EXPORTED = "exported"
    PAID = "paid"


class PayoutBatch(Base):
    """Payouts to many creators, exported together as one bank upload."""

    __tablename__ = "creator_payout_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    status: Mapped[PayoutBatchStatus] = mapped_column(str_enum(PayoutBatchStatus))
    total_tiyn: Mapped[int] = mapped_column(Tiyn)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Payout(Base):
    """One creator's line in a payout batch."""

    __tablename__ = "creator_payouts"
    __table_args__ = (UniqueConstraint("batch_id", "creator_account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("creator_payout_batches.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount_tiyn: Mapped[int] = mapped_column(Tiyn)
    method: Mapped[str] = mapped_column(String(16))
    payout_masked: Mapped[str] = mapped_column(String(40))


class PostSubmission(Base):
    """A sponsored post a creator submits for an offer, with its ad-label check."""

    __tablename__ = "creator_posts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("creator_offers.id"), index=True)
    advertiser_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    creator_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2000))
    media: Mapped[str] = mapped_column(String(8))
    caption: Mapped[str] = mapped_column(Text)
    label_at_seconds: Mapped[int | None] = mapped_column(Integer)
    ad_starts_at_seconds: Mapped[int | None] = mapped_column(Integer)
    label_ok: Mapped[bool] = mapped_column(Boolean)
    label_found: Mapped[str | None] = mapped_column(String(64))
    label_problems: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
