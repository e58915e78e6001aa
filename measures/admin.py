"""Read-only admin: values and imports change only through the import (measures.services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MeasureImport, MeasureValue


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeasureImport)
class MeasureImportAdmin(ReadOnly):
    list_display = ("file_name", "period", "status", "values", "uploaded_by", "uploaded_at", "stored_at")
    list_filter = ("period", "status")
    exclude = ("content",)


@admin.register(MeasureValue)
class MeasureValueAdmin(ReadOnly):
    list_display = ("agency", "node", "applicable", "value", "target", "source_document", "source_date")
    list_filter = ("agency__block", "node__criteria_set__period")
    list_select_related = ("agency", "node")
