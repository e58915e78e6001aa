"""Reads for scoring: results for pages, and the engine's inputs built in a bounded number of queries."""

from __future__ import annotations

from itertools import groupby

from agencies.models import Period

from .models import AgencyResult, ResultSnapshot


def latest_snapshot(period: Period) -> ResultSnapshot | None:
    return period.snapshots.order_by("-version").first()


def latest_results_by_block() -> list[dict]:
    """For each period with results, its latest snapshot's results grouped by block (2 queries + 1 per period)."""
    periods = []
    for period in Period.objects.order_by("-year"):
        snapshot = latest_snapshot(period)
        if snapshot is None:
            continue
        rows = AgencyResult.objects.filter(snapshot=snapshot).select_related("agency", "block")
        blocks = [
            {"block": block, "results": list(results)}
            for block, results in groupby(rows, key=lambda row: row.block)
        ]
        periods.append({"period": period, "snapshot": snapshot, "blocks": blocks})
    return periods
