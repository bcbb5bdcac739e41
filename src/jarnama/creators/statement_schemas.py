"""Response schemas of a creator's monthly statement (schemas.py is at its size bound)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

LineKind = Literal["earning", "refund", "payout", "declined", "adjustment"]


class StatementLine(BaseModel):
    """One line of a statement: a posting on the creator's balance, or a decline shown for
    transparency (which moves no money: `amount_tiyn` 0)."""

    at: dt.datetime
    kind: LineKind = Field(
        description="earning (approved conversion), refund (negative; also after payout), "
        "payout (money sent), declined (for transparency, no money), adjustment (other)."
    )
    conversion_id: int | None = None
    offer_id: int | None = None
    order_id: str | None = None
    payout_batch_id: int | None = None
    gross_tiyn: int = Field(default=0, description="Payout before tax (negative for refunds).")
    tax_tiyn: int = Field(default=0, description="Income tax withheld (negative: given back).")
    amount_tiyn: int = Field(description="Effect on the creator's balance: gross - tax.")
    balance_tiyn: int = Field(description="The balance after this line.")
    declined_payout_tiyn: int = Field(default=0, description="What a declined sale would pay.")
    reason: str | None = Field(default=None, description="The decline reason from the fixed list.")
    after_payout: bool = Field(
        default=False, description="A refund of a conversion already sent in a payout batch."
    )
    note: str = ""


class StatementOut(BaseModel):
    """A creator's monthly statement (Almaty calendar month): the opening balance, every line,
    and the closing balance; the lines' amounts sum to closing - opening."""

    creator_account_id: int
    month: str
    opening_tiyn: int
    earned_gross_tiyn: int
    tax_withheld_tiyn: int = Field(description="Withheld on earnings, net of tax given back.")
    earned_net_tiyn: int
    refunds_tiyn: int = Field(description="Negative: payouts taken back for refunds and returns.")
    refunds_after_payout_tiyn: int = Field(description="The part of refunds_tiyn after payout.")
    paid_out_tiyn: int = Field(description="Positive: money sent in payout batches.")
    adjustments_tiyn: int
    closing_tiyn: int = Field(description="Negative: owed back, netted on the next statement.")
    declined_count: int
    declined_payout_tiyn: int
    payable_now: bool
    minimum_payout_tiyn: int
    lines: list[StatementLine]
