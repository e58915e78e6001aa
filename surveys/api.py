"""REST API for surveys (survey operators and Home Affairs, like the pages): import a response file
whole or not at all (as a background job, polled at its status URL), and read the aggregated survey
values and SIPAS satisfaction of a period."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Period
from parindex.formatting import message_text

from .imports import problems_from_data
from .jobs import import_job_start
from .models import ImportBatch, Questionnaire, SurveyValue
from .permissions import may_operate_surveys
from .problems import CellProblem, SurveyFileError
from .selectors import sipas_satisfaction
from .views import PROBLEMS_SHOWN

FOUR_PLACES = Decimal("0.0001")
REFUSED = _("The file was refused and no response was stored.")


class MayOperateSurveys(BasePermission):
    message = _("Only survey operators and Home Affairs may use the survey API.")

    def has_permission(self, request, view) -> bool:
        return may_operate_surveys(request.user)


PERMISSIONS = [IsAuthenticated, MayOperateSurveys]


# --- import ---------------------------------------------------------------------------------------


class ResponsesFileSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False, help_text=_("XLSX or CSV: one row per questionnaire."))


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text=_("Row as a spreadsheet counts it (1 = header).")
    )
    column = serializers.CharField(allow_null=True, help_text=_("Column header as written in the file."))
    where = serializers.CharField()
    message = serializers.CharField()


def _problems(problems) -> list[dict]:
    return [
        {
            "row": problem.row if isinstance(problem, CellProblem) else None,
            "column": problem.column if isinstance(problem, CellProblem) else None,
            "where": message_text(problem.where),
            "message": message_text(problem.message),
        }
        for problem in problems[:PROBLEMS_SHOWN]
    ]


class ImportBatchSerializer(serializers.ModelSerializer):
    questionnaire = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_url = serializers.SerializerMethodField(help_text=_("Where to poll the job's progress."))
    problem_list = serializers.SerializerMethodField(help_text=_("Every problem of a refused file."))

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "questionnaire",
            "file_name",
            "sha256",
            "status",
            "progress",
            "rows",
            "added",
            "skipped",
            "problems",
            "problem_list",
            "created_at",
            "finished_at",
            "status_url",
        ]
        read_only_fields = fields

    def get_status_url(self, batch: ImportBatch) -> str:
        return reverse("surveys-api:import-status", args=[batch.questionnaire_id, batch.pk])

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problem_list(self, batch: ImportBatch) -> list[dict]:
        # Stored problems keep templates and parameters only; the row/column are in "where".
        return [
            {"row": None, "column": None, **problem}
            for problem in _problems(problems_from_data(batch.problem_list))
        ]


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problem_count = serializers.IntegerField()
    problems = ProblemSerializer(many=True)


class ResponsesImportView(APIView):
    """Queues the import of a response file into the questionnaire and answers 202 with the job, whose
    `status_url` shows its progress and outcome: every row is checked first and any problem refuses the
    whole file (status "refused" with every problem by row and column, nothing stored); a serial already
    stored with the same answers is skipped, so posting the same file twice stores it once. A file over
    the size or row limits is refused at once (400), before it is stored."""

    permission_classes = PERMISSIONS
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=ResponsesFileSerializer,
        responses={202: ImportBatchSerializer, 400: RefusalSerializer},
        operation_id="surveys_responses_import",
    )
    def post(self, request, pk: int):
        questionnaire = get_object_or_404(Questionnaire.objects.select_related("period"), pk=pk)
        upload = ResponsesFileSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            batch = import_job_start(
                questionnaire=questionnaire, upload=upload.validated_data["file"], acting_user=request.user
            )
        except SurveyFileError as error:
            body = {
                "detail": str(REFUSED),
                "problem_count": len(error.problems),
                "problems": _problems(error.problems),
            }
            return Response(RefusalSerializer(body).data, status=status.HTTP_400_BAD_REQUEST)
        batch.refresh_from_db()  # run already when Celery runs eagerly (no broker)
        return Response(
            ImportBatchSerializer(batch).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": ImportBatchSerializer().get_status_url(batch)},
        )


class ImportStatusView(generics.RetrieveAPIView):
    """One response import job: its status and progress while it runs, then its outcome (stored,
    unchanged, refused with every problem, or failed)."""

    permission_classes = PERMISSIONS
    serializer_class = ImportBatchSerializer

    @extend_schema(operation_id="surveys_responses_import_status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(
            ImportBatch.objects.select_related("questionnaire"),
            pk=self.kwargs["batch_pk"],
            questionnaire_id=self.kwargs["pk"],
        )


# --- aggregated values ------------------------------------------------------------------------------


class SurveyValueSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    block = serializers.CharField(source="agency.block.code", read_only=True)
    criterion = serializers.CharField(source="node.code", read_only=True)
    max_points = serializers.DecimalField(
        source="node.max_points", max_digits=9, decimal_places=4, read_only=True
    )
    points = serializers.SerializerMethodField(help_text=_("max points × value, to 4 decimals"))

    class Meta:
        model = SurveyValue
        fields = [
            "agency", "agency_name", "block", "criterion", "value", "max_points", "points", "respondents", "source",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=4))
    def get_points(self, value: SurveyValue) -> str:
        return str((value.node.max_points * value.value).quantize(FOUR_PLACES))


PERIOD_FILTERS = [
    OpenApiParameter("block", str, description="Only the agencies of this block (code)."),
    OpenApiParameter("agency", str, description="Only this agency (code)."),
]


class SurveyValueList(generics.ListAPIView):
    """The period's survey values per agency × survey criterion, as the index computation reads them:
    aggregated from responses (source "aggregated") or overridden by hand or import."""

    permission_classes = PERMISSIONS
    serializer_class = SurveyValueSerializer
    pagination_class = None
    queryset = SurveyValue.objects.none()

    @extend_schema(parameters=PERIOD_FILTERS, operation_id="surveys_values_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        period = get_object_or_404(Period, code=self.kwargs["period_code"])
        values = (
            SurveyValue.objects.filter(node__criteria_set__period=period)
            .select_related("agency__block", "node")
            .order_by("agency__block__position", "agency__position", "agency__code", "node__code")
        )
        if block := self.request.query_params.get("block"):
            values = values.filter(agency__block__code=block)
        if agency := self.request.query_params.get("agency"):
            values = values.filter(agency__code=agency)
        return values


class SatisfactionSerializer(serializers.Serializer):
    satisfied = serializers.IntegerField(help_text=_("Valid answers satisfied or very satisfied."))
    answered = serializers.IntegerField(help_text=_("Valid answers (“don't know” left out)."))
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ElementSatisfactionSerializer(SatisfactionSerializer):
    element = serializers.CharField()


class AgencySatisfactionSerializer(serializers.Serializer):
    agency = serializers.CharField()
    agency_name = serializers.CharField()
    block = serializers.CharField()
    overall = SatisfactionSerializer()
    elements = ElementSatisfactionSerializer(many=True)


class SipasList(APIView):
    """SIPAS satisfaction per agency of the period: satisfied ÷ valid answers × 100, overall and per element."""

    permission_classes = PERMISSIONS

    @extend_schema(
        parameters=PERIOD_FILTERS,
        responses={200: AgencySatisfactionSerializer(many=True)},
        operation_id="surveys_sipas_list",
    )
    def get(self, request, period_code: str):
        period = get_object_or_404(Period, code=period_code)
        satisfaction = sipas_satisfaction(period=period)
        agencies = period.agencies().filter(pk__in=list(satisfaction)).annotate(block_code=F("block__code"))
        if block := request.query_params.get("block"):
            agencies = agencies.filter(block__code=block)
        if agency := request.query_params.get("agency"):
            agencies = agencies.filter(code=agency)

        def figures(s) -> dict:
            return {"satisfied": s.satisfied, "answered": s.answered, "percent": s.percent}

        rows = [
            {
                "agency": agency.code,
                "agency_name": agency.name,
                "block": agency.block_code,
                "overall": figures(satisfaction[agency.pk].overall),
                "elements": [
                    {"element": element, **figures(s)}
                    for element, s in satisfaction[agency.pk].elements.items()
                ],
            }
            for agency in agencies.order_by("block__position", "position", "code")
        ]
        return Response(AgencySatisfactionSerializer(rows, many=True).data)
