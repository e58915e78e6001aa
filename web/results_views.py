"""Staff results pages (Home Affairs, the secretariat lead, the council): rankings with filters and
charts, an agency's tree beside last period, comparisons of two snapshots; and Home Affairs' computation
and publication pages. Views check the permission, read through selectors, write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.models import Period, PeriodState
from agencies.workflow import transitions_available
from assessment.readiness import period_readiness
from scoring import selectors
from scoring.jobs import ComputeRefused, compute_job_start
from scoring.models import HeadClass
from scoring.services import (
    PUBLISH_NOT_APPROVED,
    PUBLISH_REASON_REQUIRED,
    PublicationRefused,
    snapshot_current_published,
    snapshot_publish,
)

from .charts import chart_labels

VIEW = "scoring.view_resultsnapshot"
COMPUTE = "scoring.compute_results"
PUBLISH = "scoring.publish_results"


def _version(request, name: str = "v") -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _period(period_code: str) -> Period:
    return get_object_or_404(Period, code=period_code)


def _period_context(request, period: Period, section: str) -> dict:
    return {
        "period": period,
        "section": section,
        "may_compute": request.user.has_perm(COMPUTE),
        "may_publish": request.user.has_perm(PUBLISH),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def ranking(request, period_code: str):
    period = _period(period_code)
    snapshot = selectors.snapshot_get(period, _version(request))
    context = _period_context(request, period, "ranking")
    if snapshot is None:
        if _version(request) is not None:
            raise Http404
        return render(request, "web/results/ranking.html", {**context, "snapshot": None})
    sets = selectors.period_criteria_sets(period)
    if not sets:
        raise Http404
    block_code = request.GET.get("khoi", "")
    criteria_set = next((s for s in sets if s.block.code == block_code), sets[0])
    ranking = selectors.block_ranking(snapshot, criteria_set, with_previous=True)
    sort = request.GET.get("sort", "rank")
    descending = request.GET.get("order") == "desc"
    filters = {
        "band": request.GET.get("band", ""),
        "head_class": request.GET.get("head", ""),
        "review": request.GET.get("review") == "1",
        "query": request.GET.get("q", ""),
    }
    rows = selectors.ranking_rows_sort(
        selectors.ranking_rows_filter(ranking.rows, **filters), ranking.areas, sort, descending
    )
    return render(
        request,
        "web/results/ranking.html",
        {
            **context,
            "snapshot": snapshot,
            "snapshots": selectors.snapshot_list(period),
            "sets": sets,
            "criteria_set": criteria_set,
            "ranking": ranking,
            "rows": rows,
            "sort": sort,
            "descending": descending,
            "filters": filters,
            "head_classes": HeadClass.choices,
            "chart_data": ranking.chart_data(),
            "chart_labels": chart_labels(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def agency(request, period_code: str, agency_code: str):
    period = _period(period_code)
    snapshot = selectors.snapshot_get(period, _version(request))
    if snapshot is None:
        raise Http404
    result = selectors.agency_result_get(snapshot, agency_code)
    if result is None:
        raise Http404
    report = selectors.agency_report(snapshot, result)
    means = selectors.block_area_means(snapshot, result.block_id)
    tier = selectors.band_tier(period, result.block_id, result.band_code)
    return render(
        request,
        "web/results/agency.html",
        {
            **_period_context(request, period, "ranking"),
            "snapshot": snapshot,
            "result": result,
            "report": report,
            "means": means,
            "tier": tier,
            "profile": selectors.area_profile(report, means, tier),
            "chart_labels": chart_labels(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def compare(request, period_code: str):
    period = _period(period_code)
    snapshots = selectors.snapshot_list(period)
    by_version = {s.version: s for s in snapshots}
    after = by_version.get(_version(request, "b")) or (snapshots[0] if snapshots else None)
    before = by_version.get(_version(request, "a"))
    if before is None and after is not None:
        before = next((s for s in snapshots if s.version < after.version), None)
    changes = selectors.snapshots_compare(before, after) if before and after else None
    return render(
        request,
        "web/results/compare.html",
        {
            **_period_context(request, period, "compare"),
            "snapshots": snapshots,
            "before": before,
            "after": after,
            "changes": changes,
        },
    )


@login_required
@permission_required(COMPUTE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def compute(request, period_code: str):
    """GET: the latest jobs and snapshots, with the Compute button. POST: queue a computation."""
    period = _period(period_code)
    if request.method == "POST":
        try:
            job = compute_job_start(period=period, acting_user=request.user)
        except ComputeRefused as refusal:
            messages.error(request, refusal.message)
        else:
            # Without a broker the job has already run: "queued" beside "done 100 %" would contradict it.
            job.refresh_from_db(fields=["status"])
            if job.is_active:
                messages.success(request, _("The computation is queued; its progress shows below."))
        return redirect("results:compute", period.code)
    return render(
        request,
        "web/results/compute.html",
        {
            **_period_context(request, period, "compute"),
            "job": selectors.compute_job_latest(period),
            "jobs": selectors.compute_job_list(period),
            "snapshots": selectors.snapshot_list(period),
        },
    )


@login_required
@permission_required(COMPUTE, raise_exception=True)
@require_GET
def job(request, period_code: str, job_id: int):
    """The progress bar alone, polled by htmx while the job is queued or running; once it has ended the
    page reloads to list the new version."""
    period = _period(period_code)
    job = get_object_or_404(period.compute_jobs.select_related("created_by", "snapshot"), pk=job_id)
    response = render(request, "web/results/_job.html", {"period": period, "job": job})
    if request.htmx and not job.is_active:
        response["HX-Refresh"] = "true"  # the page reloads once: new version listed, button enabled
    return response


@login_required
@permission_required(PUBLISH, raise_exception=True)
@require_http_methods(["GET", "POST"])
def publish(request, period_code: str):
    """Publish a snapshot of the approved period, or a correction (with its reason) of a published one.

    The form leads to a confirmation page listing what is not ready (assessment.readiness); only its
    confirmation publishes, and a first publication with gaps needs the reason for going ahead."""
    period = _period(period_code)
    if request.method == "POST":
        return _publish_post(request, period)
    current = snapshot_current_published(period)
    snapshots = selectors.snapshot_list(period)
    candidates = [
        s for s in snapshots if not s.is_published and (current is None or s.version > current.version)
    ]
    return render(
        request,
        "web/results/publish.html",
        {
            **_period_context(request, period, "publish"),
            "current": current,
            "snapshots": snapshots,
            "candidates": candidates,
            "is_correction": current is not None,
            "publishable": period.state in (PeriodState.APPROVED, PeriodState.PUBLISHED),
            "transitions": transitions_available(period=period, user=request.user),
        },
    )


def _publish_post(request, period: Period):
    version = request.POST.get("version", "")
    snapshot = period.snapshots.filter(version=int(version)).first() if version.isdigit() else None
    if snapshot is None:
        messages.error(request, _("Choose the computation to publish."))
        return redirect("results:publish", period.code)
    current = snapshot_current_published(period)
    is_correction = current is not None
    text = request.POST.get("reason", "").strip()  # the correction's reason, or the first publication's note
    if period.state not in (PeriodState.APPROVED, PeriodState.PUBLISHED):
        messages.error(request, PUBLISH_NOT_APPROVED)
        return redirect("results:publish", period.code)
    if is_correction and not text:
        messages.error(request, PUBLISH_REASON_REQUIRED)
        return redirect("results:publish", period.code)
    if request.POST.get("confirm") == "1":
        try:
            snapshot_publish(
                snapshot=snapshot,
                acting_user=request.user,
                reason=text if is_correction else "",
                note="" if is_correction else text,
                confirmed=True,
                override_reason=request.POST.get("override_reason", ""),
            )
        except PublicationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Version %(version)s is published.") % {"version": snapshot.version})
            return redirect("results:publish", period.code)
    state = period_readiness(period=period, name="publish", snapshot=snapshot)
    return render(
        request,
        "web/results/publish_confirm.html",
        {
            **_period_context(request, period, "publish"),
            "snapshot": snapshot,
            "current": current,
            "is_correction": is_correction,
            "text": text,
            "readiness": state,
            "reason_required": not is_correction and not state.ready,
            "override_reason": request.POST.get("override_reason", ""),
        },
    )
