"""Writes for scoring: compute a period into a new result snapshot."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max

from agencies.models import Period

from . import engine
from .inputs import period_inputs
from .models import AgencyResult, NodeResult, ResultSnapshot

STORED = Decimal("0.0001")
EXACT = Decimal("0.000001")


def _stored(value: Decimal) -> Decimal:
    return value.quantize(STORED)


def period_compute(*, period: Period, acting_user=None) -> ResultSnapshot:
    """Computes every block of the period and stores the results as one new snapshot, atomically.

    Inputs are read in a fixed number of queries and results written in bulk, so the cost does not
    grow in queries with the number of agencies. A failure stores nothing and leaves earlier snapshots.
    """
    inputs = period_inputs(period)
    computed = []
    for block in inputs.blocks:
        by_stage = {
            stage: {
                r.key: r for r in (engine.compute_agency(block.tree, a) for a in block.stage_inputs[stage])
            }
            for stage in ("self", "appraised")
        }
        final = engine.compute_block(
            block.tree, block.rules, block.stage_inputs["final"], inputs.previous_ranks
        )
        computed.append((block, by_stage, final))

    with transaction.atomic():
        latest = ResultSnapshot.objects.select_for_update().filter(period=period).aggregate(Max("version"))
        snapshot = ResultSnapshot.objects.create(
            period=period,
            version=(latest["version__max"] or 0) + 1,
            created_by=acting_user,
            fingerprint=inputs.fingerprint,
            previous_snapshot=inputs.previous_snapshot,
        )
        agency_rows, node_rows = [], []
        for block, by_stage, final in computed:
            agencies = {agency.code: agency for agency in block.agencies}
            band_labels = {band.code: band.label for band in block.rules.bands}
            for result in final:
                agency = agencies[result.key]
                self_result = by_stage["self"][result.key]
                appraised_result = by_stage["appraised"][result.key]
                agency_rows.append(
                    AgencyResult(
                        snapshot=snapshot,
                        agency=agency,
                        block_id=agency.block_id,
                        points=_stored(result.points),
                        max_points=_stored(result.max_points),
                        exact_index=result.exact_index.quantize(EXACT),
                        index=result.index,
                        self_index=self_result.index,
                        rank=result.rank,
                        rank_change=result.rank_change,
                        band_code=result.band or "",
                        band_label=band_labels.get(result.band, ""),
                        head_class=result.head_class,
                        review_flags=list(result.review_flags),
                        area_indices={
                            k: None if v is None else str(v) for k, v in result.area_indices.items()
                        },
                    )
                )
                for code, score in result.nodes.items():
                    node_rows.append(
                        (
                            snapshot.id,
                            agency.id,
                            block.node_ids[code],
                            score.applicable,
                            _stored(score.applicable_max),
                            _stored(self_result.nodes[code].points),
                            _stored(appraised_result.nodes[code].points),
                            _stored(score.points),
                        )
                    )
        AgencyResult.objects.bulk_create(agency_rows, batch_size=1000)
        _node_results_store(node_rows)
    return snapshot


NODE_RESULT_COLUMNS = (
    "snapshot_id",
    "agency_id",
    "node_id",
    "applicable",
    "applicable_max",
    "self_points",
    "appraised_points",
    "final_points",
)


def _node_results_store(rows: list[tuple]) -> None:
    """Tens of thousands of rows per snapshot: COPY on PostgreSQL (about ten times faster than
    INSERT batches), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(NodeResult._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(NODE_RESULT_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    NodeResult.objects.bulk_create(
        (NodeResult(**dict(zip(NODE_RESULT_COLUMNS, row, strict=True))) for row in rows), batch_size=2000
    )
