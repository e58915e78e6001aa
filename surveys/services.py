"""Writes for surveys: turn the period's responses into the survey values the scoring engine reads."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from agencies.models import Period

from .models import Question, SurveyValue, SurveyValueSource
from .selectors import survey_leaf_values

STORED = Decimal("0.000001")
ZERO, ONE = Decimal(0), Decimal(1)
UPSERT_BATCH = 5000


def stored_value(value: Decimal) -> Decimal:
    """A survey value as stored: within 0…1, rounded half up to 6 decimals."""
    return min(max(value, ZERO), ONE).quantize(STORED, ROUND_HALF_UP)


@transaction.atomic
def survey_values_refresh(*, period: Period) -> int:
    """Writes the aggregated value (selectors.combine_group_means) of every agency × survey leaf of the
    period that has valid answers, and returns how many were written.

    Values entered by hand or imported are overrides and are kept; an aggregated value of a leaf the
    questionnaires score whose answers are gone is deleted. A fixed number of queries: two to aggregate,
    one to find overrides, one upsert per 5,000 values and one delete.
    """
    started = timezone.now()
    values = survey_leaf_values(period=period)
    overrides = set(
        SurveyValue.objects.filter(node__criteria_set__period=period)
        .exclude(source=SurveyValueSource.AGGREGATED)
        .values_list("agency_id", "node_id")
    )
    rows = [
        SurveyValue(
            agency_id=leaf.agency_id,
            node_id=leaf.node_id,
            value=stored_value(leaf.value),
            respondents=leaf.respondents,
            source=SurveyValueSource.AGGREGATED,
        )
        for key, leaf in sorted(values.items())
        if key not in overrides
    ]
    SurveyValue.objects.bulk_create(
        rows,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["agency", "node"],
        update_fields=["value", "respondents", "source", "updated_at"],
    )
    # Every row written above has updated_at ≥ started; an older aggregated value of a leaf the period's
    # questionnaires score has lost its answers. Leaves no question scores are not the responses' to clear.
    SurveyValue.objects.filter(
        node__in=Question.objects.filter(questionnaire__period=period, node__isnull=False).values("node_id"),
        source=SurveyValueSource.AGGREGATED,
        updated_at__lt=started,
    ).delete()
    return len(rows)


def sample_size(transactions: int, error: Decimal = Decimal("0.05")) -> int:
    """The planned count the national satisfaction survey proposes: n = N ÷ (1 + N·e²), rounded up
    (domain.md §5), N the number of transactions of the service in the period, e the allowed error."""
    if transactions <= 0:
        return 0
    n = Decimal(transactions) / (1 + Decimal(transactions) * error * error)
    return math.ceil(n)
