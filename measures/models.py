"""Measured data and survey values entered by Home Affairs: each file imported (who, when, its name and
SHA-256) and the current value of each agency × data/survey leaf with its source document, audited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.jobs import BackgroundJob, JobStatus


# The page's upload is checked and previewed by a background job: queued → running → previewed, refused
# (its problems kept) or failed; the command previews at once. Confirmed, a second job stores the values
# (store_queued → storing → stored, or refused); a preview not wanted is discarded.
class MeasureImport(BackgroundJob):
    """One file of values: previewed first (its bytes kept until confirmed), then stored all at once. An
    upload on the page is also the row of the jobs that check and store it (parindex.jobs: status,
    progress, problems)."""

    ACTIVE_STATES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.STORE_QUEUED, JobStatus.STORING)

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="measure_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = models.BinaryField(_("file content"), editable=False)
    default_source = models.CharField(_("source document (for rows without one)"), max_length=255, blank=True)
    default_source_date = models.DateField(_("date of the source document"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PREVIEWED
    )
    preview = models.JSONField(_("changes previewed"), default=list, blank=True)
    problem_list = models.JSONField(
        _("problems found"),
        default=list,
        blank=True,
        help_text=_("Where and what, as translatable templates."),
    )
    values = models.PositiveIntegerField(_("values stored"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("stored by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    stored_at = models.DateTimeField(_("stored at"), null=True, blank=True)
    via = models.CharField(_("through"), max_length=16, default="page")

    history = HistoricalRecords(excluded_fields=["content", "preview", "problem_list"])  # kept once

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("import_measures", _("Can import measured data and survey values"))]
        verbose_name = _("measured data import")
        verbose_name_plural = _("measured data imports")

    def __str__(self):
        return f"{self.period} · {self.file_name} · {self.get_status_display()}"

    def progress_counts(self) -> tuple[int | None, int | None]:
        """Values stored (the file is stored all at once, so no total before the end)."""
        return self.values, None

    @property
    def working(self) -> bool:
        """A job checks or stores the file now: its page polls it."""
        return self.is_active


class MeasureValue(models.Model):
    """The value Home Affairs set for one agency × data or survey leaf, and where it comes from.

    For a data leaf it is the rule's measured input (also written to the assessment item as its final
    input); for a survey leaf it overrides the aggregated survey value (written to SurveyValue).
    """

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="measures"
    )
    node = models.ForeignKey(
        "scoring.CriteriaNode", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="measures"
    )
    applicable = models.BooleanField(_("applicable"), default=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=6, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source_document = models.CharField(_("source document"), max_length=255)
    source_date = models.DateField(_("date of the source document"))
    measure_import = models.ForeignKey(
        MeasureImport, verbose_name=_("import"), on_delete=models.PROTECT, related_name="measures"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "node__position"]
        constraints = [models.UniqueConstraint(fields=["agency", "node"], name="one_measure_per_agency_leaf")]
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")

    def __str__(self):
        return f"{self.agency} · {self.node.code}: {self.value}"
