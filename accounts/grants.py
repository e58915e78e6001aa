"""Who may give which role: the one rule for every path that creates or changes an account.

System administration (superuser, staff, groups, permissions, other users' passwords) belongs to the
Django admin's superusers only; a domain role may at most hand out the roles listed here, to accounts
that hold nothing more than such a role.
"""

from __future__ import annotations

from .models import Role

# Home Affairs runs the index with agencies and the survey contractor: it opens their accounts. Roles that
# judge results (secretariat, council) or run the period (Home Affairs) come from a system administrator.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.HOME_AFFAIRS: frozenset({Role.FOCAL_POINT, Role.AGENCY_HEAD, Role.SURVEY_OPERATOR}),
}


def grantable_roles(actor) -> frozenset[str]:
    """The roles this user may give to an account (every role for a superuser)."""
    if not (actor.is_authenticated and actor.is_active):
        return frozenset()
    if actor.is_superuser:
        return frozenset(Role.values)
    return GRANTABLE_ROLES.get(actor.role, frozenset())


def may_manage_account(actor, account) -> bool:
    """May `actor` change this account's role, agency or activity? Never their own, never a system account."""
    if actor.is_superuser:
        return actor.is_active
    if account.pk == actor.pk or account.is_superuser or account.is_staff:
        return False
    if account.pk and account.user_permissions.exists():
        return False
    return account.role in grantable_roles(actor)
