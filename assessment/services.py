"""Writes of the self-assessment: score an item, submit, sign off, reopen. Each checks the window,
the lock and who acts, saves row by row (so django-simple-history audits it) and raises
`AssessmentRefused` with a message the user can read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from agencies import policy
from agencies.models import Agency, Period, PeriodState, WindowKind
from parindex import row_reads
from parindex.formatting import decimal_scale, message_text, number_text
from parindex.refusals import Refused
from scoring import engine
from scoring.models import CriteriaNode, CriteriaSet, Source
from scoring.nodes import engine_node, leaf_input

from .models import AssessmentItem, ItemStatus, Submission, SubmissionStatus
from .windows import moment_text, window_refusal

# What each rule's input holds; anything else a client sends is dropped.
INPUT_KEYS = {
    "manual": ("points",),
    "levels": ("level",),
    "threshold": ("value",),
    "proportional": ("value", "target"),
    "deduction": ("value",),
    "survey": (),
}
# The numbers of an input, with the decimal places each may have: points as the criteria's maxima and
# steps are stored (scoring.models.POINTS); measured values and targets a little finer (95,123456%).
INPUT_PLACES = {"points": 4, "value": 6, "target": 6}
INPUT_DIGITS = 12  # digits before the decimal point: far above any count, percentage or target
INPUT_NAMES = {
    "points": gettext_lazy("points"),
    "value": gettext_lazy("value"),
    "target": gettext_lazy("target"),
}
# Digits, one decimal point, an optional sign and exponent: what Decimal reads, less its extras ("1_0",
# "NaN", digits of other scripts), after NFKC has made full-width digits and commas plain.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
NOT_A_NUMBER = gettext_lazy("%(what)s: “%(text)s” is not a number; write it like %(example)s.")
TOO_MANY_PLACES = gettext_lazy("%(what)s: %(text)s has more than %(places)s decimal places.")
TOO_LARGE = gettext_lazy("%(what)s: %(text)s is too large.")
NOT_WHOLE = gettext_lazy("the counted events must be a whole number")
EDITABLE_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.SELF_SCORED)
MEASURED_BY_HOME_AFFAIRS = gettext_lazy(
    "This criterion is scored from measured data entered by Home Affairs: the agency cannot change it."
)
NUL_IN_TEXT = gettext_lazy("The text cannot contain the character U+0000 (NUL): remove it and save again.")


class AssessmentRefused(Refused):
    """A write of the assessment the rules do not allow (parindex.refusals)."""


class StaleItem(Exception):
    """Someone saved the item since the user loaded it; `current` is what is stored now."""

    def __init__(self, current: AssessmentItem):
        self.current = current
        super().__init__(f"item {current.pk} is at version {current.version}")


def texts_check(*texts: str) -> None:
    """Refuses text PostgreSQL cannot store (U+0000), before anything is written: a pasted NUL would
    otherwise fail the save with a server error and lose what was typed."""
    if any("\x00" in (text or "") for text in texts):
        raise AssessmentRefused(str(NUL_IN_TEXT))


def version_posted(text: str | None) -> int:
    """The item version a form sends back; anything but plain digits is 0, a version no item has, so
    the save is answered as a conflict with the stored item rather than failing."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return 0
    return int(text)


def submission_for(*, period: Period, agency: Agency, written_at: datetime | None = None) -> Submission:
    """The agency's submission row, created on the first write (never by reading a page): that write, at
    `written_at` (default now), is its first activity."""
    submission, _created = Submission.objects.get_or_create(
        period=period, agency=agency, defaults={"last_activity_at": written_at or timezone.now()}
    )
    return submission


def submission_read(*, period: Period, agency: Agency) -> Submission:
    """The agency's submission, or an unsaved empty one before its first write (pages read, never write)."""
    return Submission.objects.filter(period=period, agency=agency).first() or Submission(
        period=period, agency=agency
    )


def self_assessment_refusal(
    *, period: Period, agency: Agency, submission: Submission | None = None, now: datetime | None = None
) -> str | None:
    """Why the agency's self-assessment cannot be edited now, or None when it can: the policy's state
    first (an agency that never submitted is closed once appraisal starts), then the window and the lock."""
    if refusal := policy.write_refusal(policy.Audience.FOCAL_POINT, policy.Stage.SELF, period):
        return refusal
    if refusal := window_refusal(period=period, kind=WindowKind.SELF_ASSESSMENT, agency=agency, now=now):
        return refusal
    submission = submission or Submission.objects.filter(period=period, agency=agency).first()
    if submission is not None and submission.locked:
        return _("The self-assessment was submitted on %(when)s and is locked.") % {
            "when": moment_text(submission.submitted_at)
        }
    return None


def _require_focal_point(user, agency: Agency) -> None:
    if not policy.may_self_assess(user, agency.id):
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


def period_items_ensure(*, period: Period) -> int:
    """The opening of the self-assessment (agencies.workflow): every agency of a block with a criteria set
    in the period gets its items, so no page has to create them."""
    blocks = CriteriaSet.objects.filter(period=period).values_list("block_id", flat=True)
    return sum(
        items_ensure(period=period, agency=agency) for agency in period.agencies().filter(block__in=blocks)
    )


def _input_number(key: str, raw) -> str:
    """A typed number as plain decimal text with a dot ("１,５" → "1.5", "1e0" → "1", "-0" → "0"), as
    docs/formats.md stores numbers; refused when it is no plain number, has more decimal places than
    INPUT_PLACES allows, or more than INPUT_DIGITS digits before the point. The bounds are checked on the
    exponent, before any digit is written out: "1e-999999999" would otherwise be a billion zeros."""
    typed = str(raw).strip()
    text = unicodedata.normalize("NFKC", typed).strip().replace(",", ".")
    what = INPUT_NAMES[key]
    typed = typed if len(typed) <= 40 else typed[:40] + "…"  # as shown in a message
    if not PLAIN_NUMBER.fullmatch(text):
        raise AssessmentRefused(
            _(NOT_A_NUMBER) % {"what": what, "text": typed, "example": number_text(Decimal("7.5"))}
        )
    number = Decimal(text)
    places, digits = decimal_scale(number)
    if places > INPUT_PLACES[key]:
        raise AssessmentRefused(
            _(TOO_MANY_PLACES) % {"what": what, "text": typed, "places": INPUT_PLACES[key]}
        )
    if digits > INPUT_DIGITS:
        raise AssessmentRefused(_(TOO_LARGE) % {"what": what, "text": typed})
    if not number:  # zero, however written ("-0", "0,000")
        return "0"
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")  # within bounds: short to write


def item_input_clean(node: CriteriaNode, data: dict) -> dict | None:
    """The rule's input from a form or API payload, validated by the engine; None when nothing is entered."""
    cleaned = {
        key: _input_number(key, data[key]) if key in INPUT_PLACES else str(data[key]).strip()
        for key in INPUT_KEYS.get(node.rule, ())
        if data.get(key) not in (None, "") and str(data[key]).strip() != ""
    }
    if not cleaned:
        return None
    # Events are counted: 0,5 of a late report is no count. Checked here, where a count is entered, not
    # in the engine, so that inputs stored before still compute as they were published.
    if node.rule == "deduction" and "value" in cleaned and "." in cleaned["value"]:
        raise AssessmentRefused(_(NOT_WHOLE))
    try:
        engine.leaf_points(engine_node(node), leaf_input(True, cleaned))
    except engine.EngineError as error:
        raise AssessmentRefused(message_text(error.message)) from None
    return cleaned


def _holds_already(item: AssessmentItem, *, data: dict, note: str, applicable: bool, reason: str) -> bool:
    """Whether the stored item is exactly what a save with these fields would store (input as cleaned,
    note, applicability and its reason); a save that would be refused never matches."""
    if item.node.rule == "survey" or (not applicable and not reason.strip()):
        return False
    try:
        cleaned = item_input_clean(item.node, data) if applicable else None
    except AssessmentRefused:
        return False
    return (
        item.applicable == applicable
        and item.not_applicable_reason == ("" if applicable else reason.strip())
        and item.self_input == cleaned
        and item.self_note == note.strip()
    )


# What a self-score changes: the UPDATE writes these columns only (the audit row still records them all).
SELF_SCORED_FIELDS = (
    "applicable",
    "not_applicable_reason",
    "self_input",
    "self_note",
    "status",
    "version",
    "self_scored_at",
    "updated_at",
)


@transaction.atomic
def item_self_score(
    *,
    item: AssessmentItem,
    acting_user,
    expected_version: int,
    data: dict,
    note: str = "",
    applicable: bool = True,
    not_applicable_reason: str = "",
) -> AssessmentItem:
    """Saves one leaf's self-assessment if nobody saved it since `expected_version` (else StaleItem),
    unless the stored item already holds exactly what is asked: then it is returned unchanged (a retry).

    `item` is read with `node__criteria_set__period` and `agency` (the views and the API do). Rows are
    locked in one order, the same as the submission's and the workflow's: the agency's submission, the
    period (shared, by the policy), then the item. So a submission or a step of the workflow that is
    committing makes the save wait and then refuses it; neither can slip in between check and write."""
    period, agency = item.node.criteria_set.period, item.agency
    _require_focal_point(acting_user, agency)
    texts_check(note, not_applicable_reason)
    # Measured data (issue 12): Home Affairs enters it (measures app); the agency only reads it.
    if item.node.source == Source.DATA:
        raise AssessmentRefused(str(MEASURED_BY_HOME_AFFAIRS))
    # Locked (not written: the items carry the last activity) so that a submit or sign-off committing
    # meanwhile makes this save wait and then refuses it; saves of one agency queue on it briefly.
    submission = row_reads.one(
        Submission, "period_id = %s AND agency_id = %s", [period.pk, agency.pk], connection, lock="no_key"
    )
    refusal = self_assessment_refusal(period=period, agency=agency, submission=submission)
    if refusal:
        raise AssessmentRefused(refusal)
    # Only the item's row, and without joins: its node and agency are the caller's (they do not change).
    current = row_reads.one(AssessmentItem, "id = %s", [item.pk], connection, lock="update")
    if current is None:  # never while items are protected; as `.get()` would
        raise AssessmentItem.DoesNotExist(item.pk)
    current.node, current.agency = item.node, agency
    if current.status not in EDITABLE_STATUSES:
        raise AssessmentRefused(_("This criterion has already been submitted."))
    if current.version != expected_version:
        if _holds_already(current, data=data, note=note, applicable=applicable, reason=not_applicable_reason):
            # The retry of a save that was stored but whose answer was lost (connection reset): the
            # stored item is what it asks, so it is answered as saved, with no new version or audit row.
            return current
        raise StaleItem(current)
    if _holds_already(current, data=data, note=note, applicable=applicable, reason=not_applicable_reason):
        # An autosave that repeats what is stored (a note's input, then its change on leaving the
        # field): nothing to record, so no new version and no empty audit row.
        return current
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
    current.self_scored_at = current._history_date = timezone.now()  # the audit row says the same time
    current._change_reason = "self-assessment"
    current.save(update_fields=SELF_SCORED_FIELDS)
    if submission is None:  # the first save creates it, so that later saves lock it (see above)
        submission_for(period=period, agency=agency, written_at=current.self_scored_at)
    # No update of the submission's last activity on every save: the overview takes the latest of it and
    # the items' `self_scored_at`, which this save has just set (one statement fewer on the hot path).
    return current


UNSCORED_LINKED = 40


@dataclass(frozen=True)
class Completeness:
    unscored: list[str]  # codes of applicable leaves with no input
    without_evidence: list[str]  # codes of applicable evidence leaves with no file
    unscored_links: tuple[tuple[str, int], ...] = ()  # (code, item id) of the unscored leaves

    @property
    def unscored_shown(self) -> tuple[tuple[str, int], ...]:
        """The first unscored leaves, linked on the page; the count says how many in all."""
        return self.unscored_links[:UNSCORED_LINKED]

    @property
    def complete(self) -> bool:
        return not self.unscored


def self_assessment_completeness(*, period: Period, agency: Agency) -> Completeness:
    items = (
        AssessmentItem.objects.filter(agency=agency, node__criteria_set__period=period, applicable=True)
        .exclude(node__rule="survey")
        .exclude(node__source=Source.DATA)  # entered by Home Affairs, not self-scored
        .annotate(files=Count("evidence_links"))
        .values_list("node__code", "self_input", "node__source", "files", "pk")
        .order_by("node__position")
    )
    unscored, without_evidence, links = [], [], []
    for code, self_input, source, files, pk in items:
        if not self_input:
            unscored.append(code)
            links.append((code, pk))
        if source in ("", "evidence") and files == 0:
            without_evidence.append(code)
    return Completeness(unscored, without_evidence, tuple(links))


@transaction.atomic
def assessment_submit(*, period: Period, agency: Agency, acting_user, explanation: str = "") -> Submission:
    """Locks the agency's self-assessment when every applicable leaf is scored; leaves without evidence
    need an explanation."""
    _require_focal_point(acting_user, agency)
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    refusal = self_assessment_refusal(period=period, agency=agency, submission=submission)
    if refusal:
        raise AssessmentRefused(refusal)
    items_ensure(period=period, agency=agency)  # an agency added after the opening: every leaf counts
    completeness = self_assessment_completeness(period=period, agency=agency)
    if completeness.unscored:
        raise AssessmentRefused(
            _("%(count)s criteria are not scored yet.") % {"count": len(completeness.unscored)},
            completeness.unscored,
        )
    texts_check(explanation)
    if completeness.without_evidence and not explanation.strip():
        raise AssessmentRefused(
            _("%(count)s criteria have no evidence: explain why before submitting.")
            % {"count": len(completeness.without_evidence)},
            completeness.without_evidence,
        )
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = acting_user
    submission.missing_evidence_explanation = explanation.strip() if completeness.without_evidence else ""
    submission.signed_off_at = submission.signed_off_by = None
    submission.last_activity_at = submission.submitted_at
    submission._change_reason = "submitted"
    submission.save()
    AssessmentItem.objects.filter(
        agency=agency, node__criteria_set__period=period, status__in=EDITABLE_STATUSES
    ).update(status=ItemStatus.SUBMITTED)
    _notify_agency(
        agency=agency,
        role=Role.AGENCY_HEAD,
        text=_("%(agency)s submitted its self-assessment of %(period)s: it waits for your sign-off.")
        % {"agency": agency.name, "period": period.name},
        url=reverse("assessment:page", args=[period.code, agency.code]),
    )
    return submission


def _notify_agency(*, agency: Agency, role: str, text: str, url: str) -> None:
    from .notifications import notify

    notify(users=User.objects.filter(agency=agency, role=role, is_active=True), text=text, url=url)


@transaction.atomic
def assessment_sign_off(*, period: Period, agency: Agency, acting_user) -> Submission:
    """The agency head confirms the submitted self-assessment (ký duyệt)."""
    if not policy.may_sign_off(acting_user, agency.id):
        raise AssessmentRefused(_("Only the head of the agency can sign off its self-assessment."))
    period = Period.objects.get(pk=period.pk)  # the state now, not the caller's copy
    if refusal := policy.write_refusal(
        policy.audience(acting_user, agency_id=agency.id), policy.Obj.SIGN_OFF, period
    ):
        raise AssessmentRefused(refusal)
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    if not submission.locked:
        raise AssessmentRefused(_("The self-assessment has not been submitted yet."))
    submission.signed_off_at = timezone.now()
    submission.signed_off_by = acting_user
    submission._change_reason = "signed off"
    submission.save()
    return submission


@transaction.atomic
def assessment_send_back(*, period: Period, agency: Agency, acting_user, reason: str) -> Submission:
    """The head sends the submitted, not yet signed self-assessment back to the focal point, with a
    reason kept in its history; the focal point is notified and can change it while the window is open."""
    if not policy.may_sign_off(acting_user, agency.id):
        raise AssessmentRefused(_("Only the head of the agency can send its self-assessment back."))
    period = Period.objects.get(pk=period.pk)
    if refusal := policy.write_refusal(
        policy.audience(acting_user, agency_id=agency.id), policy.Obj.RETURN, period
    ):
        raise AssessmentRefused(refusal)
    texts_check(reason)
    if not reason.strip():
        raise AssessmentRefused(_("Say what the focal point should change."))
    submission = Submission.objects.select_for_update().get(
        pk=submission_for(period=period, agency=agency).pk
    )
    if not submission.locked:
        raise AssessmentRefused(_("The self-assessment has not been submitted yet."))
    if submission.signed_off_at is not None:
        raise AssessmentRefused(_("The self-assessment is already signed off."))
    if window_refusal(period=period, kind=WindowKind.SELF_ASSESSMENT, agency=agency):
        raise AssessmentRefused(
            _(
                "The self-assessment window is closed: the focal point could not change anything. Ask Home Affairs."
            )
        )
    submission.status = SubmissionStatus.RETURNED
    submission.reopen_reason = reason.strip()
    submission._change_reason = "returned by the head"
    submission.save()
    _unlock_items(period=period, agency=agency)
    _notify_agency(
        agency=agency,
        role=Role.FOCAL_POINT,
        text=_("The head sent the self-assessment of %(period)s back: %(reason)s")
        % {"period": period.name, "reason": reason.strip()[:150]},
        url=reverse("assessment:page", args=[period.code, agency.code]),
    )
    return submission


def _unlock_items(*, period: Period, agency: Agency) -> None:
    """Submitted items become editable again (scored ones self-scored, the others not started)."""
    AssessmentItem.objects.filter(
        agency=agency, node__criteria_set__period=period, status=ItemStatus.SUBMITTED
    ).update(status=ItemStatus.SELF_SCORED)
    AssessmentItem.objects.filter(
        Q(self_input__isnull=True) & Q(applicable=True),
        agency=agency,
        node__criteria_set__period=period,
        status=ItemStatus.SELF_SCORED,
    ).update(status=ItemStatus.NOT_STARTED)


@transaction.atomic
def assessment_reopen(*, period: Period, agency: Agency, acting_user, reason: str) -> Submission:
    """Home Affairs unlocks a submitted self-assessment, with a reason kept in its history."""
    if not acting_user.has_perm("assessment.reopen_self_assessment"):
        raise AssessmentRefused(_("Only Home Affairs can reopen a self-assessment."))
    period = Period.objects.get(pk=period.pk)
    if refusal := policy.write_refusal(
        policy.audience(acting_user, agency_id=agency.id), policy.Obj.REOPEN, period
    ):
        raise AssessmentRefused(refusal)
    texts_check(reason)
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
    _unlock_items(period=period, agency=agency)
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
    if (
        period.state == PeriodState.EXPLANATION
        and item.status in (ItemStatus.APPRAISED, ItemStatus.DISPUTED)
        and window_refusal(period=period, kind=WindowKind.EXPLANATION, agency=item.agency) is None
    ):
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
            if window_refusal(period=period, kind=WindowKind.EXPLANATION, agency=agency) is None:
                return None
            continue
        refusal = self_assessment_refusal(period=period, agency=agency)
        if refusal is None:
            return None
        refusals.append(refusal)
    return refusals[0] if refusals else _("No period takes evidence now.")
