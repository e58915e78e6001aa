"""Staff results pages: who may see, compute and publish; rankings with filters, sorting and charts;
an agency's tree beside last period; comparisons; bounded query counts."""

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import PeriodState
from parindex.jobs import JobStatus
from scoring.models import ComputeJob, ResultSnapshot
from scoring.services import period_compute
from tests.factories import UserFactory
from tests.public.builders import (
    NOT_READY,
    approved_province,
    official,
    published,
    ranked_province,
    zero_one_leaf,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "home_affairs",
    "secretariat_lead",
    "appraiser",
    "council",
    "focal_point",
    "agency_head",
    "survey_operator",
]
READERS = {"home_affairs", "secretariat_lead", "council"}


@pytest.fixture
def world():
    period, agencies = approved_province(4)
    snapshot = period_compute(period=period)
    users = {
        role: UserFactory(
            username=f"u-{role}",
            role=role,
            agency=agencies[0] if role in ("focal_point", "agency_head") else None,
        )
        for role in ROLES
    }
    return period, agencies, snapshot, users


def staff_urls(period, agency, job=None):
    urls = {
        "ranking": (reverse("results:ranking", args=[period.code]), READERS),
        "agency": (reverse("results:agency", args=[period.code, agency.code]), READERS),
        "compare": (reverse("results:compare", args=[period.code]), READERS),
        "compute": (reverse("results:compute", args=[period.code]), {"home_affairs"}),
        "publish": (reverse("results:publish", args=[period.code]), {"home_affairs"}),
    }
    if job is not None:
        urls["job"] = (reverse("results:job", args=[period.code, job.pk]), {"home_affairs"})
    return urls


def test_the_permission_matrix(client, world):
    """Every page for every role: allowed roles get 200, others 403, anonymous visitors go to login."""
    period, agencies, _, users = world
    job = ComputeJob.objects.create(period=period, status=JobStatus.SUCCEEDED, progress=100)
    for name, (url, allowed) in staff_urls(period, agencies[0], job).items():
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], name
        for role, user in users.items():
            client.force_login(user)
            expected = 200 if role in allowed else 403
            assert client.get(url).status_code == expected, (name, role)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "home_affairs"])
def test_only_home_affairs_may_start_or_publish(client, world, role):
    period, _, snapshot, users = world
    client.force_login(users[role])
    assert client.post(reverse("results:compute", args=[period.code])).status_code == 403
    assert (
        client.post(reverse("results:publish", args=[period.code]), {"version": snapshot.version}).status_code
        == 403
    )
    assert not ComputeJob.objects.filter(period=period).exists()
    assert not ResultSnapshot.objects.filter(period=period, is_published=True).exists()


def test_the_compute_button_queues_a_job_and_the_bar_polls(client, world, django_capture_on_commit_callbacks):
    """POST queues (the eager worker runs it on commit); the page then shows the bar, finished at 100 %."""
    period, _, _, users = world
    client.force_login(users["home_affairs"])
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:compute", args=[period.code]))
    assert response.status_code == 302
    job = ComputeJob.objects.get(period=period)
    assert (
        job.status == JobStatus.SUCCEEDED
        and job.snapshot.version == 2
        and job.created_by == users["home_affairs"]
    )
    page = client.get(reverse("results:compute", args=[period.code])).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page and "hx-trigger" not in page
    assert 'id="compute-button"' in page


def test_a_running_job_is_polled_and_a_second_start_refused(client, world):
    period, _, _, users = world
    running = ComputeJob.objects.create(
        period=period, status=JobStatus.RUNNING, progress=40, stage="computing"
    )
    client.force_login(users["home_affairs"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("results:compute", args=[period.code])).content.decode()
    poll = reverse("results:job", args=[period.code, running.pk])
    assert f'hx-get="{poll}"' in page and 'hx-trigger="every 1s"' in page and 'aria-valuenow="40"' in page
    assert "disabled" in page
    response = client.post(reverse("results:compute", args=[period.code]), follow=True)
    with translation.override("en"):
        assert "already queued or running" in response.content.decode()
    assert ComputeJob.objects.filter(period=period).count() == 1
    ComputeJob.objects.filter(pk=running.pk).update(progress=70, stage="writing")
    partial = client.get(poll, HTTP_HX_REQUEST="true")
    assert 'aria-valuenow="70"' in partial.content.decode() and "<html" not in partial.content.decode()
    assert "hx-trigger" in partial.content.decode() and "HX-Refresh" not in partial
    ComputeJob.objects.filter(pk=running.pk).update(status=JobStatus.FAILED, message="Lỗi thử")
    ended = client.get(poll, HTTP_HX_REQUEST="true")
    assert ended["HX-Refresh"] == "true" and "hx-trigger" not in ended.content.decode()


def test_publishing_from_the_page(client, world):
    period, _, snapshot, users = world
    client.force_login(users["home_affairs"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("results:publish", args=[period.code])).content.decode()
    assert f'value="{snapshot.version}"' in page
    response = client.post(
        reverse("results:publish", args=[period.code]),
        {"version": snapshot.version, "confirm": "1", "override_reason": NOT_READY},
        follow=True,
    )
    snapshot.refresh_from_db()
    period.refresh_from_db()
    assert snapshot.is_published and period.state == PeriodState.PUBLISHED
    with translation.override("en"):
        assert "is published" in response.content.decode()
    # a correction without a reason is refused from the page as well
    newer = period_compute(period=period)
    response = client.post(
        reverse("results:publish", args=[period.code]), {"version": newer.version}, follow=True
    )
    newer.refresh_from_db()
    assert not newer.is_published
    with translation.override("en"):
        assert "state the reason" in response.content.decode()


def test_publishing_before_approval_is_refused_from_the_page(client):
    period, _ = ranked_province(2, state=PeriodState.COUNCIL)
    snapshot = period_compute(period=period)
    client.force_login(official())
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("results:publish", args=[period.code]), {"version": snapshot.version}, follow=True
    )
    with translation.override("en"):
        assert "only after the council has approved" in response.content.decode()
    snapshot.refresh_from_db()
    assert not snapshot.is_published


def test_ranking_filters_sorts_and_heat_maps(client, world):
    period, agencies, snapshot, users = world
    client.force_login(users["council"])
    url = reverse("results:ranking", args=[period.code])
    html = client.get(url).content.decode()
    assert html.count('<tr class="tier-') == 4 and "heat-" in html and 'id="chart-data"' in html
    by_rank = list(snapshot.agency_results.order_by("rank").values_list("agency__name", flat=True))
    positions = [html.index(name) for name in by_rank]
    assert positions == sorted(positions)
    html = client.get(url, {"sort": "index", "order": "asc"}).content.decode()
    positions = [html.index(name) for name in reversed(by_rank)]
    assert positions == sorted(positions) and 'aria-sort="ascending"' in html
    html = client.get(url, {"q": agencies[2].name}).content.decode()
    assert html.count('<tr class="tier-') == 1
    band = snapshot.agency_results.order_by("rank").first().band_code
    expected = snapshot.agency_results.filter(band_code=band).count()
    assert client.get(url, {"band": band}).content.decode().count('<tr class="tier-') == expected
    html = client.get(url, {"sort": "area-1", "order": "desc"}).content.decode()
    assert html.count('<tr class="tier-') == 4


def test_agency_page_shows_the_tree_beside_last_period(client):
    last, agencies = approved_province(3, year=2021)
    published(last)
    period, _ = approved_province(0)
    from assessment.models import AssessmentItem
    from scoring.models import CriteriaNode

    leaves = CriteriaNode.objects.filter(criteria_set__period=period, rule="manual")
    AssessmentItem.objects.bulk_create(
        AssessmentItem(agency=a, node=leaf, appraised_input={"points": str(leaf.max_points)})
        for a in agencies
        for leaf in leaves
    )
    snapshot = period_compute(period=period)
    client.force_login(official())
    html = client.get(reverse("results:agency", args=[period.code, agencies[2].code])).content.decode()
    nodes = CriteriaNode.objects.filter(criteria_set__period=period).count()
    assert html.count('class="tree-row"') == nodes
    assert last.name in html  # the previous period's column
    assert 'id="profile-data"' in html
    assert snapshot.agency_results.get(agency=agencies[2]).rank_change is not None


def test_comparison_names_the_changed_items(client, world):
    period, agencies, first, users = world
    code = zero_one_leaf(period, agencies[0])
    second = period_compute(period=period)
    client.force_login(users["home_affairs"])
    html = client.get(
        reverse("results:compare", args=[period.code]), {"a": first.version, "b": second.version}
    ).content.decode()
    assert agencies[0].name in html and f"<strong>{code}</strong>" in html
    assert agencies[3].name not in html.split('id="changes"')[1]  # unchanged agencies are not listed


def _ranking_queries(client, django_assert_max_num_queries, count, year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period, _ = ranked_province(count, year=year, block_code=f"khoi-{year}")
    period_compute(period=period)
    with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("results:ranking", args=[period.code]))
    assert response.content.decode().count('<tr class="tier-') == count
    return len(queries)


def test_staff_ranking_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """5 or 120 agencies: the same number of queries (measured: 14, with session and permissions)."""
    client.force_login(official())
    previous, _ = ranked_province(2, year=2020, block_code="khoi-2020")  # a previous period for both
    period_compute(period=previous)
    small = _ranking_queries(client, django_assert_max_num_queries, 5, 2021)
    large = _ranking_queries(client, django_assert_max_num_queries, 120, 2022)
    assert small == large


def test_agency_and_compare_pages_in_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    period, agencies, first, users = world
    zero_one_leaf(period, agencies[0])
    period_compute(period=period)
    client.force_login(users["home_affairs"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("results:agency", args=[period.code, agencies[0].code])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("results:compare", args=[period.code])).status_code == 200


def test_home_lists_unpublished_results_only_to_readers(client, world):
    period, agencies, _, users = world
    client.force_login(users["focal_point"])
    assert agencies[1].name not in client.get(reverse("results_index")).content.decode()
    client.force_login(users["council"])
    html = client.get(reverse("results_index")).content.decode()
    assert agencies[1].name in html and reverse("results:ranking", args=[period.code]) in html
