"""What `postback.record` reads about a reported order: from SQL, or preloaded for a chunk.

A postback asks the database for each fact (`DbFacts`, ~15 queries per new order). The purchase
feed preloads a chunk of rows' facts in ~12 queries (`ChunkFacts.load`) and keeps the counts
current in memory as each row is applied (`ChunkFacts.applied`), so the same decision code
sees exactly what the row-by-row queries would have seen within the import's transaction.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from jarnama.core.time import ALMATY
from jarnama.creators import repository
from jarnama.creators.codes import normalise_code
from jarnama.creators.models import (
    Click,
    Conversion,
    ConversionStatus,
    CreatorProfile,
    Offer,
    OfferGoal,
    Participation,
    PostSubmission,
    PromoCode,
    TrackedLink,
)


class OrderFacts(Protocol):
    """The reads of one reported order (same meaning as the `repository` functions)."""

    def goals(self, offer_id: int) -> list[OfferGoal]: ...
    def code_by_value(self, offer_id: int, code: str) -> PromoCode | None: ...
    def click_by_id(self, click_id: str) -> Click | None: ...
    def visitor_clicks(
        self, offer_id: int, visitor_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[Click]: ...
    def participation(self, offer_id: int, creator_id: int) -> Participation | None: ...
    def profile(self, creator_id: int) -> CreatorProfile | None: ...
    def link(self, link_id: int) -> TrackedLink | None: ...
    def posts_of(self, offer_id: int, creator_id: int) -> list[PostSubmission]: ...
    def count_conversions(
        self, offer_id: int, since: dt.datetime, *, creator_id: int | None = None
    ) -> int: ...
    def offer_payout_committed(self, offer_id: int) -> int: ...
    def buyer_orders(
        self, creator_id: int, buyer_hash: str, since: dt.datetime
    ) -> list[tuple[int, dt.datetime]]: ...
    def code_order_cities(
        self, creator_id: int, offer_id: int, since: dt.datetime
    ) -> list[str | None]: ...
    def count_clicks(self, creator_id: int, offer_id: int, since: dt.datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class DbFacts:
    """Each fact by its own query (postbacks, and a feed chunk replayed row by row)."""

    session: Session

    def goals(self, offer_id: int) -> list[OfferGoal]:
        """The offer's goals."""
        return repository.goals(self.session, [offer_id])

    def code_by_value(self, offer_id: int, code: str) -> PromoCode | None:
        """An offer's code by its text."""
        return repository.code_by_value(self.session, offer_id, code)

    def click_by_id(self, click_id: str) -> Click | None:
        """A click by its public id."""
        return repository.click_by_id(self.session, click_id)

    def visitor_clicks(
        self, offer_id: int, visitor_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[Click]:
        """A visitor's clicks in a window, oldest first."""
        return repository.visitor_clicks(self.session, offer_id, visitor_id, since, until)

    def participation(self, offer_id: int, creator_id: int) -> Participation | None:
        """A creator's participation."""
        return repository.participation(self.session, offer_id, creator_id)

    def profile(self, creator_id: int) -> CreatorProfile | None:
        """A creator's profile."""
        return repository.profile(self.session, creator_id)

    def link(self, link_id: int) -> TrackedLink | None:
        """A tracked link."""
        return repository.link(self.session, link_id)

    def posts_of(self, offer_id: int, creator_id: int) -> list[PostSubmission]:
        """A creator's posts for the offer."""
        return repository.posts_of(self.session, offer_id, creator_id)

    def count_conversions(
        self, offer_id: int, since: dt.datetime, *, creator_id: int | None = None
    ) -> int:
        """Conversions not declined since an instant."""
        return repository.count_conversions(self.session, offer_id, since, creator_id=creator_id)

    def offer_payout_committed(self, offer_id: int) -> int:
        """Payouts not declined."""
        return repository.offer_payout_committed(self.session, offer_id)

    def buyer_orders(
        self, creator_id: int, buyer_hash: str, since: dt.datetime
    ) -> list[tuple[int, dt.datetime]]:
        """A buyer's orders through a creator."""
        return repository.buyer_orders(self.session, creator_id, buyer_hash, since)

    def code_order_cities(
        self, creator_id: int, offer_id: int, since: dt.datetime
    ) -> list[str | None]:
        """Cities of a creator's code orders."""
        return repository.code_order_cities(self.session, creator_id, offer_id, since)

    def count_clicks(self, creator_id: int, offer_id: int, since: dt.datetime) -> int:
        """A creator's clicks since an instant."""
        return repository.count_clicks(self.session, creator_id, offer_id, since)


# How far before a row's time its facts reach: the month start (tiers, monthly cap) is at most
# 31 days back, the repeat-buyer window 30 days, the spike baseline 8 days.
_LOOKBACK = dt.timedelta(days=32)


def _month_start(instant: dt.datetime) -> dt.datetime:
    local = instant.astimezone(ALMATY)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


@dataclass(slots=True)
class _Counted:
    """What a conversion adds to the counts: counted while not declined."""

    creator_id: int
    occurred_at: dt.datetime
    counted: bool
    payout_tiyn: int


class ChunkFacts:
    """The facts of one chunk of feed rows of one offer, preloaded and kept current."""

    def __init__(self, session: Session, offer: Offer) -> None:
        self.session = session
        self.offer = offer
        self._goals: list[OfferGoal] = []
        self._codes: dict[str, PromoCode] = {}
        self._clicks: dict[str, Click] = {}
        self._visits: dict[str, list[Click]] = defaultdict(list)
        self._participations: dict[int, Participation] = {}
        self._profiles: dict[int, CreatorProfile] = {}
        self._links: dict[int, TrackedLink] = {}
        self._posts: dict[int, list[PostSubmission]] = defaultdict(list)
        self.creators: frozenset[int] = frozenset()  # every creator the chunk's rows can name
        self._since = dt.datetime.max.replace(tzinfo=dt.UTC)
        self._offer_times: list[dt.datetime] = []
        self._creator_times: dict[int, list[dt.datetime]] = defaultdict(list)
        self._code_orders: dict[int, list[tuple[dt.datetime, str | None]]] = defaultdict(list)
        self._buyers: dict[tuple[int, str], list[tuple[int, dt.datetime]]] = defaultdict(list)
        self._click_times: dict[int, list[dt.datetime]] = defaultdict(list)
        self._committed = 0

    @classmethod
    def load(
        cls,
        session: Session,
        offer: Offer,
        rows: Sequence[dict[str, str]],
        times: Sequence[dt.datetime],
        existing: Iterable[Conversion],
    ) -> ChunkFacts:
        """Preload what the rows (with their occurred_at `times`) can ask about."""
        facts = cls(session, offer)
        oid = offer.id
        facts._goals = repository.goals(session, [oid])
        earliest = min(times, default=dt.datetime.now(dt.UTC))
        facts._since = min(_month_start(earliest), earliest - _LOOKBACK)
        codes = sorted({normalise_code(p["promo_code"]) for p in rows if p.get("promo_code")})
        for start in range(0, len(codes), 500):
            codes_stmt = select(PromoCode).where(
                PromoCode.offer_id == oid, PromoCode.code.in_(codes[start : start + 500])
            )
            facts._codes.update((c.code, c) for c in session.scalars(codes_stmt))
        click_ids = sorted({p["click_id"] for p in rows if p.get("click_id")})
        for start in range(0, len(click_ids), 500):
            stmt = select(Click).where(Click.click_id.in_(click_ids[start : start + 500]))
            facts._clicks.update((c.click_id, c) for c in session.scalars(stmt))
        visitors = sorted({c.visitor_id for c in facts._clicks.values() if c.offer_id == oid})
        window = dt.timedelta(days=offer.click_window_days)
        for start in range(0, len(visitors), 500):
            stmt = (
                select(Click)
                .where(
                    Click.offer_id == oid,
                    Click.visitor_id.in_(visitors[start : start + 500]),
                    Click.at >= earliest - window,
                )
                .order_by(Click.at, Click.id)
            )
            for click in session.scalars(stmt):
                facts._visits[click.visitor_id].append(click)
        facts._participations = {
            p.creator_account_id: p
            for p in session.scalars(select(Participation).where(Participation.offer_id == oid))
        }
        creators = {c.creator_account_id for c in facts._codes.values() if c.creator_account_id}
        creators |= {c.creator_account_id for v in facts._visits.values() for c in v}
        creators |= {c.creator_account_id for c in facts._clicks.values()}
        creators |= {c.creator_account_id for c in existing}
        facts._profiles = repository.profiles(session, creators)
        facts.creators = frozenset(creators)
        link_ids = sorted(
            {c.link_id for c in facts._clicks.values()}
            | {c.link_id for v in facts._visits.values() for c in v}
        )
        if link_ids:
            stmt_links = select(TrackedLink).where(TrackedLink.id.in_(link_ids))
            facts._links = {link.id: link for link in session.scalars(stmt_links)}
        for post in session.scalars(select(PostSubmission).where(PostSubmission.offer_id == oid)):
            facts._posts[post.creator_account_id].append(post)
        facts._load_counts(session, rows, earliest)
        return facts

    def _load_counts(
        self, session: Session, rows: Sequence[dict[str, str]], earliest: dt.datetime
    ) -> None:
        oid = self.offer.id
        window = select(
            Conversion.creator_account_id,
            Conversion.occurred_at,
            Conversion.status,
            Conversion.attributed_by,
            Conversion.buyer_city,
        ).where(Conversion.offer_id == oid, Conversion.occurred_at >= self._since)
        for creator, at, status, by, city in session.execute(window):
            if status is not ConversionStatus.DECLINED:
                self._offer_times.append(at)
                self._creator_times[creator].append(at)
            if by == "code":
                self._code_orders[creator].append((at, city))
        self._offer_times.sort()
        for times in self._creator_times.values():
            times.sort()
        buyers = sorted({p["buyer"] for p in rows if p.get("buyer")})
        for start in range(0, len(buyers), 500):
            stmt = select(
                Conversion.creator_account_id,
                Conversion.buyer_hash,
                Conversion.amount_tiyn,
                Conversion.occurred_at,
            ).where(
                Conversion.buyer_hash.in_(buyers[start : start + 500]),
                Conversion.occurred_at >= self._since,
            )
            for creator, buyer, amount, at in session.execute(stmt):
                self._buyers[(creator, str(buyer))].append((int(amount), at))
        clicks = select(Click.creator_account_id, Click.at).where(
            Click.offer_id == oid, Click.at >= earliest - dt.timedelta(days=1)
        )
        for creator, at in session.execute(clicks):
            self._click_times[creator].append(at)
        for times in self._click_times.values():
            times.sort()
        self._committed = repository.offer_payout_committed(session, oid)

    # --- the reads ------------------------------------------------------------------------

    def goals(self, offer_id: int) -> list[OfferGoal]:
        """The offer's goals."""
        return list(self._goals)

    def code_by_value(self, offer_id: int, code: str) -> PromoCode | None:
        """An offer's code by its text."""
        return self._codes.get(code)

    def click_by_id(self, click_id: str) -> Click | None:
        """A click by its public id."""
        return self._clicks.get(click_id)

    def visitor_clicks(
        self, offer_id: int, visitor_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[Click]:
        """A visitor's clicks in a window, oldest first."""
        return [c for c in self._visits.get(visitor_id, []) if since <= c.at <= until]

    def participation(self, offer_id: int, creator_id: int) -> Participation | None:
        """A creator's participation."""
        return self._participations.get(creator_id)

    def profile(self, creator_id: int) -> CreatorProfile | None:
        """A creator's profile (preloaded for every creator the chunk's codes and clicks name)."""
        found = self._profiles.get(creator_id)
        return found if found is not None else repository.profile(self.session, creator_id)

    def link(self, link_id: int) -> TrackedLink | None:
        """A tracked link."""
        return self._links.get(link_id)

    def posts_of(self, offer_id: int, creator_id: int) -> list[PostSubmission]:
        """A creator's posts for the offer."""
        return list(self._posts.get(creator_id, []))

    def _check(self, since: dt.datetime) -> None:
        if since < self._since:  # cannot happen: load() reaches back past every row's windows
            raise AssertionError(f"{since} is before the preloaded window {self._since}")

    def count_conversions(
        self, offer_id: int, since: dt.datetime, *, creator_id: int | None = None
    ) -> int:
        """Conversions not declined since an instant."""
        self._check(since)
        times = self._offer_times if creator_id is None else self._creator_times[creator_id]
        return len(times) - bisect_left(times, since)

    def offer_payout_committed(self, offer_id: int) -> int:
        """Payouts not declined."""
        return self._committed

    def buyer_orders(
        self, creator_id: int, buyer_hash: str, since: dt.datetime
    ) -> list[tuple[int, dt.datetime]]:
        """A buyer's orders through a creator."""
        self._check(since)
        return [o for o in self._buyers.get((creator_id, buyer_hash), []) if o[1] >= since]

    def code_order_cities(
        self, creator_id: int, offer_id: int, since: dt.datetime
    ) -> list[str | None]:
        """Cities of a creator's code orders."""
        self._check(since)
        return [city for at, city in self._code_orders.get(creator_id, []) if at >= since]

    def count_clicks(self, creator_id: int, offer_id: int, since: dt.datetime) -> int:
        """A creator's clicks since an instant."""
        times = self._click_times.get(creator_id, [])
        return len(times) - bisect_left(times, since)

    # --- keeping the counts current -----------------------------------------------------

    def snapshot(self, conversion: Conversion | None) -> _Counted | None:
        """A conversion's part in the counts before a row changes it (None: a new order)."""
        if conversion is None:
            return None
        return _Counted(
            conversion.creator_account_id,
            conversion.occurred_at,
            conversion.status is not ConversionStatus.DECLINED,
            conversion.payout_tiyn,
        )

    def applied(self, conversion: Conversion, before: _Counted | None) -> None:
        """Count a row's effect: a new conversion, or an existing one's new status and payout."""
        after = self.snapshot(conversion)
        assert after is not None
        if before is None:
            if conversion.buyer_hash:
                key = (conversion.creator_account_id, str(conversion.buyer_hash))
                self._buyers[key].append((conversion.amount_tiyn, conversion.occurred_at))
            if conversion.attributed_by == "code" and conversion.occurred_at >= self._since:
                self._code_orders[conversion.creator_account_id].append(
                    (conversion.occurred_at, conversion.buyer_city)
                )
            before = _Counted(after.creator_id, after.occurred_at, False, 0)
        if before.counted:
            self._committed -= before.payout_tiyn
        if after.counted:
            self._committed += after.payout_tiyn
        if before.counted == after.counted or after.occurred_at < self._since:
            return
        for times in (self._offer_times, self._creator_times[after.creator_id]):
            if after.counted:
                insort(times, after.occurred_at)
            else:
                del times[bisect_left(times, after.occurred_at)]
