"""The Django admin asks the one policy (agencies.policy) before every write, as the pages, the API, the
commands and the jobs do.

A model admin names what its rows are in the policy (`policy_kind`) and the path from a row to its period
(`period_path`); changing or deleting a row then needs both Django's model permission and the policy's
yes for the user's audience in that period's state, superusers included (their audience has its own
entries). Where the policy says no, the change form still opens, read-only, and a POST is refused (403).
The write is asked again on the locked period as it is saved, so a step of the workflow taken meanwhile
wins. Paths that skip the per-row question (the "delete selected" action, list_editable) are off.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from . import policy
from .models import Period


def row_period(obj, path: str) -> Period | None:
    """The period reached from `obj` along `path` ("" for a period itself, "criteria_set__period")."""
    for part in path.split("__") if path else ():
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def admin_may_write(user, kind: policy.Obj, period: Period | None) -> bool:
    """Whether the admin may write a row of `kind` of `period` for `user` (no period: may write some)."""
    who = policy.audience(user)
    if period is None:
        return policy.may_use(who, kind, write=True)
    return policy.may_write(who, kind, period.state)


def write_or_refuse(user, kind: policy.Obj, period: Period | None) -> None:
    """Asks the policy again on the period locked until the transaction ends; refuses with 403."""
    if period is not None:
        period = Period.objects.select_for_update().get(pk=period.pk)
    if period is None or not admin_may_write(user, kind, period):
        raise PermissionDenied(policy.write_refusal(policy.audience(user), kind, period) if period else None)


def save_formset_audited(formset) -> None:
    """Saves an inline formset row by row so each row's history names the path (`admin`)."""
    for instance in formset.save(commit=False):
        instance._change_reason = "admin"
        instance.save()
    for instance in formset.deleted_objects:
        instance._change_reason = "admin"
        instance.delete()
    formset.save_m2m()


class _PolicyPermissions:
    """Change and delete asked of the policy for the period reached from `obj` by `period_path`."""

    policy_kind: policy.Obj
    period_path = "period"
    policy_delete: bool

    def policy_period(self, obj) -> Period | None:
        return row_period(obj, self.period_path)

    def policy_allows(self, request, obj=None) -> bool:
        period = self.policy_period(obj) if obj is not None else None
        if obj is not None and period is None:
            return False
        return admin_may_write(request.user, self.policy_kind, period)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.policy_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            self.policy_delete
            and super().has_delete_permission(request, obj)
            and self.policy_allows(request, obj)
        )


class PolicyAdminMixin(_PolicyPermissions):
    """For a ModelAdmin: change and delete follow the policy; adding is off unless `policy_add` is set, and
    deleting off with `policy_delete = False` (the row then comes and goes with its own import or service,
    which check it as a whole)."""

    policy_add = False
    policy_delete = True

    def has_add_permission(self, request, *args):
        return self.policy_add and super().has_add_permission(request, *args) and self.policy_allows(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes a whole queryset without asking per row
        return actions

    def save_model(self, request, obj, form, change):
        write_or_refuse(request.user, self.policy_kind, self.policy_period(obj))
        obj._change_reason = "admin"  # the history names the path; the user is the request's
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        write_or_refuse(request.user, self.policy_kind, self.policy_period(obj))
        obj._change_reason = "admin"
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows are saved after the parent's save_model, which held the period locked and asked its
        own kind; an inline of another kind asks it in its admin's save_formset (PeriodAdmin)."""
        save_formset_audited(formset)


class PolicyInlineMixin(_PolicyPermissions):
    """For an inline: its rows are written with the parent's page, so `period_path` starts at the parent
    (`obj` in Django's inline permission methods). Rows are changed, never added or deleted, unless
    `policy_add`/`policy_delete` say so."""

    policy_add = False
    policy_delete = False

    def has_add_permission(self, request, obj=None):
        return (
            self.policy_add and super().has_add_permission(request, obj) and self.policy_allows(request, obj)
        )
