"""The world every matrix case runs in: three tenants with one object of each kind, the
network's shared data, and a credential for every role. Built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jarnama.campaigns import creatives, segments
from jarnama.campaigns import service as campaigns
from jarnama.campaigns.models import AdGroupKind
from jarnama.campaigns.schemas import AdGroupCreate, CampaignCreate, CreativeCreate, SegmentCreate
from jarnama.catalog import placements
from jarnama.catalog import service as catalog
from jarnama.catalog.models import PlacementKind
from jarnama.tenancy import service, users
from jarnama.tenancy.models import AccountKind, Role, Scope
from jarnama.tenancy.principal import Principal
from tests import factories
from tests.factories import Caller
from tests.matrix.world_creators import CreatorWorld, build_creators
from tests.matrix.world_reports import ReportsWorld, build_reports
from tests.matrix.world_transcreation import TranscreationWorld, build_transcreation
from tests.tenancy.helpers import PASSWORD

NO_MANAGE = (Scope.READ, Scope.AUCTIONS, Scope.EVENTS)
NO_READ = (Scope.AUCTIONS, Scope.EVENTS)
OPERATOR = Principal("test", Role.NETWORK_ADMIN, None, frozenset(s.value for s in Scope))
STARTS = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
ENDS = dt.datetime(2030, 12, 31, tzinfo=dt.UTC)
BANNER = {"width": 728, "height": 90}
STORE_CODE = "MATRIX-1"
SEGMENT_CODE = "matrix-buyers"


@dataclass(frozen=True)
class Tenant:
    """One account and an object of each kind it owns (advertisers only: creators own none)."""

    account_id: int
    kind: AccountKind
    member_role: Role  # the role its ordinary members hold
    user_id: int
    key_id: int
    brand_id: int | None = None  # a brand it owns
    product_id: int | None = None  # a product of that brand
    sku: str | None = None
    campaign_id: int | None = None  # a draft campaign
    ad_group_id: int | None = None  # a sponsored listing ad group of it, promoting the product
    banner_group_id: int | None = None  # a banner ad group of it
    creative_id: int | None = None  # a pending creative of the banner ad group


@dataclass(frozen=True)
class Network:
    """The network's own data every tenant shares."""

    category_id: int
    store_id: int
    placement_id: int  # a search placement with a minimum bid in `category_id`
    segment_id: int


@dataclass(frozen=True)
class World:
    """Tenants and callers: `home` (advertiser) and `studio` (creator) are the callers' own,
    `foreign` is another advertiser whose admin attacks `home`."""

    home: Tenant
    studio: Tenant
    foreign: Tenant
    network: Network
    agency_id: int  # an agency already acting for `home`
    spare_advertiser_id: int  # an advertiser no agency acts for yet
    callers: dict[Role, Caller]
    foreign_admin: Caller
    restricted: dict[tuple[Role, str], Caller] = field(default_factory=dict)
    creators: CreatorWorld | None = None  # the creator exchange's objects (world_creators.py)
    transcreation: TranscreationWorld | None = None  # the studio's (world_transcreation.py)
    reports: ReportsWorld | None = None  # report jobs (world_reports.py)

    def tenant_of(self, role: Role) -> Tenant:
        """The tenant whose data a role acts on in (b): a creator its studio, others `home`."""
        return self.studio if role is Role.CREATOR else self.home


def _network(session: Session) -> Network:
    category = catalog.create_category(session, OPERATOR, code="matrix", name_ru="Матрица")
    store = catalog.create_store(
        session, OPERATOR, code=STORE_CODE, name="Magnum Matrix", city="Almaty", address="",
        lat=43.24, lon=76.91, active=True,
    )  # fmt: skip
    search = placements.create_placement(
        session, OPERATOR, code="matrix-search", name="Search", kind=PlacementKind.SEARCH,
        min_bid_tiyn=50,
    )  # fmt: skip
    placements.create_placement(
        session, OPERATOR, code="matrix-banner", name="Home banner",
        kind=PlacementKind.HOME_BANNER, min_bid_tiyn=1_000, width=BANNER["width"],
        height=BANNER["height"],
    )  # fmt: skip
    placements.set_category_min_bid(session, OPERATOR, search.id, category.id, 120)
    segment = segments.create_segment(
        session, OPERATOR, SegmentCreate(code=SEGMENT_CODE, name="Matrix buyers")
    )
    return Network(category.id, store.id, search.id, segment.id)


def _tenant(session: Session, name: str, kind: AccountKind, member_role: Role) -> Tenant:
    acct = factories.account(session, name, kind)
    member = users.create_user(
        session,
        "test",
        email=f"member@{name.lower()}.kz",
        password=PASSWORD,
        role=member_role,
        account_id=acct.id,
    )
    key, _ = service.create_api_key(
        session, "test", name="spare", role=member_role, account_id=acct.id, scopes=[Scope.READ]
    )
    if kind is not AccountKind.ADVERTISER:
        return Tenant(acct.id, kind, member_role, member.id, key.id)
    brand = catalog.create_brand(session, OPERATOR, name=f"{name} brand", owner_account_id=acct.id)
    product = catalog.create_product(
        session, OPERATOR, sku=f"SKU-{name}", price_tiyn=99_900, brand_id=brand.id, name_ru=name
    )
    campaign = campaigns.create_campaign(
        session,
        OPERATOR,
        CampaignCreate(
            account_id=acct.id,
            name=f"{name} milk week",
            daily_budget_tiyn=500_000,
            starts_at=STARTS,
            ends_at=ENDS,
        ),
    )
    listing = campaigns.create_ad_group(
        session,
        OPERATOR,
        AdGroupCreate(
            campaign_id=campaign.id,
            name="Listing",
            kind=AdGroupKind.SPONSORED_LISTING,
            bid_tiyn=500,
            product_ids=[product.id],
        ),
    )
    banner = campaigns.create_ad_group(
        session,
        OPERATOR,
        AdGroupCreate(
            campaign_id=campaign.id, name="Banner", kind=AdGroupKind.BANNER, bid_tiyn=1_500
        ),
    )
    creative = creatives.create_creative(
        session,
        OPERATOR,
        CreativeCreate(
            ad_group_id=banner.id,
            name=f"{name} 728",
            asset_url="https://cdn.example.kz/milk-728x90.png",
            landing_url="https://magnum.kz/milk",
            **BANNER,
        ),
    )
    return Tenant(
        acct.id,
        kind,
        member_role,
        member.id,
        key.id,
        brand.id,
        product.id,
        product.sku,
        campaign.id,
        listing.id,
        banner.id,
        creative.id,
    )


def _tenant_for(role: Role, home: Tenant, studio: Tenant) -> int:
    return studio.account_id if role is Role.CREATOR else home.account_id


def build_world(session: Session) -> World:
    """Three tenants, an agency acting for `home`, the network's data, a credential per role."""
    network = _network(session)
    home = _tenant(session, "Home", AccountKind.ADVERTISER, Role.ACCOUNT_ANALYST)
    studio = _tenant(session, "Studio", AccountKind.CREATOR, Role.CREATOR)
    foreign = _tenant(session, "Foreign", AccountKind.ADVERTISER, Role.ACCOUNT_ANALYST)
    agency = factories.account(session, "Agency", AccountKind.AGENCY)
    spare = factories.account(session, "Spare", AccountKind.ADVERTISER)
    service.add_agency_client(session, "test", agency.id, home.account_id)
    session.commit()
    callers = {
        Role.NETWORK_ADMIN: factories.network_admin(session),
        Role.ACCOUNT_ADMIN: factories.api_caller(session, account_id=home.account_id),
        Role.ACCOUNT_ANALYST: factories.api_caller(
            session, role=Role.ACCOUNT_ANALYST, account_id=home.account_id
        ),
        Role.CREATOR: factories.api_caller(
            session, role=Role.CREATOR, account_id=studio.account_id
        ),
    }
    restricted = {}
    for role in (Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.CREATOR):
        tenant = None if role is Role.NETWORK_ADMIN else _tenant_for(role, home, studio)
        for label, scopes in (("no-manage", NO_MANAGE), ("no-read", NO_READ)):
            restricted[(role, label)] = factories.api_caller(
                session, role=role, account_id=tenant, scopes=scopes
            )
    creator_world = build_creators(
        session, OPERATOR, home.account_id, studio.account_id, foreign.account_id
    )
    return World(
        home=home,
        studio=studio,
        foreign=foreign,
        network=network,
        agency_id=agency.id,
        spare_advertiser_id=spare.id,
        callers=callers,
        foreign_admin=factories.api_caller(session, account_id=foreign.account_id),
        restricted=restricted,
        creators=creator_world,
        transcreation=build_transcreation(session, OPERATOR, home.account_id, foreign.account_id),
        reports=build_reports(session, OPERATOR, home.account_id, foreign.account_id),
    )
