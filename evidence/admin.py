"""Admin for evidence, read-mostly: files arrive and leave through the services (checks, dedup, audit)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EvidenceFile, EvidenceLink

DOCUMENT_FIELDS = ("document_number", "document_date", "summary")


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ("item", "linked_by", "linked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "agency", "content_type", "size", "document_number", "uploaded_at")
    list_filter = ("agency__block", "content_type")
    list_select_related = ("agency",)
    search_fields = ("original_name", "document_number", "summary", "sha256", "agency__name")
    date_hierarchy = "uploaded_at"
    readonly_fields = (
        "agency",
        "file",
        "original_name",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
    )
    fields = readonly_fields + DOCUMENT_FIELDS  # only the document details can be corrected here
    inlines = [EvidenceLinkInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(SimpleHistoryAdmin):
    list_display = ("evidence", "item", "linked_by", "linked_at")
    list_select_related = ("evidence", "item__agency", "item__node", "linked_by")
    list_filter = ("item__agency__block",)
    search_fields = ("evidence__original_name", "item__agency__name", "item__node__code")
    readonly_fields = ("item", "evidence", "linked_by", "linked_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
