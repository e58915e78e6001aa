from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parindex.admin_readonly import HistoryAdmin

from .models import ReportBundle, ReportSettings


@admin.register(ReportSettings)
class ReportSettingsAdmin(HistoryAdmin):
    """Words printed around the numbers, for the whole installation: no period state governs them, and no
    figure changes with them; every change is kept in their history."""

    list_display = ["issuer_name", "province_name", "place_name"]
    fieldsets = [
        (None, {"fields": ["province_name", "issuer_name", "council_name", "place_name"]}),
        (
            _("Tables"),
            {
                "fields": [
                    "detail_title",
                    "table_signer_left",
                    "table_signer_right",
                    "table_signer_right_title",
                    "table_signer_right_name",
                ]
            },
        ),
        (
            _("Draft report"),
            {
                "fields": [
                    "report_title",
                    "report_number",
                    "signer_authority",
                    "signer_title",
                    "signer_name",
                    "recipients",
                ]
            },
        ),
    ]


@admin.register(ReportBundle)
class ReportBundleAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "snapshot",
        "numbering",
        "formats",
        "status",
        "progress",
        "created_at",
        "created_by",
    ]
    list_filter = ["status", "numbering"]
    readonly_fields = [field.name for field in ReportBundle._meta.fields]

    def has_add_permission(self, request):
        return False
