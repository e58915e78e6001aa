"""The read API (/api/v1/): thin views over api.selectors (the policy's querysets) and the functions
that already write the files (scoring.exports.results_rows, scoring.formats' criteria document)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency, Period, PeriodState
from parindex.jobs import JobStatus
from scoring.exports import results_rows
from scoring.formats.store import criteria_set_to_document
from scoring.models import ComputeJob, CriteriaSet, ResultSnapshot

from . import selectors
from .auth import AnonymousRateThrottle, BearerTokenAuthentication, TokenRateThrottle
from .jobs import GENERIC_KINDS, KINDS, JobKind
from .serializers import (
    AgencySerializer,
    BlockSerializer,
    ComputeJobSerializer,
    CriteriaSetSerializer,
    ErrorSerializer,
    JobStatusSerializer,
    PeriodSerializer,
    PublicationSerializer,
    ResultRowSerializer,
    SnapshotSerializer,
)

ERRORS = {
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    429: ErrorSerializer,
}
NOT_FOUND = OpenApiExample("Hidden or absent", value={"detail": "No ResultSnapshot matches the given query."},
                           status_codes=["404"], response_only=True)  # fmt: skip
RESULT_EXAMPLE = OpenApiExample(
    "One agency's result",
    value={
        "period": "2024",
        "snapshot_version": 2,
        "block": "so-nganh",
        "block_name": "Sở, ban, ngành",
        "agency_code": "so-noi-vu",
        "agency_name": "Sở Nội vụ",
        "points": "88.50",
        "max_points": "100.00",
        "index": "88.50",
        "self_index": "91.00",
        "ranked": True,
        "rank": 1,
        "rank_change": 2,
        "band": "tot",
        "band_label": "Tốt",
        "head_class": "excellent",
        "areas": {"1": "90.00", "2": "87.00"},
        "review_flags": [],
        "unscored": [],
    },
    response_only=True,
)


JOB_EXAMPLE = OpenApiExample(
    "A report bundle being written",
    value={
        "kind": "report-bundles",
        "id": 12,
        "status": "running",
        "status_label": "Đang chạy",
        "active": True,
        "done": 9,
        "total": 24,
        "percent": 37,
        "created_at": "2026-03-02T08:15:00+07:00",
        "started_at": "2026-03-02T08:15:01+07:00",
        "finished_at": None,
        "error": "",
        "links": {"self": "/api/v1/jobs/report-bundles/12/", "page": "/bao-cao/goi/12/"},
    },
    response_only=True,
)


class Paging(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class ReadApi:
    """Every v1 operation: session or token, GET only, throttled, paged, filtered, ordered."""

    authentication_classes = [
        BearerTokenAuthentication,
        SessionAuthentication,
    ]  # Bearer first: 401 with WWW-Authenticate
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonymousRateThrottle, TokenRateThrottle]
    pagination_class = Paging
    http_method_names = ["get", "head", "options"]


class PeriodFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=PeriodState.choices)
    year = django_filters.NumberFilter()

    class Meta:
        model = Period
        fields = ["state", "year"]


@extend_schema_view(
    get=extend_schema(
        summary="Periods with their state and windows", responses={200: PeriodSerializer, **ERRORS}
    )
)
class PeriodList(ReadApi, generics.ListAPIView):
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["year", "code"]
    ordering = ["-year", "code"]

    def get_queryset(self):
        return selectors.periods_for(self.request.user)


@extend_schema_view(
    get=extend_schema(summary="One period", responses={200: PeriodSerializer, **ERRORS}, examples=[NOT_FOUND])
)
class PeriodDetail(ReadApi, generics.RetrieveAPIView):
    serializer_class = PeriodSerializer
    lookup_field = "code"
    lookup_url_kwarg = "period_code"

    def get_queryset(self):
        return selectors.periods_for(self.request.user)


@extend_schema_view(
    get=extend_schema(summary="Blocks (agencies ranked together)", responses={200: BlockSerializer, **ERRORS})
)
class BlockList(ReadApi, generics.ListAPIView):
    serializer_class = BlockSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["position", "code"]
    ordering = ["position", "code"]

    def get_queryset(self):
        return selectors.blocks()


@extend_schema_view(get=extend_schema(summary="One block", responses={200: BlockSerializer, **ERRORS}))
class BlockDetail(ReadApi, generics.RetrieveAPIView):
    serializer_class = BlockSerializer
    lookup_field = "code"
    lookup_url_kwarg = "block_code"

    def get_queryset(self):
        return selectors.blocks()


class AgencyFilter(django_filters.FilterSet):
    block = django_filters.CharFilter(field_name="block__code")

    class Meta:
        model = Agency
        fields = ["block"]


@extend_schema_view(
    get=extend_schema(summary="Agencies with their predecessors", responses={200: AgencySerializer, **ERRORS})
)
class AgencyList(ReadApi, generics.ListAPIView):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["code", "position", "name"]
    ordering = ["block__position", "position", "name"]

    def get_queryset(self):
        return selectors.agencies()


@extend_schema_view(get=extend_schema(summary="One agency", responses={200: AgencySerializer, **ERRORS}))
class AgencyDetail(ReadApi, generics.RetrieveAPIView):
    serializer_class = AgencySerializer
    lookup_field = "code"
    lookup_url_kwarg = "agency_code"

    def get_queryset(self):
        return selectors.agencies()


class CriteriaSetFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code")
    block = django_filters.CharFilter(field_name="block__code")

    class Meta:
        model = CriteriaSet
        fields = ["period", "block"]


@extend_schema_view(
    get=extend_schema(summary="Criteria sets", responses={200: CriteriaSetSerializer, **ERRORS})
)
class CriteriaSetList(ReadApi, generics.ListAPIView):
    serializer_class = CriteriaSetSerializer
    filterset_class = CriteriaSetFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["period__year", "block__position"]
    ordering = ["-period__year", "block__position"]

    def get_queryset(self):
        return selectors.criteria_sets_for(self.request.user)


class CriteriaSetDocument(ReadApi, APIView):
    @extend_schema(
        summary="A criteria set as its parindex-criteria/1 document (the same as the criteria files)",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request, period_code: str, block_code: str):
        criteria_set = get_object_or_404(
            selectors.criteria_sets_for(request.user), period__code=period_code, block__code=block_code
        )
        return Response(criteria_set_to_document(criteria_set))


class SnapshotFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code")
    published = django_filters.BooleanFilter(field_name="is_published")

    class Meta:
        model = ResultSnapshot
        fields = ["period", "published"]


@extend_schema_view(
    get=extend_schema(
        summary="Result snapshots (unpublished ones only for staff)",
        responses={200: SnapshotSerializer, **ERRORS},
    )
)
class SnapshotList(ReadApi, generics.ListAPIView):
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "version", "published_at"]
    ordering = ["-period__year", "-version"]

    def get_queryset(self):
        return selectors.snapshots_for(self.request.user)


def _snapshot(request, period_code: str, version: int) -> ResultSnapshot:
    return get_object_or_404(selectors.snapshots_for(request.user), period__code=period_code, version=version)


class SnapshotDetail(ReadApi, APIView):
    @extend_schema(
        summary="One result snapshot", responses={200: SnapshotSerializer, **ERRORS}, examples=[NOT_FOUND]
    )
    def get(self, request, period_code: str, version: int):
        return Response(SnapshotSerializer(_snapshot(request, period_code, version)).data)


BLOCK_PARAM = OpenApiParameter("block", str, description="Only this block's agencies (its code).")


class SnapshotResults(ReadApi, APIView):
    """The agencies' results of one snapshot: the rows of `export_results` (docs/formats.md)."""

    @extend_schema(
        summary="The agencies' results of a snapshot, block by block in rank order",
        parameters=[BLOCK_PARAM],
        responses={200: ResultRowSerializer(many=True), **ERRORS},
        examples=[RESULT_EXAMPLE],
    )
    def get(self, request, period_code: str, version: int):
        snapshot = _snapshot(request, period_code, version)
        rows = results_rows(snapshot, request.query_params.get("block") or None)
        paging = Paging()
        page = paging.paginate_queryset(rows, request, view=self)
        return paging.get_paginated_response(page)


class BlockRanking(ReadApi, APIView):
    """The latest published ranking of a block, for anyone (the public site's ranking as JSON)."""

    @extend_schema(
        summary="The latest published ranking of a block",
        responses={200: ResultRowSerializer(many=True), **ERRORS},
        examples=[RESULT_EXAMPLE],
    )
    def get(self, request, block_code: str):
        snapshot = selectors.latest_published(block_code)
        if snapshot is None:
            raise Http404("Nothing of this block is published.")
        rows = results_rows(snapshot, block_code)
        paging = Paging()
        page = paging.paginate_queryset(rows, request, view=self)
        return paging.get_paginated_response(page)


class PublicationFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code")

    class Meta:
        model = ResultSnapshot
        fields = ["period"]


@extend_schema_view(
    get=extend_schema(
        summary="Publications with their open-data files' SHA-256",
        responses={200: PublicationSerializer, **ERRORS},
    )
)
class PublicationList(ReadApi, generics.ListAPIView):
    serializer_class = PublicationSerializer
    filterset_class = PublicationFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        return selectors.publications_for(self.request.user)


class JobReader(permissions.BasePermission):
    """Jobs are staff objects (Obj.COMPUTE): nobody (no session, no read-all token) is asked to sign in
    (401); a signed-in reader the policy does not let read them is refused (403) before any lookup."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return selectors.reads_compute_jobs(user)


class ComputeJobFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = ComputeJob
        fields = ["period", "status"]


@extend_schema_view(
    get=extend_schema(summary="Computation jobs", responses={200: ComputeJobSerializer, **ERRORS})
)
class ComputeJobList(ReadApi, generics.ListAPIView):
    permission_classes = [JobReader]
    serializer_class = ComputeJobSerializer
    filterset_class = ComputeJobFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        return selectors.compute_jobs_for(self.request.user)


@extend_schema_view(
    get=extend_schema(summary="One computation job's status", responses={200: ComputeJobSerializer, **ERRORS})
)
class ComputeJobDetail(ReadApi, generics.RetrieveAPIView):
    permission_classes = [JobReader]
    serializer_class = ComputeJobSerializer
    lookup_url_kwarg = "job_id"

    def get_queryset(self):
        return selectors.compute_jobs_for(self.request.user)


# Every other kind of background job (api.jobs.KINDS): one list and one status per kind, in one shape.


class JobKindReader(permissions.BasePermission):
    """Lists: nobody is asked to sign in (401); a signed-in reader whose pages do not show the kind is
    refused (403). A single job outside the reader's rows is a 404 (the detail's queryset)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return view.detail or view.kind.readable_by(user)


class JobKindFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(help_text="Only jobs in this status.")


def job_views(kind: JobKind) -> tuple[type, type]:
    """The list and the detail of one kind of job, described in the schema under the kind's name."""
    title = kind.model._meta.verbose_name_plural

    class Base(ReadApi):
        permission_classes = [JobKindReader]
        serializer_class = JobStatusSerializer

        def get_queryset(self):
            return kind.jobs_for(self.request.user, one=self.detail)

        def get_serializer_context(self):
            return {**super().get_serializer_context(), "kind": kind}

    Base.kind = kind

    @extend_schema_view(
        get=extend_schema(
            summary=f"Status of {title} (newest first)",
            operation_id=f"jobs_{kind.code.replace('-', '_')}_list",
            responses={200: JobStatusSerializer, **ERRORS},
            examples=[JOB_EXAMPLE],
        )
    )
    class List(Base, generics.ListAPIView):
        detail = False
        filterset_class = JobKindFilter
        filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    @extend_schema_view(
        get=extend_schema(
            summary=f"One of the {title}: its status",
            operation_id=f"jobs_{kind.code.replace('-', '_')}_retrieve",
            responses={200: JobStatusSerializer, **ERRORS},
            examples=[JOB_EXAMPLE, NOT_FOUND],
        )
    )
    class Detail(Base, generics.RetrieveAPIView):
        detail = True
        lookup_url_kwarg = "job_id"

    List.__name__ = List.__qualname__ = f"{kind.code.title().replace('-', '')}JobList"
    Detail.__name__ = Detail.__qualname__ = f"{kind.code.title().replace('-', '')}JobDetail"
    return List, Detail


JOB_VIEWS = {code: job_views(KINDS[code]) for code in GENERIC_KINDS}
