"""S2S postbacks and clicks: authenticate, attribute, cap, price, score, and record.

A postback carries the usual macros — click_id, order_id, amount, currency, status,
promo_code, goal (plus optional buyer hash, city, referrer, occurred_at) — by GET query or POST
form/JSON. It is authenticated by the offer's token or by an HMAC-SHA256 signature over the
exact body (POST) or the sorted query without `signature` (GET). It is idempotent per offer and
order id: a repeat answers the existing conversion, a new status moves it. Every refused call
answers with a machine-readable reason and a sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import JarnamaError, NotFound
from jarnama.core.money import Currency, Money, MoneyError, Rounding, Tenge
from jarnama.core.time import ALMATY, utcnow
from jarnama.creators import deferred, fraud, lifecycle, repository, scope
from jarnama.creators.codes import new_click_id, normalise_code
from jarnama.creators.crypto import PiiCipher
from jarnama.creators.models import (
    Attribution,
    Click,
    ClickModel,
    Conversion,
    ConversionStatus,
    DeclineReason,
    Goal,
    Offer,
    OfferStatus,
    ParticipationStatus,
)
from jarnama.creators.order_facts import DbFacts, OrderFacts
from jarnama.creators.schemas import PostbackResult
from jarnama.creators.service import postback_token_hash
from jarnama.creators.taxes import TaxTable, tax_table

POSTBACK_STATUSES = ("pending", "approved", "declined", "cancelled", "refunded")


class PostbackRejected(JarnamaError):
    """A postback that was not accepted; `code` says why."""

    status_code = 400


def _reject(
    code: str, message: str, field: str | None = None, status: int = 400
) -> PostbackRejected:
    error = PostbackRejected(message, field=field, code=code)
    error.status_code = status
    return error


@dataclass(frozen=True, slots=True)
class PostbackCall:
    """One postback as received: its parameters and how it was signed."""

    params: dict[str, str]
    raw_body: bytes | None = None
    signature: str | None = None


def signature_for(secret: str, message: bytes) -> str:
    """The hex HMAC-SHA256 a shop sends as `signature` (or the `X-Signature` header)."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def canonical_query(params: dict[str, str]) -> bytes:
    """The signed form of GET parameters: sorted key=value pairs without token and signature."""
    pairs = sorted((k, v) for k, v in params.items() if k not in ("signature", "token"))
    return urlencode(pairs).encode()


def _authenticate(offer: Offer, call: PostbackCall, settings: Settings) -> None:
    token = call.params.get("token")
    signature = call.signature or call.params.get("signature")
    if token:
        if not hmac.compare_digest(postback_token_hash(token), offer.postback_token_hash):
            raise _reject("bad_token", "the postback token is not this offer's", "token", 401)
        return
    if signature:
        secret = PiiCipher.from_settings(settings).decrypt(offer.postback_secret_encrypted)
        message = call.raw_body if call.raw_body is not None else canonical_query(call.params)
        if not hmac.compare_digest(signature_for(secret, message), signature.lower()):
            raise _reject(
                "bad_signature", "the HMAC-SHA256 signature does not match", "signature", 401
            )
        return
    raise _reject(
        "unauthenticated", "send the offer's token or an HMAC-SHA256 signature", "token", 401
    )


def _amount_tiyn(
    session: Session, settings: Settings, raw: str | None, currency: str, on: dt.date
) -> tuple[int, str | None]:
    """The order value in tiyn, converted to tenge at the day's rate when needed."""
    if raw is None or raw == "":
        return 0, None
    try:
        money = Money.of(raw, currency.upper() or "KZT")
        if money.amount < 0:
            raise _reject("invalid_amount", "amount must not be negative", "amount")
        if money.currency is Currency.KZT:
            return Tenge.from_tenge(money.amount, Rounding.HALF_UP).tiyn, None
        from jarnama.money.service import convert

        result = convert(session, settings, money, Currency.KZT, on=on, rounding=Rounding.HALF_UP)
        return Tenge.from_tenge(result.result, Rounding.HALF_UP).tiyn, f"{raw} {money.currency}"
    except MoneyError as exc:
        raise _reject("invalid_amount", exc.message, "amount") from exc
    except NotFound as exc:
        raise _reject("no_exchange_rate", exc.message, "currency") from exc


def occurred_at(raw: str | None, now: dt.datetime) -> dt.datetime:
    """When a reported order happened: ISO 8601 with an offset or Unix seconds, else now."""
    if not raw:
        return now
    try:
        if raw.isdigit():
            value = dt.datetime.fromtimestamp(int(raw), dt.UTC)
        else:
            value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise _reject(
            "invalid_time", "occurred_at is ISO 8601 or Unix seconds", "occurred_at"
        ) from exc
    if value.tzinfo is None:
        raise _reject("invalid_time", "occurred_at needs a time zone offset", "occurred_at")
    if value > now + dt.timedelta(minutes=10):
        raise _reject("invalid_time", "occurred_at is in the future", "occurred_at")
    return value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Attributed:
    """Who gets a conversion and why."""

    creator_id: int
    by: str
    code: str | None
    click: Click | None
    code_platform: str | None = None


def _attribute(
    facts: OrderFacts, offer: Offer, click_id: str | None, promo: str | None, at: dt.datetime
) -> Attributed:
    """Apply the offer's attribution policy to the code and the click of a postback."""
    code_hit: Attributed | None = None
    click_hit: Attributed | None = None
    problems: list[tuple[str, str, str]] = []
    if promo:
        code = facts.code_by_value(offer.id, normalise_code(promo))
        if code is None or code.creator_account_id is None:
            problems.append(
                ("unknown_promo_code", "no creator holds this promo code", "promo_code")
            )
        else:
            code_hit = Attributed(
                code.creator_account_id, "code", code.code, None, code_platform=code.platform
            )
    if click_id:
        click = facts.click_by_id(click_id)
        window = dt.timedelta(days=offer.click_window_days)
        if click is None or click.offer_id != offer.id:
            problems.append(("unknown_click_id", "no click of this offer has this id", "click_id"))
        elif not click.at <= at + dt.timedelta(minutes=10) or at - click.at > window:
            problems.append(
                (
                    "click_outside_window",
                    f"the click is outside the offer's {offer.click_window_days}-day window",
                    "click_id",
                )
            )
        else:
            chosen = click
            visits = facts.visitor_clicks(offer.id, click.visitor_id, at - window, at)
            if visits:
                chosen = visits[0] if offer.click_model is ClickModel.FIRST else visits[-1]
            click_hit = Attributed(chosen.creator_account_id, "click", None, chosen)
    order = (
        (code_hit, click_hit)
        if offer.attribution is Attribution.CODE_FIRST
        else (click_hit, code_hit)
    )
    for hit in order:
        if hit is not None:
            if hit.by == "code" and click_hit is not None:
                return Attributed(
                    hit.creator_id, "code", hit.code, click_hit.click, hit.code_platform
                )
            if hit.by == "click" and code_hit is not None:
                return Attributed(
                    hit.creator_id, "click", code_hit.code, hit.click, code_hit.code_platform
                )
            return hit
    if problems:
        reason, message, field = problems[0]
        raise _reject(reason, message, field)
    raise _reject("not_attributed", "send a click_id or a promo_code", "click_id")


def platform_credit(
    session: Session,
    offer: Offer,
    who: Attributed,
    at: dt.datetime,
    facts: OrderFacts | None = None,
) -> tuple[str | None, str | None]:
    """Which of the creator's platforms a sale is credited to, and by which rule.

    1. link: the click's tracked link names a platform (the click is the creator's own);
    2. code: the promo code was issued for one platform;
    3. post: the creator's latest post for the offer submitted before the sale;
    otherwise none ("unspecified" in reports). See docs/creators.md.
    """
    facts = facts or DbFacts(session)
    click = who.click
    if click is not None and click.creator_account_id == who.creator_id:
        link = facts.link(click.link_id)
        if link is not None and link.platform:
            return link.platform, "link"
    if who.code is not None and who.code_platform:
        return who.code_platform, "code"
    posts = [
        p
        for p in facts.posts_of(offer.id, who.creator_id)
        if p.submitted_at <= at + dt.timedelta(minutes=10)
    ]
    if posts:
        latest = max(posts, key=lambda p: (p.submitted_at, p.id))
        return latest.platform, "post"
    return None, None


def _month_start(instant: dt.datetime) -> dt.datetime:
    local = instant.astimezone(ALMATY)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _day_start(instant: dt.datetime) -> dt.datetime:
    local = instant.astimezone(ALMATY)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _over_cap(facts: OrderFacts, offer: Offer, at: dt.datetime, payout: int) -> str | None:
    """Which cap this conversion would break, if any."""
    if offer.daily_cap is not None:
        if facts.count_conversions(offer.id, _day_start(at)) >= offer.daily_cap:
            return f"the offer's daily cap of {offer.daily_cap} conversions is reached"
    if offer.monthly_cap is not None:
        if facts.count_conversions(offer.id, _month_start(at)) >= offer.monthly_cap:
            return f"the offer's monthly cap of {offer.monthly_cap} conversions is reached"
    if offer.budget_tiyn is not None:
        committed = facts.offer_payout_committed(offer.id)
        if committed + payout > offer.budget_tiyn:
            return f"the offer's total budget of {Tenge(offer.budget_tiyn)} is spent"
    return None


def _fraud_facts(
    facts: OrderFacts, settings: Settings, offer: Offer, who: Attributed, conversion: Conversion
) -> fraud.FraudFacts:
    at = conversion.occurred_at
    profile = facts.profile(who.creator_id)
    audience = frozenset(profile.audience_cities) if profile else frozenset()
    same_buyer: list[tuple[int, dt.datetime]] = []
    if conversion.buyer_hash:
        same_buyer = facts.buyer_orders(
            who.creator_id, conversion.buyer_hash, at - dt.timedelta(days=30)
        )
    cities = facts.code_order_cities(who.creator_id, offer.id, at - dt.timedelta(days=7))
    today = facts.count_conversions(offer.id, _day_start(at), creator_id=who.creator_id)
    week = (
        facts.count_conversions(
            offer.id, _day_start(at) - dt.timedelta(days=7), creator_id=who.creator_id
        )
        - today
    )
    posts = facts.posts_of(offer.id, who.creator_id)
    return fraud.FraudFacts(
        amount_tiyn=conversion.amount_tiyn,
        occurred_at=at,
        attributed_by=who.by,
        buyer_hash=conversion.buyer_hash,
        buyer_city=conversion.buyer_city,
        referrer=conversion.referrer,
        click_at=who.click.at if who.click else None,
        creator_buyer_hashes=frozenset(profile.own_buyer_hashes) if profile else frozenset(),
        audience_cities=audience,
        same_buyer_orders_30d=len(same_buyer),
        same_buyer_same_amount_recent=sum(
            1
            for amount, when in same_buyer
            if amount == conversion.amount_tiyn and abs(at - when) <= fraud.DUPLICATE_WINDOW
        ),
        code_orders_7d=len(cities),
        code_orders_7d_outside_audience=sum(1 for c in cities if c and c not in audience),
        orders_today=today,
        orders_previous_7d=week,
        clicks_24h=facts.count_clicks(who.creator_id, offer.id, at - dt.timedelta(days=1)),
        orders_24h=facts.count_conversions(
            offer.id, at - dt.timedelta(days=1), creator_id=who.creator_id
        ),
        unlabelled_post=bool(posts) and not any(p.label_ok for p in posts),
        coupon_domains=tuple(settings.creators.coupon_domains),
    )


def handle(
    session: Session,
    settings: Settings,
    offer_id: int,
    call: PostbackCall,
    *,
    now: dt.datetime | None = None,
) -> PostbackResult:
    """Accept one postback: create the conversion, or move an existing one (idempotent)."""
    offer = repository.offer(session, offer_id)
    if offer is None:
        raise _reject("unknown_offer", "no offer has this id", "offer_id", 404)
    _authenticate(offer, call, settings)
    return record(session, settings, offer, call.params, f"postback:offer:{offer.id}", now=now)


@dataclass(frozen=True, slots=True)
class Applied:
    """What one reported order did: its conversion, and whether it was a repeat."""

    conversion: Conversion
    created: bool
    duplicate: bool

    def result(self) -> PostbackResult:
        """The answer to the shop."""
        return PostbackResult(
            conversion_id=self.conversion.id,
            status=self.conversion.status,
            duplicate=self.duplicate,
            payout_tiyn=self.conversion.payout_tiyn,
        )


def record(
    session: Session,
    settings: Settings,
    offer: Offer,
    p: dict[str, str],
    actor: str,
    *,
    now: dt.datetime | None = None,
    looked_up: bool = False,
    existing: Conversion | None = None,
) -> PostbackResult:
    """Apply one reported order (postback or feed row): idempotent per offer and order id.

    A caller that already looked the order up (the feed, a chunk at a time) passes
    `looked_up=True` and the order's conversion, or None when the order is new.
    """
    applied = apply_order(
        session, settings, offer, p, actor, now=now, looked_up=looked_up, existing=existing
    )
    return applied.result()


def apply_order(
    session: Session,
    settings: Settings,
    offer: Offer,
    p: dict[str, str],
    actor: str,
    *,
    now: dt.datetime | None = None,
    looked_up: bool = False,
    existing: Conversion | None = None,
    facts: OrderFacts | None = None,
) -> Applied:
    """`record`, answering the conversion itself; `facts` are the reads (SQL by default).

    Inside `deferred.deferred(session)` (the feed's chunks) nothing is flushed: the new
    conversion is only added, and a duplicate order id fails the caller's chunk flush.
    """
    facts = facts or DbFacts(session)
    now = now or utcnow()
    order_id = (p.get("order_id") or "").strip()
    if not order_id or len(order_id) > 100:
        raise _reject("missing_order_id", "order_id is required (1-100 characters)", "order_id")
    status = (p.get("status") or "pending").lower()
    if status not in POSTBACK_STATUSES:
        raise _reject(
            "unknown_status", "status is one of " + ", ".join(POSTBACK_STATUSES), "status"
        )
    at = occurred_at(p.get("occurred_at"), now)
    amount, original = _amount_tiyn(
        session, settings, p.get("amount"), p.get("currency") or "KZT", at.astimezone(ALMATY).date()
    )
    try:
        lines = scope.parse_lines(p.get("lines"))
    except scope.LinesError as exc:
        raise _reject("invalid_lines", str(exc), "lines") from exc
    if not looked_up:
        existing = repository.conversion_by_order(session, offer.id, order_id)
    if existing is not None:
        moved = _update_existing(session, tax_table(settings), existing, status, amount, actor, now)
        return Applied(existing, created=False, duplicate=not moved)
    if status == "refunded":
        raise _reject("unknown_order", "a refund for an order that was never reported", "order_id")
    if offer.status is not OfferStatus.ACTIVE and offer.status is not OfferStatus.PAUSED:
        raise _reject("offer_not_active", f"the offer is {offer.status.value}", "offer_id", 409)
    try:
        goal_name = Goal(p.get("goal") or "sale")
    except ValueError as exc:
        raise _reject("unknown_goal", "goal is one of " + ", ".join(Goal), "goal") from exc
    goals = {g.goal: g for g in facts.goals(offer.id)}
    goal = goals.get(goal_name)
    if goal is None:
        raise _reject("unknown_goal", f"the offer pays no '{goal_name.value}' goal", "goal")
    if goal.kind.value == "percent" and amount <= 0:
        raise _reject("invalid_amount", "a percent payout needs the order amount", "amount")
    who = _attribute(facts, offer, p.get("click_id"), p.get("promo_code"), at)
    participation = facts.participation(offer.id, who.creator_id)
    if participation is None or participation.status is not ParticipationStatus.APPROVED:
        raise _reject(
            "creator_not_in_offer", "the attributed creator is not approved for this offer"
        )
    month_count = facts.count_conversions(offer.id, _month_start(at), creator_id=who.creator_id)
    bonus = lifecycle.tier_bonus(offer, month_count + 1)
    in_scope = scope.check(session, offer, lines)
    base = scope.payout_base(amount, in_scope)
    payout = lifecycle.payout_for(goal, participation.rates.get(goal_name.value), base, bonus)
    platform, platform_source = platform_credit(session, offer, who, at, facts)
    conversion = Conversion(
        offer_id=offer.id,
        advertiser_account_id=offer.account_id,
        creator_account_id=who.creator_id,
        goal=goal_name,
        order_id=order_id,
        amount_tiyn=amount,
        currency="KZT",
        original_amount=original,
        payout_tiyn=payout,
        status=ConversionStatus.PENDING,
        attributed_by=who.by,
        promo_code=who.code,
        click_id=who.click.click_id if who.click else None,
        platform=platform,
        platform_source=platform_source,
        buyer_hash=(p.get("buyer") or None),
        buyer_city=(p.get("city") or None),
        referrer=(p.get("referrer") or None),
        occurred_at=at,
        hold_until=at + dt.timedelta(days=offer.hold_days),
        evidence=[],
        fraud_reasons=[],
        # Every column is given, even as NULL, so that a chunk's conversions share one column
        # set and go in as one multi-row INSERT (a different set starts a new statement).
        refunded_tiyn=0,
        tax_tiyn=0,
        decline_reason=None,
        decline_text=None,
        payout_batch_id=None,
        decided_at=None,
        created_at=utcnow(),
    )
    verdict = fraud.score(_fraud_facts(facts, settings, offer, who, conversion))
    conversion.fraud_score = verdict.score
    conversion.fraud_reasons = [
        {"code": r.code, "points": r.points, "detail": r.detail} for r in verdict.reasons
    ]
    conversion.needs_review = verdict.needs_review(settings.creators.review_score)
    cap = _over_cap(facts, offer, at, payout)
    out_of_area = bool(
        offer.cities and conversion.buyer_city and conversion.buyer_city not in offer.cities
    )
    # Two reports of one order at once (a shop retrying, a feed and a postback) both pass the
    # look-up above; the unique (offer, order) key lets one insert win, and the other answers
    # the winner's conversion as a repeat instead of failing.
    if deferred.books_of(session) is not None:
        session.add(conversion)
    else:
        savepoint = session.begin_nested()
        try:
            session.add(conversion)
            session.flush()
        except IntegrityError:
            savepoint.rollback()
            winner = repository.conversion_by_order(session, offer.id, order_id)
            if winner is None:
                raise
            moved = _update_existing(
                session, tax_table(settings), winner, status, amount, actor, now
            )
            return Applied(winner, created=False, duplicate=not moved)
        savepoint.commit()
    lifecycle.event(
        session,
        conversion,
        actor,
        "reported",
        note=f"order {order_id} attributed by {who.by}",
        data={
            "amount_tiyn": amount,
            "payout_tiyn": payout,
            "tier_bonus_bp": bonus,
            "fraud_score": verdict.score,
            "platform": platform,
            "platform_rule": platform_source,
            **({"payout_base_tiyn": base} if base != amount else {}),
            **scope.event_data(in_scope),
        },
    )
    if conversion.needs_review:
        lifecycle.event(
            session,
            conversion,
            lifecycle.SYSTEM,
            "sent_to_review",
            note="fraud score at or above the review threshold",
        )
    if scope.apply_verdict(session, conversion, offer, in_scope, now):
        pass
    elif cap is not None:
        lifecycle.decline(
            session,
            conversion,
            lifecycle.SYSTEM,
            DeclineReason.OVER_CAP,
            cap,
            [f"offer {offer.id} caps"],
            now=now,
            even_if_locked=True,
        )
    elif out_of_area:
        lifecycle.decline(
            session,
            conversion,
            lifecycle.SYSTEM,
            DeclineReason.OUT_OF_SCOPE,
            f"the buyer's city {conversion.buyer_city} is outside the offer's cities",
            [f"offer {offer.id} cities: {', '.join(offer.cities)}"],
            now=now,
            even_if_locked=True,
        )
    elif status in ("declined", "cancelled"):
        _shop_declined(session, conversion, actor, now)
    elif status == "approved" and not conversion.needs_review:
        lifecycle.approve(
            session, conversion, actor, tax_table(settings), note="confirmed by the shop", now=now
        )
    deferred.flush(session)
    return Applied(conversion, created=True, duplicate=False)


def _shop_declined(session: Session, conversion: Conversion, actor: str, now: dt.datetime) -> None:
    """The shop cancelled a pending order: a decline in the hold, a full refund after it."""
    if conversion.hold_until <= now and not conversion.needs_review:
        remaining = conversion.amount_tiyn - conversion.refunded_tiyn
        lifecycle.refund(session, conversion, actor, remaining, note="cancelled by the shop")
        return
    lifecycle.decline(
        session,
        conversion,
        actor,
        DeclineReason.ORDER_CANCELLED,
        "the shop reported the order as cancelled",
        ["shop postback"],
        now=now,
    )


def _update_existing(
    session: Session,
    table: TaxTable,
    conversion: Conversion,
    status: str,
    amount: int,
    actor: str,
    now: dt.datetime,
) -> bool:
    """A repeated order id: apply a new status if one came; True when the conversion moved."""
    duplicate = True
    current = conversion.status
    if status == "approved" and current is ConversionStatus.PENDING and not conversion.needs_review:
        lifecycle.approve(session, conversion, actor, table, note="confirmed by the shop", now=now)
        duplicate = False
    elif status in ("declined", "cancelled") and current is ConversionStatus.PENDING:
        _shop_declined(session, conversion, actor, now)
        duplicate = False
    elif status in ("refunded", "cancelled") and current in (
        ConversionStatus.APPROVED,
        ConversionStatus.PAID,
    ):
        remaining = conversion.amount_tiyn - conversion.refunded_tiyn
        if remaining > 0:
            lifecycle.refund(
                session,
                conversion,
                actor,
                min(amount or remaining, remaining),
                note=f"{status} reported by the shop",
            )
            duplicate = False
    elif status == "refunded" and current is ConversionStatus.PENDING:
        remaining = conversion.amount_tiyn - conversion.refunded_tiyn
        lifecycle.refund(
            session,
            conversion,
            actor,
            min(amount or remaining, remaining),
            note="refund reported by the shop",
        )
        duplicate = False
    return not duplicate


# --- clicks ------------------------------------------------------------------------------------


def click(
    session: Session, slug: str, visitor_id: str | None, referrer: str | None
) -> tuple[str, str, str]:
    """Log a click on a short link: the landing URL (with the click id), click id, visitor id."""
    link = repository.link_by_slug(session, slug)
    if link is None:
        raise NotFound("no such link")
    offer = repository.offer(session, link.offer_id)
    if offer is None or offer.status is OfferStatus.ENDED:
        raise NotFound("this offer has ended")
    visitor = visitor_id if visitor_id and len(visitor_id) <= 32 else new_click_id()[:22]
    click_id = new_click_id()
    session.add(
        Click(
            click_id=click_id,
            link_id=link.id,
            offer_id=offer.id,
            creator_account_id=link.creator_account_id,
            visitor_id=visitor,
            referrer=(referrer or None) and referrer[:500],
        )
    )
    session.flush()
    return landing_url(offer.landing_url, click_id), click_id, visitor


def landing_url(template: str, click_id: str) -> str:
    """The landing URL with `{click_id}` filled, or `jr_click=` appended to its query."""
    if "{click_id}" in template:
        return template.replace("{click_id}", click_id)
    parts = urlsplit(template)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("jr_click", click_id)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_body(body: bytes, content_type: str) -> dict[str, str]:
    """POST parameters from a JSON object or a form body, as strings."""
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        import json

        try:
            data = json.loads(text or "{}", parse_float=str)
        except ValueError as exc:
            raise _reject("malformed_body", "the body is not valid JSON", "body") from exc
        if not isinstance(data, dict):
            raise _reject("malformed_body", "the body must be a JSON object", "body")
        return {str(k): _param_text(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))


def _param_text(value: object) -> str:
    """A JSON body value as a parameter string (lists and objects, such as lines, as JSON)."""
    import json

    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
