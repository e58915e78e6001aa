"""Surveys in the admin. Responses, second entries, survey values and import jobs are inputs or their
records: read-only, even for a superuser. A questionnaire's structure is read-only too (its import checks
it whole). What is left, the sample plan's counts and the removal of one-time links, follows the policy
(Obj.SURVEY, Obj.SURVEY_LINKS: until approval) through agencies.admin_policy."""

from django.contrib import admin
from django.utils.formats import number_format

from agencies.admin_policy import PolicyAdminMixin
from agencies.policy import Obj
from parindex.admin_readonly import HistoryAdmin, InputsReadOnlyInline, InputsReadOnlyMixin

from .models import (
    Answer,
    AnswerOption,
    GroupWeight,
    ImportBatch,
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    SamplePlan,
    SecondEntry,
    SurveyToken,
    SurveyValue,
    shown_value,
)


@admin.register(SurveyValue)
class SurveyValueAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("agency", "node", "shown", "respondents", "source", "updated_at")
    list_filter = ("source", "agency__block")
    list_select_related = ("agency", "node")
    raw_id_fields = ("node",)
    fields = ("agency", "node", "shown", "respondents", "source")
    readonly_fields = ("shown",)

    @admin.display(description=SurveyValue._meta.get_field("value").verbose_name, ordering="value")
    def shown(self, value: SurveyValue) -> str:
        """6 decimals, as before values were stored exactly (the engine reads the stored 30), localized
        on the list and the change page alike (a method's value is printed as it is on the latter)."""
        return number_format(shown_value(value.value))


class RespondentGroupInline(InputsReadOnlyInline):
    model = RespondentGroup
    extra = 0


class QuestionInline(InputsReadOnlyInline):
    model = Question
    extra = 0
    fields = ("position", "number", "text", "node", "is_sipas", "sipas_element")
    raw_id_fields = ("node",)
    show_change_link = True


class GroupWeightInline(InputsReadOnlyInline):
    model = GroupWeight
    extra = 0
    raw_id_fields = ("node",)


@admin.register(Questionnaire)
class QuestionnaireAdmin(InputsReadOnlyMixin, HistoryAdmin):
    list_display = ("code", "title", "period", "block")
    list_filter = ("period", "block")
    search_fields = ("code", "title")
    inlines = [RespondentGroupInline, QuestionInline, GroupWeightInline]


class AnswerOptionInline(InputsReadOnlyInline):
    model = AnswerOption
    extra = 0
    fields = ("position", "key", "label", "coefficient", "satisfied")


@admin.register(Question)
class QuestionAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "text", "questionnaire", "node", "is_sipas", "sipas_element")
    list_filter = ("questionnaire__period", "questionnaire", "is_sipas")
    list_select_related = ("questionnaire", "node")
    search_fields = ("number", "text")
    raw_id_fields = ("node",)
    inlines = [AnswerOptionInline]


@admin.register(SamplePlan)
class SamplePlanAdmin(PolicyAdminMixin, HistoryAdmin):
    """The planned count (links and printed forms are made up to it) while the survey runs; audited."""

    list_display = ("questionnaire", "agency", "group", "planned")
    list_filter = ("questionnaire__period", "questionnaire")
    list_select_related = ("questionnaire", "agency", "group")
    readonly_fields = ("questionnaire", "agency", "group")
    policy_kind = Obj.SURVEY
    period_path = "questionnaire__period"


class AnswerInline(InputsReadOnlyInline):
    model = Answer
    extra = 0
    raw_id_fields = ("question", "option")


@admin.register(Response)
class ResponseAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("serial", "questionnaire", "group", "agency", "source", "created_at")
    list_filter = ("questionnaire__period", "questionnaire", "source", "group")
    list_select_related = ("questionnaire", "group", "agency")
    search_fields = ("serial",)
    raw_id_fields = ("import_batch", "entered_by")
    readonly_fields = ("created_at",)
    inlines = [AnswerInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "file_name",
        "questionnaire",
        "status",
        "rows",
        "added",
        "skipped",
        "problems",
        "progress",
    )
    list_filter = ("status", "questionnaire__period", "questionnaire")
    list_select_related = ("questionnaire",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]


@admin.register(SecondEntry)
class SecondEntryAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("serial", "questionnaire", "group", "agency", "entered_by", "created_at")
    list_filter = ("questionnaire__period", "questionnaire")
    list_select_related = ("questionnaire", "group", "agency", "entered_by")
    search_fields = ("serial",)
    readonly_fields = [field.name for field in SecondEntry._meta.fields]


@admin.register(SurveyToken)
class SurveyTokenAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Links are made from the sample plan on the online page; here they can be looked up, or removed
    while the survey runs (Obj.SURVEY_LINKS)."""

    list_display = ("questionnaire", "agency", "group", "created_at", "used_at")
    list_filter = ("questionnaire__period", "questionnaire", ("used_at", admin.EmptyFieldListFilter))
    list_select_related = ("questionnaire", "agency", "group")
    readonly_fields = [field.name for field in SurveyToken._meta.fields]
    policy_kind = Obj.SURVEY_LINKS
    period_path = "questionnaire__period"

    def has_delete_permission(self, request, obj=None):
        # an answered link is the record of how its response came in: it is kept with the response
        return (obj is None or obj.used_at is None) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # every field is the link's own record
