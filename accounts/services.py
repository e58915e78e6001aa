"""Account changes by Home Affairs: role, agency and activity, within what the actor may grant; each
change is recorded in the user's history (who, when, from what to what)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from parindex import history
from parindex.refusals import Refused

from .grants import grantable_roles, may_manage_account
from .models import User

NOT_YOURS = _("You may not change this account.")
ROLE_NOT_GRANTABLE = _("You may not grant the role %(role)s.")


class AccountChangeRefused(Refused, PermissionDenied):
    """A change of an account the grant rule does not allow (parindex.refusals); a 403 where uncaught."""


def role_grant_refusal(*, acting_user: User, role: str) -> str | None:
    """Why `acting_user` may not give `role` (None when they may)."""
    if role in grantable_roles(acting_user):
        return None
    label = dict(User._meta.get_field("role").choices).get(role, role) or "—"
    return str(ROLE_NOT_GRANTABLE) % {"role": label}


@transaction.atomic
def user_account_change(
    *,
    acting_user: User,
    user: User,
    role: str,
    agency: Agency | None,
    is_active: bool,
    reason: str = "",
) -> User:
    """Changes an account's role, agency and activity; never staff, superuser, groups or permissions."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_manage_account(acting_user, user):
        raise AccountChangeRefused(NOT_YOURS)
    if role != user.role and (refusal := role_grant_refusal(acting_user=acting_user, role=role)):
        raise AccountChangeRefused(refusal)
    if (user.role, user.agency_id, user.is_active) == (role, agency.pk if agency else None, is_active):
        return user
    user.role, user.agency, user.is_active = role, agency, is_active
    user.full_clean(exclude=["password"])
    user._history_user = acting_user  # the audit row names the actor even outside a request (a job)
    user._change_reason = reason[:100] or None
    user.save(update_fields=["role", "agency", "is_active"])
    return user


def user_account_changes(*, user: User) -> list[dict]:
    """The user's recorded changes, newest first: when, who, and each field's old and new value."""
    records = list(user.history.select_related("history_user").order_by("-history_date", "-history_id"))
    agency_ids = {r.agency_id for r in records if r.agency_id}
    agencies = {a.pk: a.short_name or a.name for a in Agency.objects.filter(pk__in=agency_ids)}
    labels = {"role": dict(User._meta.get_field("role").choices), "agency": agencies, "is_active": {}}
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        fields = []
        if older is not None:
            delta = newer.diff_against(older, included_fields=["role", "agency", "is_active"])
            fields = [
                (
                    str(User._meta.get_field(c.field).verbose_name),
                    history.value_text(labels[c.field].get(c.old, c.old)),
                    history.value_text(labels[c.field].get(c.new, c.new)),
                )
                for c in delta.changes
            ]
        changes.append(history.entry(newer, fields))
    return changes
