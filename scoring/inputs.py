"""Builds the engine's frozen inputs from the database in a fixed number of queries per period."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from agencies.models import Agency, Period
from assessment.models import AssessmentItem
from surveys.models import SurveyValue

from . import engine
from .models import (
    AgencyResult,
    Band,
    CriteriaNode,
    CriteriaSet,
    HeadClassRule,
    ResultSnapshot,
    ReviewTrigger,
)

STAGES = ("self", "appraised", "final")


def ordered_nodes(nodes: list[CriteriaNode]) -> list[CriteriaNode]:
    """Depth-first order (parents before children, siblings by position), whatever order rows came in."""
    children: dict[int | None, list[CriteriaNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.code))
    ordered: list[CriteriaNode] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children[node.id]))
    return ordered


def engine_tree(nodes: list[CriteriaNode]) -> engine.CriteriaTree:
    by_id = {node.id: node for node in nodes}
    return engine.CriteriaTree(
        tuple(
            engine.Node(
                code=node.code,
                title=node.title,
                max_points=node.max_points,
                parent_code=by_id[node.parent_id].code if node.parent_id else None,
                rule=node.rule or None,
                params=node.rule_params or {},
                is_area=node.is_area,
                is_bonus=node.is_bonus,
            )
            for node in ordered_nodes(nodes)
        )
    )


def engine_rules(criteria_set: CriteriaSet, bands, head_rules, triggers) -> engine.BlockRules:
    return engine.BlockRules(
        bands=tuple(engine.Band(b.code, b.label, b.min_index) for b in bands),
        head_rules=tuple(
            engine.HeadClassRule(r.head_class, r.min_index, r.min_area_index) for r in head_rules
        ),
        review_triggers=tuple(engine.ReviewTrigger(t.area_code, t.below) for t in triggers),
        tie_rule=criteria_set.tie_rule,
    )


def leaf_input(applicable: bool, data: dict | None) -> engine.LeafInput:
    data = data or {}

    def number(key):
        return None if data.get(key) in (None, "") else engine.rules.to_decimal(data[key], key)

    return engine.LeafInput(
        applicable=applicable,
        points=number("points"),
        level=None if data.get("level") in (None, "") else str(data["level"]),
        value=number("value"),
        target=number("target"),
    )


@dataclass
class BlockInputs:
    criteria_set: CriteriaSet
    tree: engine.CriteriaTree
    rules: engine.BlockRules
    node_ids: dict[str, int]
    agencies: list[Agency]
    stage_inputs: dict[str, list[engine.AgencyInput]] = field(default_factory=dict)


@dataclass
class PeriodInputs:
    period: Period
    blocks: list[BlockInputs]
    previous_snapshot: ResultSnapshot | None
    previous_ranks: dict[str, int]
    fingerprint: str


def previous_snapshot_for(period: Period) -> ResultSnapshot | None:
    """What rank changes compare with: the previous period's published results.

    The previous period is the one set on the period, else the latest earlier year with published
    results, else the latest earlier year. Its current published snapshot is used; a period never
    published compares with its latest computation.
    """
    previous = (
        period.previous
        or Period.objects.filter(year__lt=period.year, snapshots__is_published=True).order_by("-year").first()
        or Period.objects.filter(year__lt=period.year).order_by("-year").first()
    )
    if previous is None:
        return None
    published = previous.snapshots.filter(is_published=True).order_by("-published_at", "-version").first()
    return published or previous.snapshots.order_by("-version").first()


def previous_ranks_for(snapshot: ResultSnapshot | None, agencies: list[Agency]) -> dict[str, int]:
    """Agency code → last period's rank; a renamed or merged agency with one predecessor inherits its rank."""
    if snapshot is None:
        return {}
    ranks = dict(  # an agency not ranked last period has no rank to compare with
        AgencyResult.objects.filter(snapshot=snapshot, rank__isnull=False).values_list("agency__code", "rank")
    )
    predecessors = defaultdict(list)
    through = Agency.predecessors.through.objects.filter(from_agency__in=agencies)
    for successor_code, predecessor_code in through.values_list("from_agency__code", "to_agency__code"):
        predecessors[successor_code].append(predecessor_code)
    result = {}
    for agency in agencies:
        if agency.code in ranks:
            result[agency.code] = ranks[agency.code]
        elif len(predecessors[agency.code]) == 1 and predecessors[agency.code][0] in ranks:
            result[agency.code] = ranks[predecessors[agency.code][0]]
    return result


def period_inputs(period: Period) -> PeriodInputs:
    """Everything `compute_block` needs for every block of the period: a fixed number of queries."""
    sets = list(
        CriteriaSet.objects.filter(period=period)
        .select_related("block")
        .prefetch_related("unranked_agencies")
        .order_by("block__position")
    )
    nodes_by_set: dict[int, list[CriteriaNode]] = defaultdict(list)
    for node in CriteriaNode.objects.filter(criteria_set__period=period):
        nodes_by_set[node.criteria_set_id].append(node)
    bands, heads, triggers = defaultdict(list), defaultdict(list), defaultdict(list)
    for band in Band.objects.filter(criteria_set__period=period):
        bands[band.criteria_set_id].append(band)
    for rule in HeadClassRule.objects.filter(criteria_set__period=period).order_by("position"):
        heads[rule.criteria_set_id].append(rule)
    for trigger in ReviewTrigger.objects.filter(criteria_set__period=period):
        triggers[trigger.criteria_set_id].append(trigger)
    agencies_by_block = defaultdict(list)
    for agency in period.agencies().filter(block__in=[s.block_id for s in sets]).order_by("position", "code"):
        agencies_by_block[agency.block_id].append(agency)
    items = defaultdict(dict)
    for item in AssessmentItem.objects.filter(node__criteria_set__period=period).values(
        "agency_id", "node_id", "applicable", "self_input", "appraised_input", "reappraised_input"
    ):
        items[item["agency_id"]][item["node_id"]] = item
    survey = defaultdict(dict)
    for agency_id, node_id, value in SurveyValue.objects.filter(
        node__criteria_set__period=period
    ).values_list("agency_id", "node_id", "value"):
        survey[agency_id][node_id] = value

    blocks = []
    for criteria_set in sets:
        nodes = nodes_by_set[criteria_set.id]
        tree = engine_tree(nodes)
        node_ids = {node.code: node.id for node in nodes}
        block = BlockInputs(
            criteria_set=criteria_set,
            tree=tree,
            rules=engine_rules(
                criteria_set, bands[criteria_set.id], heads[criteria_set.id], triggers[criteria_set.id]
            ),
            node_ids=node_ids,
            agencies=agencies_by_block[criteria_set.block_id],
        )
        unranked = {agency.id for agency in criteria_set.unranked_agencies.all()}
        for stage in STAGES:
            block.stage_inputs[stage] = [
                _agency_input(
                    agency,
                    tree,
                    node_ids,
                    items[agency.id],
                    survey[agency.id],
                    stage,
                    agency.id not in unranked,
                )
                for agency in block.agencies
            ]
        blocks.append(block)

    all_agencies = [agency for block in blocks for agency in block.agencies]
    previous = previous_snapshot_for(period)
    previous_ranks = previous_ranks_for(previous, all_agencies)
    return PeriodInputs(period, blocks, previous, previous_ranks, _fingerprint(blocks, previous_ranks))


def _agency_input(agency, tree, node_ids, items, survey_values, stage, ranked) -> engine.AgencyInput:
    leaves = {}
    for leaf in tree.leaves:
        item = items.get(node_ids[leaf.code])
        if item is None:
            continue
        if stage == "self":
            data = item["self_input"]
        elif stage == "appraised":
            data = item["appraised_input"]
        else:
            data = (
                item["reappraised_input"]
                if item["reappraised_input"] is not None
                else item["appraised_input"]
            )
        leaves[leaf.code] = leaf_input(item["applicable"], data)
    code_of = {node_id: code for code, node_id in node_ids.items()}
    return engine.AgencyInput(
        key=agency.code,
        leaves=leaves,
        survey_values={
            code_of[node_id]: value for node_id, value in survey_values.items() if node_id in code_of
        },
        ranked=ranked,
    )


def _fingerprint(blocks: list[BlockInputs], previous_ranks: dict[str, int]) -> str:
    """SHA-256 over a canonical JSON of every input that decides the final results."""

    def plain(value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items())}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            fields = {name: getattr(value, name) for name in value.__dataclass_fields__}
            if fields.get("ranked") is True:
                del fields["ranked"]  # only "not ranked" is recorded: earlier fingerprints stay valid
            return {name: plain(each) for name, each in fields.items()}
        return value

    payload = {
        "blocks": [
            {
                "block": block.criteria_set.block.code,
                "tree": plain(block.tree.nodes),
                "rules": plain(block.rules),
                "inputs": plain(block.stage_inputs["final"]),
            }
            for block in blocks
        ],
        "previous_ranks": previous_ranks,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()
