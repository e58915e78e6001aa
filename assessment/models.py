"""Assessment items: one per agency × leaf, carrying each stage's input for the leaf's rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    SELF_SCORED = "self_scored", _("Self-scored")
    SUBMITTED = "submitted", _("Submitted")
    APPRAISED = "appraised", _("Appraised")
    DISPUTED = "disputed", _("Explanation given")
    REAPPRAISED = "reappraised", _("Re-appraised")


class AssessmentItem(models.Model):
    """Inputs are JSON objects holding what the leaf's rule reads: points, level, value, target.

    The final input is the re-appraised one, else the appraised one.
    """

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="items"
    )
    node = models.ForeignKey(
        "scoring.CriteriaNode", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="items"
    )
    applicable = models.BooleanField(_("applicable"), default=True)
    not_applicable_reason = models.TextField(_("reason not applicable"), blank=True)
    self_input = models.JSONField(_("self-assessment input"), null=True, blank=True)
    self_note = models.TextField(_("self-assessment note"), blank=True)
    appraised_input = models.JSONField(_("appraisal input"), null=True, blank=True)
    appraisal_comment = models.TextField(_("appraisal comment"), blank=True)
    reappraised_input = models.JSONField(_("re-appraisal input"), null=True, blank=True)
    reappraisal_comment = models.TextField(_("re-appraisal comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "node__position"]
        constraints = [models.UniqueConstraint(fields=["agency", "node"], name="one_item_per_agency_leaf")]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")

    def __str__(self):
        return f"{self.agency} · {self.node.code}"

    @property
    def final_input(self):
        return self.reappraised_input if self.reappraised_input is not None else self.appraised_input
