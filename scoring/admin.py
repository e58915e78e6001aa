from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parindex.formatting import format_vi

from .engine import publish_round
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


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class HeadClassRuleInline(admin.TabularInline):
    model = HeadClassRule
    extra = 0


class ReviewTriggerInline(admin.TabularInline):
    model = ReviewTrigger
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "block", "tie_rule", "frozen_at")
    list_filter = ("period", "block")
    list_select_related = ("period", "block")
    filter_horizontal = ("unranked_agencies",)
    inlines = [BandInline, HeadClassRuleInline, ReviewTriggerInline]


@admin.register(CriteriaNode)
class CriteriaNodeAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "max_points", "rule", "source", "is_area", "is_bonus", "criteria_set")
    list_filter = ("criteria_set", "rule", "source", "is_area", "is_bonus")
    list_select_related = ("criteria_set",)
    search_fields = ("code", "title")
    raw_id_fields = ("parent",)


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
        "started_by",
        "queued_at",
        "finished_at",
        "snapshot",
    )
    list_filter = ("period", "status")
    list_select_related = ("period", "started_by", "snapshot__period")


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
