"""Blocks and agencies (reference data of every period), periods with their windows, extensions.

A period's state changes only through agencies.workflow; its settings, windows and extensions are written
here only while the policy allows it (Obj.PERIOD, Obj.WINDOWS: agencies.admin_policy)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyInline
from scoring.models import CriteriaSet

from . import policy
from .admin_policy import (
    PolicyAdminMixin,
    PolicyInlineMixin,
    admin_may_write,
    save_formset_audited,
    write_or_refuse,
)
from .models import Agency, Block, Extension, Period, PeriodState, PeriodTransition, Window


class NotRankedInline(InputsReadOnlyInline):
    """The periods (criteria sets) in which the agency is assessed but not ranked. Shown only: the flag is
    part of each period's criteria set, changed on the set's page while the policy allows it."""

    model = CriteriaSet.unranked_agencies.through
    extra = 0
    verbose_name = _("not ranked in")
    verbose_name_plural = _("not ranked in (assessed and published, outside the ranking)")


@admin.register(Block)
class BlockAdmin(HistoryAdmin):
    list_display = ("name", "code", "table_prefix", "position")
    search_fields = ("name", "code")


class AgencyAdminForm(forms.ModelForm):
    """Refuses, on the page, a block, dates or predecessors that would change a closed period's agencies."""

    acting_user = None  # set per request by AgencyAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if refusal := agency_refusal(self.acting_user, self.instance, cleaned):
            raise ValidationError(refusal)
        return cleaned


def agency_refusal(user, agency: Agency, cleaned: dict) -> str | None:
    block = cleaned.get("block")
    return policy.agency_change_refusal(
        policy.audience(user),
        agency,
        block_id=block.pk if block else None,
        active_from=cleaned.get("active_from"),
        active_to=cleaned.get("active_to"),
        predecessor_ids=[predecessor.pk for predecessor in cleaned.get("predecessors") or ()],
    )


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    """Reference data of every period: names change freely (audited); a block, dates and predecessors only
    while no period they would alter is past its draft (policy.agency_change_refusal)."""

    form = AgencyAdminForm
    list_display = ("name", "code", "block", "head_title", "position", "active_from", "active_to")
    list_filter = ("block",)
    list_select_related = ("block",)
    search_fields = ("name", "short_name", "code")
    filter_horizontal = ("predecessors",)
    inlines = [NotRankedInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes without asking each agency's periods
        return actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or agency_refusal(request.user, obj, {}) is None
        )

    def save_model(self, request, obj, form, change):
        if refusal := agency_refusal(request.user, obj, form.cleaned_data):  # asked again as it is saved
            raise PermissionDenied(refusal)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if refusal := agency_refusal(request.user, obj, {}):
            raise PermissionDenied(refusal)
        super().delete_model(request, obj)


class WindowInline(PolicyInlineMixin, admin.TabularInline):
    model = Window
    extra = 0
    policy_kind = policy.Obj.WINDOWS
    period_path = ""  # the parent is the period
    policy_add = policy_delete = True


class PeriodTransitionInline(admin.TabularInline):
    model = PeriodTransition
    extra = 0
    can_delete = False
    readonly_fields = ("name", "source", "target", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(HistoryAdmin):
    """The period's own settings follow Obj.PERIOD (a draft only), its windows Obj.WINDOWS (until
    approval): the page is changeable while either is, with the other part read-only."""

    list_display = ("name", "code", "year", "state", "previous")
    readonly_fields = ("state",)  # changes only through agencies.workflow, which records who and when
    inlines = [WindowInline, PeriodTransitionInline]

    def _may(self, request, kind, obj=None) -> bool:
        return admin_may_write(request.user, kind, obj)

    def has_add_permission(self, request):
        # A new period is a draft.
        who = policy.audience(request.user)
        return super().has_add_permission(request) and policy.may_write(
            who, policy.Obj.PERIOD, PeriodState.DRAFT
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            self._may(request, policy.Obj.PERIOD, obj) or self._may(request, policy.Obj.WINDOWS, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, policy.Obj.PERIOD, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self._may(request, policy.Obj.PERIOD, obj):
            return [field.name for field in Period._meta.fields if field.editable and not field.primary_key]
        return self.readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes without asking the state of each period
        return actions

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # windows only (save_formset asks for them): the row, its state above all, is left alone
        if change:
            write_or_refuse(request.user, policy.Obj.PERIOD, obj)  # still a draft, so `state` is current
        elif not policy.may_write(policy.audience(request.user), policy.Obj.PERIOD, obj.state):
            raise PermissionDenied
        obj._change_reason = "admin"
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        write_or_refuse(request.user, policy.Obj.PERIOD, obj)
        obj._change_reason = "admin"
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.has_changed():
            write_or_refuse(request.user, policy.Obj.WINDOWS, form.instance)
        save_formset_audited(formset)


@admin.register(Extension)
class ExtensionAdmin(PolicyAdminMixin, HistoryAdmin):
    """Granted while the window's period still runs (Obj.WINDOWS); `granted_by` is the signed-in user."""

    list_display = ("agency", "window", "ends_at", "granted_by", "granted_at")
    list_select_related = ("agency", "window__period", "granted_by")
    autocomplete_fields = ("agency",)
    readonly_fields = ("granted_by", "granted_at")
    policy_kind = policy.Obj.WINDOWS
    period_path = "window__period"
    policy_add = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "window":
            who = policy.audience(request.user)
            states = [state for state in PeriodState if policy.may_write(who, policy.Obj.WINDOWS, state)]
            kwargs["queryset"] = Window.objects.filter(period__state__in=states).select_related("period")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:  # the granter stays who granted it; a later edit is in the history
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
