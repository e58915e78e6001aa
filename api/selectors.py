"""The read API's querysets, every one narrowed by agencies.policy (the one policy): what a reader may
not see is absent from lists and a 404 on its own."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from agencies import policy
from agencies.models import Agency, Block, Period
from agencies.policy import Obj
from scoring.models import ComputeJob, CriteriaSet, ResultSnapshot, SnapshotDownload


def reader_audience(user) -> policy.Audience:
    return policy.audience(user)


def sees_every_snapshot(user) -> bool:
    """Staff and the council read computed (unpublished) snapshots in every state, as the results pages do."""
    return policy.may_use(reader_audience(user), Obj.SNAPSHOT)


def snapshots_for(user) -> QuerySet[ResultSnapshot]:
    snapshots = ResultSnapshot.objects.select_related("period")
    if sees_every_snapshot(user):
        return snapshots
    states = policy.readable_states(reader_audience(user), Obj.RESULTS)
    return snapshots.filter(is_published=True, period__state__in=states)


def periods_for(user) -> QuerySet[Period]:
    periods = Period.objects.prefetch_related("windows")
    if sees_every_snapshot(user):
        return periods
    states = policy.readable_states(reader_audience(user), Obj.RESULTS)
    published = ResultSnapshot.objects.filter(period=OuterRef("pk"), is_published=True)
    return periods.filter(Exists(published), state__in=states)


def criteria_sets_for(user) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(period__in=periods_for(user)).select_related("period", "block")


def blocks() -> QuerySet[Block]:
    return Block.objects.all()


def agencies() -> QuerySet[Agency]:
    """The official list is public (the public site names every ranked agency)."""
    return Agency.objects.select_related("block").prefetch_related(
        Prefetch("predecessors", queryset=Agency.objects.only("code"))
    )


def publications_for(user) -> QuerySet[ResultSnapshot]:
    """Published snapshots (everyone reads the same ones) with their open-data files' fingerprints."""
    states = policy.readable_states(reader_audience(user), Obj.PUBLISHED)
    return (
        ResultSnapshot.objects.filter(is_published=True, period__state__in=states)
        .select_related("period")
        .prefetch_related(Prefetch("downloads", queryset=SnapshotDownload.objects.defer("content")))
        .order_by("-published_at", "-pk")
    )


def latest_published(block_code: str) -> ResultSnapshot | None:
    """The latest published snapshot of the latest period whose results of the block are published."""
    states = policy.readable_states(policy.Audience.ANONYMOUS, Obj.PUBLISHED)
    return (
        ResultSnapshot.objects.filter(
            is_published=True, period__state__in=states, agency_results__block_code=block_code
        )
        .select_related("period")
        .order_by("-period__year", "-published_at", "-version")
        .first()
    )


def reads_compute_jobs(user) -> bool:
    return policy.may_use(reader_audience(user), Obj.COMPUTE)


def compute_jobs_for(user) -> QuerySet[ComputeJob]:
    if not reads_compute_jobs(user):
        return ComputeJob.objects.none()
    return ComputeJob.objects.select_related("period", "snapshot")
