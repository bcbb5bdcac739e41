"""HTTP API of the tenancy domain."""

from __future__ import annotations

from fastapi import APIRouter

from jarnama.deps import PrincipalDep
from jarnama.tenancy.schemas import Me

router = APIRouter(tags=["tenancy"])


@router.get("/me", summary="Who the current credential acts as.")
def me(principal: PrincipalDep) -> Me:
    """Who the current credential acts as: role, account, scopes."""
    return Me(
        actor=principal.actor,
        role=principal.role,
        account_id=principal.account_id,
        account_ids=sorted(principal.account_ids),
        scopes=sorted(principal.scopes),
    )
