"""The assessment items' stored inputs of a period, as the computation reads them (one query); handed to
scoring.inputs when Django starts (AssessmentConfig.ready), since scoring may not import assessment."""

from __future__ import annotations

from collections import defaultdict

from agencies.models import Period

from .models import AssessmentItem


def period_item_inputs(period: Period) -> dict[int, dict[int, dict]]:
    """Agency id → node id → the item's applicability and each stage's input."""
    items: dict[int, dict[int, dict]] = defaultdict(dict)
    for item in AssessmentItem.objects.filter(node__criteria_set__period=period).values(
        "agency_id", "node_id", "applicable", "self_input", "appraised_input", "reappraised_input"
    ):
        items[item["agency_id"]][item["node_id"]] = item
    return items
