"""What one row of the tenant matrix says about an endpoint."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jarnama.tenancy.models import Role
from tests.matrix.world import Tenant, World

ROLES = (Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.ACCOUNT_ANALYST, Role.CREATOR)
EVERYONE = frozenset(ROLES)
ADMINS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN})
NETWORK = frozenset({Role.NETWORK_ADMIN})
KEY_ISSUERS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.CREATOR})
# Campaigns are advertisers' (and the network's) business: creators get 403 on all of them.
NOT_CREATORS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNT_ADMIN, Role.ACCOUNT_ANALYST})


class Kind(enum.Enum):
    """What an endpoint does with tenant data."""

    ONE = "reads one object"
    LIST = "lists objects"
    WRITE = "writes"
    # Network data every tenant shares (stores, placements, segments): no tenant owns a row,
    # so (a) has nothing to attack; (b) and (c) still hold, and (b) checks that the answer
    # carries no account field at all.
    SHARED = "reads network data"


Params = Callable[[World, Tenant], dict[str, Any]]
Body = Callable[[World, Tenant], Any]


def _none(_w: World, _t: Tenant) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    """One endpoint and who may call it.

    `allowed` are the roles that succeed on their own tenant's data; every other role gets 403.
    `params` fill the path (and, for lists, `query` narrows to the tenant); `belongs_to` tells
    whether a list item is the given tenant's. `foreign_status` is what a foreign account's admin
    gets for a single object or a write: 404, or 403 where only a network admin may act at all.
    The request body is `body` (JSON), `files` (multipart) or `content` (raw bytes, media type).
    """

    method: str
    route: str
    kind: Kind
    allowed: frozenset[Role]
    params: Params = _none
    body: Body | None = None
    files: Callable[[World, Tenant], dict[str, tuple[str, bytes, str]]] | None = None
    content: tuple[bytes, str] | None = None
    query: Params = _none
    belongs_to: Callable[[dict[str, Any], Tenant], bool] | None = None
    foreign_status: int = 404
    success: int = 200
    # Roles that own nothing of this kind (creators own no brands): they get this status for a
    # single object (the path names `home`'s) and an empty list.
    owns_none: frozenset[Role] = frozenset()
    owns_none_status: int = 404

    @property
    def name(self) -> str:
        """The case's id in test reports."""
        return f"{self.method} {self.route}"

    def url(self, world: World, tenant: Tenant) -> str:
        """The concrete path for one tenant."""
        return self.route.format(**self.params(world, tenant))


def owned(field_name: str) -> Callable[[dict[str, Any], Tenant], bool]:
    """A `belongs_to` that reads the owning account from one field of the item."""
    return lambda item, tenant: item.get(field_name) == tenant.account_id


def account_filter(_w: World, t: Tenant) -> dict[str, Any]:
    """The `account_id` query that narrows a list to one tenant."""
    return {"account_id": t.account_id}


def advertiser(w: World, t: Tenant) -> Tenant:
    """`t` when it is an advertiser; else `home`, so a creator's path names real objects."""
    return t if t.campaign_id is not None else w.home
