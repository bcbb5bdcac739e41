"""Money out: balances, monthly statements, payout batches for bank upload, tax summaries."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.errors import Conflict, InvalidInput, NotFound
from jarnama.core.money import Tenge
from jarnama.core.time import ALMATY, utcnow
from jarnama.creators import ledger, ledger_repository, repository
from jarnama.creators.crypto import PiiCipher
from jarnama.creators.ledger import Leg
from jarnama.creators.models import (
    Book,
    ConversionStatus,
    Payout,
    PayoutBatch,
    PayoutBatchStatus,
)
from jarnama.creators.schemas import (
    BalanceOut,
    DepositIn,
    PayoutBatchOut,
    PayoutOut,
    TaxSummaryOut,
    TaxWarningOut,
)
from jarnama.creators.taxes import TaxStatus, limit_warnings, tax_table, vat_registration_due
from jarnama.tenancy import audit
from jarnama.tenancy.models import AccountKind
from jarnama.tenancy.principal import Principal


def _admin_writer(principal: Principal) -> None:
    principal.ensure_network_admin()
    principal.ensure_can_write()


def deposit(session: Session, principal: Principal, body: DepositIn) -> BalanceOut:
    """Record an advertiser's prepayment into escrow (network admins: they see the bank)."""
    _admin_writer(principal)
    account = repository.account(session, body.advertiser_account_id)
    if account is None:
        raise NotFound("account not found")
    if account.kind is not AccountKind.ADVERTISER:
        raise InvalidInput("escrow is held for advertiser accounts", field="advertiser_account_id")
    ledger.deposit(session, account.id, body.amount_tiyn, body.memo)
    audit.record(
        session,
        principal,
        "deposit",
        "creator_escrow",
        account.id,
        account_id=account.id,
        after={"amount_tiyn": body.amount_tiyn, "memo": body.memo},
    )
    return balance(session, principal, account.id)


def balance(session: Session, principal: Principal, account_id: int) -> BalanceOut:
    """An account's escrow, creator balance and tax withheld."""
    principal.ensure_can_read()
    principal.ensure_access(account_id, "account")
    return BalanceOut(
        account_id=account_id,
        escrow_tiyn=ledger_repository.balance(session, Book.ESCROW, account_id),
        creator_payable_tiyn=ledger_repository.balance(session, Book.CREATOR_PAYABLE, account_id),
        tax_withheld_tiyn=ledger_repository.balance(session, Book.TAX_PAYABLE, account_id),
    )


def create_batch(session: Session, principal: Principal, settings: Settings) -> PayoutBatchOut:
    """Pay every creator whose balance reaches the minimum and who has payout details."""
    _admin_writer(principal)
    minimum = max(settings.creators.min_payout_tiyn, 1)
    due = [
        b
        for b in ledger_repository.balances_of(session, Book.CREATOR_PAYABLE)
        if b.balance_tiyn >= minimum
    ]
    profiles = repository.profiles(session, (b.account_id for b in due))
    skipped = []
    lines: list[tuple[int, int, str, str]] = []
    for row in due:
        profile = profiles.get(row.account_id)
        if profile is None or profile.payout_method is None or profile.payout_masked is None:
            skipped.append({"creator_account_id": row.account_id, "reason": "no payout details"})
            continue
        lines.append(
            (row.account_id, row.balance_tiyn, profile.payout_method, profile.payout_masked)
        )
    if not lines:
        raise Conflict("no creator has a balance at or above the minimum payout and payout details")
    batch = PayoutBatch(
        status=PayoutBatchStatus.EXPORTED, total_tiyn=sum(line[1] for line in lines)
    )
    session.add(batch)
    session.flush()
    for creator_id, amount, method, masked in lines:
        session.add(
            Payout(
                batch_id=batch.id,
                creator_account_id=creator_id,
                amount_tiyn=amount,
                method=method,
                payout_masked=masked,
            )
        )
        ledger.post(
            session,
            "payout",
            [
                Leg(Book.CREATOR_PAYABLE, creator_id, -amount),
                Leg(Book.PAYOUT_CLEARING, creator_id, amount),
            ],
            payout_batch_id=batch.id,
            memo=f"payout batch {batch.id}",
        )
        for conversion in repository.approved_unbatched(session, creator_id):
            conversion.payout_batch_id = batch.id
    session.flush()
    audit.record(
        session,
        principal,
        "create",
        "creator_payout_batch",
        batch.id,
        account_id=None,
        after=audit.snapshot(batch),
    )
    return batch_out(session, batch, skipped)


def batch_out(
    session: Session, batch: PayoutBatch, skipped: list[dict[str, object]] | None = None
) -> PayoutBatchOut:
    """A batch with its lines."""
    return PayoutBatchOut(
        id=batch.id,
        status=batch.status.value,
        total_tiyn=batch.total_tiyn,
        created_at=batch.created_at,
        paid_at=batch.paid_at,
        payouts=[
            PayoutOut(
                creator_account_id=p.creator_account_id,
                amount_tiyn=p.amount_tiyn,
                method=p.method,
                payout_masked=p.payout_masked,
            )
            for p in ledger_repository.payouts_in(session, batch.id)
        ],
        skipped=list(skipped or []),
    )


def get_batch(session: Session, principal: Principal, batch_id: int) -> PayoutBatch:
    """A payout batch (network admins only)."""
    principal.ensure_network_admin()
    principal.ensure_can_read()
    batch = ledger_repository.batch(session, batch_id)
    if batch is None:
        raise NotFound("payout batch not found")
    return batch


def batch_csv(session: Session, principal: Principal, settings: Settings, batch_id: int) -> str:
    """The bank upload of a batch: one row per creator with the decrypted card or IBAN."""
    batch = get_batch(session, principal, batch_id)
    cipher = PiiCipher.from_settings(settings)
    payouts = ledger_repository.payouts_in(session, batch.id)
    profiles = repository.profiles(session, (p.creator_account_id for p in payouts))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "batch_id",
            "creator_account_id",
            "recipient",
            "iin_bin",
            "method",
            "account",
            "amount_kzt",
            "purpose",
        ]
    )
    for p in payouts:
        profile = profiles[p.creator_account_id]
        writer.writerow(
            [
                batch.id,
                p.creator_account_id,
                profile.display_name,
                cipher.decrypt(profile.tax_id_encrypted),
                p.method,
                cipher.decrypt(profile.payout_encrypted) if profile.payout_encrypted else "",
                str(Tenge(p.amount_tiyn).to_decimal()),
                f"Jarnama creator payout, batch {batch.id}",
            ]
        )
    audit.record(
        session,
        principal,
        "export",
        "creator_payout_batch",
        batch.id,
        account_id=None,
        note="bank upload CSV exported (decrypted payout details)",
    )
    return out.getvalue()


def mark_paid(session: Session, principal: Principal, batch_id: int) -> PayoutBatch:
    """The bank confirmed a batch: money left, and its conversions are paid."""
    _admin_writer(principal)
    batch = get_batch(session, principal, batch_id)
    if batch.status is PayoutBatchStatus.PAID:
        raise Conflict("the batch is already paid")
    for p in ledger_repository.payouts_in(session, batch.id):
        ledger.post(
            session,
            "payout_confirmed",
            [
                Leg(Book.PAYOUT_CLEARING, p.creator_account_id, -p.amount_tiyn),
                Leg(Book.PAID_OUT, p.creator_account_id, p.amount_tiyn),
            ],
            payout_batch_id=batch.id,
        )
    from jarnama.creators.lifecycle import event

    for conversion in repository.conversions_in_batch(session, batch.id):
        if conversion.status is ConversionStatus.APPROVED:
            conversion.status = ConversionStatus.PAID
            event(
                session,
                conversion,
                principal.actor,
                "paid",
                before=ConversionStatus.APPROVED,
                note=f"paid in batch {batch.id}",
            )
    before = audit.snapshot(batch)
    batch.status = PayoutBatchStatus.PAID
    batch.paid_at = utcnow()
    session.flush()
    audit.record(
        session,
        principal,
        "paid",
        "creator_payout_batch",
        batch.id,
        account_id=None,
        before=before,
        after=audit.snapshot(batch),
    )
    return batch


def tax_summary(
    session: Session, principal: Principal, settings: Settings, creator_id: int, year: int
) -> TaxSummaryOut:
    """A creator's tax year: gross, withheld, net, paid out, and regime limit warnings."""
    principal.ensure_can_read()
    principal.ensure_access(creator_id, "creator")
    profile = repository.profile(session, creator_id)
    if profile is None:
        raise NotFound("creator not found")
    if not 2000 <= year <= 2100:
        raise InvalidInput("year is out of range", field="year")
    start = dt.datetime(year, 1, 1, tzinfo=ALMATY).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=ALMATY).astimezone(dt.UTC)
    today = utcnow().astimezone(ALMATY).date()
    on = min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    period = tax_table(settings).on(on)
    gross = ledger_repository.gross_income(session, creator_id, start, end)
    tax = sum(
        ledger_repository.entry_sums(
            session, Book.TAX_PAYABLE, creator_id, since=start, until=end
        ).values()
    )
    paid = sum(
        ledger_repository.entry_sums(
            session, Book.PAID_OUT, creator_id, since=start, until=end
        ).values()
    )
    month_start = dt.datetime(on.year, on.month, 1, tzinfo=ALMATY).astimezone(dt.UTC)
    month = ledger_repository.gross_income(session, creator_id, month_start, end)
    warnings = limit_warnings(period, profile.tax_status, year_tiyn=gross, month_tiyn=month)
    return TaxSummaryOut(
        creator_account_id=creator_id,
        year=year,
        tax_status=profile.tax_status,
        gross_tiyn=gross,
        tax_withheld_tiyn=tax,
        net_tiyn=gross - tax,
        paid_out_tiyn=paid,
        warnings=[
            TaxWarningOut(code=w.code, message=w.message, used_bp=w.used_bp) for w in warnings
        ],
        vat_registration_due=profile.tax_status is TaxStatus.SIMPLIFIED
        and vat_registration_due(period, gross),
        table_source=period.source,
    )
