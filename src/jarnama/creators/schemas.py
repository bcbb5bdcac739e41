"""Request and response bodies of the creator exchange API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jarnama.creators.models import (
    ApprovalMode,
    Attribution,
    ClickModel,
    CodeSource,
    Conversion,
    ConversionEvent,
    ConversionStatus,
    CreatorProfile,
    DeclineReason,
    Dispute,
    DisputeKind,
    DisputeStatus,
    Goal,
    Offer,
    OfferGoal,
    OfferStatus,
    Participation,
    ParticipationStatus,
    PayoutKind,
    Platform,
    PostSubmission,
    PromoCode,
    TrackedLink,
)
from jarnama.creators.taxes import TaxStatus

TiynAmount = Annotated[int, Field(ge=0, le=10**15, description="Amount in tiyn (1 ₸ = 100).")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoalIn(_In):
    """A goal and its payout: a percent of the order value (basis points) or fixed tiyn."""

    goal: Goal
    kind: PayoutKind
    percent_bp: int | None = Field(default=None, ge=1, le=10_000, description="1000 = 10%.")
    fixed_tiyn: int | None = Field(default=None, ge=1, le=10**12)

    @model_validator(mode="after")
    def _one_payout(self) -> GoalIn:
        """A percent goal names percent_bp only; a fixed goal names fixed_tiyn only."""
        if self.kind is PayoutKind.PERCENT and (
            self.percent_bp is None or self.fixed_tiyn is not None
        ):
            raise ValueError("a percent goal needs percent_bp (and no fixed_tiyn)")
        if self.kind is PayoutKind.FIXED and (
            self.fixed_tiyn is None or self.percent_bp is not None
        ):
            raise ValueError("a fixed goal needs fixed_tiyn (and no percent_bp)")
        return self


class Tier(_In):
    """From the Nth conversion in a calendar month on, payouts get a bonus."""

    min_monthly_conversions: int = Field(ge=1, le=10**6)
    bonus_bp: int = Field(ge=1, le=10_000, description="1000 = +10% on the payout.")


class OfferCreate(_In):
    """A new offer (created as a draft)."""

    account_id: Id | None = Field(default=None, description="The advertiser (agencies, admins).")
    name: ShortText
    landing_url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    brief: str = Field(default="", max_length=20_000)
    required_label: str = Field(default="реклама", max_length=64)
    goals: list[GoalIn] = Field(min_length=1, max_length=4)
    product_ids: list[Id] = Field(default_factory=list, max_length=10_000)
    category_ids: list[Id] = Field(default_factory=list, max_length=1_000)
    cities: list[ShortText] = Field(default_factory=list, max_length=100)
    platforms: list[Platform] = Field(default_factory=lambda: list(Platform))
    tiers: list[Tier] = Field(default_factory=list, max_length=10)
    daily_cap: int | None = Field(default=None, ge=1, le=10**9)
    monthly_cap: int | None = Field(default=None, ge=1, le=10**9)
    budget_tiyn: TiynAmount | None = None
    hold_days: int = Field(default=14, ge=0, le=365)
    attribution: Attribution = Attribution.CODE_FIRST
    click_window_days: int = Field(default=30, ge=1, le=90)
    click_model: ClickModel = ClickModel.LAST
    approval_mode: ApprovalMode = ApprovalMode.AUTOMATIC
    code_source: CodeSource = CodeSource.GENERATED
    code_pattern: str = Field(default="{handle}-####", max_length=64)


class OfferUpdate(_In):
    """Fields of an offer to change (goals are replaced when sent)."""

    name: ShortText | None = None
    brief: str | None = Field(default=None, max_length=20_000)
    required_label: str | None = Field(default=None, max_length=64)
    goals: list[GoalIn] | None = Field(default=None, min_length=1, max_length=4)
    cities: list[ShortText] | None = Field(default=None, max_length=100)
    platforms: list[Platform] | None = None
    tiers: list[Tier] | None = Field(default=None, max_length=10)
    daily_cap: int | None = Field(default=None, ge=1, le=10**9)
    monthly_cap: int | None = Field(default=None, ge=1, le=10**9)
    budget_tiyn: TiynAmount | None = None
    hold_days: int | None = Field(default=None, ge=0, le=365)


class OfferStatusChange(_In):
    """The status to move an offer to."""

    status: OfferStatus


class GoalOut(BaseModel):
    """A goal and its payout."""

    goal: Goal
    kind: PayoutKind
    percent_bp: int | None
    fixed_tiyn: int | None

    @classmethod
    def of(cls, goal: OfferGoal) -> GoalOut:
        """From the row."""
        return cls(
            goal=goal.goal, kind=goal.kind, percent_bp=goal.percent_bp, fixed_tiyn=goal.fixed_tiyn
        )


class OfferOut(BaseModel):
    """An offer as creators and its advertiser see it."""

    id: int
    account_id: int
    name: str
    status: OfferStatus
    brief: str
    required_label: str
    landing_url: str
    goals: list[GoalOut]
    product_ids: list[int]
    category_ids: list[int]
    cities: list[str]
    platforms: list[str]
    tiers: list[dict[str, int]]
    daily_cap: int | None
    monthly_cap: int | None
    budget_tiyn: int | None
    hold_days: int
    attribution: Attribution
    click_window_days: int
    click_model: ClickModel
    approval_mode: ApprovalMode
    code_source: CodeSource
    code_pattern: str
    created_at: dt.datetime

    @classmethod
    def of(cls, offer: Offer, goals: list[OfferGoal]) -> OfferOut:
        """From the rows."""
        data = {name: getattr(offer, name) for name in cls.model_fields if name != "goals"}
        return cls(**data, goals=[GoalOut.of(g) for g in goals])


class OfferCreated(OfferOut):
    """A new offer with its postback credentials, shown this once."""

    postback_token: str
    postback_secret: str


class PlatformHandle(_In):
    """A creator's presence on one platform."""

    platform: Platform
    handle: str = Field(min_length=1, max_length=100)
    followers: int = Field(ge=0, le=10**10)


class PayoutDetails(_In):
    """Where a creator is paid: a Kaspi Gold card or a Kazakh IBAN."""

    method: Literal["kaspi_card", "iban"]
    number: str = Field(min_length=16, max_length=40)


class CreatorProfileIn(_In):
    """A creator's profile (personal data is validated and stored encrypted)."""

    account_id: Id | None = Field(default=None, description="Network admins name the creator.")
    display_name: ShortText
    platforms: list[PlatformHandle] = Field(min_length=1, max_length=10)
    audience_cities: dict[str, float] = Field(default_factory=dict, max_length=50)
    categories: list[ShortText] = Field(default_factory=list, max_length=50)
    tax_status: TaxStatus
    tax_id: str = Field(min_length=12, max_length=20, description="IIN (or BIN), 12 digits.")
    payout: PayoutDetails | None = None
    own_contacts: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="The creator's own phones/e-mails/loyalty ids (hashed, for self-purchase).",
    )

    @model_validator(mode="after")
    def _shares(self) -> CreatorProfileIn:
        """Audience shares are fractions that add up to at most 1."""
        if any(not 0 <= v <= 1 for v in self.audience_cities.values()):
            raise ValueError("audience_cities shares are fractions between 0 and 1")
        if sum(self.audience_cities.values()) > 1.0001:
            raise ValueError("audience_cities shares add up to more than 1")
        return self


class CreatorProfileOut(BaseModel):
    """A creator's profile; personal data only masked."""

    account_id: int
    display_name: str
    platforms: list[dict[str, Any]]
    audience_cities: dict[str, float]
    categories: list[str]
    tax_status: TaxStatus
    tax_id_kind: str
    tax_id_masked: str
    payout_method: str | None
    payout_masked: str | None
    advertiser_notice: str | None = None

    @classmethod
    def of(cls, p: CreatorProfile, notice: str | None = None) -> CreatorProfileOut:
        """From the row."""
        return cls(
            account_id=p.account_id,
            display_name=p.display_name,
            platforms=p.platforms,
            audience_cities=p.audience_cities,
            categories=p.categories,
            tax_status=p.tax_status,
            tax_id_kind=p.tax_id_kind,
            tax_id_masked="••••••••" + p.tax_id_last4,
            payout_method=p.payout_method,
            payout_masked=p.payout_masked,
            advertiser_notice=notice,
        )


class ApplyIn(_In):
    """A creator applying to an offer."""

    creator_account_id: Id | None = None
    note: str = Field(default="", max_length=2_000)


class DecideIn(_In):
    """An advertiser's answer to an application, with optional personal rates."""

    approve: bool
    rates: list[GoalIn] = Field(default_factory=list, max_length=4)
    note: str = Field(default="", max_length=2_000)


class PromoCodeOut(BaseModel):
    """A promo code."""

    code: str
    source: CodeSource
    platform: str | None = Field(default=None, description="The platform it was issued for.")

    @classmethod
    def of(cls, code: PromoCode) -> PromoCodeOut:
        """From the row."""
        return cls(code=code.code, source=code.source, platform=code.platform)


class LinkOut(BaseModel):
    """A tracked short link."""

    slug: str
    url: str
    platform: str | None

    @classmethod
    def of(cls, link: TrackedLink, base_url: str) -> LinkOut:
        """From the row."""
        return cls(slug=link.slug, url=f"{base_url}/go/{link.slug}", platform=link.platform)


class ParticipationOut(BaseModel):
    """A creator's participation in an offer, with codes and links."""

    id: int
    offer_id: int
    advertiser_account_id: int
    creator_account_id: int
    status: ParticipationStatus
    rates: dict[str, dict[str, Any]]
    note: str
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    codes: list[PromoCodeOut] = Field(default_factory=list)
    links: list[LinkOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        p: Participation,
        advertiser_account_id: int,
        codes: list[PromoCode] | None = None,
        links: list[TrackedLink] | None = None,
        base_url: str = "",
    ) -> ParticipationOut:
        """From the rows."""
        return cls(
            id=p.id,
            offer_id=p.offer_id,
            advertiser_account_id=advertiser_account_id,
            creator_account_id=p.creator_account_id,
            status=p.status,
            rates=p.rates,
            note=p.note,
            applied_at=p.applied_at,
            decided_at=p.decided_at,
            codes=[PromoCodeOut.of(c) for c in codes or []],
            links=[LinkOut.of(link, base_url) for link in links or []],
        )


class CodePoolIn(_In):
    """Codes exported from the advertiser's shop, to hand out to creators."""

    codes: list[Annotated[str, Field(min_length=3, max_length=64)]] = Field(
        min_length=1, max_length=100_000
    )


class CodePoolReport(BaseModel):
    """What a code import did."""

    imported: int
    duplicates: list[str]
    free: int


class LinkIn(_In):
    """A new tracked link for one platform."""

    platform: Platform | None = None


class ConversionOut(BaseModel):
    """A conversion as its creator and advertiser see it."""

    id: int
    offer_id: int
    advertiser_account_id: int
    creator_account_id: int
    goal: Goal
    order_id: str
    amount_tiyn: int
    currency: str
    original_amount: str | None
    refunded_tiyn: int
    payout_tiyn: int
    tax_tiyn: int
    status: ConversionStatus
    attributed_by: str
    promo_code: str | None
    platform: str | None = Field(description="The platform credited (see platform_source).")
    platform_source: str | None = Field(description="link, code, post, or null: unspecified.")
    occurred_at: dt.datetime
    hold_until: dt.datetime
    decline_reason: DeclineReason | None
    decline_text: str | None
    evidence: list[str]
    fraud_score: int
    fraud_reasons: list[dict[str, Any]]
    needs_review: bool
    payout_batch_id: int | None

    @classmethod
    def of(cls, c: Conversion) -> ConversionOut:
        """From the row."""
        return cls(**{name: getattr(c, name) for name in cls.model_fields})


class ConversionEventOut(BaseModel):
    """One step of a conversion's history."""

    at: dt.datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str
    data: dict[str, Any]

    @classmethod
    def of(cls, e: ConversionEvent) -> ConversionEventOut:
        """From the row."""
        return cls(**{name: getattr(e, name) for name in cls.model_fields})


class ConversionDetail(ConversionOut):
    """A conversion with its whole history."""

    history: list[ConversionEventOut]


class PostbackResult(BaseModel):
    """What a postback did: the conversion it made or updated."""

    conversion_id: int
    status: ConversionStatus
    duplicate: bool
    payout_tiyn: int


class DeclineIn(_In):
    """A decline: a reason from the fixed list, an explanation and evidence."""

    reason: DeclineReason
    text: str = Field(min_length=10, max_length=5_000)
    evidence: list[Annotated[str, Field(min_length=3, max_length=2_000)]] = Field(
        min_length=1, max_length=20
    )


class RefundIn(_In):
    """A refund or return of (part of) an order."""

    amount_tiyn: int = Field(ge=1, le=10**15, description="Order value refunded, in tiyn.")
    note: str = Field(default="", max_length=2_000)


class DisputeIn(_In):
    """A creator's dispute: a declined conversion, or an order that never arrived."""

    kind: DisputeKind
    conversion_id: Id | None = None
    offer_id: Id | None = None
    order_id: str | None = Field(default=None, min_length=1, max_length=100)
    claimed_amount_tiyn: int | None = Field(default=None, ge=1, le=10**15)
    text: str = Field(min_length=10, max_length=5_000)
    evidence: list[Annotated[str, Field(min_length=3, max_length=2_000)]] = Field(
        default_factory=list, max_length=20
    )
    creator_account_id: Id | None = None


class DisputeResolveIn(_In):
    """An answer to a dispute."""

    in_favour_of: Literal["creator", "advertiser"]
    resolution: str = Field(min_length=10, max_length=5_000)


class DisputeOut(BaseModel):
    """A dispute."""

    id: int
    offer_id: int
    advertiser_account_id: int
    creator_account_id: int
    conversion_id: int | None
    kind: DisputeKind
    order_id: str | None
    claimed_amount_tiyn: int | None
    text: str
    evidence: list[str]
    status: DisputeStatus
    deadline: dt.datetime
    resolution: str
    resolved_at: dt.datetime | None

    @classmethod
    def of(cls, d: Dispute) -> DisputeOut:
        """From the row."""
        return cls(**{name: getattr(d, name) for name in cls.model_fields})


class DepositIn(_In):
    """An advertiser's prepayment received by the network."""

    advertiser_account_id: Id
    amount_tiyn: int = Field(ge=1, le=10**15)
    memo: str = Field(default="", max_length=500)


class BalanceOut(BaseModel):
    """An account's balances."""

    account_id: int
    escrow_tiyn: int
    creator_payable_tiyn: int
    tax_withheld_tiyn: int


class PayoutOut(BaseModel):
    """One line of a payout batch."""

    creator_account_id: int
    amount_tiyn: int
    method: str
    payout_masked: str


class PayoutBatchOut(BaseModel):
    """A payout batch."""

    id: int
    status: str
    total_tiyn: int
    created_at: dt.datetime
    paid_at: dt.datetime | None
    payouts: list[PayoutOut]
    skipped: list[dict[str, Any]] = Field(default_factory=list)


class TaxWarningOut(BaseModel):
    """A tax limit reached or approached."""

    code: str
    message: str
    used_bp: int


class TaxSummaryOut(BaseModel):
    """A creator's tax year."""

    creator_account_id: int
    year: int
    tax_status: TaxStatus
    gross_tiyn: int
    tax_withheld_tiyn: int
    net_tiyn: int
    paid_out_tiyn: int
    warnings: list[TaxWarningOut]
    vat_registration_due: bool
    table_source: str


class PostIn(_In):
    """A sponsored post submitted for the ad-label check."""

    offer_id: Id
    creator_account_id: Id | None = None
    platform: Platform
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    media: Literal["text", "image", "video", "audio"] = "image"
    caption: str = Field(max_length=10_000)
    label_at_seconds: int | None = Field(default=None, ge=0, le=86_400)
    ad_starts_at_seconds: int | None = Field(default=None, ge=0, le=86_400)


class PostOut(BaseModel):
    """A submitted post and its label check."""

    id: int
    offer_id: int
    advertiser_account_id: int
    creator_account_id: int
    platform: str
    url: str
    media: str
    label_ok: bool
    label_found: str | None
    label_problems: list[str]
    submitted_at: dt.datetime

    @classmethod
    def of(cls, p: PostSubmission) -> PostOut:
        """From the row."""
        return cls(**{name: getattr(p, name) for name in cls.model_fields})


class JobReport(BaseModel):
    """What a scheduled job did."""

    done: int
    skipped: list[dict[str, Any]] = Field(default_factory=list)
