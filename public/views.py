"""The public results site (no login): published results only, Vietnamese first. Every page is a GET
served through the publication-keyed cache; anything unpublished is a 404."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_safe

from scoring import selectors as results
from web.charts import chart_labels

from . import selectors
from .caching import FILE_MAX_AGE, published_page
from .method import rule_description


def _version(request) -> int | None:
    value = request.GET.get("v", "")
    return int(value) if value.isdigit() else None


def _published(period_code: str, request=None) -> tuple:
    period = selectors.published_period_get(period_code)
    if period is None:
        raise Http404
    snapshot = period.version(_version(request) if request else None)
    if snapshot is None:
        raise Http404
    return period, snapshot


@require_safe
@published_page
def index(request):
    periods = selectors.published_periods()
    return render(request, "public/index.html", {"periods": periods})


@require_safe
@published_page
def ranking(request, period_code: str, block_code: str | None = None):
    published, snapshot = _published(period_code, request)
    stored = results.snapshot_blocks(snapshot)  # the blocks' names, codes and order as published
    tabs = sorted(
        (
            (s, stored[s.block_id])
            for s in results.period_criteria_sets(published.period)
            if s.block_id in stored
        ),
        key=lambda tab: (tab[1].position, tab[1].code),
    )
    if block_code:
        criteria_set = next((s for s, block in tabs if block.code == block_code), None)
    else:
        criteria_set = tabs[0][0] if tabs else None
    if criteria_set is None:
        raise Http404
    ranking = results.block_ranking(snapshot, criteria_set, with_previous=True)
    if not ranking.rows:
        raise Http404
    return render(
        request,
        "public/ranking.html",
        {
            "published": published,
            "period": published.period,
            "snapshot": snapshot,
            "is_current": snapshot == published.current,
            "tabs": tabs,
            "ranking": ranking,
            "chart_data": ranking.chart_data(),
            "chart_labels": chart_labels(),
        },
    )


@require_safe
@published_page
def agency(request, period_code: str, agency_code: str):
    published, snapshot = _published(period_code, request)
    result = results.agency_result_get(snapshot, agency_code)
    if result is None:
        raise Http404
    report = results.agency_report(snapshot, result)
    predecessors, successors = selectors.agency_lineage(result.agency_id)
    trend = selectors.agency_trend(result.agency_id, predecessors)
    linked = selectors.agency_published_periods([*predecessors, *successors])
    means = results.block_area_means(snapshot, result.block_id)
    profile = results.area_profile(
        report, means, results.band_tier(published.period, result.block_id, result.band_code)
    )
    return render(
        request,
        "public/agency.html",
        {
            "published": published,
            "period": published.period,
            "snapshot": snapshot,
            "result": result,
            "report": report,
            "areas": [row for row in report.rows if row.node.is_area],
            "means": means,
            "trend": trend,
            "predecessors": [(a, linked.get(a.id)) for a in predecessors],
            "successors": [(a, linked.get(a.id)) for a in successors],
            "profile": profile,
            "trend_data": {
                "points": [
                    {"period": p.period.name, "index": float(p.result.index), "rank": p.result.rank}
                    for p in trend
                ]
            },
            "tier": profile["tier"],
            "chart_labels": chart_labels(),
        },
    )


@require_safe
@published_page
def data(request, period_code: str):
    published = selectors.published_period_with_files(period_code)
    if published is None:
        raise Http404
    return render(request, "public/data.html", {"published": published, "period": published.period})


@require_safe
def download(request, period_code: str, version: int, file_name: str):
    """A published file, exactly as stored at publication (its SHA-256 is on the data page)."""
    download = selectors.published_download(period_code, version, file_name)
    if download is None:
        raise Http404
    etag = f'"{download.sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(download.content), content_type=download.media_type)
        response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    response["ETag"] = etag
    response["X-Content-SHA256"] = download.sha256
    response["Cache-Control"] = f"public, max-age={FILE_MAX_AGE}, immutable"
    return response


@require_safe
@published_page
def method(request, period_code: str):
    published = selectors.published_period_get(period_code)
    if published is None:
        raise Http404
    blocks = results.method_blocks(published.period)
    for block in blocks:
        block.rows = [(node, depth, parent, rule_description(node)) for node, depth, parent in block.rows]
    return render(
        request, "public/method.html", {"published": published, "period": published.period, "blocks": blocks}
    )


@require_safe
@published_page
def dictionary(request):
    return render(request, "public/dictionary.html", {})


@require_GET
def language(request, code: str):
    """Switches the language with a plain link (no form, so public pages carry no CSRF token and cache)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("public:index")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax", path="/"
    )
    return response
