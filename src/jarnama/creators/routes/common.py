"""What the creator exchange's routers share: path and paging parameters, documented errors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.creators import repository
from jarnama.creators.models import Participation
from jarnama.creators.schemas import ParticipationOut

ID_MAX = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such object, or another tenant's."}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The change clashes with the object's state (or escrow is short)."},
}


def participation_out(session: Session, settings: Settings, p: Participation) -> ParticipationOut:
    """A participation with its offer's advertiser, codes and links."""
    offer = repository.offer(session, p.offer_id)
    assert offer is not None  # a participation's offer exists (foreign key)
    return ParticipationOut.of(
        p,
        offer.account_id,
        repository.codes_of(session, p.offer_id, p.creator_account_id),
        repository.links_of(session, p.offer_id, p.creator_account_id),
        settings.base_url,
    )
