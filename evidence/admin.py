"""Admin for evidence, read-only: files, their document details and their links change only through the
services (checks, dedup, the policy's evidence rounds, audit). A document's number or date read by the
appraisal must not change behind it, least of all after approval."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyMixin

from .models import CheckStatus, EvidenceFile, EvidenceLink

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
class EvidenceFileAdmin(InputsReadOnlyMixin, HistoryAdmin):
    list_display = (
        "original_name",
        "agency",
        "content_type",
        "size",
        "document_number",
        "uploaded_at",
        "signature",
    )
    list_filter = ("agency__block", "content_type", "check_result__signature")
    list_select_related = ("agency", "check_result")
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
    fields = readonly_fields + DOCUMENT_FIELDS
    inlines = [EvidenceLinkInline]

    @admin.display(description=_("signature"), ordering="check_result__signature")
    def signature(self, evidence: EvidenceFile) -> str:
        """The badge's words, as on the pages: the check's verdict, or why there is none yet."""
        check = getattr(evidence, "check_result", None)
        if check is None or not check.checked:
            return str(check.get_status_display() if check else CheckStatus.QUEUED.label)
        return str(check.get_signature_display())


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(InputsReadOnlyMixin, HistoryAdmin):
    list_display = ("evidence", "item", "linked_by", "linked_at")
    list_select_related = ("evidence", "item__agency", "item__node", "linked_by")
    list_filter = ("item__agency__block",)
    search_fields = ("evidence__original_name", "item__agency__name", "item__node__code")
    readonly_fields = ("item", "evidence", "linked_by", "linked_at")
