"""compute_index stores a snapshot set-based; export_results writes it as documented."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentItem
from sample import criteria
from scoring.formats import criteria_set_from_document
from scoring.models import AgencyResult, NodeResult
from scoring.services import period_compute
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def province(agency_count: int, year: int = 2022, block_code: str = "so-nganh"):
    """A period with one block of `agency_count` agencies, each appraised at full marks on every manual and
    deduction leaf."""
    period = PeriodFactory(year=year)
    block = BlockFactory(code=block_code)
    criteria_set = criteria_set_from_document(period=period, block=block, document=criteria.departments(2022))
    leaves = [n for n in criteria_set.nodes.all() if not n.children.exists() and n.rule != "survey"]
    agencies = AgencyFactory.create_batch(agency_count, block=block)
    AssessmentItem.objects.bulk_create(
        AssessmentItem(
            agency=agency,
            node=leaf,
            appraised_input={"points": str(leaf.max_points)}
            if leaf.rule == "manual"
            else {"value": "0"}  # no events counted: full marks (no count at all would score 0)
            if leaf.rule == "deduction"
            else None,
        )
        for agency in agencies
        for leaf in leaves
    )
    return period, agencies


def queries_to_compute(period) -> tuple[int, int]:
    """(reads and other statements, inserts) that one computation sends."""
    with CaptureQueriesContext(connection) as context:
        period_compute(period=period)
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in context.captured_queries)
    return len(context.captured_queries) - inserts, inserts


def test_query_count_does_not_grow_with_agencies():
    """Computing 3 or 25 agencies reads in the same, bounded number of queries and writes in bulk."""
    small, _ = province(3, year=2022)
    few_reads, few_inserts = queries_to_compute(small)
    large_period, agencies = province(
        25, year=2021, block_code="ubnd-xa"
    )  # earlier year: neither has a previous period
    many_reads, many_inserts = queries_to_compute(large_period)
    assert many_reads == few_reads <= 15
    if connection.vendor == "postgresql":  # SQLite caps parameters per statement, so it splits bulk inserts
        # snapshot and agency results as INSERTs; node results by one COPY, which the query log doesn't see
        assert many_inserts == few_inserts == 2
    assert AgencyResult.objects.filter(snapshot__period=large_period).count() == 25
    leaves_and_parents = NodeResult.objects.filter(snapshot__period=large_period, agency=agencies[0]).count()
    assert NodeResult.objects.filter(snapshot__period=large_period).count() == 25 * leaves_and_parents > 0


def test_each_computation_is_a_new_snapshot_with_a_stable_fingerprint():
    """Recomputing unchanged inputs adds version 2 with the same fingerprint; a changed input changes it."""
    period, agencies = province(2)
    first = period_compute(period=period)
    second = period_compute(period=period)
    assert (first.version, second.version) == (1, 2)
    assert first.fingerprint == second.fingerprint and len(first.fingerprint) == 64
    item = AssessmentItem.objects.filter(agency=agencies[0], node__rule="manual").first()
    item.appraised_input = {"points": "0"}
    item.save()
    assert period_compute(period=period).fingerprint != first.fingerprint
    assert (
        NodeResult.objects.filter(snapshot=first).count()
        == NodeResult.objects.filter(snapshot=second).count()
    )


@pytest.mark.parametrize("stage", ["self", "appraised"])
def test_the_fingerprint_covers_the_inputs_of_every_published_stage(stage):
    """A snapshot publishes self-assessed and appraised points beside the final ones: a change of any
    stage's input is a change of the fingerprint, even when the final score stays the same."""
    period, agencies = province(2)
    item = AssessmentItem.objects.filter(agency=agencies[0], node__rule="manual").order_by("node__position")[
        0
    ]
    item.self_input = {"points": str(item.node.max_points)}
    item.reappraised_input = {"points": "0"}  # the final score: fixed whatever the earlier stages say
    item.save()
    first = period_compute(period=period)
    setattr(item, f"{stage}_input", {"points": "0"})
    item.save()
    second = period_compute(period=period)
    points = [
        snapshot.node_results.values_list(f"{stage}_points", "final_points").get(
            agency=agencies[0], node=item.node
        )
        for snapshot in (first, second)
    ]
    assert points[0][0] > points[1][0] == 0 and points[0][1] == points[1][1] == 0
    assert second.fingerprint != first.fingerprint


def test_compute_and_export_commands(capsys):
    """`compute_index` then `export_results` in JSON and CSV, with the documented keys."""
    period, agencies = province(2)
    call_command("compute_index", "--period", "2022")
    capsys.readouterr()
    call_command("export_results", "--period", "2022", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    keys = {
        "agency_code",
        "agency_name",
        "block",
        "points",
        "max_points",
        "index",
        "rank",
        "rank_change",
        "band",
        "head_class",
        "areas",
        "review_flags",
    }
    assert keys <= set(rows[0])
    assert rows[0]["index"].count(".") == 1 and len(rows[0]["index"].split(".")[1]) == 2
    assert set(rows[0]["areas"]) == {"1", "2", "3", "4", "5", "6", "7"}
    call_command("export_results", "--period", "2022", "--format", "csv", "--block", "so-nganh")
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["agency_code"] for r in table] == [r["agency_code"] for r in rows]


def test_export_without_results_is_refused():
    """Exporting a period that was never computed says what to run."""
    PeriodFactory(year=2022)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="compute_index"):
        call_command("export_results", "--period", "2022")


def test_stored_points_round_half_up():
    """10.40625 is stored as 10.4063 (half up, as published figures), not 10.4062 (banker's)."""
    from decimal import Decimal

    from scoring.services import _stored

    assert _stored(Decimal("10.40625")) == Decimal("10.4063")
    assert _stored(Decimal("2.00005")) == Decimal("2.0001")
