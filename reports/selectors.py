"""Reads one snapshot's data for the reports, in a fixed number of queries whatever the province's size.

Every list a report prints (bands, heads by class, reviews, rank changes) is computed here, once, by
partitioning the snapshot's agency results: an agency is in exactly one band and one head class, and
every count printed is the length of the list printed beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from agencies.lineage import PredecessorRank
from agencies.models import Period, Window
from scoring.models import (
    AgencyResult,
    Band,
    BlockRef,
    CriteriaNode,
    CriteriaSet,
    HeadClass,
    HeadClassRule,
    NodeResult,
    ResultSnapshot,
    ReviewTrigger,
    Rule,
    Source,
    as_stored,
)
from scoring.nodes import node_depths, ordered_nodes
from surveys.models import Questionnaire, RespondentGroup, Response, SamplePlan, SurveyValue
from surveys.selectors import sipas_satisfaction

from .models import Numbering, ReportBundle, ReportSettings


@dataclass(frozen=True)
class NodePoints:
    """One node's stored result for one agency (a row of NodeResult)."""

    applicable: bool
    applicable_max: Decimal
    self_points: Decimal | None
    appraised_points: Decimal | None
    final_points: Decimal


@dataclass(frozen=True)
class TreeNode:
    node: CriteriaNode
    depth: int
    has_children: bool

    @property
    def is_survey(self) -> bool:
        return self.node.source == Source.SURVEY or self.node.rule == Rule.SURVEY


@dataclass
class HeadGroup:
    code: str
    label: str
    members: list[AgencyResult]


@dataclass
class BandGroup:
    code: str
    label: str
    min_index: Decimal | None
    members: list[AgencyResult]


@dataclass
class BlockData:
    block: BlockRef  # as the snapshot stored it (its name, table prefix and position as computed)
    criteria_set: CriteriaSet
    tree: list[TreeNode]
    bands: list[Band]
    head_rules: list[HeadClassRule]
    review_triggers: list[ReviewTrigger]
    results: list[AgencyResult]  # rank order (ties: official list order); agency: an AgencyRef (as_stored)
    node_points: dict[int, dict[int, NodePoints]]  # agency id → node id → points

    @property
    def prefix(self) -> str:
        return self.block.table_prefix or "A"

    @property
    def areas(self) -> list[CriteriaNode]:
        return [entry.node for entry in self.tree if entry.node.is_area]

    @property
    def roots(self) -> list[CriteriaNode]:
        return [entry.node for entry in self.tree if entry.depth == 0]

    @property
    def max_total(self) -> Decimal:
        return sum((node.max_points for node in self.roots if not node.is_bonus), Decimal(0))

    def area_title(self, code: str) -> str:
        return next((node.title for node in self.areas if node.code == code), code)

    def numbered(self, numbering: str) -> list[tuple[int, AgencyResult]]:
        """Table numbers 1…n: in rank order, or in the official list order (Agency.position)."""
        if numbering == Numbering.LIST:
            ordered = sorted(self.results, key=lambda r: (r.agency_position, r.agency_code))
        else:
            ordered = self.results
        return list(enumerate(ordered, start=1))

    # The lists the reports print: each is a partition or a filter of `results`, nothing else.

    @property
    def ranked_results(self) -> list[AgencyResult]:
        """The agencies in the ranking (rank order); those not ranked are only in heads, reviews and detail tables."""
        return [result for result in self.results if result.ranked]

    @property
    def unranked_results(self) -> list[AgencyResult]:
        return [result for result in self.results if not result.ranked]

    def band_groups(self) -> list[BandGroup]:
        """Every configured band with its members (rank order); agencies outside every band last."""
        members: dict[str, list[AgencyResult]] = defaultdict(list)
        for result in self.ranked_results:
            members[result.band_code].append(result)
        groups = [
            BandGroup(band.code, band.label, band.min_index, members.pop(band.code, []))
            for band in self.bands
        ]
        for code, rest in members.items():
            groups.append(BandGroup(code, rest[0].band_label or code or "–", None, rest))
        return groups

    def head_groups(self) -> list[HeadGroup]:
        members: dict[str, list[AgencyResult]] = defaultdict(list)
        for result in self.results:
            members[result.head_class].append(result)
        return [HeadGroup(code, str(label), members[code]) for code, label in HeadClass.choices]

    def reviews(self) -> list[AgencyResult]:
        return [result for result in self.results if result.review_flags]

    def rank_rises(self) -> list[AgencyResult]:
        rows = [r for r in self.results if r.rank_change is not None and r.rank_change > 0]
        return sorted(rows, key=lambda r: (-r.rank_change, r.rank, r.agency_position))

    def rank_falls(self) -> list[AgencyResult]:
        rows = [r for r in self.results if r.rank_change is not None and r.rank_change < 0]
        return sorted(rows, key=lambda r: (r.rank_change, r.rank, r.agency_position))

    def lines(self, result: AgencyResult) -> Iterator[tuple[TreeNode, NodePoints | None]]:
        points = self.node_points.get(result.agency_id, {})
        for entry in self.tree:
            yield entry, points.get(entry.node.id)

    def totals(self, result: AgencyResult) -> dict[str, Decimal | None]:
        """Self-assessed and appraised totals (sums of the top-level nodes); final points as stored."""
        points = self.node_points.get(result.agency_id, {})
        roots = [points.get(node.id) for node in self.roots]

        def total(attribute):
            values = [
                getattr(p, attribute) for p in roots if p is not None and getattr(p, attribute) is not None
            ]
            return sum(values, Decimal(0)) if values else None

        return {
            "max": result.max_points,
            "self": total("self_points"),
            "appraised": total("appraised_points"),
            "final": result.points,
        }


@dataclass(frozen=True)
class GroupCount:
    """Survey responses about one block's agencies from one respondent group, vs the plan."""

    questionnaire: str
    block_id: int
    group: str
    collected: int
    planned: int | None


@dataclass
class SurveyData:
    counts: list[GroupCount] = field(default_factory=list)
    # agency id → node id → respondents recorded with the survey value (imported or aggregated)
    respondents: dict[int, dict[int, int | None]] = field(default_factory=dict)
    # agency id → (satisfied, answered) over SIPAS questions
    sipas: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def has_responses(self) -> bool:
        return any(count.collected or count.planned for count in self.counts)


@dataclass
class SnapshotData:
    snapshot: ResultSnapshot
    period: Period
    blocks: list[BlockData]
    windows: dict[str, Window]
    survey: SurveyData
    # agency id → its predecessors' previous ranks, for agencies merged from two or more (no rank change),
    # as the snapshot stored them
    merged: dict[int, list[PredecessorRank]] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def stamp(self) -> datetime:
        """The time stamped into every file (document properties, ZIP entries): when the snapshot was
        computed, so rendering the same snapshot again gives the same bytes."""
        return timezone.localtime(self.snapshot.created_at).replace(microsecond=0)

    @property
    def report_date(self) -> datetime:
        """The date printed in the date line: the publication's, else the computation's."""
        moment = self.snapshot.published_at if self.snapshot.is_published else self.snapshot.created_at
        return timezone.localtime(moment)

    @property
    def computed_on(self) -> datetime:
        return timezone.localtime(self.snapshot.created_at)

    @property
    def previous_period(self) -> Period | None:
        previous = self.snapshot.previous_snapshot
        return previous.period if previous is not None else self.period.previous

    def block(self, prefix: str) -> BlockData | None:
        return next((block for block in self.blocks if block.prefix == prefix), None)


def report_data(snapshot: ResultSnapshot) -> SnapshotData:
    """Everything the reports of one snapshot print: 15 queries, independent of the number of agencies.
    Agencies, blocks (names, table prefixes, order) and the predecessors of merged agencies are read as
    the snapshot stored them, so an edit of the reference data later changes no table of it."""
    snapshot = ResultSnapshot.objects.select_related("period", "previous_snapshot__period").get(
        pk=snapshot.pk
    )
    period = snapshot.period
    sets = list(CriteriaSet.objects.filter(period=period).select_related("block"))
    nodes: dict[int, list[CriteriaNode]] = defaultdict(list)
    for node in CriteriaNode.objects.filter(criteria_set__period=period):
        nodes[node.criteria_set_id].append(node)
    bands, heads, triggers = defaultdict(list), defaultdict(list), defaultdict(list)
    for band in Band.objects.filter(criteria_set__period=period).order_by("-min_index", "code"):
        bands[band.criteria_set_id].append(band)
    for rule in HeadClassRule.objects.filter(criteria_set__period=period).order_by("position", "pk"):
        heads[rule.criteria_set_id].append(rule)
    for trigger in ReviewTrigger.objects.filter(criteria_set__period=period).order_by("area_code"):
        triggers[trigger.criteria_set_id].append(trigger)
    results: dict[int, list[AgencyResult]] = defaultdict(list)
    for result in as_stored(AgencyResult.objects.filter(snapshot=snapshot)):  # ordered block by block
        results[result.block_id].append(result)
    points: dict[int, dict[int, NodePoints]] = defaultdict(dict)
    for agency_id, node_id, applicable, applicable_max, self_points, appraised, final in (
        NodeResult.objects.filter(snapshot=snapshot)
        .values_list(
            "agency_id",
            "node_id",
            "applicable",
            "applicable_max",
            "self_points",
            "appraised_points",
            "final_points",
        )
        .iterator(chunk_size=5000)
    ):
        points[agency_id][node_id] = NodePoints(applicable, applicable_max, self_points, appraised, final)

    def stored_block(criteria_set) -> BlockRef:
        """The block as the snapshot stored it; a block without results in it, as it is now."""
        found = results.get(criteria_set.block_id)
        if found:
            return found[0].block_ref
        live = criteria_set.block
        return BlockRef(live.id, live.code, live.name, live.table_prefix, live.position)

    blocks = []
    for criteria_set in sorted(sets, key=lambda s: (stored_block(s).position, stored_block(s).code)):
        ordered = ordered_nodes(nodes[criteria_set.id])
        parents = {node.parent_id for node in ordered}
        depth = node_depths(ordered)
        tree = [TreeNode(node, depth[node.id], node.id in parents) for node in ordered]
        block_results = results.get(criteria_set.block_id, [])
        blocks.append(
            BlockData(
                block=stored_block(criteria_set),
                criteria_set=criteria_set,
                tree=tree,
                bands=bands[criteria_set.id],
                head_rules=heads[criteria_set.id],
                review_triggers=triggers[criteria_set.id],
                results=block_results,
                node_points={r.agency_id: points.get(r.agency_id, {}) for r in block_results},
            )
        )
    windows = {window.kind: window for window in Window.objects.filter(period=period)}
    merged = {r.agency_id: r.predecessor_ranks for rows in results.values() for r in rows if r.predecessors}
    return SnapshotData(snapshot, period, blocks, windows, survey_data(period), merged)


def survey_data(period: Period) -> SurveyData:
    """Responses per questionnaire × group vs the sample plan, SIPAS shares and recorded respondents (5 queries)."""
    collected = {
        (row["questionnaire_id"], row["group_id"]): row["count"]
        for row in Response.objects.filter(questionnaire__period=period)
        .values("questionnaire_id", "group_id")
        .annotate(count=Count("id"))
        .order_by()
    }
    planned = {
        (row["questionnaire_id"], row["group_id"]): row["total"]
        for row in SamplePlan.objects.filter(questionnaire__period=period)
        .values("questionnaire_id", "group_id")
        .annotate(total=Sum("planned"))
        .order_by()
    }
    counts = []
    questionnaires = {q.id: q for q in Questionnaire.objects.filter(period=period)}
    for group in RespondentGroup.objects.filter(questionnaire__period=period).order_by(
        "questionnaire__block__position", "questionnaire__code", "position", "code"
    ):
        key = (group.questionnaire_id, group.id)
        questionnaire = questionnaires[group.questionnaire_id]
        counts.append(
            GroupCount(
                questionnaire.title,
                questionnaire.block_id,
                group.name,
                collected.get(key, 0),
                planned.get(key),
            )
        )
    respondents: dict[int, dict[int, int | None]] = defaultdict(dict)
    for agency_id, node_id, count in SurveyValue.objects.filter(
        node__criteria_set__period=period
    ).values_list("agency_id", "node_id", "respondents"):
        respondents[agency_id][node_id] = count
    sipas = {
        agency_id: (value.overall.satisfied, value.overall.answered)
        for agency_id, value in sipas_satisfaction(period=period).items()
    }
    return SurveyData(counts, dict(respondents), sipas)


def snapshots_for_reports() -> list[dict]:
    """Periods with their snapshots, newest first (2 queries), for the reports' index page."""
    by_period = defaultdict(list)
    for snapshot in ResultSnapshot.objects.select_related("period").order_by("-period__year", "-version"):
        by_period[snapshot.period_id].append(snapshot)
    return [
        {"period": period, "snapshots": by_period[period.id]}
        for period in Period.objects.filter(pk__in=by_period).order_by("-year", "code")
    ]


def snapshot_for_reports(period_code: str, version: int) -> ResultSnapshot | None:
    return (
        ResultSnapshot.objects.select_related("period")
        .filter(period__code=period_code, version=version)
        .first()
    )


def report_settings_get() -> ReportSettings:
    """The province's report settings, or the defaults when none are saved (1 query)."""
    return ReportSettings.objects.order_by("pk").first() or ReportSettings()


def report_bundle_list(snapshot: ResultSnapshot, limit: int = 10) -> list[ReportBundle]:
    return list(
        ReportBundle.objects.filter(snapshot=snapshot)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def report_bundle_get(pk: int) -> ReportBundle | None:
    return ReportBundle.objects.select_related("snapshot__period").filter(pk=pk).first()
