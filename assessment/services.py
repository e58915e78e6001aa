"""Writes of the self-assessment: score an item, submit, sign off, reopen. Each checks the window,
the lock and who acts, saves row by row (so django-simple-history audits it) and raises
`AssessmentRefused` with a message the user can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import policy
from agencies.models import Agency, Extension, Period, PeriodState, Window, WindowKind
from scoring import engine
from scoring.inputs import leaf_input
from scoring.models import CriteriaNode, Source

from .models import AssessmentItem, ItemStatus, Submission, SubmissionStatus

# What each rule's input holds; anything else a client sends is dropped.
INPUT_KEYS = {
    "manual": ("points",),
    "levels": ("level",),
    "threshold": ("value",),
    "proportional": ("value", "target"),
    "deduction": ("value",),
    "survey": (),
}
EDITABLE_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.SELF_SCORED)
MEASURED_BY_HOME_AFFAIRS = gettext_lazy(
    "This criterion is scored from measured data entered by Home Affairs: the agency cannot change it."
)


class AssessmentRefused(Exception):
    """A write the rules do not allow; `message` is already translated for the user."""

    def __init__(self, message: str, details: list[str] | None = None):
        self.message = message
        self.details = details or []
        super().__init__(message)


class StaleItem(Exception):
    """Someone saved the item since the user loaded it; `current` is what is stored now."""

    def __init__(self, current: AssessmentItem):
        self.current = current
        super().__init__(f"item {current.pk} is at version {current.version}")


@dataclass(frozen=True)
class OpenWindow:
    starts_at: datetime
    ends_at: datetime
    extended: bool

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def self_assessment_window(*, period: Period, agency: Agency) -> OpenWindow | None:
    """The period's self-assessment window, with the agency's recorded extension if it ends later."""
    window = Window.objects.filter(period=period, kind=WindowKind.SELF_ASSESSMENT).first()
    if window is None:
        return None
    extension = Extension.objects.filter(window=window, agency=agency).first()
    if extension is not None and extension.ends_at > window.ends_at:
        return OpenWindow(window.starts_at, extension.ends_at, True)
    return OpenWindow(window.starts_at, window.ends_at, False)


def submission_for(*, period: Period, agency: Agency) -> Submission:
    submission, _created = Submission.objects.get_or_create(period=period, agency=agency)
    return submission


def self_assessment_refusal(
    *, period: Period, agency: Agency, submission: Submission | None = None, now: datetime | None = None
) -> str | None:
    """Why the agency's self-assessment cannot be edited now, or None when it can: the policy's state
    first (an agency that never submitted is closed once appraisal starts), then the window and the lock."""
    if refusal := policy.write_refusal(policy.Audience.FOCAL_POINT, policy.Stage.SELF, period):
        return refusal
    window = self_assessment_window(period=period, agency=agency)
    now = now or timezone.now()
    if window is None:
        return _("The self-assessment window of this period has not been set.")
    if not window.contains(now):
        return _("Self-assessment is open from %(start)s to %(end)s; it is closed now.") % {
            "start": _when(window.starts_at),
            "end": _when(window.ends_at),
        }
    submission = submission or Submission.objects.filter(period=period, agency=agency).first()
    if submission is not None and submission.locked:
        return _("The self-assessment was submitted on %(when)s and is locked.") % {
            "when": _when(submission.submitted_at)
        }
    return None


def _require_focal_point(user, agency: Agency) -> None:
    if not (user.has_perm("assessment.self_assess") and user.agency_id == agency.id):
        raise AssessmentRefused(_("Only the agency's focal point can change its self-assessment."))


def items_ensure(*, period: Period, agency: Agency) -> int:
    """Creates the agency's missing items, one per leaf of its block's set (a new item changes no score)."""
    leaf_ids = set(
        CriteriaNode.objects.filter(
            criteria_set__period=period, criteria_set__block_id=agency.block_id, children__isnull=True
        ).values_list("id", flat=True)
    )
    existing = set(
        AssessmentItem.objects.filter(agency=agency, node_id__in=leaf_ids).values_list("node_id", flat=True)
    )
    missing = leaf_ids - existing
    AssessmentItem.objects.bulk_create(
        (AssessmentItem(agency=agency, node_id=node_id) for node_id in missing), ignore_conflicts=True
    )
    return len(missing)


def item_input_clean(node: CriteriaNode, data: dict) -> dict | None:
    """The rule's input from a form or API payload, validated by the engine; None when nothing is entered."""
    cleaned = {
        key: str(data[key]).strip().replace(",", ".")
        for key in INPUT_KEYS.get(node.rule, ())
        if data.get(key) not in (None, "")
    }
    if not cleaned:
        return None
    engine_node = engine.Node(
        code=node.code, title=node.title, max_points=node.max_points, rule=node.rule, params=node.rule_params
    )
    try:
        engine.leaf_points(engine_node, leaf_input(True, cleaned))
    except engine.EngineError as error:
        raise AssessmentRefused(error.message.render(_)) from None
    return cleaned


@transaction.atomic
def item_self_score(
    *,
    item: AssessmentItem,
    user,
    expected_version: int,
    data: dict,
    note: str = "",
    applicable: bool = True,
    not_applicable_reason: str = "",
) -> AssessmentItem:
    """Saves one leaf's self-assessment if nobody saved it since `expected_version` (else StaleItem)."""
    current = AssessmentItem.objects.select_for_update().select_related("node", "agency").get(pk=item.pk)
    period = current.node.criteria_set.period
    _require_focal_point(user, current.agency)
    # Measured data (issue 12): Home Affairs enters it (measures app); the agency only reads it.
    if current.node.source == Source.DATA:
        raise AssessmentRefused(str(MEASURED_BY_HOME_AFFAIRS))
    refusal = self_assessment_refusal(period=period, agency=current.agency)
    if refusal:
        raise AssessmentRefused(refusal)
    if current.status not in EDITABLE_STATUSES:
        raise AssessmentRefused(_("This criterion has already been submitted."))
    if current.version != expected_version:
        raise StaleItem(current)
    if current.node.rule == "survey":
        raise AssessmentRefused(_("This criterion is scored from the sociological survey."))
    if not applicable and not not_applicable_reason.strip():
        raise AssessmentRefused(_("Give the reason why this criterion does not apply to the agency."))
    cleaned = item_input_clean(current.node, data) if applicable else None
    current.applicable = applicable
    current.not_applicable_reason = "" if applicable else not_applicable_reason.strip()
    current.self_input = cleaned
    current.self_note = note.strip()
    current.status = ItemStatus.SELF_SCORED if (cleaned or not applicable) else ItemStatus.NOT_STARTED
    current.version += 1
    current._change_reason = "self-assessment"
    current.save()
    Submission.objects.filter(period=period, agency=current.agency).update(last_activity_at=timezone.now())
    return current


@dataclass(frozen=True)
class Completeness:
    unscored: list[str]  # codes of applicable leaves with no input
    without_evidence: list[str]  # codes of applicable evidence leaves with no file

    @property
    def complete(self) -> bool:
        return not self.unscored


def self_assessment_completeness(*, period: Period, agency: Agency) -> Completeness:
    items = (
        AssessmentItem.objects.filter(agency=agency, node__criteria_set__period=period, applicable=True)
        .exclude(node__rule="survey")
        .exclude(node__source=Source.DATA)  # entered by Home Affairs, not self-scored
        .annotate(files=Count("evidence_links"))
        .values_list("node__code", "self_input", "node__source", "files")
        .order_by("node__position")
    )
    unscored, without_evidence = [], []
    for code, self_input, source, files in items:
        if not self_input:
            unscored.append(code)
        if source in ("", "evidence") and files == 0:
            without_evidence.append(code)
    return Completeness(unscored, without_evidence)


@transaction.atomic
def assessment_submit(*, period: Period, agency: Agency, user, explanation: str = "") -> Submission:
    """Locks the agency's self-assessment when every applicable leaf is scored; leaves without evidence
    need an explanation."""
    _require_focal_point(user, agency)
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    refusal = self_assessment_refusal(period=period, agency=agency, submission=submission)
    if refusal:
        raise AssessmentRefused(refusal)
    completeness = self_assessment_completeness(period=period, agency=agency)
    if completeness.unscored:
        raise AssessmentRefused(
            _("%(count)s criteria are not scored yet.") % {"count": len(completeness.unscored)},
            completeness.unscored,
        )
    if completeness.without_evidence and not explanation.strip():
        raise AssessmentRefused(
            _("%(count)s criteria have no evidence: explain why before submitting.")
            % {"count": len(completeness.without_evidence)},
            completeness.without_evidence,
        )
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = user
    submission.missing_evidence_explanation = explanation.strip() if completeness.without_evidence else ""
    submission.signed_off_at = submission.signed_off_by = None
    submission.last_activity_at = submission.submitted_at
    submission._change_reason = "submitted"
    submission.save()
    AssessmentItem.objects.filter(
        agency=agency, node__criteria_set__period=period, status__in=EDITABLE_STATUSES
    ).update(status=ItemStatus.SUBMITTED)
    return submission


@transaction.atomic
def assessment_sign_off(*, period: Period, agency: Agency, user) -> Submission:
    """The agency head confirms the submitted self-assessment (ký duyệt)."""
    if not (user.has_perm("assessment.sign_off_self_assessment") and user.agency_id == agency.id):
        raise AssessmentRefused(_("Only the head of the agency can sign off its self-assessment."))
    period = Period.objects.get(pk=period.pk)  # the state now, not the caller's copy
    if refusal := policy.write_refusal(
        policy.audience(user, agency_id=agency.id), policy.Obj.SIGN_OFF, period
    ):
        raise AssessmentRefused(refusal)
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    if not submission.locked:
        raise AssessmentRefused(_("The self-assessment has not been submitted yet."))
    submission.signed_off_at = timezone.now()
    submission.signed_off_by = user
    submission._change_reason = "signed off"
    submission.save()
    return submission


@transaction.atomic
def assessment_reopen(*, period: Period, agency: Agency, user, reason: str) -> Submission:
    """Home Affairs unlocks a submitted self-assessment, with a reason kept in its history."""
    if not user.has_perm("assessment.reopen_self_assessment"):
        raise AssessmentRefused(_("Only Home Affairs can reopen a self-assessment."))
    period = Period.objects.get(pk=period.pk)
    if refusal := policy.write_refusal(policy.audience(user, agency_id=agency.id), policy.Obj.REOPEN, period):
        raise AssessmentRefused(refusal)
    if not reason.strip():
        raise AssessmentRefused(_("Give the reason for reopening."))
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    if not submission.locked:
        raise AssessmentRefused(_("The self-assessment is not submitted; there is nothing to reopen."))
    submission.status = SubmissionStatus.REOPENED
    submission.reopen_reason = reason.strip()
    submission._change_reason = "reopened"
    submission.save()
    AssessmentItem.objects.filter(
        agency=agency, node__criteria_set__period=period, status=ItemStatus.SUBMITTED
    ).update(status=ItemStatus.SELF_SCORED)
    AssessmentItem.objects.filter(
        Q(self_input__isnull=True) & Q(applicable=True),
        agency=agency,
        node__criteria_set__period=period,
        status=ItemStatus.SELF_SCORED,
    ).update(status=ItemStatus.NOT_STARTED)
    return submission


def evidence_change_refusal(item: AssessmentItem) -> str | None:
    """Why the item's files cannot change now: open during self-assessment, and during the explanation
    round for an appraised item (the agency adds evidence to its explanation)."""
    period = item.node.criteria_set.period
    refusal = self_assessment_refusal(period=period, agency=item.agency)
    if refusal is None:
        return None
    if not policy.may_write(policy.Audience.FOCAL_POINT, policy.Obj.EVIDENCE, period.state):
        return policy.write_refusal(policy.Audience.FOCAL_POINT, policy.Obj.EVIDENCE, period)
    if period.state == PeriodState.EXPLANATION and item.status in (ItemStatus.APPRAISED, ItemStatus.DISPUTED):
        window = Window.objects.filter(period=period, kind=WindowKind.EXPLANATION).first()
        if window is None or window.starts_at <= timezone.now() < window.ends_at:
            return None
    return refusal


def evidence_library_refusal(*, agency: Agency) -> str | None:
    """Why the agency cannot add a file to its library (no item) now: a library file is evidence too,
    so some period must take the agency's evidence (self-assessment open and unlocked, or the
    explanation round)."""
    periods = list(Period.objects.filter(state__in=(PeriodState.SELF_ASSESSMENT, PeriodState.EXPLANATION)))
    refusals = []
    for period in periods:
        if period.state == PeriodState.EXPLANATION:
            window = Window.objects.filter(period=period, kind=WindowKind.EXPLANATION).first()
            if window is None or window.starts_at <= timezone.now() < window.ends_at:
                return None
            continue
        refusal = self_assessment_refusal(period=period, agency=agency)
        if refusal is None:
            return None
        refusals.append(refusal)
    return refusals[0] if refusals else _("No period takes evidence now.")
