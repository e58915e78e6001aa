from django.contrib import admin

from parindex.admin_readonly import InputsReadOnlyInline, InputsReadOnlyMixin

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
)


@admin.register(SurveyValue)
class SurveyValueAdmin(InputsReadOnlyMixin, admin.ModelAdmin):
    list_display = ("agency", "node", "value", "respondents", "source", "updated_at")
    list_filter = ("source", "agency__block")
    list_select_related = ("agency", "node")
    raw_id_fields = ("node",)


class RespondentGroupInline(admin.TabularInline):
    model = RespondentGroup
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "number", "text", "node", "is_sipas", "sipas_element")
    raw_id_fields = ("node",)
    show_change_link = True


class GroupWeightInline(admin.TabularInline):
    model = GroupWeight
    extra = 0
    raw_id_fields = ("node",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (
            db_field.name == "group"
            and request.resolver_match
            and request.resolver_match.kwargs.get("object_id")
        ):
            kwargs["queryset"] = RespondentGroup.objects.filter(
                questionnaire_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "period", "block")
    list_filter = ("period", "block")
    search_fields = ("code", "title")
    inlines = [RespondentGroupInline, QuestionInline, GroupWeightInline]


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    extra = 0
    fields = ("position", "key", "label", "coefficient", "satisfied")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("number", "text", "questionnaire", "node", "is_sipas", "sipas_element")
    list_filter = ("questionnaire__period", "questionnaire", "is_sipas")
    list_select_related = ("questionnaire", "node")
    search_fields = ("number", "text")
    raw_id_fields = ("node",)
    inlines = [AnswerOptionInline]


@admin.register(SamplePlan)
class SamplePlanAdmin(admin.ModelAdmin):
    list_display = ("questionnaire", "agency", "group", "planned")
    list_filter = ("questionnaire__period", "questionnaire")
    list_select_related = ("questionnaire", "agency", "group")
    list_editable = ("planned",)


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
class ImportBatchAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SecondEntry)
class SecondEntryAdmin(admin.ModelAdmin):
    list_display = ("serial", "questionnaire", "group", "agency", "entered_by", "created_at")
    list_filter = ("questionnaire__period", "questionnaire")
    list_select_related = ("questionnaire", "group", "agency", "entered_by")
    search_fields = ("serial",)
    readonly_fields = [field.name for field in SecondEntry._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SurveyToken)
class SurveyTokenAdmin(admin.ModelAdmin):
    """Links are made from the sample plan on the online page; here they can be looked up or removed."""

    list_display = ("questionnaire", "agency", "group", "created_at", "used_at")
    list_filter = ("questionnaire__period", "questionnaire", ("used_at", admin.EmptyFieldListFilter))
    list_select_related = ("questionnaire", "agency", "group")
    readonly_fields = [field.name for field in SurveyToken._meta.fields]

    def has_add_permission(self, request):
        return False
