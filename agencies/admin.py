from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scoring.models import CriteriaSet

from .models import Agency, Block, Extension, Period, PeriodTransition, Window


class NotRankedInline(admin.TabularInline):
    """The periods (criteria sets) in which the agency is assessed but not ranked."""

    model = CriteriaSet.unranked_agencies.through
    extra = 0
    verbose_name = _("not ranked in")
    verbose_name_plural = _("not ranked in (assessed and published, outside the ranking)")


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "table_prefix", "position")
    search_fields = ("name", "code")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "block", "head_title", "position", "active_from", "active_to")
    list_filter = ("block",)
    list_select_related = ("block",)
    search_fields = ("name", "short_name", "code")
    filter_horizontal = ("predecessors",)
    inlines = [NotRankedInline]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


class PeriodTransitionInline(admin.TabularInline):
    model = PeriodTransition
    extra = 0
    can_delete = False
    readonly_fields = ("name", "source", "target", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "year", "state", "previous")
    readonly_fields = ("state",)  # changes only through agencies.workflow, which records who and when
    inlines = [WindowInline, PeriodTransitionInline]


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    list_display = ("agency", "window", "ends_at", "granted_by", "granted_at")
    list_select_related = ("agency", "window__period", "granted_by")
    autocomplete_fields = ("agency",)
