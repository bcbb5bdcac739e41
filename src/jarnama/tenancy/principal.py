"""Who is calling: the principal every tenant-data check is made against."""

from __future__ import annotations

from dataclasses import dataclass, field

from jarnama.core.errors import Forbidden, NotFound
from jarnama.tenancy.models import Role, Scope

READ_ONLY_ROLES = frozenset({Role.ACCOUNT_ANALYST})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a user session or an API key, with its role, account and scopes.

    `account_ids` is every account the caller may act for: its own, plus an agency's clients.
    A network admin has `account_id = None` and sees every account.
    """

    actor: str
    role: Role
    account_id: int | None
    scopes: frozenset[str]
    account_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    api_key_id: int | None = None

    @property
    def is_network_admin(self) -> bool:
        """True for the operator's admins and network-level keys."""
        return self.role is Role.NETWORK_ADMIN

    def can_access(self, account_id: int | None) -> bool:
        """May this caller see objects owned by `account_id` (None = network-owned)?"""
        if self.is_network_admin:
            return True
        return account_id is not None and account_id in self.account_ids

    def ensure_access(self, account_id: int | None, what: str = "object") -> None:
        """Raise 404 (never 403: no existence leak) if the object is not this caller's."""
        if not self.can_access(account_id):
            raise NotFound(f"{what} not found")

    def ensure_scope(self, scope: Scope) -> None:
        """Raise 403 unless the credential carries `scope` (sessions carry every scope)."""
        if scope.value not in self.scopes:
            raise Forbidden(f"this credential lacks the '{scope.value}' scope")

    def ensure_can_write(self) -> None:
        """Raise 403 for read-only roles and credentials without the `manage` scope."""
        if self.role in READ_ONLY_ROLES:
            raise Forbidden("the account analyst role is read-only")
        self.ensure_scope(Scope.MANAGE)

    def ensure_network_admin(self) -> None:
        """Raise 403 unless the caller administers the network."""
        if not self.is_network_admin:
            raise Forbidden("only a network admin may do this")

    def owning_account(self, requested: int | None) -> int:
        """The account a new object belongs to: the caller's own, or one it may act for."""
        if requested is None:
            if self.account_id is None:
                raise Forbidden("a network admin must name the account_id to act for")
            return self.account_id
        self.ensure_access(requested, "account")
        return requested

    def ensure_can_read(self) -> None:
        """Raise 403 unless the credential may read management data (`read` or `manage`)."""
        if not self.scopes & {Scope.READ.value, Scope.MANAGE.value}:
            raise Forbidden("this credential lacks the 'read' scope")

    def visible_account_ids(self) -> frozenset[int] | None:
        """The accounts whose rows this caller may list (None: every account and the network)."""
        return None if self.is_network_admin else self.account_ids
