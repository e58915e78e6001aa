"""Results worlds for the results, publication and public-site tests: computed and published through the
services themselves."""

from __future__ import annotations

from decimal import Decimal

from agencies.models import PeriodState
from assessment.models import AssessmentItem
from scoring.models import ResultSnapshot
from scoring.services import period_compute, snapshot_publish
from tests.factories import UserFactory
from tests.scoring.test_compute import province


def ranked_province(agency_count: int = 5, *, year: int = 2022, block_code: str = "so-nganh", state=None):
    """`province` with distinct indices: agency i loses the points of its first i manual leaves."""
    period, agencies = province(agency_count, year=year, block_code=block_code)
    if state is not None:
        period.state = state
        period.save(update_fields=["state"])
    manual = list(
        AssessmentItem.objects.filter(node__criteria_set__period=period, node__rule="manual")
        .select_related("node")
        .order_by("agency_id", "node__position", "node_id")
    )
    by_agency: dict[int, list[AssessmentItem]] = {}
    for item in manual:
        by_agency.setdefault(item.agency_id, []).append(item)
    changed = []
    for position, agency in enumerate(agencies):
        for item in by_agency[agency.id][:position]:
            item.appraised_input = {"points": "0"}
            changed.append(item)
    AssessmentItem.objects.bulk_update(changed, ["appraised_input"])
    return period, agencies


# The test province has no survey values and its measured leaves no input: publishing it is never ready.
NOT_READY = "Tỉnh thử nghiệm: chưa có khảo sát"


def official(username: str = "noivu", role: str = "home_affairs"):
    return UserFactory(username=username, role=role)


def published(period, user=None, *, reason: str = "") -> ResultSnapshot:
    """Computes the period and publishes the new snapshot (the period must be approved or published)."""
    snapshot = period_compute(period=period)
    return snapshot_publish(
        snapshot=snapshot,
        acting_user=user or official(),
        reason=reason,
        confirmed=True,
        override_reason=NOT_READY,
    )


def approved_province(agency_count: int = 5, **kwargs):
    return ranked_province(agency_count, state=PeriodState.APPROVED, **kwargs)


def zero_one_leaf(period, agency):
    """Changes one appraised leaf of the agency to 0 (a correction's cause); returns the leaf code."""
    item = (
        AssessmentItem.objects.filter(node__criteria_set__period=period, node__rule="manual", agency=agency)
        .exclude(appraised_input={"points": "0"})
        .select_related("node")
        .order_by("-node__max_points", "node_id")
        .first()
    )
    item.appraised_input = {"points": "0"}
    item.save()
    return item.node.code


def index_of(snapshot, agency) -> Decimal:
    return snapshot.agency_results.get(agency=agency).index
