"""Builds the engine's frozen inputs from the database in a fixed number of queries per period."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from agencies.lineage import (  # noqa: F401  PredecessorRank: re-exported for the pages
    Former,
    PredecessorRank,
    carried_key,
    formers_of,
    is_merged,
    predecessor_ranks,
)
from agencies.models import Agency, Period

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
from .nodes import engine_rules, engine_tree, leaf_input

STAGES = ("self", "appraised", "final")

# Where the stored inputs come from. Scoring sits below the apps that hold them (assessment imports
# scoring, so scoring must not import assessment or surveys: an import-linter contract), so each app
# hands its reader over when Django starts (its AppConfig.ready) and `period_inputs` calls it:
#   "items":         period → {agency id: {node id: {"applicable", "self_input", "appraised_input",
#                    "reappraised_input"}}}  (assessment.inputs.period_item_inputs)
#   "survey_values": period → {agency id: {node id: Decimal}}  (surveys.inputs.period_survey_values)
InputSource = Callable[[Period], dict[int, dict[int, Any]]]
INPUT_SOURCES: dict[str, InputSource] = {}


def input_source_register(name: str, source: InputSource) -> None:
    """Called by an app's ready(): `name` is "items" or "survey_values"."""
    if name not in ("items", "survey_values"):
        raise ValueError(name)
    INPUT_SOURCES[name] = source


def _input_source(name: str) -> InputSource:
    try:
        return INPUT_SOURCES[name]
    except KeyError:
        raise LookupError(f"no {name!r} input source registered (is its app installed?)") from None


@dataclass
class BlockInputs:
    criteria_set: CriteriaSet
    tree: engine.CriteriaTree
    rules: engine.BlockRules
    node_ids: dict[str, int]
    agencies: list[Agency]
    stage_inputs: dict[str, list[engine.AgencyInput]] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    """What an agency's rank change compares with (docs/formats.md, "Rank change of merged agencies"):
    `compared_with`, the agency whose previous result it carries (itself or its single predecessor), or,
    for an agency merged from two or more, `predecessors` with their previous ranks and no rank change."""

    compared_with: int | None = None
    predecessors: tuple[PredecessorRank, ...] = ()


@dataclass
class PeriodInputs:
    period: Period
    blocks: list[BlockInputs]
    previous_snapshot: ResultSnapshot | None
    previous_ranks: dict[str, int]
    fingerprint: str
    standings: dict[int, Standing] = field(default_factory=dict)  # agency id → its standing


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


def previous_standings(
    snapshot: ResultSnapshot | None, agencies: list[Agency]
) -> tuple[dict[str, int], dict[int, Standing]]:
    """Agency code → the previous rank its rank change compares with, and agency id → its Standing: the
    one rule every output follows, since they read what the snapshot stores (2 queries).

    - An agency with two or more predecessors was merged: no rank change, whether or not it kept the
      code of one of them. Its predecessors are listed with their previous rank and index, and so is its
      own previous result when it had one under the same code.
    - Otherwise it compares with its own previous result, else with its single predecessor's.
    A rank change needs the compared result to be ranked.
    """
    if snapshot is None:
        return {}, {}
    formers = formers_of(agency.id for agency in agencies)
    previous = {
        agency_id: (rank, index)
        for agency_id, rank, index in AgencyResult.objects.filter(
            snapshot=snapshot,
            agency_id__in=[a.id for a in agencies] + [f.id for found in formers.values() for f in found],
        ).values_list("agency_id", "rank", "index")
    }
    ranks, standings = {}, {}
    for agency in agencies:
        found = formers.get(agency.id, [])
        if is_merged(found):
            if agency.id in previous:
                found = [*found, Former(agency.id, agency.code, agency.short_name or agency.name)]
            standings[agency.id] = Standing(predecessors=tuple(predecessor_ranks(found, previous)))
            continue
        source = carried_key(agency.id, [f.id for f in found], previous)
        if source is None:
            continue
        standings[agency.id] = Standing(compared_with=source)
        if previous[source][0] is not None:  # an agency not ranked then has no rank to compare with
            ranks[agency.code] = previous[source][0]
    return ranks, standings


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
    items = _input_source("items")(period)
    survey = _input_source("survey_values")(period)

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
                    items.get(agency.id, {}),
                    survey.get(agency.id, {}),
                    stage,
                    agency.id not in unranked,
                )
                for agency in block.agencies
            ]
        blocks.append(block)

    all_agencies = [agency for block in blocks for agency in block.agencies]
    previous = previous_snapshot_for(period)
    previous_ranks, standings = previous_standings(previous, all_agencies)
    return PeriodInputs(
        period, blocks, previous, previous_ranks, _fingerprint(blocks, previous_ranks), standings
    )


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
    """SHA-256 over a canonical JSON of every input that decides a published figure: the final results
    and the self-assessed and appraised points and indices published beside them."""

    def plain(value):
        if isinstance(value, Decimal):
            return format(value.normalize(Context(prec=60)), "f")  # every stored digit (30 decimals)
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
                "earlier_stages": {
                    stage: plain(block.stage_inputs[stage]) for stage in ("self", "appraised")
                },
            }
            for block in blocks
        ],
        "previous_ranks": previous_ranks,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()
