from django.contrib import admin

from .models import SurveyValue


@admin.register(SurveyValue)
class SurveyValueAdmin(admin.ModelAdmin):
    list_display = ("agency", "node", "value", "respondents", "source", "updated_at")
    list_filter = ("source", "agency__block")
    list_select_related = ("agency", "node")
    raw_id_fields = ("node",)
