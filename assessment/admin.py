from django.contrib import admin

from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyMixin

from .models import AssessmentItem


@admin.register(AssessmentItem)
class AssessmentItemAdmin(InputsReadOnlyMixin, HistoryAdmin):
    list_display = (
        "agency",
        "node",
        "applicable",
        "self_input",
        "appraised_input",
        "reappraised_input",
        "status",
    )
    list_filter = ("agency__block", "status", "applicable")
    list_select_related = ("agency", "node")
    search_fields = ("agency__name", "node__code")
    raw_id_fields = ("node",)
