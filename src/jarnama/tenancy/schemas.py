"""Request and response bodies of the tenancy API."""

from __future__ import annotations

from pydantic import BaseModel

from jarnama.tenancy.models import Role


class Me(BaseModel):
    """The caller as the API sees it."""

    actor: str
    role: Role
    account_id: int | None
    account_ids: list[int]
    scopes: list[str]
