"""The money desk: escrow deposits, balances, statements, tax summaries, payout batches, jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from jarnama.creators import (
    disputes,
    lifecycle,
    payouts,
    statements,
)
from jarnama.creators.routes.common import (
    CONFLICT,
    NOT_FOUND,
    PathId,
)
from jarnama.creators.schemas import (
    BalanceOut,
    DepositIn,
    JobReport,
    PayoutBatchOut,
    TaxSummaryOut,
)
from jarnama.creators.statement_schemas import StatementOut
from jarnama.creators.taxes import tax_table
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.tenancy import audit
from jarnama.tenancy.principal import Principal

router = APIRouter()


@router.post(
    "/escrow/deposits",
    summary="Record an advertiser's prepayment into escrow (network admins).",
    responses=NOT_FOUND,
)
def deposit(body: DepositIn, session: SessionDep, principal: PrincipalDep) -> BalanceOut:
    """Credit the advertiser's escrow with money the network received."""
    return payouts.deposit(session, principal, body)


@router.get(
    "/balances/{account_id}",
    summary="Show an account's escrow and creator balances.",
    responses=NOT_FOUND,
)
def get_balance(account_id: PathId, session: SessionDep, principal: PrincipalDep) -> BalanceOut:
    """Escrow (advertisers), amount payable and tax withheld (creators)."""
    return payouts.balance(session, principal, account_id)


Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


@router.get(
    "/statements/{creator_account_id}",
    summary="A creator's monthly statement with every line.",
    responses=NOT_FOUND,
)
def get_statement(
    creator_account_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    month: Month,
) -> StatementOut:
    """Opening balance; earnings, refunds, payouts and declines line by line; closing balance."""
    return statements.statement(session, principal, settings, creator_account_id, month)


@router.get(
    "/statements/{creator_account_id}/csv",
    summary="A creator's monthly statement as CSV.",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV."}, **NOT_FOUND},
)
def get_statement_csv(
    creator_account_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    month: Month,
) -> PlainTextResponse:
    """An opening row, one row per line with the running balance, a closing row; in tenge."""
    out = statements.statement(session, principal, settings, creator_account_id, month)
    name = f"statement-{creator_account_id}-{month}.csv"
    return PlainTextResponse(
        statements.statement_csv(out),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/tax-summary/{creator_account_id}",
    summary="A creator's yearly tax summary with regime limit warnings.",
    responses=NOT_FOUND,
)
def get_tax_summary(
    creator_account_id: PathId,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    year: Annotated[int, Query(ge=2026, le=2100)],
) -> TaxSummaryOut:
    """Gross, withheld, net and paid out in the year, with the tax table used."""
    return payouts.tax_summary(session, principal, settings, creator_account_id, year)


@router.post(
    "/payout-batches",
    status_code=201,
    summary="Create a payout batch of every creator due (network admins).",
    responses={409: {"description": "No creator is due."}},
)
def create_batch(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> PayoutBatchOut:
    """Pay every balance at or above the minimum to creators with payout details."""
    return payouts.create_batch(session, principal, settings)


@router.get("/payout-batches/{batch_id}", summary="Show a payout batch.", responses=NOT_FOUND)
def get_batch(batch_id: PathId, session: SessionDep, principal: PrincipalDep) -> PayoutBatchOut:
    """A batch and its lines (payout details masked)."""
    return payouts.batch_out(session, payouts.get_batch(session, principal, batch_id))


@router.get(
    "/payout-batches/{batch_id}/csv",
    summary="Export a payout batch as CSV for the bank upload.",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The CSV."}, **NOT_FOUND},
)
def batch_csv(
    batch_id: PathId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> PlainTextResponse:
    """One row per creator with the decrypted card or IBAN (audited)."""
    text = payouts.batch_csv(session, principal, settings, batch_id)
    return PlainTextResponse(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-batch-{batch_id}.csv"'},
    )


@router.post(
    "/payout-batches/{batch_id}/paid",
    summary="Confirm a batch was paid by the bank.",
    responses=CONFLICT,
)
def mark_paid(batch_id: PathId, session: SessionDep, principal: PrincipalDep) -> PayoutBatchOut:
    """Mark the batch paid; its conversions become paid."""
    return payouts.batch_out(session, payouts.mark_paid(session, principal, batch_id))


@router.post("/jobs/approve-due", summary="Run the hold-end job now (network admins).")
def run_approve_due(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> JobReport:
    """Approve every pending conversion whose hold ended (escrow permitting)."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    report = lifecycle.approve_due(session, tax_table(settings))
    _audit_job(session, principal, "approve-due", report)
    return report


@router.post("/jobs/expire-disputes", summary="Run the dispute deadline job now (network admins).")
def run_expire_disputes(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> JobReport:
    """Resolve every dispute past its deadline in the creator's favour."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
    report = disputes.resolve_expired(session, tax_table(settings))
    _audit_job(session, principal, "expire-disputes", report)
    return report


def _audit_job(session: SessionDep, principal: Principal, job: str, report: JobReport) -> None:
    """Record who ran a job by hand and what it did."""
    audit.record(
        session,
        principal,
        "run",
        "creator_job",
        job,
        account_id=None,
        after=report.model_dump(mode="json"),
    )
