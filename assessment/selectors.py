"""Reads of the self-assessment: the page's tree with totals, and the Home Affairs overview. Each runs a
fixed number of queries whatever the size of the tree or the number of agencies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Count, Max, Q

from agencies import policy
from agencies.models import Agency, Period
from agencies.policy import Stage
from evidence.models import EvidenceFile, EvidenceLink
from measures.models import MeasureValue
from parindex import history, row_reads
from scoring import engine
from scoring.models import CriteriaNode, CriteriaSet, Source
from scoring.nodes import leaf_input
from scoring.tree_cache import CachedTree, criteria_tree
from surveys.models import SurveyValue

from .models import AssessmentItem, Submission, SubmissionStatus


@dataclass
class Row:
    """One node of the tree as the page shows it."""

    node: CriteriaNode
    depth: int
    area_code: str | None
    item: AssessmentItem | None = None  # leaves only
    files: list[EvidenceFile] = field(default_factory=list)
    points: Decimal | None = None  # self-assessed points under the current inputs
    applicable_max: Decimal | None = None
    measure: MeasureValue | None = None  # a measured-data leaf's value and source, set by Home Affairs
    urls: dict[str, str] = field(default_factory=dict)  # a leaf's addresses, set by the view that shows it

    @property
    def is_leaf(self) -> bool:
        return self.item is not None


@dataclass
class Totals:
    points: Decimal | None
    max_points: Decimal | None
    index: Decimal | None
    areas: list[
        tuple[CriteriaNode, Decimal | None, Decimal | None, Decimal | None]
    ]  # node, points, max, index
    leaves: int
    scored: int
    without_evidence: int

    @property
    def percent_scored(self) -> int:
        return round(100 * self.scored / self.leaves) if self.leaves else 0


def self_assessment_rows(*, period: Period, agency: Agency) -> tuple[list[Row], Totals]:
    """The agency's tree in display order with its items, files, measured values and self-assessed totals
    (6 queries; the tree itself comes from the per-revision cache)."""
    criteria_set = CriteriaSet.objects.filter(period=period, block_id=agency.block_id).first()
    tree = criteria_tree(criteria_set) if criteria_set is not None else None
    nodes = tree.nodes if tree is not None else ()
    items = (
        {item.node_id: item for item in AssessmentItem.objects.filter(agency=agency, node__in=tree.leaf_ids)}
        if tree
        else {}
    )
    files_by_item = defaultdict(list)
    for link in EvidenceLink.objects.filter(item__in=[i.id for i in items.values()]).select_related(
        "evidence"
    ):
        files_by_item[link.item_id].append(link.evidence)
    survey_values = (
        dict(
            SurveyValue.objects.filter(agency=agency, node__in=[n.id for n in nodes]).values_list(
                "node_id", "value"
            )
        )
        if tree is not None and tree.has_survey
        else {}
    )
    measures = {
        m.node_id: m
        for m in MeasureValue.objects.filter(
            agency=agency, node__in=[n.id for n in nodes if n.source == Source.DATA]
        )
    }

    rows = []
    for node in nodes:
        is_leaf = node.id in tree.leaf_ids
        item = items.get(node.id) if is_leaf else None
        if item is not None:
            item.node = node  # templates read item.node: no query per leaf
        rows.append(
            Row(
                node,
                tree.depth[node.id],
                tree.area_of[node.id],
                item,
                files_by_item.get(item.id, []) if item else [],
                measure=measures.get(node.id) if item else None,
            )
        )

    result = _self_result(tree, items, survey_values, agency)
    if result is not None:
        for row in rows:
            score = result.nodes.get(row.node.code)
            if score is not None:
                row.points, row.applicable_max = score.points, score.applicable_max
    leaf_rows = [  # what the agency scores: not survey leaves, not measured data (Home Affairs enters it)
        r for r in rows if r.is_leaf and r.item.applicable and _self_scored(r.node)
    ]
    totals = _totals(
        rows,
        result,
        leaves=len(leaf_rows),
        scored=sum(1 for r in leaf_rows if r.item.self_input),
        without_evidence=sum(1 for r in leaf_rows if _needs_evidence(r.node) and not r.files),
    )
    return rows, totals


def _self_scored(node: CriteriaNode) -> bool:
    return node.rule != "survey" and node.source != Source.DATA


def _needs_evidence(node: CriteriaNode) -> bool:
    return node.source in ("", "evidence")


def _totals(rows, result, **counts) -> Totals:
    return Totals(
        points=result.points if result else None,
        max_points=result.max_points if result else None,
        index=result.index if result else None,
        areas=[
            (
                row.node,
                row.points,
                row.applicable_max,
                result.area_indices.get(row.node.code) if result else None,
            )
            for row in rows
            if row.node.is_area
        ],
        **counts,
    )


@dataclass(frozen=True)
class SavedAnswer:
    """What an autosave answers: the saved leaf's and its ancestors' points, the totals, completeness."""

    rows: list[Row]  # the leaf and its ancestors, root first
    totals: Totals
    # (code, item id) of the applicable self-scored leaves without input, as services.Completeness
    unscored_links: tuple[tuple[str, int], ...]
    without_evidence: list[str]
    # the saved leaf's area as in `totals.areas`: no other area's figures change (an area's points are
    # its own leaves'), so only its row of the totals is sent
    area: tuple[CriteriaNode, Decimal | None, Decimal | None, Decimal | None] | None = None
    # How recent the figures are: the count of the agency's changes they include (its items' versions and
    # its evidence links' audit rows, which only grow). Answers can reach the page in another order than
    # their saves committed; the page keeps, figure by figure, the one with the higher count.
    as_of: int = 0

    @property
    def unscored(self) -> list[str]:
        return [code for code, _item_id in self.unscored_links]


def self_assessment_saved(*, agency: Agency, item: AssessmentItem) -> SavedAnswer:
    """The answer to an autosave of `item` (read with `node__criteria_set`), computed from the cached
    tree and one query of the agency's inputs with their survey values: the same number of queries, and no
    row of the tree rendered, whatever the size of the tree."""
    tree = criteria_tree(item.node.criteria_set)
    inputs, survey_values, as_of = _saved_inputs(agency_id=agency.id, tree=tree)
    result = _result(
        tree,
        agency,
        {
            node_id: leaf_input(applicable, self_input)
            for node_id, (applicable, self_input, _files, _item_id) in inputs.items()
            if self_input or not applicable
        },
        survey_values,
    )
    scores = result.nodes if result is not None else {}

    def row(node: CriteriaNode) -> Row:
        score = scores.get(node.code)
        return Row(
            node,
            tree.depth[node.id],
            tree.area_of[node.id],
            points=score.points if score else None,
            applicable_max=score.applicable_max if score else None,
        )

    unscored_links, without_evidence, leaves, scored, unfiled = [], [], 0, 0, 0
    for node in sorted((tree.by_id[i] for i in inputs), key=lambda n: n.position):
        applicable, self_input, files, item_id = inputs[node.id]
        if not (applicable and _self_scored(node)):
            continue
        leaves += 1
        scored += bool(self_input)
        if not self_input:
            unscored_links.append((node.code, item_id))
        if _needs_evidence(node) and not files:
            without_evidence.append(node.code)
            unfiled += 1
    totals = _totals(
        [row(node) for node in tree.nodes if node.is_area],
        result,
        leaves=leaves,
        scored=scored,
        without_evidence=unfiled,
    )
    area_code = tree.area_of[item.node_id]
    return SavedAnswer(
        rows=[row(node) for node in reversed(tree.ancestors(item.node_id))],
        totals=totals,
        unscored_links=tuple(unscored_links),
        without_evidence=without_evidence,
        area=next((area for area in totals.areas if area[0].code == area_code), None),
        as_of=as_of,
    )


_ITEM_IN_PERIOD = (
    row_reads.Part(AssessmentItem, "item"),
    row_reads.Part(CriteriaNode, "node"),
    row_reads.Part(CriteriaSet, "criteria_set"),
    row_reads.Part(Period, "period"),
    row_reads.Part(Agency, "agency"),
)


_ITEM_IN_PERIOD_SQL: dict[str, str] = {}  # per database vendor


def _item_in_period_sql(connection) -> str:
    table = {part.alias: row_reads.table(part.model, part.alias, connection) for part in _ITEM_IN_PERIOD}
    return (
        f"SELECT {row_reads.select_list(_ITEM_IN_PERIOD, connection)} FROM {table['item']}"
        f" JOIN {table['node']} ON node.id = item.node_id"
        f" JOIN {table['criteria_set']} ON criteria_set.id = node.criteria_set_id"
        f" JOIN {table['period']} ON period.id = criteria_set.period_id"
        f" JOIN {table['agency']} ON agency.id = item.agency_id"
        " WHERE item.id = %s AND agency.code = %s AND period.code = %s"
    )


def item_in_period(*, item_id: int, agency_code: str, period_code: str) -> AssessmentItem | None:
    """The item at this address with its node, set, period and agency (the autosave's first read), or
    None when no item of that agency and period has that id: the same as
    `AssessmentItem.objects.select_related("node__criteria_set__period", "agency").filter(…).first()`,
    in one SQL statement written once per process (parindex.row_reads). Whether the user may see the
    agency is the caller's question (its scope)."""
    if not 0 < item_id < 2**63:  # no such row (SQLite would raise on a larger integer, not answer none)
        return None
    sql = _ITEM_IN_PERIOD_SQL.get(connection.vendor) or _ITEM_IN_PERIOD_SQL.setdefault(
        connection.vendor, _item_in_period_sql(connection)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [item_id, agency_code, period_code])
        row = cursor.fetchone()
    if row is None:
        return None
    item, node, criteria_set, period, agency = row_reads.instances(row, _ITEM_IN_PERIOD, connection)
    criteria_set.period = period
    node.criteria_set = criteria_set
    item.node, item.agency = node, agency
    return item


# The autosave's two reads, in SQL: the same rows as the ORM's `values_list` (compared in
# tests/assessment/test_autosave_cost.py), at a fifth of its CPU (the ORM compiles each query anew, which
# costs more than running it; docs/performance.md). Only what the engine needs; no policy is decided here.
# One row per node of the set that has the agency's item or survey value (a survey leaf may have a value
# and no item: the sample's past years, values imported before the round opens). The last two columns count
# the item's changes (its version, its evidence links' audit rows): both only grow, so their sum over the
# agency, read in the same statement as the inputs, says how recent these are.
_SAVED_INPUTS_SQL = (
    "SELECT node.id, item.applicable, item.self_input,"
    " EXISTS (SELECT 1 FROM {link} link WHERE link.item_id = item.id), item.id, survey.value,"
    " COALESCE(item.version, 0), (SELECT COUNT(*) FROM {link_history} h WHERE h.item_id = item.id)"
    " FROM {node} node"
    " LEFT JOIN {item} item ON item.node_id = node.id AND item.agency_id = %s"
    " LEFT JOIN {survey_value} survey ON survey.node_id = node.id AND survey.agency_id = %s"
    " WHERE node.criteria_set_id = %s AND (item.id IS NOT NULL OR survey.id IS NOT NULL)"
)
_AS_OF_SQL = (
    "SELECT COALESCE(SUM(item.version), 0), COALESCE(SUM("
    " (SELECT COUNT(*) FROM {link_history} h WHERE h.item_id = item.id)), 0)"
    " FROM {item} item JOIN {node} node ON node.id = item.node_id"
    " JOIN {criteria_set} criteria_set ON criteria_set.id = node.criteria_set_id"
    " WHERE item.agency_id = %s AND criteria_set.period_id = %s AND criteria_set.block_id = %s"
)


@cache  # reaching the audit model through its descriptor builds a manager: once, not on every save
def _sql(template: str) -> str:
    return template.format(
        **{
            "link": EvidenceLink._meta.db_table,
            "link_history": EvidenceLink.history.model._meta.db_table,
            "item": AssessmentItem._meta.db_table,
            "node": CriteriaNode._meta.db_table,
            "criteria_set": CriteriaSet._meta.db_table,
            "survey_value": SurveyValue._meta.db_table,
        }
    )


def _saved_inputs(
    *, agency_id: int, tree: CachedTree
) -> tuple[dict[int, tuple[bool, dict | None, bool, int]], dict[int, Decimal], int]:
    """node id → (applicable, self input, has a file, item id) of the agency's items on the tree's leaves,
    node id → survey value of its survey leaves, and the count of changes these inputs include
    (`SavedAnswer.as_of`), all read at one moment."""
    self_input = AssessmentItem._meta.get_field("self_input")
    survey_value = SurveyValue._meta.get_field("value")
    with connection.cursor() as cursor:
        cursor.execute(_sql(_SAVED_INPUTS_SQL), [agency_id, agency_id, tree.criteria_set_id])
        rows = cursor.fetchall()
    as_of = sum(version + link_changes for *_row, version, link_changes in rows)  # as self_assessment_as_of
    leaves = [row for row in rows if row[0] in tree.leaf_ids]
    inputs = {
        node_id: (bool(applicable), self_input.from_db_value(stored, None, connection), bool(files), item_id)
        for node_id, applicable, stored, files, item_id, *_counts in leaves
        if item_id is not None
    }
    survey_values = {row[0]: survey_value.to_python(row[5]) for row in leaves if row[5] is not None}
    return inputs, survey_values, as_of


def self_assessment_as_of(*, period: Period, agency: Agency) -> int:
    """The count of the agency's changes to its self-assessment in the period (`SavedAnswer.as_of`: its
    block's set, as the page), read as one statement: inside `parindex.snapshots.one_snapshot()` it dates
    the other reads there too."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(_AS_OF_SQL), [agency.id, period.id, agency.block_id])
        versions, link_changes = cursor.fetchone()
    return int(versions) + int(link_changes)


def _self_result(tree: CachedTree | None, items, survey_values, agency) -> engine.AgencyResult | None:
    if tree is None:
        return None
    # a leaf not yet scored counts 0 (a deduction leaf would otherwise show its full max)
    leaves = {
        node_id: leaf_input(i.applicable, i.self_input)
        for node_id, i in items.items()
        if i.self_input or not i.applicable
    }
    return _result(tree, agency, leaves, survey_values)


def _result(tree: CachedTree, agency, leaves: dict, survey_values: dict) -> engine.AgencyResult | None:
    if not tree.nodes:
        return None
    code_of = {node.id: node.code for node in tree.nodes}
    agency_input = engine.AgencyInput(
        key=agency.code,
        leaves={code_of[node_id]: value for node_id, value in leaves.items()},
        survey_values={code_of[node_id]: value for node_id, value in survey_values.items()},
    )
    try:
        return engine.compute_agency(tree.engine, agency_input)
    except engine.EngineError:  # e.g. every leaf marked not applicable: no index to show yet
        return None


@dataclass
class OverviewRow:
    agency: Agency
    status: str
    leaves: int
    scored: int
    with_evidence: int
    last_activity: object

    @property
    def percent_scored(self) -> int:
        return round(100 * self.scored / self.leaves) if self.leaves else 0

    @property
    def percent_with_evidence(self) -> int:
        return round(100 * self.with_evidence / self.leaves) if self.leaves else 0


def self_assessment_overview(*, period: Period, agencies) -> list[OverviewRow]:
    """Per agency: not started / in progress / submitted, % of leaves scored and with evidence (3 queries)."""
    agencies = list(agencies.select_related("block").order_by("block__position", "position", "code"))
    counts = {
        row["agency_id"]: row
        for row in AssessmentItem.objects.filter(agency__in=agencies, node__criteria_set__period=period)
        .exclude(node__rule="survey")
        .exclude(node__source=Source.DATA)
        .values("agency_id")
        .annotate(
            leaves=Count("id", filter=Q(applicable=True), distinct=True),
            scored=Count("id", filter=Q(applicable=True, self_input__isnull=False), distinct=True),
            with_evidence=Count("id", filter=Q(applicable=True, evidence_links__isnull=False), distinct=True),
            # The agency's own writes: its saves (a leaf marked not applicable too; a save sets only its
            # item's, no submission update per save) and its explanations, not the appraisers' scores.
            last_scored=Max("self_scored_at"),
            last_explained=Max("explained_at"),
        )
    }
    submissions = {s.agency_id: s for s in Submission.objects.filter(period=period, agency__in=agencies)}
    rows = []
    for agency in agencies:
        count = counts.get(agency.id, {})
        submission = submissions.get(agency.id)
        if submission is not None and submission.locked:
            status = SubmissionStatus.SUBMITTED
        elif count.get("scored") or count.get("last_scored"):  # a leaf marked not applicable is a start
            status = SubmissionStatus.IN_PROGRESS
        else:
            status = "not_started"
        writes = (
            count.get("last_scored"),
            count.get("last_explained"),
            submission and submission.last_activity_at,
        )
        last = [t for t in writes if t]
        rows.append(
            OverviewRow(
                agency=agency,
                status=status,
                leaves=count.get("leaves", 0),
                scored=count.get("scored", 0),
                with_evidence=count.get("with_evidence", 0),
                last_activity=max(last) if last else None,
            )
        )
    return rows


AUDITED_FIELDS = (
    "applicable",
    "not_applicable_reason",
    "self_input",
    "self_note",
    "appraised_input",
    "appraisal_comment",
    "reappraised_input",
    "reappraisal_comment",
    "status",
)


def item_last_writer(item: AssessmentItem):
    """Who wrote the item last (its newest audit row), read with the user in one query: a conflict's
    answer names them."""
    record = item.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    return record.history_user if record is not None else None


def item_history(
    item: AssessmentItem, limit: int = 50, stages: frozenset | None = None
) -> list[history.Entry]:
    """The item's audit trail, newest first: who, when, and each changed field's old and new value.

    `stages` (agencies.policy.visible_stages): only entries and fields of these stages are shown, so an
    agency sees no appraiser's draft before the explanation round and a second appraiser no first one.
    """
    records = list(
        item.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    if stages is not None:
        records = [r for r in records if policy.change_stage(r.history_change_reason) in (None, *stages)]
    levels = (item.node.rule_params or {}).get("levels")
    status_labels = dict(AssessmentItem._meta.get_field("status").choices)
    entries = []
    # The item's first row is compared with the item as created (no input, no note), so the history
    # says what was first entered; a row beyond the limit's window has an older row not read here.
    created = AssessmentItem(node=item.node, agency=item.agency) if len(records) <= limit else None
    for newer, older in zip(records, [*records[1:], created], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            for name in AUDITED_FIELDS:
                if stages is not None and policy.FIELD_STAGE.get(name, Stage.SELF) not in stages:
                    continue
                old, new = getattr(older, name), getattr(newer, name)
                if name == "status" and stages is not None:  # a status tells its stage: as read
                    old, new = policy.status_as_read(old, stages), policy.status_as_read(new, stages)
                if old != new:
                    choices = status_labels if name == "status" else None
                    changes.append(
                        (
                            str(AssessmentItem._meta.get_field(name).verbose_name),
                            history.value_text(old, choices, levels),
                            history.value_text(new, choices, levels),
                        )
                    )
        entries.append(history.entry(newer, changes))
    return entries
