"""Who may read and write campaign data (shared by the campaign, creative and segment services)."""

from __future__ import annotations

from jarnama.core.errors import Forbidden
from jarnama.tenancy.models import Role, Scope
from jarnama.tenancy.principal import Principal

READ_SCOPES = frozenset({Scope.READ.value, Scope.MANAGE.value})


def ensure_not_creator(principal: Principal) -> None:
    """Raise 403 for creators: campaigns, ad groups, creatives and segments are not theirs."""
    # A creator account owns no campaigns and must not browse the network's segments either;
    # the answer is 403 whatever the object, so it says nothing about what exists.
    if principal.role is Role.CREATOR:
        raise Forbidden("creator accounts have no access to campaigns")


def ensure_can_read(principal: Principal) -> None:
    """Raise 403 unless the credential may read management data (`read` or `manage`)."""
    if not principal.scopes & READ_SCOPES:
        raise Forbidden("this credential lacks the 'read' scope")


def visible_accounts(principal: Principal) -> frozenset[int] | None:
    """The accounts whose rows this caller may list (None: every account)."""
    return None if principal.is_network_admin else principal.account_ids


def ensure_admin_writer(principal: Principal) -> None:
    """Raise 403 unless a network admin with the `manage` scope is calling."""
    principal.ensure_network_admin()
    principal.ensure_can_write()
