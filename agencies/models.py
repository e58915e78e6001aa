"""Blocks of agencies, the agencies themselves across years, and assessment periods with windows."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


class Block(models.Model):
    """Agencies ranked together with one criteria set (departments, district or commune committees)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    table_prefix = models.CharField(
        _("report table prefix"),
        max_length=4,
        default="A",
        help_text=_("A for departments, B for local committees."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()  # reference data of every period: who renamed or re-prefixed it, when

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self):
        return self.name


class AgencyQuerySet(models.QuerySet):
    def active_during(self, starts_on: date, ends_on: date):
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=ends_on)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=starts_on)
        )


class Agency(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.PROTECT, related_name="agencies"
    )
    head_title = models.CharField(_("head's title"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("position in the official list"), default=0)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        related_name="successors",
        blank=True,
        help_text=_("Agencies this one was merged, split or renamed from."),
    )

    objects = AgencyQuerySet.as_manager()
    # A block, dates or predecessors changed later alter a recomputation and the rank change of every
    # period it is in: who changed them, when, and from what, is kept.
    history = HistoricalRecords(m2m_fields=[predecessors])

    class Meta:
        ordering = ["block__position", "position", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name


class PeriodState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPLANATION = "explanation", _("Explanation")
    REAPPRAISAL = "reappraisal", _("Re-appraisal")
    COUNCIL = "council", _("Council review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Period(models.Model):
    """One assessment round, usually a year; its state moves through the workflow in order."""

    code = models.SlugField(
        _("code"), max_length=20, unique=True, help_text=_("Usually the year, e.g. 2022.")
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(_("year assessed"))
    starts_on = models.DateField(_("assessed from"))
    ends_on = models.DateField(_("assessed to"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous period"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Rank changes compare with this period's results."),
    )
    state = FSMField(_("state"), default=PeriodState.DRAFT, choices=PeriodState.choices)
    # Who changed the period's settings in the admin, and when (its steps are PeriodTransition's).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        permissions = [
            ("manage_period_workflow", _("Can open self-assessment and appraisal, and publish")),
            ("run_appraisal_workflow", _("Can open the explanation round and send results to the council")),
            ("decide_as_council", _("Can approve the results or return them to the secretariat")),
        ]

    def __str__(self):
        return self.name

    def agencies(self):
        return Agency.objects.active_during(self.starts_on, self.ends_on)

    def assessed_agencies(self):
        """The agencies this period scores: active during it, in a block with a criteria set for it (a
        former commune merged before the period, or another province's block, is not one of them)."""
        return self.agencies().filter(block__in=self.criteria_sets.values("block"))

    # The workflow (domain.md section 2). Only agencies.workflow.period_transition calls these: it
    # checks the permission, saves, and records who and when.
    S = PeriodState

    @transition(state, S.DRAFT, S.SELF_ASSESSMENT, permission="agencies.manage_period_workflow")
    def open_self_assessment(self):
        """Criteria sets freeze when self-assessment opens."""

    @transition(state, S.SELF_ASSESSMENT, S.APPRAISAL, permission="agencies.manage_period_workflow")
    def start_appraisal(self):
        pass

    @transition(state, S.APPRAISAL, S.EXPLANATION, permission="agencies.run_appraisal_workflow")
    def open_explanation(self):
        pass

    @transition(state, S.EXPLANATION, S.REAPPRAISAL, permission="agencies.run_appraisal_workflow")
    def start_reappraisal(self):
        pass

    @transition(state, [S.APPRAISAL, S.REAPPRAISAL], S.COUNCIL, permission="agencies.run_appraisal_workflow")
    def send_to_council(self):
        pass

    @transition(state, S.COUNCIL, S.REAPPRAISAL, permission="agencies.decide_as_council")
    def return_to_secretariat(self):
        pass

    @transition(state, S.COUNCIL, S.APPROVED, permission="agencies.decide_as_council")
    def approve(self):
        pass

    @transition(state, S.APPROVED, S.PUBLISHED, permission="agencies.manage_period_workflow")
    def publish(self):
        pass

    del S


class PeriodTransition(models.Model):
    """One state change of a period: who, when, from, to, and the comment (required to return).

    Every step is confirmed against its readiness list (assessment.readiness); what was not ready at that
    moment is kept in `readiness`, and the reason for going ahead anyway in `override_reason`.
    """

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=PeriodState.choices)
    target = models.CharField(_("to"), max_length=20, choices=PeriodState.choices)
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    override_reason = models.TextField(_("reason for going ahead although not ready"), blank=True)
    readiness = models.JSONField(
        _("what was not ready"),
        default=list,
        blank=True,
        help_text=_("Each gap at the time of the step: its kind, label, count and the first names."),
    )

    class Meta:
        ordering = ["period", "at", "pk"]
        verbose_name = _("period transition")
        verbose_name_plural = _("period transitions")

    def __str__(self):
        return f"{self.period}: {self.source} → {self.target}"


class WindowKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment and evidence upload")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPLANATION = "explanation", _("Explanation")
    REAPPRAISAL = "reappraisal", _("Re-appraisal")
    COUNCIL = "council", _("Council review")


class Window(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="windows"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=WindowKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    history = HistoricalRecords()  # a window moved in the admin: who, when, from what

    class Meta:
        ordering = ["period", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="one_window_per_kind"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="window_ends_after_start"
            ),
        ]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self):
        return f"{self.period} · {self.get_kind_display()}"


class Extension(models.Model):
    """A recorded extension (gia hạn) of one window for one agency."""

    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.CASCADE, related_name="extensions"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="extensions"
    )
    ends_at = models.DateTimeField(_("extended to"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("granted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    history = HistoricalRecords()  # an extension changed after it was granted keeps its earlier terms

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "agency"], name="one_extension_per_agency")]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self):
        return f"{self.agency} → {self.ends_at:%d/%m/%Y}"
