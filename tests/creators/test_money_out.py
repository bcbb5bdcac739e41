"""Disputes, payout batches with the bank CSV, statements and yearly tax summaries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jarnama.core.errors import Conflict, NotFound
from jarnama.core.time import utcnow
from jarnama.creators import disputes, lifecycle, payouts, repository
from jarnama.creators.models import ConversionStatus, DeclineReason, DisputeStatus
from jarnama.creators.schemas import DisputeIn, DisputeResolveIn
from tests.creators.helpers import (
    ADMIN,
    IBAN,
    KASPI_CARD,
    TABLE,
    Exchange,
    T,
    conversion,
    fund,
    report,
)


def _declined(session: Session, ex: Exchange, order: str) -> int:
    c = conversion(session, report(session, ex, order).conversion_id)
    lifecycle.decline(session, c, "adv", DeclineReason.FRAUD, "looks like a bot order", ["log"])
    return c.id


def test_a_won_dispute_reinstates_and_approves(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    cid = _declined(session, ex, "D-1")
    body = DisputeIn(kind="wrong_decline", conversion_id=cid, text="my follower bought it")
    dispute = disputes.open_dispute(session, ex.creator, ex.settings, body)
    with pytest.raises(Conflict, match="already disputed"):
        disputes.open_dispute(session, ex.creator, ex.settings, body)
    with pytest.raises(NotFound):  # another creator cannot dispute it
        disputes.open_dispute(session, ex.creator2, ex.settings, body)
    resolved = DisputeResolveIn(in_favour_of="creator", resolution="the order was real, sorry")
    disputes.resolve(session, ex.advertiser, ex.settings, dispute.id, resolved)
    assert dispute.status is DisputeStatus.RESOLVED_FOR_CREATOR
    assert conversion(session, cid).status is ConversionStatus.APPROVED
    kinds = [e.kind for e in repository.events_of(session, cid)]
    assert kinds == ["reported", "declined", "disputed", "dispute_won", "approved"]


def test_an_unanswered_dispute_resolves_for_the_creator(session: Session, ex: Exchange) -> None:
    fund(session, ex, 100_000)
    body = DisputeIn(
        kind="missing_order",
        offer_id=ex.offer.id,
        order_id="LOST-9",
        claimed_amount_tiyn=20_000 * T,
        text="my follower sent the receipt",
        evidence=["receipt.jpg"],
    )
    dispute = disputes.open_dispute(session, ex.creator, ex.settings, body)
    assert (
        disputes.resolve_expired(
            session, TABLE, now=dispute.deadline - dt.timedelta(seconds=1)
        ).done
        == 0
    )
    assert disputes.resolve_expired(session, TABLE, now=dispute.deadline).done == 1
    assert dispute.status is DisputeStatus.RESOLVED_FOR_CREATOR
    assert dispute.conversion_id
    c = conversion(session, dispute.conversion_id)
    assert (c.order_id, c.payout_tiyn, c.status) == ("LOST-9", 2_000 * T, ConversionStatus.APPROVED)


def test_a_lost_dispute_keeps_the_decline(session: Session, ex: Exchange) -> None:
    cid = _declined(session, ex, "D-2")
    dispute = disputes.open_dispute(
        session,
        ex.creator,
        ex.settings,
        DisputeIn(kind="wrong_decline", conversion_id=cid, text="please look again"),
    )
    disputes.resolve(
        session,
        ex.advertiser,
        ex.settings,
        dispute.id,
        DisputeResolveIn(in_favour_of="advertiser", resolution="the card was stolen, see log"),
    )
    assert conversion(session, cid).status is ConversionStatus.DECLINED
    with pytest.raises(Conflict):
        disputes.resolve(
            session,
            ex.advertiser,
            ex.settings,
            dispute.id,
            DisputeResolveIn(in_favour_of="creator", resolution="changed my mind now"),
        )


def test_payout_batch_pays_creators_above_the_minimum(session: Session, ex: Exchange) -> None:
    fund(session, ex, 1_000_000)
    ex.settings.creators.min_payout_tiyn = 5_000 * T
    report(session, ex, "P-1", 100_000)  # creator 1: 10,000 ₸ gross, 9,000 ₸ net
    report(session, ex, "P-2", 10_000, promo_code=ex.code2)  # creator 2: 900 ₸ net, too little
    lifecycle.approve_due(session, TABLE, now=utcnow() + dt.timedelta(days=15))
    batch = payouts.create_batch(session, ADMIN, ex.settings)
    assert [(p.creator_account_id, p.amount_tiyn) for p in batch.payouts] == [
        (ex.creator_id, 9_000 * T)
    ]
    assert batch.payouts[0].payout_masked.endswith("6789")
    assert KASPI_CARD not in str(batch)
    csv_text = payouts.batch_csv(session, ADMIN, ex.settings, batch.id)
    header, row = csv_text.strip().splitlines()
    assert header.startswith("batch_id,creator_account_id,recipient,iin_bin")
    assert KASPI_CARD in row
    assert row.endswith(f'9000.00,"Jarnama creator payout, batch {batch.id}"')
    assert ",9000.00," in row
    with pytest.raises(Conflict, match="no creator"):
        payouts.create_batch(session, ADMIN, ex.settings)
    paid = payouts.mark_paid(session, ADMIN, batch.id)
    assert paid.status.value == "paid"
    with pytest.raises(Conflict):
        payouts.mark_paid(session, ADMIN, batch.id)
    assert IBAN not in csv_text  # creator 2 was not paid


def test_payouts_are_network_admin_work(session: Session, ex: Exchange) -> None:
    from jarnama.core.errors import Forbidden

    with pytest.raises(Forbidden):
        payouts.create_batch(session, ex.advertiser, ex.settings)


def test_yearly_tax_summary(session: Session, ex: Exchange) -> None:
    fund(session, ex, 1_000_000)
    report(session, ex, "Y-1", 100_000)
    lifecycle.approve_due(session, TABLE, now=utcnow() + dt.timedelta(days=15))
    year = utcnow().year
    summary = payouts.tax_summary(session, ex.creator, ex.settings, ex.creator_id, year)
    assert (summary.gross_tiyn, summary.tax_withheld_tiyn, summary.net_tiyn) == (
        10_000 * T,
        1_000 * T,
        9_000 * T,
    )
    assert summary.warnings == []
    assert not summary.vat_registration_due
    assert "214-VIII" in summary.table_source
    with pytest.raises(NotFound):
        payouts.tax_summary(session, ex.creator2, ex.settings, ex.creator_id, year)
