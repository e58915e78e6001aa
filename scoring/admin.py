"""Criteria sets and nodes, changeable only as the policy allows (agencies.admin_policy); results, read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin_policy import PolicyAdminMixin
from agencies.policy import Obj
from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyInline
from parindex.formatting import format_vi

from .engine import publish_round
from .formats.document import canonical_params, plain_decimal, validate_document
from .formats.store import criteria_set_to_document
from .models import (
    AgencyResult,
    Band,
    ComputeJob,
    CriteriaNode,
    CriteriaSet,
    HeadClassRule,
    NodeResult,
    ResultSnapshot,
    ReviewTrigger,
    SnapshotDownload,
)


# Bands, head-class rules and review triggers are checked together (the lowest band at 0, no two bands
# starting at one value, triggers on areas) only when the set's document is imported: shown here, changed by
# replacing the draft set (scoring.services.criteria_set_import).
class BandInline(InputsReadOnlyInline):
    model = Band
    extra = 0


class HeadClassRuleInline(InputsReadOnlyInline):
    model = HeadClassRule
    extra = 0


class ReviewTriggerInline(InputsReadOnlyInline):
    model = ReviewTrigger
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(PolicyAdminMixin, HistoryAdmin):
    """A set's name, tie rule and agencies not ranked, changeable while the policy lets the user write
    Obj.CRITERIA in the set's period (a draft: every later figure must be reproducible from the set as it
    stood); otherwise read-only, for a superuser too. Sets are added and deleted by the import only."""

    list_display = ("name", "period", "block", "tie_rule", "frozen_at")
    list_filter = ("period", "block")
    list_select_related = ("period", "block")
    filter_horizontal = ("unranked_agencies",)
    readonly_fields = ("period", "block", "copied_from", "frozen_at")
    inlines = [BandInline, HeadClassRuleInline, ReviewTriggerInline]
    policy_kind = Obj.CRITERIA
    policy_delete = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("unranked_agencies")
        if field is not None and obj is not None:
            # As the import checks them: agencies of the set's block active in its period.
            field.queryset = obj.period.agencies().filter(block=obj.block)
        return form


class CriteriaNodeForm(forms.ModelForm):
    """A node's change is checked as the import checks a document: the whole set, with this node changed
    (children's maxima, rule parameters, areas of the review triggers…)."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.pk is None:
            return cleaned
        stored = CriteriaNode.objects.get(pk=self.instance.pk)
        document = criteria_set_to_document(self.instance.criteria_set)
        entry = _document_node(document["nodes"], stored.code)
        if entry is None:
            return cleaned
        for key in (
            "code",
            "title",
            "guidance",
            "evidence_expected",
            "source",
            "rule",
            "is_area",
            "is_bonus",
        ):
            if cleaned.get(key):
                entry[key] = cleaned[key]
            else:
                entry.pop(key, None)  # as the export leaves an empty key out
        if cleaned.get("max_points") is not None:
            entry["max_points"] = plain_decimal(cleaned["max_points"])
        entry.pop("params", None)
        if cleaned.get("rule_params"):
            entry["params"] = cleaned["rule_params"]
        if problems := validate_document(document):
            raise forms.ValidationError([str(problem) for problem in problems])
        # Stored as the import stores them, so the set exports the same document either way.
        cleaned["rule_params"] = canonical_params(cleaned.get("rule"), cleaned.get("rule_params"))
        return cleaned


def _document_node(nodes: list, code: str) -> dict | None:
    for node in nodes:
        if node["code"] == code:
            return node
        if found := _document_node(node.get("children") or [], code):
            return found
    return None


@admin.register(CriteriaNode)
class CriteriaNodeAdmin(PolicyAdminMixin, HistoryAdmin):
    """A node's texts, maximum and rule, changeable while the policy lets the user write Obj.CRITERIA in its
    set's period (a draft), checked with the whole set and kept in the node's history; its place in the tree
    comes from the document (nodes are added and deleted by the import only)."""

    form = CriteriaNodeForm
    list_display = ("code", "title", "max_points", "rule", "source", "is_area", "is_bonus", "criteria_set")
    list_filter = ("criteria_set", "rule", "source", "is_area", "is_bonus")
    list_select_related = ("criteria_set",)
    search_fields = ("code", "title")
    readonly_fields = ("criteria_set", "parent", "position")
    policy_kind = Obj.CRITERIA
    period_path = "criteria_set__period"
    policy_delete = False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Results are written only by the computation; nobody edits them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # not even "delete selected"


def _published(value):
    """Stored points are exact (30 decimals); the admin shows them as published, rounded once half up."""
    return "–" if value is None else format_vi(publish_round(value))


@admin.display(description=_("points"))
def published_points(obj):
    return _published(obj.points)


@admin.display(description=_("self-assessed points"))
def published_self_points(obj):
    return _published(obj.self_points)


@admin.display(description=_("appraised points"))
def published_appraised_points(obj):
    return _published(obj.appraised_points)


@admin.display(description=_("final points"))
def published_final_points(obj):
    return _published(obj.final_points)


class AgencyResultInline(admin.TabularInline):
    model = AgencyResult
    fields = (
        "agency",
        "block",
        "ranked",
        "rank",
        "index",
        published_points,
        "max_points",
        "band_label",
        "head_class",
        "rank_change",
        "review_flags",
        "unscored",
    )
    readonly_fields = fields
    can_delete = False
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "block")


class SnapshotDownloadInline(admin.TabularInline):
    model = SnapshotDownload
    fields = ("format", "file_name", "size", "sha256", "created_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(ReadOnlyAdmin):
    """Read-only for everyone, published or not: snapshots are written by computation and publication."""

    list_display = (
        "period",
        "version",
        "created_at",
        "created_by",
        "is_published",
        "published_at",
        "published_by",
        "fingerprint",
    )
    list_filter = ("period", "is_published")
    list_select_related = ("period", "created_by", "published_by")
    inlines = [SnapshotDownloadInline, AgencyResultInline]


@admin.register(ComputeJob)
class ComputeJobAdmin(ReadOnlyAdmin):
    list_display = (
        "period",
        "status",
        "progress",
        "stage",
        "created_by",
        "created_at",
        "finished_at",
        "snapshot",
    )
    list_filter = ("period", "status")
    list_select_related = ("period", "created_by", "snapshot__period")


@admin.register(AgencyResult)
class AgencyResultAdmin(ReadOnlyAdmin):
    list_display = (
        "agency",
        "block",
        "ranked",
        "rank",
        "index",
        published_points,
        "band_label",
        "head_class",
        "rank_change",
        "review_flags",
        "unscored",
        "snapshot",
    )
    exclude = ("points",)
    readonly_fields = (published_points,)
    list_filter = ("snapshot__period", "block", "head_class", "band_label")
    list_select_related = ("agency", "block", "snapshot__period")


@admin.register(NodeResult)
class NodeResultAdmin(ReadOnlyAdmin):
    list_display = (
        "agency",
        "node",
        "applicable_max",
        published_self_points,
        published_appraised_points,
        published_final_points,
        "snapshot",
    )
    exclude = ("self_points", "appraised_points", "final_points")
    readonly_fields = (published_self_points, published_appraised_points, published_final_points)
    list_filter = ("snapshot__period", "agency__block")
    list_select_related = ("agency", "node", "snapshot__period")
