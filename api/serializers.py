"""Serializers of the read API. Results rows are scoring.exports.results_rows' dicts as they are (the
fields of `export_results`, docs/formats.md); the serializer only describes them in the schema."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, Block, Period, Window
from scoring.models import ComputeJob, CriteriaSet, ResultSnapshot, SnapshotDownload

from .jobs import KINDS


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class WindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Window
        fields = ["kind", "starts_at", "ends_at"]


class PeriodSerializer(serializers.ModelSerializer):
    windows = WindowSerializer(many=True, read_only=True)
    previous = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Period
        fields = ["code", "name", "year", "starts_on", "ends_on", "state", "previous", "windows"]


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Block
        fields = ["code", "name", "position"]


class AgencySerializer(serializers.ModelSerializer):
    block = serializers.SlugRelatedField(slug_field="code", read_only=True)
    predecessors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "block",
            "position",
            "active_from",
            "active_to",
            "predecessors",
        ]


class CriteriaSetSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    block = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CriteriaSet
        fields = ["period", "block", "name", "tie_rule", "frozen_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("api-v1:criteria-set", args=[obj.period.code, obj.block.code])


class SnapshotSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = ResultSnapshot
        fields = [
            "period",
            "version",
            "created_at",
            "fingerprint",
            "is_published",
            "published_at",
            "publication_note",
            "correction_reason",
            "results_url",
        ]

    def get_results_url(self, obj) -> str:
        return reverse("api-v1:snapshot-results", args=[obj.period.code, obj.version])


class DownloadSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SnapshotDownload
        fields = ["format", "file_name", "media_type", "size", "sha256", "url"]

    def get_url(self, obj) -> str:
        snapshot = obj.snapshot
        return reverse("public:download", args=[snapshot.period.code, snapshot.version, obj.file_name])


class PublicationSerializer(SnapshotSerializer):
    files = serializers.SerializerMethodField()

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "files"]

    @extend_schema_field(DownloadSerializer(many=True))
    def get_files(self, obj):
        for download in obj.downloads.all():
            download.snapshot = obj  # no query per file for its URL
        return DownloadSerializer(obj.downloads.all(), many=True).data


class ResultRowSerializer(serializers.Serializer):
    """One agency's result in a snapshot: the fields of `export_results` (docs/formats.md)."""

    period = serializers.CharField()
    snapshot_version = serializers.IntegerField()
    block = serializers.CharField()
    block_name = serializers.CharField()
    agency_code = serializers.CharField()
    agency_name = serializers.CharField()
    points = serializers.CharField(allow_null=True, help_text="Decimal as text, 2 places.")
    max_points = serializers.CharField(allow_null=True)
    index = serializers.CharField(help_text="Decimal as text, 2 places (0–100).")
    self_index = serializers.CharField(allow_null=True)
    ranked = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    band_label = serializers.CharField(allow_blank=True)
    head_class = serializers.CharField()
    areas = serializers.DictField(child=serializers.CharField())
    review_flags = serializers.ListField(child=serializers.CharField())
    unscored = serializers.ListField(child=serializers.CharField())


class JobLinksSerializer(serializers.Serializer):
    self = serializers.CharField(help_text="This job in the API.")
    page = serializers.CharField(allow_null=True, help_text="The page that shows the job (null: none).")


class JobProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class JobShape(serializers.Serializer):
    """The fields every background job answers with (api.jobs: the kinds). `done`/`total` count the
    job's own unit (rows, files, forms) where it counts them (null where not); `percent` always."""

    default_kind = ""

    kind = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    active = serializers.BooleanField(
        source="is_active", read_only=True, help_text="A worker owns the job now."
    )
    done = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    percent = serializers.IntegerField(source="progress", read_only=True)
    error = serializers.SerializerMethodField(help_text="Why the job failed, in words ('' when it did not).")
    links = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField(
        help_text="A refused file's problems by row and column (imports; [] otherwise)."
    )

    def _kind(self):
        return self.context.get("kind") or KINDS[self.default_kind]

    def get_kind(self, obj) -> str:
        return self._kind().code

    def get_status_label(self, obj) -> str:
        return str(obj.get_status_display())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_done(self, obj):
        return obj.progress_counts()[0]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_total(self, obj):
        return obj.progress_counts()[1]

    def get_error(self, obj) -> str:
        return obj.message

    @extend_schema_field(JobProblemSerializer(many=True))
    def get_problems(self, obj):
        return self._kind().problems(obj)

    @extend_schema_field(JobLinksSerializer)
    def get_links(self, obj):
        kind = self._kind()
        name = "api-v1:compute-job" if kind.code == "compute" else f"api-v1:{kind.code}-job"
        return {"self": reverse(name, args=[obj.pk]), "page": kind.page(obj)}


class JobStatusSerializer(JobShape):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField(help_text="queued, running, succeeded, failed, or the kind's own end.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        fields = [
            "kind", "id", "status", "status_label", "active", "done", "total", "percent",
            "created_at", "started_at", "finished_at", "error", "problems", "links",
        ]  # fmt: skip


UNIFORM_FIELDS = ["kind", "status_label", "active", "done", "total", "percent", "error", "problems", "links"]


class ComputeJobSerializer(JobShape, serializers.ModelSerializer):
    """A computation job: its own fields (period, stage, snapshot) and the shape every job has."""

    default_kind = "compute"

    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    snapshot_version = serializers.SerializerMethodField()

    class Meta:
        model = ComputeJob
        fields = [
            "id",
            "period",
            "status",
            "stage",
            "progress",
            "message",
            "created_at",
            "started_at",
            "finished_at",
            "snapshot_version",
            *UNIFORM_FIELDS,
        ]

    def get_snapshot_version(self, obj) -> int | None:
        return obj.snapshot.version if obj.snapshot else None


# The criteria document is scoring.formats' own (parindex-criteria/1); described as an object here.
CRITERIA_DOCUMENT = OpenApiTypes.OBJECT
