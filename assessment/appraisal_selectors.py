"""Reads of the appraisal: an appraiser's items, the lead's progress and differences, provisional
indices. Each runs a fixed number of queries (the inbox is paginated)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Value

from agencies.models import Period
from scoring import engine
from scoring.inputs import engine_tree, leaf_input
from scoring.models import CriteriaNode, Source

from .appraisal import area_codes, covers, leaf_points
from .models import AppraisalAssignment, AssessmentItem, ItemStatus, SecondAppraisal

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


def blind_items(*, period: Period, user) -> ExpressionWrapper:
    """True for the items the user appraises only as the blind second appraiser (an annotation)."""
    if user.has_perm("agencies.run_appraisal_workflow"):
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    areas = period_areas(period)[1]
    assignments = list(
        AppraisalAssignment.objects.filter(period=period).filter(Q(appraiser=user) | Q(second_appraiser=user))
    )
    firsts = [a for a in assignments if a.appraiser_id == user.pk]
    seconds = [a for a in assignments if a.second_appraiser_id == user.pk]
    condition = assignment_filter(period, seconds, areas) & ~assignment_filter(period, firsts, areas)
    return ExpressionWrapper(condition, output_field=BooleanField())


def inbox(*, period: Period, user, agency: str = "", area: str = "", status: str = ""):
    """(items queryset in order, counts by status, the areas map) for the appraiser's inbox."""
    nodes, areas = period_areas(period)
    items = appraiser_items(period=period, user=user, areas=areas)
    counts = {row["status"]: row["n"] for row in items.values("status").annotate(n=Count("id"))}
    if agency:
        items = items.filter(agency__code=agency)
    if area:
        items = items.filter(node_id__in=[node_id for node_id, code in areas.items() if code == area])
    if status:
        items = items.filter(status=status)
    items = items.select_related("agency", "node").order_by(
        "agency__block__position", "agency__position", "node__position"
    )
    return items, counts, areas


def next_item(*, period: Period, user, after: AssessmentItem, statuses) -> AssessmentItem | None:
    """The next item in inbox order still waiting for this user (wraps around)."""
    items = list(
        appraiser_items(period=period, user=user)
        .filter(status__in=statuses)
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
    items = list(
        AssessmentItem.objects.filter(node__criteria_set__period=period)
        .select_related("agency__block", "node", "appraised_by")
        .order_by("agency__block__position", "agency__position", "node__position")
    )
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
    for assignment in assignments:
        covered = [
            i for i in items if _appraised_here(i) and covers(assignment, i.agency_id, areas[i.node_id])
        ]
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
