"""Assessment items: one per agency × leaf, carrying each stage's input for the leaf's rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.history_manager import HistoryManager


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
    # The agency's own last save of this leaf (`updated_at` moves with appraisers' writes too): the
    # overview's last activity.
    self_scored_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    appraised_input = models.JSONField(_("appraisal input"), null=True, blank=True)
    appraisal_comment = models.TextField(_("appraisal comment"), blank=True)
    appraised_by = models.ForeignKey(
        "accounts.User", verbose_name=_("appraised by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    evidence_insufficient = models.BooleanField(_("evidence insufficient"), default=False)
    explanation = models.TextField(_("agency's explanation"), blank=True)
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    reappraised_input = models.JSONField(_("re-appraisal input"), null=True, blank=True)
    reappraisal_comment = models.TextField(_("re-appraisal comment"), blank=True)
    reappraised_by = models.ForeignKey(
        "accounts.User", verbose_name=_("re-appraised by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    correction_reason = models.TextField(_("reason for the correction after approval"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(history_manager=HistoryManager)  # the autosave's audit: class built once

    class Meta:
        ordering = ["agency", "node__position"]
        constraints = [models.UniqueConstraint(fields=["agency", "node"], name="one_item_per_agency_leaf")]
        permissions = [("self_assess", _("Can self-assess the items of their own agency"))]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")

    def __str__(self):
        return f"{self.agency} · {self.node.code}"

    @property
    def final_input(self):
        return self.reappraised_input if self.reappraised_input is not None else self.appraised_input


class SubmissionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened by Home Affairs")
    RETURNED = "returned", _("Returned by the head to the focal point")


class Submission(models.Model):
    """One agency's self-assessment for one period as a whole: submitted (locked) or open for edits."""

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="submissions"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.IN_PROGRESS
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("submitted by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    missing_evidence_explanation = models.TextField(_("why some criteria have no evidence"), blank=True)
    signed_off_at = models.DateTimeField(_("signed off by the head at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "accounts.User", verbose_name=_("signed off by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    # Set when the agency's first write creates the submission and at submit, not on every save: the
    # agency's last activity is the latest of this and its items' writes (selectors.self_assessment_overview).
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="one_submission_per_agency")]
        permissions = [
            ("sign_off_self_assessment", _("Can sign off their own agency's submitted self-assessment")),
            ("reopen_self_assessment", _("Can reopen a submitted self-assessment")),
        ]
        verbose_name = _("self-assessment submission")
        verbose_name_plural = _("self-assessment submissions")

    def __str__(self):
        return f"{self.agency} · {self.period} · {self.get_status_display()}"

    @property
    def locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED


class ReminderSent(models.Model):
    """A deadline reminder already e-mailed, so a rerun of the daily job sends it only once."""

    period = models.ForeignKey("agencies.Period", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency", "days_before"], name="one_reminder_per_day_before"
            )
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return f"{self.agency} · {self.period} · D-{self.days_before}"


class AppraisalAssignment(models.Model):
    """Who appraises what: an agency (or every agency), an area (or every area), or both."""

    period = models.ForeignKey(
        "agencies.Period", verbose_name=_("period"), on_delete=models.CASCADE, related_name="assignments"
    )
    # A user who was to appraise a round is deactivated, not deleted: the round keeps who its appraisers were.
    appraiser = models.ForeignKey(
        "accounts.User", verbose_name=_("appraiser"), on_delete=models.PROTECT, related_name="assignments"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency (empty: every agency)"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    area_code = models.CharField(_("area code (empty: every area)"), max_length=20, blank=True)
    second_appraiser = models.ForeignKey(
        "accounts.User", verbose_name=_("second appraiser (double appraisal)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="second_assignments",
    )  # fmt: skip
    assigned_by = models.ForeignKey(
        "accounts.User", verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency", "area_code"],
                name="one_appraiser_per_agency_area",
                nulls_distinct=False,
            )
        ]
        verbose_name = _("appraisal assignment")
        verbose_name_plural = _("appraisal assignments")

    def __str__(self):
        return f"{self.appraiser} · {self.agency or '*'} · {self.area_code or '*'}"


class Notification(models.Model):
    """An in-app notice (also e-mailed): appraisal ready, explanation round open/closed, explanation in."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text


class SecondAppraisal(models.Model):
    """A blind second appraisal of an item (double appraisal of chosen cells); the lead sees where it
    disagrees with the first. It does not change the item's score."""

    item = models.OneToOneField(AssessmentItem, on_delete=models.CASCADE, related_name="second_appraisal")
    appraiser = models.ForeignKey(
        "accounts.User", verbose_name=_("second appraiser"), on_delete=models.PROTECT
    )
    appraised_input = models.JSONField(_("appraisal input"))
    comment = models.TextField(_("comment"), blank=True)
    appraised_at = models.DateTimeField(_("appraised at"), auto_now=True)
    # The optimistic lock of the second appraiser's saves, apart from the item's: the first appraiser's saves
    # move the item's version, which the blind second appraiser may not see move (agencies.policy.version_read).
    # Before the first save there is no row: its version reads as 0.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("second appraisal")
        verbose_name_plural = _("second appraisals")

    def __str__(self):
        return f"{self.item} · {self.appraiser}"
