"""Writes of the appraisal (thẩm định): assignments, appraise, explain, re-appraise, correct after approval.

Each write checks the period's state, who acts and the item's version, saves row by row (audited by
django-simple-history) and raises `AssessmentRefused` with a message for the user.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies import policy
from agencies.models import Agency, Period, PeriodState, WindowKind
from agencies.policy import Audience as A
from agencies.policy import Stage
from agencies.workflow import period_transition
from scoring import engine
from scoring.models import CriteriaNode, Source
from scoring.nodes import engine_node, leaf_input

from .models import AppraisalAssignment, AssessmentItem, ItemStatus, SecondAppraisal
from .notifications import notify
from .services import (
    MEASURED_BY_HOME_AFFAIRS,
    AssessmentRefused,
    StaleItem,
    item_input_clean,
    texts_check,
)
from .windows import window_refusal

APPRAISABLE = (ItemStatus.SUBMITTED, ItemStatus.APPRAISED)
REAPPRAISABLE = (ItemStatus.DISPUTED, ItemStatus.REAPPRAISED)
EXPLAINABLE = (ItemStatus.APPRAISED, ItemStatus.DISPUTED)
# The round in which scores are entered, by period state: appraisal, then re-appraisal after explanations.
ROUND_OF_STATE = {PeriodState.APPRAISAL: "appraise", PeriodState.REAPPRAISAL: "reappraise"}
EDITABLE_IN_ROUND = {"appraise": APPRAISABLE, "reappraise": REAPPRAISABLE}
WAITING_IN_ROUND = {"appraise": (ItemStatus.SUBMITTED,), "reappraise": (ItemStatus.DISPUTED,)}


def appraisal_round(period: Period) -> str | None:
    """ "appraise" or "reappraise" while the period takes scores, else None."""
    return ROUND_OF_STATE.get(period.state)


def waiting_statuses(round_name: str | None) -> tuple:
    """The statuses of the items still waiting for an appraiser in the round (the page's "next")."""
    return WAITING_IN_ROUND.get(round_name or "", (ItemStatus.DISPUTED,))


def area_codes(nodes: list[CriteriaNode]) -> dict[int, str]:
    """node id → code of its content area (the nearest ancestor marked as an area, else its root)."""
    by_id = {node.id: node for node in nodes}
    result: dict[int, str] = {}

    def area_of(node: CriteriaNode) -> str:
        if node.id in result:
            return result[node.id]
        code = node.code if node.is_area or node.parent_id is None else area_of(by_id[node.parent_id])
        result[node.id] = code
        return code

    for node in nodes:
        area_of(node)
    return result


def leaf_points(node: CriteriaNode, data: dict | None) -> Decimal | None:
    if not data:
        return None
    return engine.leaf_points(engine_node(node), leaf_input(True, data))


def covers(assignment: AppraisalAssignment, agency_id: int, area: str) -> bool:
    """An assignment covers its agency (or every agency) × its area (or every area)."""
    return assignment.agency_id in (None, agency_id) and assignment.area_code in ("", area)


def item_area(item: AssessmentItem) -> str:
    """The code of the item's content area (one query: the item's criteria set)."""
    return area_codes(list(CriteriaNode.objects.filter(criteria_set=item.node.criteria_set_id)))[item.node_id]


def appraiser_role(user, item: AssessmentItem, period: Period) -> str | None:
    """ "first" when an assignment of `user` covers the item, "second" when they are its double
    appraiser, else None (an assignment covers an agency or every agency × an area or every area)."""
    assignments = list(
        AppraisalAssignment.objects.filter(period=period).filter(Q(appraiser=user) | Q(second_appraiser=user))
    )
    if not assignments:
        return None
    area = item_area(item)
    covering = [a for a in assignments if covers(a, item.agency_id, area)]
    if any(a.appraiser_id == user.pk for a in covering):
        return "first"
    if any(a.second_appraiser_id == user.pk for a in covering):
        return "second"
    return None


def _require(period: Period, who: policy.Audience, stage: policy.Stage, message: str) -> None:
    """The policy's table decides whether `who` writes `stage` in the period's state now (read under
    the state lock: a step of the workflow being taken is waited for)."""
    if not policy.may_write(who, stage, policy.state_for_write(period)):
        raise AssessmentRefused(message)


@transaction.atomic
def assignments_replace(
    *,
    period: Period,
    cells: dict[tuple[int | None, str], int | None],
    acting_user,
    seconds: dict[tuple[int | None, str], int | None] | None = None,
    shown: bool = False,
) -> int:
    """The lead's grid: (agency id or None, area code or "") → appraiser id or None. Replaces them all,
    or with `shown` only the cells in `cells` (the page showed one block's rows and areas): the others
    are kept. `seconds` names a second appraiser for chosen cells (double appraisal)."""
    seconds = {key: value for key, value in (seconds or {}).items() if value}
    if not acting_user.has_perm("agencies.run_appraisal_workflow"):
        raise AssessmentRefused(_("Only the secretariat lead assigns appraisers."))
    if refusal := policy.write_refusal(policy.audience(acting_user), policy.Obj.ASSIGNMENT, period):
        raise AssessmentRefused(refusal)
    appraisers = set(
        User.objects.filter(role__in=[Role.APPRAISER, Role.SECRETARIAT_LEAD], is_active=True).values_list(
            "id", flat=True
        )
    )
    wanted = {key: value for key, value in cells.items() if value}
    unknown = [value for value in [*wanted.values(), *seconds.values()] if value not in appraisers]
    if unknown:
        raise AssessmentRefused(_("Only members of the secretariat can be assigned."))
    if any(key not in wanted for key in seconds):
        raise AssessmentRefused(_("A second appraiser needs a first appraiser on the same row and area."))
    if any(wanted[key] == second for key, second in seconds.items()):
        raise AssessmentRefused(_("The second appraiser must be another person than the first."))
    existing = {(a.agency_id, a.area_code): a for a in AppraisalAssignment.objects.filter(period=period)}
    for key, assignment in existing.items():
        if shown and key not in cells:
            continue  # a cell the page did not show
        if key not in wanted:
            assignment.delete()
        elif assignment.appraiser_id != wanted[key] or assignment.second_appraiser_id != seconds.get(key):
            assignment.appraiser_id = wanted[key]
            assignment.second_appraiser_id = seconds.get(key)
            assignment.assigned_by = acting_user
            assignment.save()
    for (agency_id, area_code), appraiser_id in wanted.items():
        if (agency_id, area_code) not in existing:
            AppraisalAssignment.objects.create(
                period=period,
                agency_id=agency_id,
                area_code=area_code,
                appraiser_id=appraiser_id,
                second_appraiser_id=seconds.get((agency_id, area_code)),
                assigned_by=acting_user,
            )
    return len(wanted)


def _locked_item(item: AssessmentItem, expected_version: int | None) -> AssessmentItem:
    """The item's row, locked; StaleItem when its version is not `expected_version` (None: checked later,
    against the second appraisal's version when the writer is its second appraiser)."""
    # Only the item's row: locking the joined rows too would queue every appraisal of the province behind
    # one another on the period's row. The period's state is judged under its own lock (`_require`).
    current = (
        AssessmentItem.objects.select_for_update(of=("self",))
        .select_related("node__criteria_set__period", "agency")
        .get(pk=item.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleItem(current)
    return current


class StaleSecondAppraisal(StaleItem):
    """Another save of the second appraisal came since the one read (another tab of its appraiser);
    `current` is the item, whose `second_appraisal` is what is stored now."""

    def __init__(self, current: AssessmentItem, second: SecondAppraisal | None):
        self.current = current
        Exception.__init__(
            self, f"item {current.pk}'s second appraisal is at version {second_version(second)}"
        )


def second_version(second: SecondAppraisal | None) -> int:
    """The version the second appraiser reads and saves against: 0 before their first save."""
    return second.version if second is not None else 0


def _second_holds_already(
    second: SecondAppraisal | None, *, item: AssessmentItem, acting_user, data: dict, comment: str
) -> bool:
    """Whether the stored second appraisal is exactly what this save would store (its appraiser, input as
    cleaned, comment), as services._holds_already for the self-score: a save that would be refused never
    matches."""
    if second is None or second.appraiser_id != acting_user.pk:
        return False
    try:
        cleaned = item_input_clean(item.node, data) if item.applicable else None
    except AssessmentRefused:
        return False
    return second.appraised_input == cleaned and second.comment == comment.strip()


def _self_points(item: AssessmentItem) -> Decimal | None:
    return leaf_points(item.node, item.self_input) if item.applicable else None


@transaction.atomic
def item_appraise(
    *,
    item: AssessmentItem,
    acting_user,
    expected_version: int,
    data: dict,
    comment: str = "",
    evidence_insufficient: bool = False,
) -> AssessmentItem:
    """The appraiser's input for one submitted item; a comment is required when it departs from the
    self-score, and when the evidence is marked insufficient (the agency sees it).

    The first appraiser's save names the item's version; the blind second appraiser's names their second
    appraisal's (agencies.policy.version_read), which only their own saves move, so a first appraisal made
    meanwhile neither refuses their save nor shows in it."""
    texts_check(comment)
    # The item's row is locked for either writer: the saves of one item's second appraisal queue on it too.
    current = _locked_item(item, None)
    period = current.node.criteria_set.period
    role = appraiser_role(acting_user, current, period)
    if role != "second" and current.version != expected_version:
        raise StaleItem(current)
    who, stage = (A.SECOND, Stage.SECOND) if role == "second" else (A.FIRST, Stage.APPRAISED)
    _require(period, who, stage, _("Appraisal is not open for this period."))
    if role is None:
        raise AssessmentRefused(_("This item is not assigned to you."))
    second = SecondAppraisal.objects.filter(item=current).first() if role == "second" else None
    if role == "second" and second_version(second) != expected_version:
        if _second_holds_already(second, item=current, acting_user=acting_user, data=data, comment=comment):
            # The retry of a save that was stored but whose answer was lost: answered as saved, with no
            # new version or audit row.
            return current
        raise StaleSecondAppraisal(current, second)
    if current.status not in APPRAISABLE:
        raise AssessmentRefused(_("Only a submitted item can be appraised."))
    if current.node.rule == "survey":
        raise AssessmentRefused(_("This criterion is scored from the sociological survey."))
    if current.node.source == Source.DATA:  # Home Affairs' import is its appraisal (measures app)
        raise AssessmentRefused(str(MEASURED_BY_HOME_AFFAIRS))
    cleaned = item_input_clean(current.node, data) if current.applicable else None
    if current.applicable and cleaned is None:
        raise AssessmentRefused(_("Enter the appraised score."))
    differs = current.applicable and leaf_points(current.node, cleaned) != _self_points(current)
    if (differs or evidence_insufficient) and not comment.strip():
        raise AssessmentRefused(
            _(
                "Explain the appraisal in a comment: it differs from the self-score or the evidence is insufficient."
            )
        )
    if role == "second":  # blind double appraisal: recorded beside the item, its score unchanged
        if _second_holds_already(second, item=current, acting_user=acting_user, data=data, comment=comment):
            return current  # a save repeating what is stored: no new version, no empty audit row
        second = second or SecondAppraisal(item=current, version=0)
        second.appraiser = acting_user
        second.appraised_input = cleaned
        second.comment = comment.strip()
        second.version += 1
        second.save()
        current.second_appraisal = second
        return current
    current.appraised_input = cleaned
    current.appraisal_comment = comment.strip()
    current.evidence_insufficient = evidence_insufficient
    current.appraised_by = acting_user
    current.appraised_at = timezone.now()
    current.status = ItemStatus.APPRAISED
    current.version += 1
    current._change_reason = "appraisal"
    current.save()
    return current


def item_appraisal_save(
    *, item: AssessmentItem, evidence_insufficient: bool = False, **entry
) -> AssessmentItem:
    """The appraiser's score for the round the period is in now: `item_appraise` during the appraisal,
    `item_reappraise` after the explanations (pages and API alike). `entry`: acting_user,
    expected_version, data, comment."""
    round_name = appraisal_round(Period.objects.get(pk=item.node.criteria_set.period_id))  # the state now
    if round_name == "appraise":
        return item_appraise(item=item, evidence_insufficient=evidence_insufficient, **entry)
    if round_name == "reappraise":
        return item_reappraise(item=item, **entry)
    raise AssessmentRefused(_("Scores cannot be changed in this state of the period."))


@transaction.atomic
def item_explain(*, item: AssessmentItem, acting_user, expected_version: int, text: str) -> AssessmentItem:
    """The agency answers an appraised item (giải trình); its appraiser is notified."""
    texts_check(text)
    current = _locked_item(item, expected_version)
    period = current.node.criteria_set.period
    if not policy.may_self_assess(acting_user, current.agency_id):
        raise AssessmentRefused(_("Only the agency's focal point can explain its items."))
    _require(period, A.FOCAL_POINT, Stage.EXPLANATION, _("The explanation round is not open."))
    refusal = window_refusal(period=period, kind=WindowKind.EXPLANATION, agency=current.agency)
    if refusal:
        raise AssessmentRefused(refusal)
    if current.status not in EXPLAINABLE:
        raise AssessmentRefused(_("Only an appraised item can be explained."))
    if not text.strip():
        raise AssessmentRefused(_("Write the explanation."))
    current.explanation = text.strip()
    current.explained_at = timezone.now()
    current.status = ItemStatus.DISPUTED
    current.version += 1
    current._change_reason = "explanation"
    current.save()
    area = item_area(current)
    appraisers = User.objects.filter(
        pk__in=[
            a.appraiser_id
            for a in AppraisalAssignment.objects.filter(period=period)
            if covers(a, current.agency_id, area)
        ]
    )
    notify(
        users=appraisers,
        text=_("%(agency)s explained criterion %(code)s.")
        % {"agency": current.agency.name, "code": current.node.code},
        url=reverse("appraisal:item", args=[period.code, current.pk]),
    )
    return current


@transaction.atomic
def item_reappraise(
    *, item: AssessmentItem, acting_user, expected_version: int, data: dict, comment: str = ""
) -> AssessmentItem:
    """After an explanation: the final score (a comment is required)."""
    texts_check(comment)
    current = _locked_item(item, None)
    period = current.node.criteria_set.period
    _require(period, A.FIRST, Stage.REAPPRAISED, _("Re-appraisal is not open for this period."))
    # Whose it is before whether it is stale: a second appraiser's form names their own version.
    if appraiser_role(acting_user, current, period) != "first":
        raise AssessmentRefused(_("This item is not assigned to you."))
    if current.version != expected_version:
        raise StaleItem(current)
    if current.status not in REAPPRAISABLE:
        raise AssessmentRefused(_("Only an explained item is re-appraised."))
    if current.node.source == Source.DATA:  # answered by a new import of Home Affairs (measures app)
        raise AssessmentRefused(str(MEASURED_BY_HOME_AFFAIRS))
    cleaned = item_input_clean(current.node, data) if current.applicable else None
    if current.applicable and cleaned is None:
        raise AssessmentRefused(_("Enter the re-appraised score."))
    if not comment.strip():
        raise AssessmentRefused(_("Answer the explanation in a comment."))
    current.reappraised_input = cleaned
    current.reappraisal_comment = comment.strip()
    current.reappraised_by = acting_user
    current.status = ItemStatus.REAPPRAISED
    current.version += 1
    current._change_reason = "re-appraisal"
    current.save()
    return current


@transaction.atomic
def item_correct(*, item: AssessmentItem, acting_user, data: dict, reason: str) -> AssessmentItem:
    """After approval, the only way a score changes: Home Affairs, with a reason kept in the history."""
    texts_check(reason)
    current = (
        AssessmentItem.objects.select_for_update()
        .select_related("node__criteria_set__period")
        .get(pk=item.pk)
    )
    period = current.node.criteria_set.period
    if not acting_user.has_perm("agencies.manage_period_workflow"):
        raise AssessmentRefused(_("Only Home Affairs can correct an approved score."))
    _require(
        period,
        A.HOME_AFFAIRS,
        Stage.CORRECTION,
        _("Corrections are for approved periods; use the appraisal until then."),
    )
    if not reason.strip():
        raise AssessmentRefused(_("Give the reason for the correction."))
    current.reappraised_input = item_input_clean(current.node, data)
    current.correction_reason = reason.strip()
    current.version += 1
    current._change_reason = f"correction: {reason.strip()}"[:100]
    current.save()
    return current


@transaction.atomic
def period_step(*, period: Period, name: str, **step) -> Period:
    """A step of the period's workflow (agencies.workflow.period_transition: acting_user, comment,
    confirmed, override_reason) and its notices in one transaction: the notices are stored, and their
    e-mails sent on commit, only when the step is."""
    stepped = period_transition(period=period, name=name, **step)
    notify_round(period=stepped, name=name)
    return stepped


def notify_round(*, period: Period, name: str) -> None:
    """Notices for a period transition: the appraisal is ready, the explanation round opens or closes,
    the results reach the council."""
    focal_points = User.objects.filter(
        role=Role.FOCAL_POINT, is_active=True, agency__in=Agency.objects.filter(submissions__period=period)
    )
    if name == "open_explanation":
        for agency_id in {u.agency_id for u in focal_points}:
            notify(
                users=[u for u in focal_points if u.agency_id == agency_id],
                text=_("The provisional appraisal of %(period)s is ready; the explanation round is open.")
                % {"period": period.name},
                url=reverse("appraisal:explain", args=[period.code]),
            )
    elif name == "start_reappraisal":
        notify(
            users=focal_points,
            text=_("The explanation round of %(period)s is closed.") % {"period": period.name},
            url=reverse("appraisal:explain", args=[period.code]),
        )
    elif name == "send_to_council":
        notify(
            users=User.objects.filter(role=Role.COUNCIL, is_active=True),
            text=_("The results of %(period)s were sent to the council for approval.")
            % {"period": period.name},
            url=reverse("appraisal:review", args=[period.code]),
        )
