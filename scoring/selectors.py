"""Reads for scoring: results for pages in a bounded number of queries (staff and public pages share them)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import F, Prefetch

from agencies.models import Agency, Period

from .engine import publish_round
from .models import (
    AgencyResult,
    Band,
    BlockRef,
    ComputeJob,
    CriteriaNode,
    CriteriaSet,
    HeadClass,
    HeadClassRule,
    NodeResult,
    ResultSnapshot,
    ReviewTrigger,
    as_stored,
)
from .nodes import node_depths, ordered_nodes


def latest_snapshot(period: Period) -> ResultSnapshot | None:
    return period.snapshots.order_by("-version").first()


def latest_results_by_block() -> list[dict]:
    """For each period, its latest snapshot's results grouped by block (2 queries + 1 per period with results).

    Periods without results are listed too (snapshot None), so staff can compute them.
    """
    periods = []
    for period in Period.objects.order_by("-year"):
        snapshot = latest_snapshot(period)
        if snapshot is None:
            periods.append({"period": period, "snapshot": None, "blocks": []})
            continue
        rows = as_stored(AgencyResult.objects.filter(snapshot=snapshot))
        blocks = [
            {"block": block, "results": list(results)}
            for block, results in groupby(rows, key=lambda row: row.block)
        ]
        periods.append({"period": period, "snapshot": snapshot, "blocks": blocks})
    return periods


def snapshot_get(period: Period, version: int | None = None) -> ResultSnapshot | None:
    """The period's snapshot of that version, else its latest (1 query)."""
    snapshots = period.snapshots.select_related("created_by", "published_by", "previous_snapshot__period")
    if version is not None:
        return snapshots.filter(version=version).first()
    return snapshots.order_by("-version").first()


def snapshot_list(period: Period) -> list[ResultSnapshot]:
    return list(period.snapshots.select_related("created_by", "published_by").order_by("-version"))


def compute_job_latest(period: Period) -> ComputeJob | None:
    return period.compute_jobs.select_related("created_by", "snapshot").order_by("-created_at", "-pk").first()


def compute_job_list(period: Period, limit: int = 10) -> list[ComputeJob]:
    return list(
        period.compute_jobs.select_related("created_by", "snapshot").order_by("-created_at", "-pk")[:limit]
    )


def code_key(code: str) -> tuple:
    """Natural order of node codes: 1.2 before 1.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


# Rankings ----------------------------------------------------------------------------------------


@dataclass
class AreaColumn:
    code: str
    title: str
    max_points: Decimal


@dataclass
class BandView:
    code: str
    label: str
    min_index: Decimal
    tier: int  # 1 for the highest band; colours follow the tier, not the code
    members: list = field(default_factory=list)


@dataclass
class RankingRow:
    result: AgencyResult
    areas: list  # area indices (Decimal or None) in the order of BlockRanking.areas
    tier: int
    previous_index: Decimal | None = None
    predecessors: list = field(
        default_factory=list
    )  # PredecessorRank: merged from two or more, no rank change

    @property
    def agency(self):
        return self.result.agency


@dataclass
class BlockRanking:
    criteria_set: CriteriaSet
    areas: list[AreaColumn]
    bands: list[BandView]
    rows: list[RankingRow]
    previous_period: Period | None = None

    @property
    def block(self):
        """As the snapshot stored it (the live block when the snapshot has no result of it)."""
        return self.rows[0].result.block if self.rows else self.criteria_set.block

    def head_classes(self) -> list[dict]:
        """Every head class with its count and members, in the order excellent → not completed."""
        members = defaultdict(list)
        for row in self.rows:
            members[row.result.head_class].append(row)
        return [
            {"code": code, "label": label, "rows": members[code], "count": len(members[code])}
            for code, label in HeadClass.choices
        ]

    def reviews(self) -> list[RankingRow]:
        return [row for row in self.rows if row.result.review_flags]

    def area_distribution(self) -> list[dict]:
        """Per area: lowest, median, mean and highest index over the block's agencies (applicable only)."""
        out = []
        for position, area in enumerate(self.areas):
            values = [row.areas[position] for row in self.rows if row.areas[position] is not None]
            if not values:
                continue
            out.append(
                {
                    "code": area.code,
                    "title": area.title,
                    "min": min(values),
                    "max": max(values),
                    "median": publish_round(Decimal(statistics.median(values))),
                    "mean": publish_round(sum(values) / len(values)),
                }
            )
        return out

    def area_means(self) -> dict[str, Decimal]:
        return {each["code"]: each["mean"] for each in self.area_distribution()}

    def chart_data(self) -> dict:
        """What the charts draw, as JSON-ready plain values (numbers as floats, for Chart.js only)."""
        return {
            "agencies": [
                {
                    "code": row.agency.code,
                    "name": row.agency.short_name or row.agency.name,
                    "index": float(row.result.index),
                    "tier": row.tier,
                    "band": row.result.band_label,
                    "rank_change": row.result.rank_change,
                    "previous_index": None if row.previous_index is None else float(row.previous_index),
                }
                for row in self.rows
            ],
            "areas": [
                {
                    "code": each["code"],
                    "title": each["title"],
                    "min": float(each["min"]),
                    "max": float(each["max"]),
                    "median": float(each["median"]),
                    "mean": float(each["mean"]),
                }
                for each in self.area_distribution()
            ],
            "bands": [
                {"label": band.label, "tier": band.tier, "min": float(band.min_index)} for band in self.bands
            ],
        }


def period_criteria_sets(period: Period) -> list[CriteriaSet]:
    """The period's blocks, in order, each with its areas and bands prefetched (3 queries)."""
    return list(
        CriteriaSet.objects.filter(period=period)
        .select_related("block", "period")
        .prefetch_related(
            Prefetch("nodes", queryset=CriteriaNode.objects.filter(is_area=True), to_attr="area_nodes"),
            Prefetch("bands", queryset=Band.objects.order_by("-min_index"), to_attr="ordered_bands"),
        )
        .order_by("block__position", "block__code")
    )


def _areas(criteria_set: CriteriaSet) -> list[AreaColumn]:
    nodes = sorted(criteria_set.area_nodes, key=lambda node: code_key(node.code))
    return [AreaColumn(node.code, node.title, node.max_points) for node in nodes]


def _bands(criteria_set: CriteriaSet) -> list[BandView]:
    return [
        BandView(band.code, band.label, band.min_index, tier)
        for tier, band in enumerate(criteria_set.ordered_bands, start=1)
    ]


def snapshot_blocks(snapshot: ResultSnapshot) -> dict[int, BlockRef]:
    """Block id → the block as the snapshot stored it, in its stored order (1 query)."""
    rows = (
        AgencyResult.objects.filter(snapshot=snapshot)
        .order_by("block_position", "block_code")
        .values_list("block_id", "block_code", "block_name", "block_table_prefix", "block_position")
        .distinct()
    )
    return {row[0]: BlockRef(*row) for row in rows}


def block_ranking(
    snapshot: ResultSnapshot, criteria_set: CriteriaSet, *, with_previous: bool = False
) -> BlockRanking:
    """The block's ranking in the snapshot: rows in rank order with area indices and band tiers, agencies
    as the snapshot stored them (as_stored).

    1 query, plus 1 with the previous period's indices (of the agencies the rank changes compared with).
    `criteria_set` comes from period_criteria_sets (areas and bands prefetched).
    """
    areas = _areas(criteria_set)
    bands = _bands(criteria_set)
    tiers = {band.code: band.tier for band in bands}
    results = as_stored(
        AgencyResult.objects.filter(snapshot=snapshot, block=criteria_set.block_id).order_by(
            F("rank").asc(nulls_last=True), "-exact_index", "agency_position", "agency_name"
        )
    )
    previous = _previous_indices(snapshot) if with_previous else {}
    rows = []
    by_code = {band.code: band for band in bands}
    for result in results:
        row = RankingRow(
            result=result,
            areas=[_decimal(result.area_indices.get(area.code)) for area in areas],
            tier=tiers.get(result.band_code, len(bands) or 1) if result.ranked else 0,  # 0: no band colour
            previous_index=previous.get(result.compared_with_id),
            predecessors=result.predecessor_ranks,
        )
        rows.append(row)
        if result.band_code in by_code:
            by_code[result.band_code].members.append(row)
    previous_period = (
        snapshot.previous_snapshot.period if with_previous and snapshot.previous_snapshot else None
    )
    return BlockRanking(criteria_set, areas, bands, rows, previous_period)


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _previous_indices(snapshot: ResultSnapshot) -> dict[int, Decimal]:
    """Agency id → its index in the snapshot rank changes compared with; each result finds its own by
    AgencyResult.compared_with, stored with it (1 query when there is a previous snapshot)."""
    if snapshot.previous_snapshot_id is None:
        return {}
    return dict(
        AgencyResult.objects.filter(snapshot=snapshot.previous_snapshot_id).values_list("agency_id", "index")
    )


SORTS = ("rank", "name", "index", "points", "change", "band", "head")
HEAD_ORDER = {code: position for position, code in enumerate(HeadClass.values)}


def ranking_rows_filter(
    rows: list[RankingRow],
    *,
    band: str = "",
    head_class: str = "",
    review: bool = False,
    query: str = "",
) -> list[RankingRow]:
    query = query.strip().casefold()
    return [
        row
        for row in rows
        if (not band or row.result.band_code == band)
        and (not head_class or row.result.head_class == head_class)
        and (not review or row.result.review_flags)
        and (not query or query in row.agency.name.casefold() or query in row.agency.short_name.casefold())
    ]


def ranking_rows_sort(
    rows: list[RankingRow], areas: list[AreaColumn], sort: str = "rank", descending: bool = False
) -> list[RankingRow]:
    """Sorts in memory (a block has at most a few hundred rows); missing values go last either way."""
    area_codes = [area.code for area in areas]
    low = Decimal("-1e9")

    def key(row: RankingRow):
        result = row.result
        if sort.startswith("area-") and sort[5:] in area_codes:
            value = row.areas[area_codes.index(sort[5:])]
            return (value is None, value if value is not None else low)
        return {
            "name": (False, result.agency.name.casefold()),
            "index": (False, result.index),
            "points": (False, result.points),
            "change": (result.rank_change is None, result.rank_change or 0),
            "band": (False, row.tier),
            "head": (False, HEAD_ORDER.get(result.head_class, 9)),
        }.get(sort, (result.rank is None, result.rank or 0))  # an agency not ranked goes last

    ordered = sorted(rows, key=key, reverse=descending)
    # keep missing values last when descending
    return [row for row in ordered if not key(row)[0]] + [row for row in ordered if key(row)[0]]


# One agency --------------------------------------------------------------------------------------


@dataclass
class TreeRow:
    node: CriteriaNode
    depth: int
    current: NodeResult | None
    previous: NodeResult | None
    area_index: Decimal | None = None
    previous_area_index: Decimal | None = None

    @property
    def is_leaf(self) -> bool:
        return not getattr(self.node, "has_children", False)


@dataclass
class AgencyReport:
    agency: Agency
    result: AgencyResult
    previous_result: AgencyResult | None
    rows: list[TreeRow]
    block_size: int
    predecessors: list = field(
        default_factory=list
    )  # PredecessorRank: merged from two or more, no rank change


def agency_result_get(snapshot: ResultSnapshot, agency_code: str) -> AgencyResult | None:
    """The agency's result by the code the snapshot stored, its agency and block as stored (1 query)."""
    found = as_stored(AgencyResult.objects.filter(snapshot=snapshot, agency_code=agency_code)[:1])
    return found[0] if found else None


def agency_report(snapshot: ResultSnapshot, result: AgencyResult) -> AgencyReport:
    """The agency's detail table (every node: max, self, appraised, final, area index) beside the same
    nodes (by code) in the snapshot rank changes compared with (its own or its single predecessor's row, as
    stored with the result). 6 queries whatever the tree's size. `result` comes from agency_result_get."""
    agency = result.agency  # as the snapshot stored it (agency_result_get)
    nodes = list(
        CriteriaNode.objects.filter(
            criteria_set__period=snapshot.period_id, criteria_set__block=result.block_id
        )
    )
    parent_ids = {node.parent_id for node in nodes}
    depth = node_depths(ordered_nodes(nodes))
    for node in nodes:
        node.has_children = node.id in parent_ids
    current = {n.node_id: n for n in NodeResult.objects.filter(snapshot=snapshot, agency=result.agency_id)}
    previous_result, previous = None, {}
    if snapshot.previous_snapshot_id and result.compared_with_id is not None:
        previous_result = (
            AgencyResult.objects.filter(
                snapshot=snapshot.previous_snapshot_id, agency=result.compared_with_id
            )
            .select_related("snapshot__period")
            .first()
        )
        if previous_result is not None:
            previous = {
                n.node.code: n
                for n in NodeResult.objects.filter(
                    snapshot=snapshot.previous_snapshot_id, agency=previous_result.agency_id
                ).select_related("node")
            }
    rows = []
    for node in ordered_nodes(nodes):
        row = TreeRow(node, depth[node.id], current.get(node.id), previous.get(node.code))
        if node.is_area:
            row.area_index = _decimal(result.area_indices.get(node.code))
            if previous_result is not None:
                row.previous_area_index = _decimal(previous_result.area_indices.get(node.code))
        rows.append(row)
    block_size = AgencyResult.objects.filter(snapshot=snapshot, block=result.block_id, ranked=True).count()
    return AgencyReport(agency, result, previous_result, rows, block_size, result.predecessor_ranks)


# Comparing two snapshots -------------------------------------------------------------------------


@dataclass
class AgencyChange:
    agency: Agency
    before: AgencyResult | None
    after: AgencyResult | None
    items: list = field(default_factory=list)  # (node code, title, before points, after points), leaves only

    @property
    def index_change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after.index - self.before.index


def snapshots_compare(before: ResultSnapshot, after: ResultSnapshot) -> list[AgencyChange]:
    """What changed between two snapshots: per agency its index, rank, band, head class and review flags,
    and which leaves' final points changed (matched by agency and node code). 6 queries."""
    fields = ("index", "rank", "band_code", "head_class", "review_flags", "points")
    results = {
        side: {r.agency_id: r for r in as_stored(AgencyResult.objects.filter(snapshot=snapshot))}
        for side, snapshot in (("before", before), ("after", after))
    }

    def leaf_points(snapshot):
        """(agency id, leaf code) → (title, final points); 2 queries."""
        nodes = {
            node_id: (code, title, parent_id)
            for node_id, code, title, parent_id in CriteriaNode.objects.filter(
                criteria_set__period=snapshot.period_id
            ).values_list("id", "code", "title", "parent_id")
        }
        parents = {parent_id for _, _, parent_id in nodes.values()}
        return {
            (agency_id, nodes[node_id][0]): (nodes[node_id][1], points)
            for agency_id, node_id, points in NodeResult.objects.filter(snapshot=snapshot).values_list(
                "agency_id", "node_id", "final_points"
            )
            if node_id not in parents
        }

    points_before, points_after = leaf_points(before), leaf_points(after)
    items = defaultdict(list)
    for key in sorted(set(points_before) | set(points_after), key=lambda k: (k[0], code_key(k[1]))):
        old, new = points_before.get(key), points_after.get(key)
        old_points, new_points = (old or (None, None))[1], (new or (None, None))[1]
        if old_points != new_points:
            items[key[0]].append((key[1], (new or old)[0], old_points, new_points))
    changes = []
    for agency_id in set(results["before"]) | set(results["after"]):
        old, new = results["before"].get(agency_id), results["after"].get(agency_id)
        differs = old is None or new is None or any(getattr(old, f) != getattr(new, f) for f in fields)
        if differs or items.get(agency_id):
            agency = (new or old).agency
            changes.append(AgencyChange(agency, old, new, items.get(agency_id, [])))
    changes.sort(
        key=lambda c: (
            (c.after or c.before).block_position,
            (c.after or c.before).block_code,
            (c.after or c.before).rank is None,
            (c.after or c.before).rank or 0,
        )
    )
    return changes


# Method ------------------------------------------------------------------------------------------


@dataclass
class MethodBlock:
    criteria_set: CriteriaSet
    rows: list  # (node, depth, has_children)
    bands: list
    head_rules: list
    review_triggers: list
    max_total: Decimal


def method_blocks(period: Period) -> list[MethodBlock]:
    """Each block's criteria tree with maxima and rules, bands, head-class rules and review triggers (5 queries)."""
    sets = list(CriteriaSet.objects.filter(period=period).select_related("block").order_by("block__position"))
    nodes = defaultdict(list)
    for node in CriteriaNode.objects.filter(criteria_set__period=period):
        nodes[node.criteria_set_id].append(node)
    bands, heads, triggers = defaultdict(list), defaultdict(list), defaultdict(list)
    for band in Band.objects.filter(criteria_set__period=period).order_by("-min_index"):
        bands[band.criteria_set_id].append(band)
    for rule in HeadClassRule.objects.filter(criteria_set__period=period).order_by("position"):
        heads[rule.criteria_set_id].append(rule)
    for trigger in ReviewTrigger.objects.filter(criteria_set__period=period):
        triggers[trigger.criteria_set_id].append(trigger)
    blocks = []
    for criteria_set in sets:
        ordered = ordered_nodes(nodes[criteria_set.id])
        parent_ids = {node.parent_id for node in ordered}
        depth = node_depths(ordered)
        rows = [(node, depth[node.id], node.id in parent_ids) for node in ordered]
        max_total = sum((n.max_points for n in ordered if n.parent_id is None and not n.is_bonus), Decimal(0))
        blocks.append(
            MethodBlock(
                criteria_set,
                rows,
                bands[criteria_set.id],
                heads[criteria_set.id],
                sorted(triggers[criteria_set.id], key=lambda t: code_key(t.area_code)),
                max_total,
            )
        )
    return blocks


def block_area_means(snapshot: ResultSnapshot, block_id: int) -> dict[str, Decimal]:
    """Area code → mean area index of the block's agencies in the snapshot (1 query)."""
    values = defaultdict(list)
    for areas in AgencyResult.objects.filter(snapshot=snapshot, block=block_id).values_list(
        "area_indices", flat=True
    ):
        for code, value in areas.items():
            if value not in (None, ""):
                values[code].append(Decimal(value))
    return {code: publish_round(sum(v) / len(v)) for code, v in values.items()}


def band_tier(period: Period, block_id: int, band_code: str) -> int:
    """1 for the block's highest band, 2 for the next… (1 query); colours follow the tier."""
    codes = list(
        Band.objects.filter(criteria_set__period=period, criteria_set__block=block_id)
        .order_by("-min_index")
        .values_list("code", flat=True)
    )
    return codes.index(band_code) + 1 if band_code in codes else len(codes) or 1


def area_profile(report: AgencyReport, means: dict[str, Decimal], tier: int) -> dict:
    """The agency's area indices beside the block's means, JSON-ready for the profile chart."""
    return {
        "agency": report.agency.short_name or report.agency.name,
        "tier": tier,
        "areas": [
            {
                "code": row.node.code,
                "title": row.node.title,
                "value": None if row.area_index is None else float(row.area_index),
                "mean": float(means[row.node.code]) if row.node.code in means else None,
            }
            for row in report.rows
            if row.node.is_area
        ],
    }
