"""The signed-in home: what this user must do now (selectors only; they read, in a bounded number of
queries whatever the number of agencies or items).

Each role sees the windows open for it with their deadline and the time left, the work waiting for it
(appraise, explain, sign off, approve, the next workflow step), its agency's progress with what is
missing as links, and the background jobs still running. Access follows agencies.permissions.scope_for
and agencies.policy; this module only gathers what those allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AGENCY_ROLES, Role
from agencies import policy
from agencies.models import Extension, Period, PeriodState, Window, WindowKind
from agencies.permissions import scope_for
from agencies.workflow import LABELS, transitions_available
from assessment.models import AppraisalAssignment, AssessmentItem, ItemStatus, Submission, SubmissionStatus
from scoring.models import CriteriaNode, Source

MISSING_SHOWN = 12  # unscored criteria listed by name; the count says how many in all

# The windows each role works in (Home Affairs and superusers: every window).
ROLE_WINDOWS = {
    Role.FOCAL_POINT: (WindowKind.SELF_ASSESSMENT, WindowKind.EXPLANATION),
    Role.AGENCY_HEAD: (WindowKind.SELF_ASSESSMENT,),
    Role.APPRAISER: (WindowKind.APPRAISAL, WindowKind.REAPPRAISAL),
    Role.SECRETARIAT_LEAD: (WindowKind.APPRAISAL, WindowKind.EXPLANATION, WindowKind.REAPPRAISAL),
    Role.COUNCIL: (WindowKind.COUNCIL,),
    Role.SURVEY_OPERATOR: (),
}
# The state of the period in which each window's round runs.
WINDOW_STATE = {
    WindowKind.SELF_ASSESSMENT: PeriodState.SELF_ASSESSMENT,
    WindowKind.APPRAISAL: PeriodState.APPRAISAL,
    WindowKind.EXPLANATION: PeriodState.EXPLANATION,
    WindowKind.REAPPRAISAL: PeriodState.REAPPRAISAL,
    WindowKind.COUNCIL: PeriodState.COUNCIL,
}


def time_left(ends_at: datetime, now: datetime) -> str:
    """ "3 days 4 hours left", "5 hours left", "40 minutes left" (in the user's language)."""
    seconds = int((ends_at - now).total_seconds())
    if seconds <= 0:
        return _("closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        parts = [ngettext("%(n)d day", "%(n)d days", days) % {"n": days}]
        if hours:
            parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    elif hours:
        parts = [ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}]
    else:
        minutes = max(rest // 60, 1)
        parts = [ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}]
    return _("%(time)s left") % {"time": " ".join(parts)}


@dataclass(frozen=True)
class WindowRow:
    period: Period
    label: str
    starts_at: datetime
    ends_at: datetime
    is_open: bool
    left: str  # the countdown while open, else ""
    extended: bool = False
    urgent: bool = False  # under two days left


@dataclass(frozen=True)
class Task:
    """One thing waiting for the user, with where it is done."""

    text: str
    url: str
    count: int | None = None
    action: str = ""  # the button's words


@dataclass(frozen=True)
class Missing:
    code: str
    title: str
    url: str


@dataclass
class AgencyProgress:
    period: Period
    url: str
    leaves: int = 0
    scored: int = 0
    with_evidence: int = 0
    submitted_at: datetime | None = None
    signed_off_at: datetime | None = None
    missing: list[Missing] = field(default_factory=list)
    missing_count: int = 0
    returned_reason: str = ""  # the head sent it back: what should change

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.leaves) if self.leaves else 0


@dataclass(frozen=True)
class Job:
    label: str
    progress: int
    status: str
    url: str


@dataclass(frozen=True)
class PeriodLine:
    period: Period
    url: str
    next_steps: tuple[str, ...]


@dataclass
class Home:
    role_label: str
    windows: list[WindowRow] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    progress: list[AgencyProgress] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    periods: list[PeriodLine] = field(default_factory=list)
    links: list[Task] = field(default_factory=list)  # where this role usually works

    @property
    def nothing_to_do(self) -> bool:
        return not (self.tasks or self.progress)


def _open_periods() -> list[Period]:
    """Periods whose inputs may still change, newest first (one query)."""
    return list(Period.objects.exclude(state__in=policy.FROZEN_STATES).order_by("-year", "code"))


def _windows(user, periods: list[Period], now: datetime) -> list[WindowRow]:
    """The windows of this user's rounds in the open periods that are open now or open later (with the
    agency's extension of the self-assessment), soonest deadline first."""
    if user.is_superuser or user.role == Role.HOME_AFFAIRS:
        kinds = tuple(WindowKind)
    else:
        kinds = ROLE_WINDOWS.get(user.role, ())
    if not kinds or not periods:
        return []
    windows = list(
        Window.objects.filter(period__in=periods, kind__in=kinds, ends_at__gt=now).select_related("period")
    )
    extensions = {}
    if user.agency_id:
        extensions = {
            e.window_id: e.ends_at
            for e in Extension.objects.filter(window__in=windows, agency_id=user.agency_id)
        }
    rows = []
    for window in windows:
        ends_at, extended = window.ends_at, False
        if extensions.get(window.pk) and extensions[window.pk] > ends_at:
            ends_at, extended = extensions[window.pk], True
        # A round's window means something while the period is in that round or before it.
        order = list(PeriodState)
        if order.index(window.period.state) > order.index(WINDOW_STATE[window.kind]):
            continue
        is_open = window.starts_at <= now < ends_at
        rows.append(
            WindowRow(
                period=window.period,
                label=WindowKind(window.kind).label,
                starts_at=window.starts_at,
                ends_at=ends_at,
                is_open=is_open,
                left=time_left(ends_at, now) if is_open else "",
                extended=extended,
                urgent=is_open and (ends_at - now).total_seconds() < 2 * 86400,
            )
        )
    rows.sort(key=lambda row: (not row.is_open, row.ends_at))
    return rows


def _agency_progress(user, periods: list[Period]) -> list[AgencyProgress]:
    """The agency's self-assessment in each period that takes it: scored, with evidence, submitted,
    and the criteria still unscored as links to their place on the page (4 queries per period). Counted
    on the criteria set's leaves, so an agency that never opened its page sees everything to do."""
    rows = []
    for period in periods:
        if period.state != PeriodState.SELF_ASSESSMENT:
            continue
        url = reverse("assessment:page", args=[period.code, user.agency.code])
        leaves = (
            CriteriaNode.objects.filter(
                criteria_set__period=period,
                criteria_set__block_id=user.agency.block_id,
                children__isnull=True,
            )
            .exclude(rule="survey")
            .exclude(source=Source.DATA)
        )
        items = AssessmentItem.objects.filter(agency_id=user.agency_id, node__in=leaves)
        counts = items.aggregate(
            not_applicable=Count("id", filter=Q(applicable=False)),
            scored=Count("id", filter=Q(applicable=True, self_input__isnull=False)),
            with_evidence=Count("id", filter=Q(applicable=True, evidence_links__isnull=False), distinct=True),
        )
        done = items.filter(Q(applicable=False) | Q(self_input__isnull=False)).values("node_id")
        missing = list(
            leaves.exclude(pk__in=done).order_by("position").values_list("code", "title")[:MISSING_SHOWN]
        )
        total = leaves.count() - counts["not_applicable"]
        submission = Submission.objects.filter(period=period, agency_id=user.agency_id).first()
        progress = AgencyProgress(
            period=period,
            url=url,
            leaves=total,
            scored=counts["scored"],
            with_evidence=counts["with_evidence"],
            missing=[Missing(code, title, f"{url}#node-{code}") for code, title in missing],
            missing_count=max(total - counts["scored"], 0),
        )
        if submission is not None and submission.locked:
            progress.submitted_at = submission.submitted_at
            progress.signed_off_at = submission.signed_off_at
        elif submission is not None and submission.status == SubmissionStatus.RETURNED:
            progress.returned_reason = submission.reopen_reason
        rows.append(progress)
    return rows


def _agency_tasks(user, periods: list[Period], progress: list[AgencyProgress]) -> list[Task]:
    tasks = []
    by_period = {row.period.pk: row for row in progress}
    for period in periods:
        row = by_period.get(period.pk)
        if row is not None:
            if user.role == Role.FOCAL_POINT and row.returned_reason:
                tasks.append(
                    Task(
                        _(
                            "%(period)s: the head sent the self-assessment back: “%(reason)s”. Change it and submit again."
                        )
                        % {"period": period.name, "reason": row.returned_reason},
                        row.url,
                        action=_("Open the self-assessment"),
                    )
                )
            elif user.role == Role.FOCAL_POINT and row.submitted_at is None:
                if row.missing_count:
                    text = ngettext(
                        "%(period)s: %(n)s criterion is still to be scored, then submit.",
                        "%(period)s: %(n)s criteria are still to be scored, then submit.",
                        row.missing_count,
                    ) % {"period": period.name, "n": row.missing_count}
                else:
                    text = _("%(period)s: every criterion is scored; submit the self-assessment.") % {
                        "period": period.name
                    }
                tasks.append(Task(text, row.url, row.missing_count or None, _("Open the self-assessment")))
            if user.role == Role.AGENCY_HEAD and row.submitted_at and row.signed_off_at is None:
                tasks.append(
                    Task(
                        _("%(period)s: the self-assessment was submitted and waits for your sign-off.")
                        % {"period": period.name},
                        row.url,
                        action=_("Review and sign off"),
                    )
                )
        if period.state == PeriodState.EXPLANATION and user.role == Role.FOCAL_POINT:
            count = (
                AssessmentItem.objects.filter(
                    agency_id=user.agency_id,
                    node__criteria_set__period=period,
                    status=ItemStatus.APPRAISED,
                )
                .exclude(appraisal_comment="")
                .exclude(node__source=Source.DATA)  # its note is the data's source, not an appraiser's word
                .count()
            )
            tasks.append(
                Task(
                    ngettext(
                        "%(period)s: the provisional appraisal is out; %(n)s criterion has an appraiser's comment you may explain.",
                        "%(period)s: the provisional appraisal is out; %(n)s criteria have an appraiser's comment you may explain.",
                        count,
                    )
                    % {"period": period.name, "n": count},
                    reverse("appraisal:explain", args=[period.code]),
                    count,
                    _("Explain"),
                )
            )
    return tasks


ROUND_WAITING = {
    PeriodState.APPRAISAL: (ItemStatus.SUBMITTED,),
    PeriodState.REAPPRAISAL: (ItemStatus.DISPUTED,),
}


def _appraiser_tasks(user, periods: list[Period]) -> list[Task]:
    """Items waiting in the user's inbox in each period with assignments (3 queries per such period)."""
    from assessment.appraisal_selectors import appraiser_items, with_shown_status

    tasks = []
    assigned = set(
        AppraisalAssignment.objects.filter(period__in=periods)
        .filter(Q(appraiser=user) | Q(second_appraiser=user))
        .values_list("period_id", flat=True)
    )
    for period in periods:
        if period.pk not in assigned:
            continue
        inbox = reverse("appraisal:inbox", args=[period.code])
        items = appraiser_items(period=period, user=user)
        waiting = ROUND_WAITING.get(period.state)
        if waiting is None:
            count = items.count()
            tasks.append(
                Task(
                    ngettext(
                        "%(period)s: %(n)s criterion is assigned to you; you appraise it once the appraisal opens (now: %(state)s).",
                        "%(period)s: %(n)s criteria are assigned to you; you appraise them once the appraisal opens (now: %(state)s).",
                        count,
                    )
                    % {"period": period.name, "n": count, "state": period.get_state_display()},
                    inbox,
                    count,
                    _("See my criteria"),
                )
            )
            continue
        # By the status as the user reads it: a blind second appraiser's count does not move with the first's.
        count = with_shown_status(items, user=user).filter(shown_status__in=waiting).count()
        if period.state == PeriodState.APPRAISAL:
            text = ngettext(
                "%(period)s: %(n)s criterion waits for your appraisal.",
                "%(period)s: %(n)s criteria wait for your appraisal.",
                count,
            )
        else:
            text = ngettext(
                "%(period)s: %(n)s explained criterion waits for your re-appraisal.",
                "%(period)s: %(n)s explained criteria wait for your re-appraisal.",
                count,
            )
        tasks.append(
            Task(
                text % {"period": period.name, "n": count},
                f"{inbox}?status={waiting[0]}",
                count,
                _("Appraise") if period.state == PeriodState.APPRAISAL else _("Re-appraise"),
            )
        )
    return tasks


def _lead_tasks(user, periods: list[Period]) -> list[Task]:
    tasks = []
    with_assignments = set(
        AppraisalAssignment.objects.filter(period__in=periods).values_list("period_id", flat=True)
    )
    for period in periods:
        if (
            period.state in (PeriodState.SELF_ASSESSMENT, PeriodState.APPRAISAL)
            and period.pk not in with_assignments
        ):
            tasks.append(
                Task(
                    _("%(period)s: no appraiser is assigned yet.") % {"period": period.name},
                    reverse("appraisal:assignments", args=[period.code]),
                    action=_("Assign appraisers"),
                )
            )
    return tasks


def _step_tasks(user, periods: list[Period]) -> list[Task]:
    """The workflow steps this user may take now (django-fsm: no query), each to its confirmation page."""
    tasks = []
    for period in periods:
        for name in transitions_available(period=period, user=user):
            if name == "return_to_secretariat":
                continue  # the council's alternative to approving, offered on the period's page
            tasks.append(
                Task(
                    _("%(period)s is at the “%(state)s” stage; next step: “%(step)s”.")
                    % {"period": period.name, "state": period.get_state_display(), "step": LABELS[name]},
                    reverse("period", args=[period.code]),
                    action=str(LABELS[name]),
                )
            )
    return tasks


def _home_affairs_tasks(periods: list[Period]) -> list[Task]:
    """How many agencies have submitted, in each period taking self-assessments (2 queries each)."""
    tasks = []
    for period in periods:
        if period.state != PeriodState.SELF_ASSESSMENT:
            continue
        total = period.agencies().filter(block__criteria_sets__period=period).distinct().count()
        submitted = Submission.objects.filter(period=period, status=SubmissionStatus.SUBMITTED).count()
        tasks.append(
            Task(
                _("%(period)s: %(submitted)s of %(total)s agencies have submitted their self-assessment.")
                % {"period": period.name, "submitted": submitted, "total": total},
                reverse("assessment:overview", args=[period.code]),
                action=_("Follow the agencies"),
            )
        )
    return tasks


def _jobs(user) -> list[Job]:
    """Background jobs still queued or running that concern this user (one query per kind it sees)."""
    from accounts.models import AccountImport
    from measures.models import MeasureImport
    from reports.models import ReportBundle
    from scoring.models import ComputeJob
    from surveys.models import ImportBatch

    jobs = []
    if user.has_perm("scoring.compute_results"):
        for job in ComputeJob.objects.filter(status__in=ComputeJob.ACTIVE_STATES).select_related("period"):
            jobs.append(
                Job(
                    _("Computation of %(period)s") % {"period": job.period.name},
                    job.progress,
                    job.get_stage_display(),
                    reverse("results:compute", args=[job.period.code]),
                )
            )
    if user.has_perm("reports.view_reports"):
        for bundle in ReportBundle.objects.filter(status__in=ReportBundle.ACTIVE_STATES, created_by=user):
            jobs.append(
                Job(
                    _("ZIP of every report table"),
                    bundle.progress,
                    bundle.get_status_display(),
                    reverse("reports:index"),
                )
            )
    if user.role in (Role.SURVEY_OPERATOR, Role.HOME_AFFAIRS) or user.is_superuser:
        for batch in ImportBatch.objects.filter(
            status__in=ImportBatch.ACTIVE_STATES, created_by=user
        ).select_related("questionnaire"):
            jobs.append(
                Job(
                    _("Import of %(file)s") % {"file": batch.file_name},
                    batch.progress,
                    batch.get_status_display(),
                    reverse("surveys:batch", args=[batch.questionnaire_id, batch.pk]),
                )
            )
    if user.has_perm("measures.import_measures"):
        for upload in MeasureImport.objects.filter(status__in=MeasureImport.ACTIVE_STATES).select_related(
            "period"
        ):
            jobs.append(
                Job(
                    _("Measured data file %(file)s") % {"file": upload.file_name},
                    upload.progress,
                    upload.get_status_display(),
                    reverse("measures:page", args=[upload.period.code]),
                )
            )
    if user.has_perm("accounts.manage_agency_accounts"):
        for account_import in AccountImport.objects.filter(
            status__in=AccountImport.ACTIVE_STATES, created_by=user
        ):
            jobs.append(
                Job(
                    _("Account list %(file)s") % {"file": account_import.file_name},
                    account_import.progress,
                    account_import.get_status_display(),
                    reverse("accounts:import_job", args=[account_import.pk]),
                )
            )
    return jobs


def _links(user, periods: list[Period]) -> list[Task]:
    """Where this role usually works, for the newest open period."""
    period = periods[0] if periods else None
    links = []
    if user.role in AGENCY_ROLES and period is not None:
        links.append(
            Task(_("Self-assessment"), reverse("assessment:page", args=[period.code, user.agency.code]))
        )
    if user.role in (Role.APPRAISER, Role.SECRETARIAT_LEAD) and period is not None:
        links.append(Task(_("My appraisal criteria"), reverse("appraisal:inbox", args=[period.code])))
    if user.has_perm("agencies.run_appraisal_workflow") and period is not None:
        links.append(Task(_("Who appraises what"), reverse("appraisal:assignments", args=[period.code])))
    if period is not None and policy.may_read(policy.audience(user), policy.Obj.REVIEW, period.state):
        links.append(Task(_("Appraisal review"), reverse("appraisal:review", args=[period.code])))
    if policy.may_read(policy.audience(user), policy.Obj.EVIDENCE_SEARCH, period.state if period else ""):
        links.append(Task(_("Search evidence"), reverse("evidence:search")))
    if user.role in (Role.SURVEY_OPERATOR, Role.HOME_AFFAIRS) or user.is_superuser:
        links.append(Task(_("Surveys"), reverse("surveys:index")))
    if policy.may_use(policy.audience(user), policy.Obj.API_CLIENTS):
        links.append(Task(_("API clients"), reverse("api-clients:list")))
    if user.has_perm("scoring.view_resultsnapshot"):  # their menu has "Results" instead
        links.append(Task(_("Published results"), reverse("public:index")))
    return links


def home_for(user, *, now: datetime | None = None) -> Home:
    """What `user` must do now. Queries: a fixed number per open period (usually one or two periods)."""
    now = now or timezone.now()
    periods = _open_periods()
    home = Home(role_label=str(Role(user.role).label) if user.role else _("System administrator"))
    home.windows = _windows(user, periods, now)
    if user.role in AGENCY_ROLES and user.agency_id:
        scope = scope_for(user)  # an agency user reads their own agency only
        if scope.agencies.filter(pk=user.agency_id).exists():
            home.progress = _agency_progress(user, periods)
            home.tasks = _agency_tasks(user, periods, home.progress)
    if user.role in (Role.APPRAISER, Role.SECRETARIAT_LEAD):
        home.tasks += _appraiser_tasks(user, periods)
    if user.has_perm("agencies.run_appraisal_workflow"):
        home.tasks += _lead_tasks(user, periods)
    if user.is_superuser or user.role == Role.HOME_AFFAIRS:
        home.tasks += _home_affairs_tasks(periods)
    # Approved periods still have a step to take (publication).
    home.tasks += _step_tasks(user, [*periods, *Period.objects.filter(state=PeriodState.APPROVED)])
    if user.is_superuser or user.role == Role.HOME_AFFAIRS:
        home.periods = [
            PeriodLine(
                period,
                reverse("period", args=[period.code]),
                tuple(str(LABELS[name]) for name in _next_names(period)),
            )
            for period in Period.objects.order_by("-year", "code")[:6]
        ]
    home.jobs = _jobs(user)
    home.links = _links(user, periods)
    return home


def _next_names(period: Period) -> list[str]:
    return [t.name for t in period.get_available_state_transitions() if t.name != "return_to_secretariat"]
