"""The API's writes: only where a page already has the workflow, through the same service and the same
policy (scoring.jobs.compute_job_start, scoring.services.snapshot_publish), and only with a signed-in
session of a role that may (machine tokens read; they never write). A refusal of the service answers
400 with `problems`, 403 when the user may not, 409 when the object's state does not allow it now."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import policy
from agencies.models import Block, Period
from agencies.policy import Obj
from measures import jobs as measures_jobs
from measures.models import MeasureImport
from measures.services import NOT_ALLOWED as MEASURES_NOT_ALLOWED
from measures.services import NOT_PREVIEWED as MEASURES_NOT_PREVIEWED
from measures.services import MeasuresRefused
from parindex.refusals import Refused
from scoring import services as scoring_services
from scoring.formats import CriteriaFileError
from scoring.jobs import COMPUTE_ALREADY_RUNNING, COMPUTE_NOT_ALLOWED, ComputeRefused, compute_job_start

from . import selectors
from .auth import AnonymousRateThrottle, BearerTokenAuthentication, TokenRateThrottle
from .jobs import KINDS
from .models import ApiToken
from .serializers import (
    ComputeJobSerializer,
    CriteriaSetSerializer,
    ErrorSerializer,
    JobStatusSerializer,
    SnapshotSerializer,
)

SESSION_ONLY = _("The API writes only for a signed-in user; a machine token reads.")

# Which refusals are a state conflict (409) or the user's lack of right (403); any other is 400. Kept
# lazy and worded when a refusal is answered, in the request's language, as the refusal's own message is.
CONFLICTS = (
    COMPUTE_ALREADY_RUNNING,
    scoring_services.PUBLISH_ALREADY,
    scoring_services.PUBLISH_NOT_APPROVED,
    scoring_services.PUBLISH_OLDER,
)
NOT_ALLOWED = (COMPUTE_NOT_ALLOWED, scoring_services.PUBLISH_NOT_ALLOWED)


def _worded(messages) -> set[str]:
    return {str(message) for message in messages}


class WriteProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(
        allow_null=True, help_text="The field of the request, or the file's column."
    )
    message = serializers.CharField()


class WriteRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = WriteProblemSerializer(many=True)


WRITE_ERRORS = {
    400: WriteRefusalSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: WriteRefusalSerializer,
    429: ErrorSerializer,
}


def whole_refusal(message: str) -> dict:
    """The body of a refusal about the request as a whole (no row or column): the shape of every 400/409."""
    return {"detail": message, "problems": [{"row": None, "column": None, "message": message}]}


def refusal_example(name: str, message: str, status_code: str) -> OpenApiExample:
    return OpenApiExample(name, value=whole_refusal(message), response_only=True, status_codes=[status_code])


def refusal_response(refusal: Refused | ComputeRefused, column: str | None = None) -> Response:
    message = str(refusal.message)
    code = (
        status.HTTP_409_CONFLICT
        if message in _worded(CONFLICTS)
        else status.HTTP_403_FORBIDDEN
        if message in _worded(NOT_ALLOWED)
        else status.HTTP_400_BAD_REQUEST
    )
    if code == status.HTTP_403_FORBIDDEN:
        return Response({"detail": message}, status=code)
    details = [str(detail) for detail in getattr(refusal, "details", [])]
    problems = [{"row": None, "column": column, "message": message}]
    problems += [{"row": None, "column": column, "message": detail} for detail in details]
    return Response({"detail": message, "problems": problems}, status=code)


class SessionWriter(permissions.BasePermission):
    """A signed-in person (session), never a token; whether the role may write is the policy's (and the
    service's, again)."""

    message = SESSION_ONLY

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiToken):
            return False
        user = request.user
        return bool(user and user.is_authenticated) and policy.may_use(
            policy.audience(user), view.policy_object, write=True
        )


class WriteApi:
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [SessionWriter]
    throttle_classes = [AnonymousRateThrottle, TokenRateThrottle]
    http_method_names = ["post", "options"]

    def handle_exception(self, exc):
        """A request the parser or a field refused (400) names its problems too, as every refusal does."""
        response = super().handle_exception(exc)
        if (
            response.status_code == 400
            and isinstance(response.data, dict)
            and "problems" not in response.data
        ):
            detail = str(response.data.get("detail", "")) or str(exc)
            response.data = whole_refusal(detail)
        return response


COMPUTE_QUEUED = OpenApiExample(
    "Queued",
    value={"id": 41, "kind": "compute", "period": "2024", "status": "queued", "stage": "waiting",
           "progress": 0, "percent": 0, "links": {"self": "/api/v1/jobs/compute/41/",
                                                  "page": "/ket-qua/2024/tinh-toan/"}},
    response_only=True, status_codes=["202"],
)  # fmt: skip
COMPUTE_RUNNING = refusal_example(
    "Already running", "A computation of this period is already queued or running.", "409"
)


class PeriodCompute(WriteApi, APIView):
    """Starts a computation of the period, as the Compute button of the results page does."""

    policy_object = Obj.COMPUTE

    @extend_schema(
        summary="Start a computation of the period (signed-in Home Affairs session only)",
        request=None,
        responses={202: ComputeJobSerializer, **WRITE_ERRORS},
        examples=[COMPUTE_QUEUED, COMPUTE_RUNNING],
    )
    def post(self, request, period_code: str):
        period = get_object_or_404(selectors.periods_for(request.user), code=period_code)
        try:
            job = compute_job_start(period=period, acting_user=request.user)
        except ComputeRefused as refusal:
            return refusal_response(refusal)
        job.refresh_from_db()  # without a broker the job has run already
        return Response(ComputeJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class PublishRequest(serializers.Serializer):
    confirm = serializers.BooleanField(
        default=False, help_text="Must be true: a publication cannot be undone (the page's confirmation)."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000,
        help_text="A first publication's note.",
    )  # fmt: skip
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000,
        help_text="A correction's reason (required when the period already has published results).",
    )  # fmt: skip
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000,
        help_text="Why a first publication goes ahead although the readiness list is not complete.",
    )  # fmt: skip


PUBLISH_REFUSED = OpenApiExample(
    "Reason missing",
    value={"detail": "A correction replaces published results: state the reason.",
           "problems": [{"row": None, "column": "reason",
                         "message": "A correction replaces published results: state the reason."}]},
    response_only=True, status_codes=["400"],
)  # fmt: skip
PUBLISH_TWICE = refusal_example("Already published", "This snapshot is already published.", "409")
PUBLISH_BODY = OpenApiExample(
    "A correction", value={"confirm": True, "reason": "Sửa điểm tiêu chí 2.1 của Sở Y tế."}, request_only=True
)


class SnapshotPublish(WriteApi, APIView):
    """Publishes a snapshot, or a correction of the published one, as the publication page does."""

    policy_object = Obj.PUBLISH

    @extend_schema(
        summary="Publish a snapshot (signed-in Home Affairs session only)",
        request=PublishRequest,
        responses={200: SnapshotSerializer, **WRITE_ERRORS},
        examples=[PUBLISH_BODY, PUBLISH_REFUSED, PUBLISH_TWICE],
    )
    def post(self, request, period_code: str, version: int):
        snapshot = get_object_or_404(
            selectors.snapshots_for(request.user), period__code=period_code, version=version
        )
        body = PublishRequest(data=request.data)
        if not body.is_valid():
            problems = [
                {"row": None, "column": field, "message": str(message)}
                for field, messages in body.errors.items()
                for message in messages
            ]
            return Response({"detail": problems[0]["message"], "problems": problems}, status=400)
        data = body.validated_data
        try:
            published = scoring_services.snapshot_publish(
                snapshot=snapshot,
                acting_user=request.user,
                reason=data["reason"],
                note=data["note"],
                confirmed=data["confirm"],
                override_reason=data["override_reason"],
            )
        except scoring_services.PublicationRefused as refusal:
            column = {
                str(scoring_services.PUBLISH_REASON_REQUIRED): "reason",
                str(scoring_services.PUBLISH_NOT_CONFIRMED): "confirm",
            }.get(str(refusal.message))
            return refusal_response(refusal, column)
        return Response(SnapshotSerializer(published).data)


class MeasuresUpload(serializers.Serializer):
    file = serializers.FileField(
        use_url=False, help_text="The measured data, XLSX or CSV (the page's template)."
    )
    source = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=255,
        help_text="The source document, for rows that name none.",
    )  # fmt: skip
    source_date = serializers.DateField(required=False, allow_null=True, default=None)


MEASURES_REFUSED = OpenApiExample(
    "A file over the limits",
    value={"detail": "The file was refused.",
           "problems": [{"row": None, "column": None,
                         "message": "the file is 20,0 MB; at most 16,0 MB are accepted"}]},
    response_only=True, status_codes=["400"],
)  # fmt: skip


def measures_problems(refusal: MeasuresRefused) -> list[dict]:
    return [
        {"row": problem.row, "column": problem.column, "message": problem.message}
        for problem in refusal.problem_list()
    ]


class PeriodMeasures(WriteApi, APIView):
    """Offers a file of measured data, as the measured-data page's upload does: the file's envelope is
    measured at once (400 with problems, nothing kept), then a job checks every row and keeps the
    preview or the problems (its status: /api/v1/jobs/measure-imports/{id}/). Storing the previewed
    values is a second POST (PeriodMeasuresStore), as the preview page's confirmation."""

    policy_object = Obj.MEASURED
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Offer a file of measured data for preview (signed-in Home Affairs session only)",
        request={"multipart/form-data": MeasuresUpload},
        responses={202: JobStatusSerializer, **WRITE_ERRORS},
        examples=[MEASURES_REFUSED],
    )
    def post(self, request, period_code: str):
        period = get_object_or_404(Period.objects.all(), code=period_code)
        if refusal := policy.write_refusal(policy.audience(request.user), Obj.MEASURED, period):
            return Response(
                whole_refusal(refusal),
                status=status.HTTP_409_CONFLICT,
            )
        body = MeasuresUpload(data=request.data)
        if not body.is_valid():
            problems = [
                {"row": None, "column": field, "message": str(message)}
                for field, messages in body.errors.items()
                for message in messages
            ]
            return Response({"detail": problems[0]["message"], "problems": problems}, status=400)
        data = body.validated_data
        try:
            job = measures_jobs.measure_import_start(
                period=period,
                upload=data["file"],
                acting_user=request.user,
                default_source=data["source"],
                default_source_date=data["source_date"],
                via="api",
            )
        except MeasuresRefused as refusal:
            code = status.HTTP_403_FORBIDDEN if refusal.message == str(MEASURES_NOT_ALLOWED) else 400
            if code == status.HTTP_403_FORBIDDEN:
                return Response({"detail": refusal.message}, status=code)
            return Response({"detail": refusal.message, "problems": measures_problems(refusal)}, status=code)
        job.refresh_from_db()  # without a broker the check has run already
        context = {"request": request, "kind": KINDS["measure-imports"]}
        return Response(JobStatusSerializer(job, context=context).data, status=status.HTTP_202_ACCEPTED)


MEASURES_STORE_QUEUED = OpenApiExample(
    "Storing queued",
    value={"id": 12, "kind": "measure-imports", "period": "2024", "status": "store_queued",
           "links": {"self": "/api/v1/jobs/measure-imports/12/",
                     "page": "/so-lieu-do-luong/2024/12/"}},
    response_only=True, status_codes=["202"],
)  # fmt: skip
MEASURES_STORED_ALREADY = refusal_example(
    "Already stored or discarded", "This file has already been stored or discarded.", "409"
)


class PeriodMeasuresStore(WriteApi, APIView):
    """Stores a previewed file of measured data, as the preview page's Confirm button does
    (measures.jobs.measure_import_confirm): a job stores every value all or nothing, or records why not
    (values changed since the preview: its status then says refused, with the problems). A file that is
    not previewed any more (stored, discarded, refused, already queued) or a frozen period is a 409."""

    policy_object = Obj.MEASURED

    @extend_schema(
        summary="Store a previewed file of measured data (signed-in Home Affairs session only)",
        request=None,
        responses={202: JobStatusSerializer, **WRITE_ERRORS},
        examples=[MEASURES_STORE_QUEUED, MEASURES_STORED_ALREADY],
    )
    def post(self, request, period_code: str, import_id: int):
        period = get_object_or_404(Period.objects.all(), code=period_code)
        measure_import = get_object_or_404(
            MeasureImport.objects.defer("content"), pk=import_id, period=period
        )
        if refusal := policy.write_refusal(policy.audience(request.user), Obj.MEASURED, period):
            return Response(
                whole_refusal(refusal),
                status=status.HTTP_409_CONFLICT,
            )
        try:
            job = measures_jobs.measure_import_confirm(
                measure_import=measure_import, acting_user=request.user
            )
        except MeasuresRefused as refusal:
            if refusal.message == str(MEASURES_NOT_ALLOWED):
                return Response({"detail": refusal.message}, status=status.HTTP_403_FORBIDDEN)
            code = status.HTTP_409_CONFLICT if refusal.message == str(MEASURES_NOT_PREVIEWED) else 400
            if refusal.text is not None and not refusal.problems:  # the period's inputs are frozen
                code = status.HTTP_409_CONFLICT
            return Response({"detail": refusal.message, "problems": measures_problems(refusal)}, status=code)
        job.refresh_from_db()  # without a broker the values are stored already
        context = {"request": request, "kind": KINDS["measure-imports"]}
        return Response(JobStatusSerializer(job, context=context).data, status=status.HTTP_202_ACCEPTED)


CRITERIA_BODY = OpenApiExample(
    "A criteria set",
    value={"format": "parindex-criteria/1", "name": "Bộ tiêu chí sở, ngành 2025", "tie_rule": "shared",
           "bands": [{"code": "A", "label": "Từ 90%", "min_index": "90"},
                     {"code": "B", "label": "Dưới 90%", "min_index": "0"}],
           "nodes": [{"code": "1", "title": "Công tác chỉ đạo", "max_points": "2", "is_area": True,
                      "children": [{"code": "1.1", "title": "Kế hoạch", "max_points": "2",
                                    "rule": "manual", "params": {"step": "0.5"}}]}]},
    request_only=True,
)  # fmt: skip
CRITERIA_IMPORTED = OpenApiExample(
    "Imported",
    value={"period": "2025", "block": "so-nganh", "name": "Bộ tiêu chí sở, ngành 2025", "tie_rule": "shared",
           "frozen_at": None, "url": "/api/v1/criteria-sets/2025/so-nganh/"},
    response_only=True, status_codes=["201"],
)  # fmt: skip
CRITERIA_REFUSED = OpenApiExample(
    "A document refused",
    value={"detail": "The document was refused: 1 problems.",
           "problems": [{"row": None, "column": "criterion 1.1", "message": "duplicate code 1.1 (also at criterion 1.1)"}]},
    response_only=True, status_codes=["400"],
)  # fmt: skip
CRITERIA_CLOSED = refusal_example(
    "The period is not a draft",
    "The criteria sets cannot be changed while the period is in the state “Self-assessment”.",
    "409",
)
CRITERIA_DOCUMENT_REFUSED = _("The document was refused: %(count)s problems.")
CRITERIA_NOT_JSON = _("The file is not UTF-8 JSON.")
CRITERIA_TOO_BIG = _("A criteria document is at most 8 MB.")


class CriteriaUpload(serializers.Serializer):
    file = serializers.FileField(
        use_url=False,
        help_text="The parindex-criteria/1 document as a JSON file (what export_criteria writes).",
    )


def criteria_upload_document(data):
    """The document of an uploaded JSON file, or the 400 that names the problem."""
    body = CriteriaUpload(data=data)
    if not body.is_valid():
        problems = [
            {"row": None, "column": field, "message": str(message)}
            for field, messages in body.errors.items()
            for message in messages
        ]
        return Response({"detail": problems[0]["message"], "problems": problems}, status=400)
    upload = body.validated_data["file"]
    if upload.size > 8 * 1024 * 1024:  # a criteria document is a few hundred kB at most
        message = str(CRITERIA_TOO_BIG)
    else:
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            message = str(CRITERIA_NOT_JSON)
    problems = [{"row": None, "column": "file", "message": message}]
    return Response({"detail": message, "problems": problems}, status=400)


class CriteriaSetImport(WriteApi, APIView):
    """Imports a criteria set from its `parindex-criteria/1` document (the body: what
    GET /api/v1/criteria-sets/{period}/{block}/ and `export_criteria` give), as `import_criteria` does,
    through scoring.services.criteria_set_import: only while the period is a draft, audited in the set's
    history. A set already there is replaced only with `?replace=true`. The document comes as the JSON
    body, or as a JSON file (multipart `file`), as the command reads it."""

    policy_object = Obj.CRITERIA
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Import (or replace) a criteria set from its document (signed-in Home Affairs session only)",
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": CriteriaUpload},
        parameters=[
            OpenApiParameter(
                "replace", bool, description="Replace the set the period already has for the block."
            )
        ],
        responses={200: CriteriaSetSerializer, 201: CriteriaSetSerializer, **WRITE_ERRORS},
        examples=[CRITERIA_BODY, CRITERIA_IMPORTED, CRITERIA_REFUSED, CRITERIA_CLOSED],
    )
    def post(self, request, period_code: str, block_code: str):
        period = get_object_or_404(Period.objects.all(), code=period_code)
        block = get_object_or_404(Block.objects.all(), code=block_code)
        # The period's state first, as the pages ask it before reading a form (the service asks again).
        if refusal := policy.write_refusal(policy.audience(request.user), Obj.CRITERIA, period):
            problems = [{"row": None, "column": None, "message": refusal}]
            return Response({"detail": refusal, "problems": problems}, status=status.HTTP_409_CONFLICT)
        document = request.data
        if request.content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            document = criteria_upload_document(request.data)
            if isinstance(document, Response):
                return document
        replace = request.query_params.get("replace", "").lower() in ("1", "true", "yes")
        replaced = period.criteria_sets.filter(block=block).exists()
        try:
            criteria_set = scoring_services.criteria_set_import(
                document, period=period, block=block, acting_user=request.user, replace=replace, via="api"
            )
        except scoring_services.CriteriaImportRefused as refusal:
            message = str(refusal.message)
            if not refusal.conflict:
                return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
            problems = [{"row": None, "column": None, "message": message}]
            return Response({"detail": message, "problems": problems}, status=status.HTTP_409_CONFLICT)
        except CriteriaFileError as refused:
            problems = [
                {
                    "row": None,
                    "column": problem.where.render(gettext),
                    "message": problem.message.render(gettext),
                }
                for problem in refused.problems
            ]
            detail = str(CRITERIA_DOCUMENT_REFUSED % {"count": len(problems)})
            return Response({"detail": detail, "problems": problems}, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_200_OK if replaced else status.HTTP_201_CREATED
        return Response(CriteriaSetSerializer(criteria_set).data, status=code)
