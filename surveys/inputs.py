"""The survey values of a period, as the computation reads them (one query); handed to scoring.inputs
when Django starts (SurveysConfig.ready), since scoring may not import surveys."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from agencies.models import Period

from .models import SurveyValue


def period_survey_values(period: Period) -> dict[int, dict[int, Decimal]]:
    """Agency id → survey leaf's node id → its value."""
    survey: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for agency_id, node_id, value in SurveyValue.objects.filter(
        node__criteria_set__period=period
    ).values_list("agency_id", "node_id", "value"):
        survey[agency_id][node_id] = value
    return survey
