"""Criteria sets (one per period × block), computed result snapshots, their publication and the
computation jobs that write them."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.lineage import PredecessorRank
from parindex.jobs import BackgroundJob
from scoring.engine import STORED_PLACES

POINTS = {"max_digits": 9, "decimal_places": 4}
INDEX = {"max_digits": 7, "decimal_places": 2}
# Computed points are stored exactly (scoring.engine.stored_exact): every published figure is then the
# exact value rounded once, half up, whether it is rounded from the engine or from the database.
EXACT_POINTS = {"max_digits": STORED_PLACES + 10, "decimal_places": STORED_PLACES}


class Rule(models.TextChoices):
    MANUAL = "manual", _("Manual points")
    LEVELS = "levels", _("Named levels")
    THRESHOLD = "threshold", _("Threshold bands")
    PROPORTIONAL = "proportional", _("Proportional to a target")
    DEDUCTION = "deduction", _("Deduction per event")
    SURVEY = "survey", _("Survey value")


class Source(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence appraised")
    SURVEY = "survey", _("Survey")
    DATA = "data", _("Measured data")


class TieRule(models.TextChoices):
    SHARED = "shared", _("Equal published indices share a rank")
    EXACT = "exact", _("The unrounded index breaks ties")


class HeadClass(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


class CriteriaSet(models.Model):
    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="criteria_sets"
    )
    block = models.ForeignKey(
        "agencies.Block", verbose_name=_("block"), on_delete=models.PROTECT, related_name="criteria_sets"
    )
    name = models.CharField(_("name"), max_length=255)
    tie_rule = models.CharField(_("tie rule"), max_length=16, choices=TieRule.choices, default=TieRule.SHARED)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    # Bumped by every change of the set's nodes and rules (scoring/tree_cache.py): caches of the tree
    # are keyed by (id, revision), so a change is seen by every process at its commit.
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    unranked_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("agencies not ranked"),
        blank=True,
        related_name="unranked_in",
        help_text=_(
            "Assessed and published with their index, areas and head class, but kept out of the ranking, "
            "the bands and the rank changes of this period."
        ),
    )
    # Who imported or replaced the set, when, and from which document (scoring.services.criteria_set_import);
    # who changed it in the admin (while its period was a draft), the agencies not ranked included.
    history = HistoricalRecords(excluded_fields=["revision"], m2m_fields=[unranked_agencies])

    class Meta:
        ordering = ["period", "block__position"]
        constraints = [models.UniqueConstraint(fields=["period", "block"], name="one_set_per_period_block")]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self):
        return self.name


class CriteriaNode(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=32)
    title = models.TextField(_("title"))
    max_points = models.DecimalField(_("max points"), **POINTS)
    position = models.PositiveIntegerField(_("position"), default=0)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence_expected = models.TextField(_("evidence expected"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, blank=True)
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices, blank=True)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    is_area = models.BooleanField(_("content area"), default=False)
    is_bonus = models.BooleanField(_("bonus"), default=False)
    history = HistoricalRecords()  # a node changed in the admin (a draft period only): who, when, from what

    class Meta:
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="unique_node_code_in_set")
        ]
        verbose_name = _("criteria node")
        verbose_name_plural = _("criteria nodes")

    def __str__(self):
        return f"{self.code}. {self.title}"


class Band(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="bands"
    )
    code = models.SlugField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=120)
    min_index = models.DecimalField(_("minimum index (inclusive)"), **INDEX)

    class Meta:
        ordering = ["criteria_set", "-min_index"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="unique_band_code_in_set")
        ]
        verbose_name = _("band")
        verbose_name_plural = _("bands")

    def __str__(self):
        return self.label


class HeadClassRule(models.Model):
    """Ordered; the first rule whose floors an agency meets gives its head's class."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="head_rules"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    head_class = models.CharField(_("head class"), max_length=16, choices=HeadClass.choices)
    min_index = models.DecimalField(_("minimum index"), **INDEX)
    min_area_index = models.DecimalField(_("minimum index of every area"), **INDEX)

    class Meta:
        ordering = ["criteria_set", "position"]
        verbose_name = _("head classification rule")
        verbose_name_plural = _("head classification rules")

    def __str__(self):
        return f"{self.get_head_class_display()}: ≥{self.min_index} / ≥{self.min_area_index}"


class ReviewTrigger(models.Model):
    """An area whose index falls below `below` obliges the agency to hold a review (kiểm điểm)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="review_triggers"
    )
    area_code = models.CharField(_("area code"), max_length=32)
    below = models.DecimalField(_("index below"), **INDEX)

    class Meta:
        ordering = ["criteria_set", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "area_code"], name="unique_trigger_area")
        ]
        verbose_name = _("review trigger")
        verbose_name_plural = _("review triggers")

    def __str__(self):
        return f"{self.area_code} < {self.below}"


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    APPRAISED = "appraised", _("Appraisal")
    FINAL = "final", _("Final")


PUBLISHED_IMMUTABLE = _(
    "A published result snapshot cannot be changed or deleted; publish a correction instead."
)


class PublishedResultsError(Exception):
    """Raised on any attempt to change or delete a published snapshot or one of its rows."""

    def __init__(self, message=PUBLISHED_IMMUTABLE):
        self.message = message
        super().__init__(str(message))


class ResultSnapshotQuerySet(models.QuerySet):
    """Bulk writes refuse published snapshots (save() and delete() of one row refuse them too)."""

    def published(self):
        return self.filter(is_published=True)

    def update(self, **kwargs):
        if self.filter(is_published=True).exists():
            raise PublishedResultsError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(is_published=True).exists():
            raise PublishedResultsError()
        if ResultSnapshot.objects.filter(is_published=True, previous_snapshot__in=self).exists():
            raise PublishedResultsError()  # deleting it would rewrite a published snapshot's reference
        return super().delete()


class ResultSnapshot(models.Model):
    """One computation of a period: immutable once written; later computations add new snapshots.

    Publishing marks one snapshot published (with its open-data files); a correction publishes a later
    snapshot with a stated reason. A published snapshot and its rows are never changed or deleted.
    """

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="snapshots"
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fingerprint = models.CharField(_("inputs' fingerprint (SHA-256)"), max_length=64)
    previous_snapshot = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publication_note = models.TextField(
        _("publication note"),
        blank=True,
        help_text=_("An optional note published with the first publication of the period's results."),
    )
    correction_reason = models.TextField(
        _("reason for the correction"),
        blank=True,
        help_text=_("Required when a snapshot replaces one already published."),
    )

    objects = ResultSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["period", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="unique_snapshot_version"),
            models.CheckConstraint(
                condition=Q(is_published=False, published_at__isnull=True)
                | Q(is_published=True, published_at__isnull=False),
                name="published_snapshot_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "is_published", "published_at"], name="snapshot_publication")
        ]
        permissions = [
            ("compute_results", _("Can compute a period's results")),
            ("publish_results", _("Can publish results and corrections")),
        ]
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")

    def __str__(self):
        return f"{self.period} · v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding and ResultSnapshot.objects.filter(pk=self.pk, is_published=True).exists():
            raise PublishedResultsError()
        if self._state.adding and self.is_published:
            raise PublishedResultsError()  # only snapshot_publish publishes, with its files
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and (
            ResultSnapshot.objects.filter(pk=self.pk, is_published=True).exists()
            or ResultSnapshot.objects.filter(is_published=True, previous_snapshot=self.pk).exists()
        ):
            raise PublishedResultsError()
        return super().delete(*args, **kwargs)

    def unscored_results(self):
        """The agencies with leaves that had no final input (scored 0), for Home Affairs to see before publishing."""
        return self.agency_results.exclude(unscored=[]).order_by(
            "block_position", "block_code", "agency_position", "agency_code"
        )


class SnapshotRowQuerySet(models.QuerySet):
    """Rows of a snapshot (agency, node results, files): bulk writes refuse those of a published one."""

    def update(self, **kwargs):
        if self.filter(snapshot__is_published=True).exists():
            raise PublishedResultsError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(snapshot__is_published=True).exists():
            raise PublishedResultsError()
        return super().delete()


class SnapshotRow(models.Model):
    """save() and delete() refuse a row whose snapshot is published."""

    objects = SnapshotRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self):
        if ResultSnapshot.objects.filter(pk=self.snapshot_id, is_published=True).exists():
            raise PublishedResultsError()


@dataclass(frozen=True)
class StoredRef:
    """A row of reference data as a snapshot stored it when it was computed: read like the row (`pk`,
    `str()`), whatever the row says later."""

    id: int
    code: str
    name: str

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class AgencyRef(StoredRef):
    """An agency as printed beside its figures (AgencyResult.agency_ref)."""

    short_name: str
    head_title: str
    position: int


@dataclass(frozen=True)
class BlockRef(StoredRef):
    """A block as its tables are titled and numbered (AgencyResult.block_ref)."""

    table_prefix: str
    position: int


class AgencyResult(SnapshotRow):
    """One agency's result in a snapshot. Beside the figures it keeps the reference data its outputs
    print, as they were when it was computed (agency and block names, codes, positions, table prefix,
    the agency its rank change compares with and the predecessors of a merged agency): an edit of the
    Agency or Block rows afterwards changes no published page, file, API answer or report table."""

    snapshot = models.ForeignKey(
        ResultSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="agency_results"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="results"
    )
    block = models.ForeignKey(
        "agencies.Block", verbose_name=_("block"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), **EXACT_POINTS)
    max_points = models.DecimalField(_("applicable max"), **POINTS)
    exact_index = models.DecimalField(_("unrounded index"), max_digits=12, decimal_places=6)
    index = models.DecimalField(_("index"), **INDEX)
    self_index = models.DecimalField(_("self-assessed index"), null=True, blank=True, **INDEX)
    ranked = models.BooleanField(_("ranked"), default=True)
    rank = models.PositiveIntegerField(
        _("rank"), null=True, blank=True, help_text=_("Empty when not ranked.")
    )
    rank_change = models.IntegerField(_("rank change"), null=True, blank=True)
    band_code = models.CharField(_("band"), max_length=20, blank=True)
    band_label = models.CharField(_("band"), max_length=120, blank=True)
    head_class = models.CharField(_("head class"), max_length=16, choices=HeadClass.choices)
    review_flags = models.JSONField(_("areas requiring a review"), default=list, blank=True)
    area_indices = models.JSONField(_("area indices"), default=dict, blank=True)
    unscored = models.JSONField(
        _("leaves without input"),
        default=list,
        blank=True,
        help_text=_("Codes of the applicable leaves that had no final input and scored 0."),
    )
    # The reference data as computed (docs/formats.md, "What a snapshot keeps").
    agency_code = models.CharField(_("agency code"), max_length=40)
    agency_name = models.CharField(_("agency name"), max_length=255)
    agency_short_name = models.CharField(_("agency short name"), max_length=120, blank=True)
    agency_head_title = models.CharField(_("head's title"), max_length=120, blank=True)
    agency_position = models.PositiveIntegerField(_("position in the official list"), default=0)
    block_code = models.CharField(_("block code"), max_length=40)
    block_name = models.CharField(_("block name"), max_length=200)
    block_table_prefix = models.CharField(_("report table prefix"), max_length=4, blank=True)
    block_position = models.PositiveIntegerField(_("block position"), default=0)
    compared_with = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("rank change compared with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The agency whose result in the previous snapshot this one compares with: itself, or its single "
            "predecessor. Empty for a new agency and one merged from two or more."
        ),
    )
    predecessors = models.JSONField(
        _("predecessors' previous ranks"),
        default=list,
        blank=True,
        help_text=_(
            "An agency merged from two or more: each former agency (agency_id, agency_code, agency_name) "
            "with its rank and index in the previous snapshot; it has no rank change."
        ),
    )

    class Meta:
        # Blocks stay together (block_code breaks a tie of positions), in the order stored with the snapshot.
        ordering = [
            "snapshot",
            "block_position",
            "block_code",
            F("rank").asc(nulls_last=True),
            "-exact_index",
            "agency_position",
            "agency_code",
        ]
        constraints = [models.UniqueConstraint(fields=["snapshot", "agency"], name="one_result_per_agency")]
        verbose_name = _("agency result")
        verbose_name_plural = _("agency results")

    def __str__(self):
        return f"{self.agency_name} · {self.index}"

    @property
    def agency_ref(self) -> AgencyRef:
        return AgencyRef(
            self.agency_id,
            self.agency_code,
            self.agency_name,
            self.agency_short_name,
            self.agency_head_title,
            self.agency_position,
        )

    @property
    def block_ref(self) -> BlockRef:
        return BlockRef(
            self.block_id, self.block_code, self.block_name, self.block_table_prefix, self.block_position
        )

    @property
    def predecessor_ranks(self) -> list[PredecessorRank]:
        """The stored predecessors of a merged agency, best previous rank first."""
        return [
            PredecessorRank(
                p["agency_id"],
                p["agency_code"],
                p["agency_name"],
                p["rank"],
                None if p["index"] is None else Decimal(p["index"]),
            )
            for p in self.predecessors
        ]


def as_stored(results) -> list[AgencyResult]:
    """The results with `agency` and `block` read as their snapshot stored them (AgencyRef, BlockRef, in
    place of the live rows, with no query): what every page, file, API answer and report table prints.
    An AgencyRef has no relations and no save(); read the live Agency by `agency_id` where one is needed."""
    results = list(results)
    for result in results:
        AgencyResult.agency.field.set_cached_value(result, result.agency_ref)
        AgencyResult.block.field.set_cached_value(result, result.block_ref)
    return results


class NodeResult(SnapshotRow):
    snapshot = models.ForeignKey(
        ResultSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="node_results"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    node = models.ForeignKey(
        CriteriaNode, verbose_name=_("criteria node"), on_delete=models.PROTECT, related_name="+"
    )
    applicable = models.BooleanField(_("applicable"), default=True)
    applicable_max = models.DecimalField(_("applicable max"), **POINTS)
    self_points = models.DecimalField(_("self-assessed points"), null=True, blank=True, **EXACT_POINTS)
    appraised_points = models.DecimalField(_("appraised points"), null=True, blank=True, **EXACT_POINTS)
    final_points = models.DecimalField(_("final points"), **EXACT_POINTS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "agency", "node"], name="one_result_per_node")
        ]
        verbose_name = _("node result")
        verbose_name_plural = _("node results")

    def __str__(self):
        return f"{self.agency} · {self.node.code}"


class DownloadFormat(models.TextChoices):
    RESULTS_CSV = "results_csv", _("Results (CSV)")
    DETAILS_CSV = "details_csv", _("Detailed scores (CSV)")
    XLSX = "xlsx", _("Results and detailed scores (XLSX)")
    JSON = "json", _("Results and detailed scores (JSON)")


class SnapshotDownload(SnapshotRow):
    """An open-data file of a published snapshot, written once at publication; its SHA-256 is shown
    beside the link so anyone can verify the copy they downloaded."""

    snapshot = models.ForeignKey(
        ResultSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="downloads"
    )
    format = models.CharField(_("format"), max_length=16, choices=DownloadFormat.choices)
    file_name = models.CharField(_("file name"), max_length=120)
    media_type = models.CharField(_("media type"), max_length=120)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["snapshot", "format"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "format"], name="one_download_per_format")]
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")

    def __str__(self):
        return self.file_name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PublishedResultsError()  # written once, never rewritten
        super().save(*args, **kwargs)


class JobStage(models.TextChoices):
    """What a running computation is doing; shown beside the progress bar."""

    WAITING = "waiting", _("Waiting for a worker")
    INPUTS = "inputs", _("Reading the inputs")
    COMPUTING = "computing", _("Computing the blocks")
    WRITING = "writing", _("Writing the results")
    DONE = "done", _("Done")


class ComputeJob(BackgroundJob):
    """One computation of a period, run by a Celery worker (parindex.jobs: the lifecycle every job
    shares). At most one job per period is queued or running at a time: a partial unique constraint
    makes a second start fail in the database."""

    INTERRUPTED = _("The computation stopped without finishing; the previous results are unchanged.")
    NOT_QUEUED = _("The computation could not be queued (the task queue did not answer).")

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="compute_jobs"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=JobStage.choices, default=JobStage.WAITING)
    snapshot = models.ForeignKey(
        ResultSnapshot,
        verbose_name=_("snapshot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["period", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_compute_job_per_period",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="compute_job_progress_0_100"),
        ]
        verbose_name = _("computation job")
        verbose_name_plural = _("computation jobs")

    def __str__(self):
        return f"{self.period} · {self.get_status_display()} {self.progress}%"
