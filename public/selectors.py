"""Reads for the public site: only published snapshots, in a bounded number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max

from agencies.models import Agency, Period
from scoring.models import AgencyRef, AgencyResult, ResultSnapshot, as_stored


@dataclass
class PublishedPeriod:
    period: Period
    versions: list[ResultSnapshot] = field(default_factory=list)  # published, oldest first

    @property
    def current(self) -> ResultSnapshot:
        return self.versions[-1]

    def version(self, version: int | None) -> ResultSnapshot | None:
        if version is None:
            return self.current
        return next((each for each in self.versions if each.version == version), None)

    @property
    def publications(self) -> list[tuple[int, ResultSnapshot]]:
        """(publication number, snapshot), newest first: 1 is the first publication, 2 its first correction."""
        return list(reversed(list(enumerate(self.versions, start=1))))


def publication_stamp() -> str:
    """Changes whenever something is published: the public pages' cache key and ETag build on it (1 query)."""
    stamp = ResultSnapshot.objects.filter(is_published=True).aggregate(
        last=Max("published_at"), count=Count("id")
    )
    return f"{stamp['count']}:{stamp['last'].isoformat() if stamp['last'] else '-'}"


def _published() -> list[ResultSnapshot]:
    return list(
        ResultSnapshot.objects.filter(is_published=True)
        .select_related("period")
        .order_by("-period__year", "period__code", "published_at", "version")
    )


def published_periods() -> list[PublishedPeriod]:
    """Every period with published results, latest year first (1 query)."""
    periods: dict[int, PublishedPeriod] = {}
    for snapshot in _published():
        periods.setdefault(snapshot.period_id, PublishedPeriod(snapshot.period)).versions.append(snapshot)
    return list(periods.values())


def published_period_get(period_code: str) -> PublishedPeriod | None:
    """The period with its published versions, or None when nothing of it is published (1 query)."""
    versions = list(
        ResultSnapshot.objects.filter(is_published=True, period__code=period_code)
        .select_related("period", "previous_snapshot__period")
        .order_by("published_at", "version")
    )
    if not versions:
        return None
    return PublishedPeriod(versions[0].period, versions)


def published_period_with_files(period_code: str) -> PublishedPeriod | None:
    """As published_period_get, with each version's open-data files (without their content): 2 queries."""
    from django.db.models import Prefetch

    from scoring.models import SnapshotDownload

    versions = list(
        ResultSnapshot.objects.filter(is_published=True, period__code=period_code)
        .select_related("period")
        .prefetch_related(
            Prefetch("downloads", queryset=SnapshotDownload.objects.defer("content").order_by("format"))
        )
        .order_by("published_at", "version")
    )
    return PublishedPeriod(versions[0].period, versions) if versions else None


def published_download(period_code: str, version: int, file_name: str):
    from scoring.models import SnapshotDownload

    return (
        SnapshotDownload.objects.filter(
            snapshot__is_published=True,
            snapshot__period__code=period_code,
            snapshot__version=version,
            file_name=file_name,
        )
        .select_related("snapshot")
        .first()
    )


@dataclass
class TrendPoint:
    period: Period
    snapshot: ResultSnapshot
    result: AgencyResult  # its agency as that snapshot stored it (as_stored)
    via: AgencyRef | None  # the predecessor whose result this is, for a merged or renamed agency


def agency_lineage(agency_id: int) -> tuple[list[Agency], list[Agency]]:
    """The agencies it was merged, split or renamed from, and those it became, as they are now: the
    agency's history across periods, not a published figure (2 queries)."""
    predecessors = Agency.objects.filter(successors=agency_id).order_by("name")
    return list(predecessors), list(Agency.objects.filter(predecessors=agency_id).order_by("name"))


def agency_trend(agency_id: int, predecessors: list[Agency]) -> list[TrendPoint]:
    """The agency's result in each period's current published snapshot, oldest first; a period before a
    merger or renaming shows its single predecessor's result (2 queries)."""
    current: dict[int, ResultSnapshot] = {}
    for snapshot in _published():
        current[snapshot.period_id] = snapshot  # ordered by publication: the last is current
    ids = [agency_id, *(p.id for p in predecessors)]
    results = defaultdict(dict)
    for result in as_stored(
        AgencyResult.objects.filter(snapshot__in=[s.id for s in current.values()], agency_id__in=ids)
    ):
        results[result.snapshot_id][result.agency_id] = result
    points = []
    for snapshot in sorted(current.values(), key=lambda s: (s.period.year, s.period.code)):
        found = results.get(snapshot.id, {})
        if agency_id in found:
            points.append(TrendPoint(snapshot.period, snapshot, found[agency_id], None))
        elif len(found) == 1:
            result = next(iter(found.values()))
            points.append(TrendPoint(snapshot.period, snapshot, result, result.agency))
    return points


def agency_published_periods(agencies: list[Agency]) -> dict[int, str]:
    """Agency id → code of the latest period where it has published results (for links; 1 query)."""
    out = {}
    for agency_id, code in (
        AgencyResult.objects.filter(snapshot__is_published=True, agency__in=agencies)
        .order_by("snapshot__period__year")
        .values_list("agency_id", "snapshot__period__code")
    ):
        out[agency_id] = code
    return out
