"""Read-only admin: values and imports change only through the import (measures.services)."""

from django.contrib import admin

from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyMixin

from .models import MeasureImport, MeasureValue


class ReadOnly(InputsReadOnlyMixin, HistoryAdmin):
    pass


@admin.register(MeasureImport)
class MeasureImportAdmin(ReadOnly):
    list_display = ("file_name", "period", "status", "values", "created_by", "created_at", "stored_at")
    list_filter = ("period", "status")
    exclude = ("content",)


@admin.register(MeasureValue)
class MeasureValueAdmin(ReadOnly):
    list_display = ("agency", "node", "applicable", "value", "target", "source_document", "source_date")
    list_filter = ("agency__block", "node__criteria_set__period")
    list_select_related = ("agency", "node")
