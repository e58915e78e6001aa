"""Reads of the appraisal: an appraiser's items, the lead's progress and differences, provisional
indices. Each runs a fixed number of queries (the inbox is paginated)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from agencies import policy
from agencies.models import Agency, Period, PeriodState
from agencies.permissions import items_covered_q
from evidence.models import NOT_SIGNED_STATES, EvidenceLink
from evidence.selectors import CHECK_BULK, evidence_flags
from scoring import engine
from scoring.models import CriteriaNode, Source
from scoring.nodes import engine_tree, leaf_input

from .appraisal import (
    EDITABLE_IN_ROUND,
    EXPLAINABLE,
    appraisal_round,
    appraiser_role,
    area_codes,
    covers,
    leaf_points,
    second_version,
    waiting_statuses,
)
from .models import AppraisalAssignment, AssessmentItem, ItemStatus, SecondAppraisal
from .selectors import item_history

# Items no appraiser handles: survey leaves, and measured data, whose import by Home Affairs is final.
NOT_APPRAISED = Q(node__rule="survey") | Q(node__source=Source.DATA)


def _appraised_here(item: AssessmentItem) -> bool:
    return item.node.rule != "survey" and item.node.source != Source.DATA


def period_areas(period: Period) -> tuple[list[CriteriaNode], dict[int, str]]:
    nodes = list(CriteriaNode.objects.filter(criteria_set__period=period))
    return nodes, area_codes(nodes)


def assignment_filter(period: Period, assignments, areas: dict[int, str]) -> Q:
    """Items covered by any of the assignments (an empty list covers nothing)."""
    leaves_by_area = defaultdict(list)
    for node_id, code in areas.items():
        leaves_by_area[code].append(node_id)
    covered = Q(pk__in=[])
    for assignment in assignments:
        condition = Q(node__criteria_set__period=period)
        if assignment.agency_id:
            condition &= Q(agency_id=assignment.agency_id)
        if assignment.area_code:
            condition &= Q(node_id__in=leaves_by_area.get(assignment.area_code, []))
        covered |= condition
    return covered


def appraiser_items(*, period: Period, user, areas: dict[int, str] | None = None):
    """The items this user appraises (the lead sees every item of the period)."""
    items = AssessmentItem.objects.filter(node__criteria_set__period=period).exclude(NOT_APPRAISED)
    if user.has_perm("agencies.run_appraisal_workflow"):
        return items
    if areas is None:
        areas = period_areas(period)[1]
    assignments = list(
        AppraisalAssignment.objects.filter(period=period).filter(Q(appraiser=user) | Q(second_appraiser=user))
    )
    return items.filter(assignment_filter(period, assignments, areas))


def blind_items(*, user) -> ExpressionWrapper:
    """True for the items the user appraises only as the blind second appraiser, in each item's own period
    (an annotation, no query of its own). The lead reads as the lead even where assigned second
    (agencies.policy.audience)."""
    if not user.is_authenticated or user.is_superuser or user.role != Role.APPRAISER:
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    condition = items_covered_q(user, first=False) & ~items_covered_q(user, second=False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def shown_status(user) -> Case:
    """The item's status as `user` reads it (agencies.policy.status_for), an annotation over items
    annotated with `blind` (blind_items): a status whose stage the reader may not read in the item's period
    state reads as the latest earlier one they may."""
    audience = policy.audience(user)
    if audience == policy.Audience.APPRAISER:  # the items an appraiser reads are theirs to appraise
        audience = policy.Audience.FIRST
    whens = []
    for blind, who in ((True, policy.Audience.SECOND), (False, audience)):
        for state in PeriodState:
            for status in ItemStatus:
                shown = policy.status_for(who, status, state)
                if shown != status:
                    condition = Q(node__criteria_set__period__state=state, status=status)
                    if blind:
                        condition &= Q(blind=True)
                    whens.append(When(condition, then=Value(shown)))
    return Case(*whens, default=F("status"), output_field=CharField())


def with_shown_status(items, *, user):
    """`items` annotated with `blind` (blind_items) and `shown_status` (shown_status) for `user`."""
    return items.annotate(blind=blind_items(user=user)).annotate(shown_status=shown_status(user))


def second_writer_items(*, user) -> ExpressionWrapper:
    """True for the items whose saves by `user` are the second appraisal (assessment.appraisal.appraiser_role):
    covered by their assignments as second appraiser and not as first; the lead's too where so assigned,
    though the lead reads them as the lead (an annotation, no query of its own)."""
    if not user.is_authenticated or user.role not in (Role.APPRAISER, Role.SECRETARIAT_LEAD):
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    condition = items_covered_q(user, first=False) & ~items_covered_q(user, second=False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def shown_version(user) -> Case:
    """The version `user` reads of an item and names when saving it (agencies.policy.version_read), an
    annotation over items annotated with `second_writer` (second_writer_items): the second appraisal's for
    its writer, else the item's, or NULL in the period states where the item's version moves with stages the
    reader may not read (the agency's during the appraisal)."""
    audience = policy.audience(user)
    if audience == policy.Audience.APPRAISER:  # the items an appraiser reads are theirs to appraise
        audience = policy.Audience.FIRST
    whens = [When(second_writer=True, then=Coalesce(F("second_appraisal__version"), Value(0)))]
    for state in PeriodState:
        if policy.version_read(audience, state) is None:
            whens.append(When(node__criteria_set__period__state=state, then=Value(None)))
    return Case(*whens, default=F("version"), output_field=IntegerField())


def with_shown_version(items, *, user):
    """`items` annotated with `second_writer` and `shown_version` for `user` (the APIs' `version`)."""
    return items.annotate(second_writer=second_writer_items(user=user)).annotate(
        shown_version=shown_version(user)
    )


def inbox(*, period: Period, user, agency: str = "", area: str = "", status: str = "", evidence: str = ""):
    """(items queryset in order, counts by status, the areas map) for the appraiser's inbox.

    `evidence="unsigned"`: only items with a file that carries no valid signature (not signed, changed
    after signing, a certificate not valid when signed, unreadable), as the file's check recorded it."""
    nodes, areas = period_areas(period)
    items = with_shown_status(appraiser_items(period=period, user=user, areas=areas), user=user)
    counts = {
        row["shown_status"]: row["n"]
        for row in items.order_by().values("shown_status").annotate(n=Count("id"))
    }
    if agency:
        items = items.filter(agency__code=agency)
    if area:
        items = items.filter(node_id__in=[node_id for node_id, code in areas.items() if code == area])
    if status:
        items = items.filter(shown_status=status)
    if evidence == "unsigned":
        items = items.filter(
            Exists(
                EvidenceLink.objects.filter(
                    item=OuterRef("pk"), evidence__check_result__signature__in=NOT_SIGNED_STATES
                )
            )
        )
    items = items.select_related("agency", "node").order_by(
        "agency__block__position", "agency__position", "node__position"
    )
    return items, counts, areas


def next_item(*, period: Period, user, after: AssessmentItem, statuses) -> AssessmentItem | None:
    """The next item in inbox order still waiting for this user (wraps around)."""
    items = list(
        with_shown_status(appraiser_items(period=period, user=user), user=user)
        .filter(shown_status__in=statuses)
        .exclude(pk=after.pk)
        .order_by("agency__block__position", "agency__position", "node__position")
        .values_list("pk", "agency__block__position", "agency__position", "node__position")
    )
    key = (after.agency.block.position, after.agency.position, after.node.position)
    later = [pk for pk, *position in items if tuple(position) > key]
    pk = later[0] if later else (items[0][0] if items else None)
    return AssessmentItem.objects.select_related("agency", "node").filter(pk=pk).first() if pk else None


@dataclass
class Difference:
    item: AssessmentItem
    self_points: Decimal | None
    appraised_points: Decimal | None

    @property
    def gap(self) -> Decimal:
        return (self.self_points or Decimal(0)) - (self.appraised_points or Decimal(0))


@dataclass
class AgencyProgress:
    agency: object
    items: int
    appraised: int
    disputed: int
    self_index: Decimal | None
    provisional_index: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.self_index is None or self.provisional_index is None:
            return None
        return self.provisional_index - self.self_index


def appraisal_review(*, period: Period):
    """Progress per appraiser and per agency, differences largest first, provisional indices."""
    nodes, areas = period_areas(period)
    # Nodes and agencies are shared by thousands of items (140 agencies × 45 leaves): each is built once
    # and attached, instead of once per item through select_related.
    items = list(
        AssessmentItem.objects.filter(node__criteria_set__period=period)
        .select_related("appraised_by")
        .order_by("agency__block__position", "agency__position", "node__position")
    )
    node_by_id = {node.id: node for node in nodes}
    agency_by_id = {
        agency.id: agency
        for agency in Agency.objects.filter(pk__in={item.agency_id for item in items}).select_related("block")
    }
    for item in items:
        item.node = node_by_id[item.node_id]
        item.agency = agency_by_id[item.agency_id]
    assignments = list(
        AppraisalAssignment.objects.filter(period=period).select_related("appraiser", "agency")
    )
    nodes_by_set = defaultdict(list)
    for node in nodes:
        nodes_by_set[node.criteria_set_id].append(node)
    trees = {set_id: engine_tree(set_nodes) for set_id, set_nodes in nodes_by_set.items()}

    by_agency = defaultdict(list)
    differences = []
    for item in items:
        by_agency[item.agency].append(item)
        if item.node.rule == "survey" or not item.applicable or item.appraised_input is None:
            continue
        mine, theirs = leaf_points(item.node, item.self_input), leaf_points(item.node, item.final_input)
        if mine != theirs:
            differences.append(Difference(item, mine, theirs))
    differences.sort(key=lambda d: abs(d.gap), reverse=True)

    agencies = []
    for agency, agency_items in by_agency.items():
        tree = trees[agency_items[0].node.criteria_set_id]
        scorable = [i for i in agency_items if _appraised_here(i)]
        agencies.append(
            AgencyProgress(
                agency=agency,
                items=len(scorable),
                appraised=sum(
                    1
                    for i in scorable
                    if i.status in (ItemStatus.APPRAISED, ItemStatus.DISPUTED, ItemStatus.REAPPRAISED)
                ),
                disputed=sum(
                    1 for i in scorable if i.status in (ItemStatus.DISPUTED, ItemStatus.REAPPRAISED)
                ),
                self_index=_index(tree, agency, agency_items, lambda i: i.self_input),
                provisional_index=_index(
                    tree,
                    agency,
                    agency_items,
                    lambda i: i.final_input if i.final_input is not None else i.self_input,
                ),
            )
        )

    per_appraiser = []
    appraised_here = [i for i in items if _appraised_here(i)]
    for assignment in assignments:
        covered = [i for i in appraised_here if covers(assignment, i.agency_id, areas[i.node_id])]
        per_appraiser.append(
            (
                assignment,
                len(covered),
                sum(1 for i in covered if i.status != ItemStatus.SUBMITTED and i.appraised_input is not None),
            )
        )
    return per_appraiser, agencies, differences


def double_appraisal_disagreements(*, period: Period) -> list[tuple]:
    """(item, first points, second points, second appraisal) where the two appraisers disagree."""
    rows = []
    for second in SecondAppraisal.objects.filter(item__node__criteria_set__period=period).select_related(
        "item__agency", "item__node", "item__appraised_by", "appraiser"
    ):
        first = leaf_points(second.item.node, second.item.appraised_input)
        theirs = leaf_points(second.item.node, second.appraised_input)
        if first != theirs:
            rows.append((second.item, first, theirs, second))
    return rows


def _index(tree, agency, items, choose) -> Decimal | None:
    leaves = {
        i.node.code: leaf_input(i.applicable, choose(i)) for i in items if not i.applicable or choose(i)
    }
    try:
        return engine.compute_agency(tree, engine.AgencyInput(key=agency.code, leaves=leaves)).index
    except engine.EngineError:
        return None


@dataclass
class ItemPage:
    """What the appraisal page of one item shows to `acting_user`, and whether they may change it."""

    round: str | None  # "appraise" / "reappraise" while the period takes scores
    role: str | None  # "first" / "second" / None: how the user appraises the item
    second: SecondAppraisal | None  # the blind second appraiser's own entry
    # What the form's save names as read (agencies.policy.version_read): the item's version, the second
    # appraisal's for its appraiser, or None where it would move with stages the reader may not read.
    version: int | None
    editable: bool
    status_label: str  # the item's status as the user may read it (agencies.policy.status_as_read)
    may_correct: bool  # Home Affairs' audited correction after approval
    shown: dict  # the input the form starts from
    shown_comment: str
    shown_insufficient: bool  # the form's "evidence insufficient" box
    self_points: Decimal | None
    appraised_points: Decimal | None
    final_points: Decimal | None
    links: list
    history: list
    following: AssessmentItem | None


def appraisal_item_page(*, period: Period, item: AssessmentItem, acting_user, posted=None) -> ItemPage:
    """The item as `acting_user` may see it in the appraisal; `posted` is a refused form to show again.

    Who may change it is the policy's (may_appraise, the round's item statuses, the correction's table);
    a blind second appraiser never sees the first appraiser's score or comment while the round runs."""
    round_name = appraisal_round(period)
    reads_inbox = policy.may_read(policy.audience(acting_user), policy.Obj.INBOX, period.state)
    role = appraiser_role(acting_user, item, period) if reads_inbox else None
    second = getattr(item, "second_appraisal", None) if role == "second" else None
    who = policy.item_audience(acting_user, item)
    stages = policy.visible_stages(who, period.state)
    version_of = policy.version_read(who, period.state, second_writer=role == "second")
    editable = (
        round_name is not None
        and policy.may_appraise(acting_user, item)
        and item.status in EDITABLE_IN_ROUND[round_name]
    )
    if posted is not None:
        shown = posted
    elif role == "second":  # blind: never the first appraiser's score
        shown = (second.appraised_input if second else None) or item.self_input or {}
    elif round_name == "reappraise" and item.reappraised_input:
        shown = item.reappraised_input
    else:
        shown = item.appraised_input or item.self_input or {}
    if posted is not None:  # a refused form comes back as typed: nothing the appraiser wrote is lost
        shown_comment = posted.get("comment", "")
        shown_insufficient = posted.get("evidence_insufficient") == "on"
    elif role == "second":  # blind: never the first appraiser's comment or flag
        shown_comment, shown_insufficient = (second.comment if second else ""), False
    else:
        shown_comment = item.reappraisal_comment if round_name == "reappraise" else item.appraisal_comment
        shown_insufficient = item.evidence_insufficient
    appraisal_shown = policy.Stage.APPRAISED in stages
    links = list(
        EvidenceLink.objects.filter(item=item)
        .select_related("evidence__check_result")
        .defer(*(f"evidence__check_result__{name}" for name in CHECK_BULK))
    )
    evidence_flags(user=acting_user, period=period, files=[link.evidence for link in links])
    return ItemPage(
        round=round_name,
        role=role,
        second=second,
        version={
            policy.VersionOf.ITEM: item.version,
            policy.VersionOf.SECOND: second_version(second),
        }.get(version_of),
        editable=editable,
        status_label=ItemStatus(policy.status_as_read(item.status, stages)).label,
        may_correct=policy.may_write(policy.audience(acting_user), policy.Stage.CORRECTION, period.state)
        and acting_user.has_perm("agencies.manage_period_workflow"),
        shown=shown,
        shown_comment=shown_comment,
        shown_insufficient=shown_insufficient,
        self_points=leaf_points(item.node, item.self_input) if item.applicable else None,
        appraised_points=leaf_points(item.node, item.appraised_input)
        if item.appraised_input and appraisal_shown
        else None,
        final_points=leaf_points(item.node, item.final_input)
        if item.final_input and appraisal_shown
        else None,
        links=links,
        history=item_history(item, limit=20, stages=stages),
        following=next_item(
            period=period, user=acting_user, after=item, statuses=waiting_statuses(round_name)
        ),
    )


@dataclass
class ExplanationRow:
    item: AssessmentItem
    self_points: Decimal | None
    appraised_points: Decimal | None  # the first appraisal, or the re-appraisal once the agency reads it
    measured: bool  # measured data: its note is the data's source, a new import of Home Affairs answers
    explainable: bool  # item_explain accepts it: appraised and not yet re-appraised


@dataclass
class ExplanationPage:
    """The agency's items for the explanation round, in what it may want to answer first."""

    attention: list[ExplanationRow]  # scored otherwise, commented on, evidence insufficient, or explained
    agreed: list[ExplanationRow]  # appraised as self-scored, without a comment
    measured: list[ExplanationRow]  # measured data (Home Affairs' value), not explained
    not_appraised: list[ExplanationRow]  # nothing to explain (item_explain refuses them)


# Statuses of an item the appraisal (or Home Affairs' import) has scored.
APPRAISED_STATUSES = (ItemStatus.APPRAISED, ItemStatus.DISPUTED, ItemStatus.REAPPRAISED)


def explanation_page(*, period: Period, agency: Agency, reappraisal_shown: bool) -> ExplanationPage:
    """One query. `reappraisal_shown`: the policy lets the agency read the re-appraisal (from approval);
    until then the page shows the first appraisal, whatever the item holds."""
    items = (
        AssessmentItem.objects.filter(agency=agency, node__criteria_set__period=period)
        .exclude(node__rule="survey")
        .select_related("node")
        .order_by("node__position")
    )
    page = ExplanationPage([], [], [], [])
    for item in items:
        appraised = item.final_input if reappraisal_shown else item.appraised_input
        row = ExplanationRow(
            item=item,
            self_points=leaf_points(item.node, item.self_input)
            if item.applicable and item.self_input
            else None,
            appraised_points=leaf_points(item.node, appraised) if item.applicable and appraised else None,
            measured=item.node.source == Source.DATA,
            explainable=item.status in EXPLAINABLE,
        )
        commented = (not row.measured and item.appraisal_comment) or (
            reappraisal_shown and item.reappraisal_comment
        )
        if item.explanation or item.status == ItemStatus.DISPUTED:
            page.attention.append(row)
        elif item.status not in APPRAISED_STATUSES:
            page.not_appraised.append(row)
        elif row.measured:
            page.measured.append(row)
        elif row.self_points != row.appraised_points or commented or item.evidence_insufficient:
            page.attention.append(row)
        else:
            page.agreed.append(row)
    return page
