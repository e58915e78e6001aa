"""The public site: no login, published data only, Vietnamese first, cacheable, bounded queries."""

import hashlib

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from agencies.models import PeriodState
from scoring.models import DownloadFormat
from scoring.services import period_compute, snapshot_publish
from tests.public.builders import (
    NOT_READY,
    approved_province,
    official,
    published,
    ranked_province,
    zero_one_leaf,
)

pytestmark = pytest.mark.django_db


def urls_of(period, snapshot, agency):
    downloads = [
        reverse("public:download", args=[period.code, snapshot.version, d.file_name])
        for d in snapshot.downloads.all()
    ]
    return [
        reverse("public:ranking", args=[period.code]),
        reverse("public:block", args=[period.code, agency.block.code]),
        reverse("public:agency", args=[period.code, agency.code]),
        reverse("public:data", args=[period.code]),
        reverse("public:method", args=[period.code]),
        *downloads,
    ]


def test_every_page_opens_without_login(client):
    period, agencies = approved_province(4)
    snapshot = published(period)
    for url in [
        reverse("public:index"),
        reverse("public:dictionary"),
        *urls_of(period, snapshot, agencies[0]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_unpublished_results_are_not_found(client):
    """Computed, even approved, but not published: every public URL is a 404 and the index lists nothing."""
    period, agencies = approved_province(3)
    snapshot = period_compute(period=period)
    for url in [
        reverse("public:ranking", args=[period.code]),
        reverse("public:block", args=[period.code, agencies[0].block.code]),
        reverse("public:agency", args=[period.code, agencies[0].code]),
        reverse("public:data", args=[period.code]),
        reverse("public:method", args=[period.code]),
        reverse("public:download", args=[period.code, snapshot.version, "chi-so-cchc-2022-v1.json"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert period.name not in client.get(reverse("public:index")).content.decode()


def test_only_the_published_version_is_shown(client):
    """A later computation that is not published changes nothing on the public pages."""
    period, agencies = approved_province(3)
    first = published(period)
    zero_one_leaf(period, agencies[0])
    later = period_compute(period=period)
    assert (
        later.agency_results.get(agency=agencies[0]).index
        != first.agency_results.get(agency=agencies[0]).index
    )
    html = client.get(reverse("public:agency", args=[period.code, agencies[0].code])).content.decode()
    from web.templatetags.parindex import vi_number

    assert vi_number(first.agency_results.get(agency=agencies[0]).index) in html
    assert vi_number(later.agency_results.get(agency=agencies[0]).index) not in html
    assert (
        client.get(reverse("public:ranking", args=[period.code]) + f"?v={later.version}").status_code == 404
    )
    download = reverse(
        "public:download", args=[period.code, later.version, f"chi-so-cchc-2022-v{later.version}.json"]
    )
    assert client.get(download).status_code == 404


def test_vietnamese_first_english_on_request(client):
    period, _ = approved_province(3)
    published(period)
    url = reverse("public:ranking", args=[period.code])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response["Content-Language"] == "vi" and '<html lang="vi">' in html
    assert "Xếp hạng" in html
    switch = client.get(reverse("public:language", args=["en"]) + f"?next={url}")
    assert switch.status_code == 302 and switch["Location"] == url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get(url)
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    with translation.override("en"):
        assert "Rank change" in english.content.decode()


def test_the_language_switch_goes_nowhere_else(client):
    response = client.get(reverse("public:language", args=["en"]) + "?next=https://example.org/")
    assert response["Location"] == reverse("public:index")
    assert client.get(reverse("public:language", args=["fr"])).status_code == 404


def test_ranking_shows_the_snapshot(client):
    """Rows in rank order with index 90,30-style numbers, band, head class and heat-mapped areas."""
    period, agencies = approved_province(4)
    snapshot = published(period)
    html = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    results = list(snapshot.agency_results.select_related("agency").order_by("rank"))
    positions = [html.index(r.agency.name) for r in results]
    assert positions == sorted(positions)
    from web.templatetags.parindex import vi_number

    for result in results:
        assert vi_number(result.index) in html
    assert "heat-" in html and "<caption>" in html and 'scope="col"' in html
    assert 'id="chart-data"' in html and "chartjs/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    assert snapshot.fingerprint in html


def test_downloads_are_the_stored_files_with_their_digest(client):
    """Each download is byte for byte the stored file, its SHA-256 is on the data page and in the headers."""
    period, agencies = approved_province(3)
    snapshot = published(period)
    data_page = client.get(reverse("public:data", args=[period.code])).content.decode()
    for download in snapshot.downloads.all():
        response = client.get(
            reverse("public:download", args=[period.code, snapshot.version, download.file_name])
        )
        body = response.content
        assert body == bytes(download.content)
        digest = hashlib.sha256(body).hexdigest()
        assert digest == download.sha256 == response["X-Content-SHA256"]
        assert response["ETag"] == f'"{digest}"' and "immutable" in response["Cache-Control"]
        assert digest in data_page and download.file_name in data_page
        assert "attachment" in response["Content-Disposition"]
    assert {d.format for d in snapshot.downloads.all()} == set(DownloadFormat.values)
    again = client.get(
        reverse(
            "public:download", args=[period.code, snapshot.version, snapshot.downloads.first().file_name]
        ),
        HTTP_IF_NONE_MATCH=f'"{snapshot.downloads.first().sha256}"',
    )
    assert again.status_code == 304


def test_the_version_history_shows_corrections(client):
    period, agencies = approved_province(3)
    first = published(period)
    zero_one_leaf(period, agencies[0])
    corrected = snapshot_publish(
        snapshot=period_compute(period=period),
        acting_user=official("noivu2"),
        reason="Sửa điểm tiêu chí của Cơ quan",
        confirmed=True,
        override_reason=NOT_READY,
    )
    html = client.get(reverse("public:data", args=[period.code])).content.decode()
    assert "Sửa điểm tiêu chí của Cơ quan" in html
    assert first.fingerprint in html and corrected.fingerprint in html
    for snapshot in (first, corrected):
        for download in snapshot.downloads.all():
            assert download.sha256 in html
    ranking = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    assert "Sửa điểm tiêu chí của Cơ quan" in ranking
    older = client.get(reverse("public:ranking", args=[period.code]) + f"?v={first.version}")
    assert older.status_code == 200 and first.fingerprint in older.content.decode()


def test_pages_are_cached_with_an_etag_until_the_next_publication(client, django_assert_num_queries):
    period, agencies = approved_province(3)
    published(period)
    url = reverse("public:ranking", args=[period.code])
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert "Cookie" in first["Vary"] and first["ETag"]
    with django_assert_num_queries(1):  # the publication stamp only
        cached = client.get(url)
    assert cached.content == first.content
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    zero_one_leaf(period, agencies[1])
    snapshot_publish(
        snapshot=period_compute(period=period),
        acting_user=official("noivu2"),
        reason="Đính chính",
        confirmed=True,
        override_reason=NOT_READY,
    )
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (
        after.status_code == 200 and after["ETag"] != first["ETag"] and "Đính chính" in after.content.decode()
    )


def test_public_pages_carry_no_csrf_token_or_session(client):
    """Nothing per visitor in the HTML, so the cached page is the same for everyone."""
    period, _ = approved_province(2)
    published(period)
    response = client.get(reverse("public:ranking", args=[period.code]))
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies


def test_nothing_public_accepts_a_write(client):
    """POST, PUT and DELETE are refused on every public URL."""
    period, agencies = approved_province(2)
    snapshot = published(period)
    for url in urls_of(period, snapshot, agencies[0]):
        for method in (client.post, client.put, client.delete):
            assert method(url).status_code == 405, url
    snapshot.refresh_from_db()
    assert snapshot.is_published


def _published_year(count, year):
    period, agencies = ranked_province(
        count, state=PeriodState.APPROVED, year=year, block_code=f"khoi-{year}"
    )
    return period, published(period)


def test_ranking_of_200_agencies_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """The query count does not grow with the number of agencies: 5 or 200 rows, the same 8 queries."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _published_year(3, 2021)  # both measured years have a previous period to compare with
    counts = {}
    for count, year in ((5, 2022), (200, 2023)):
        period, _ = _published_year(count, year)
        cache.clear()
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("public:ranking", args=[period.code]))
        assert response.status_code == 200
        assert response.content.decode().count('<tr class="tier-') == count
        counts[count] = len(queries)
    assert counts[5] == counts[200]


def test_agency_page_with_area_indices_trend_and_predecessors(client):
    """The agency's areas, its trend over published years (through a renamed predecessor) and the link."""
    last, old_agencies = approved_province(3, year=2021)
    published(last)
    period, _ = approved_province(0)
    renamed = old_agencies[0]
    from assessment.models import AssessmentItem
    from scoring.models import CriteriaNode
    from tests.factories import AgencyFactory

    successor = AgencyFactory(block=renamed.block, code="so-moi", name="Sở Mới (hợp nhất)")
    successor.predecessors.add(renamed)
    renamed.active_to = period.starts_on.replace(year=2021, month=12, day=31)
    renamed.save()
    leaves = CriteriaNode.objects.filter(criteria_set__period=period, rule="manual")
    AssessmentItem.objects.bulk_create(
        AssessmentItem(agency=agency, node=leaf, appraised_input={"points": str(leaf.max_points)})
        for agency in [successor, *old_agencies[1:]]
        for leaf in leaves
    )
    current = published(period)
    html = client.get(reverse("public:agency", args=[period.code, successor.code])).content.decode()
    assert renamed.name in html and reverse("public:agency", args=[last.code, renamed.code]) in html
    assert last.name in html and period.name in html  # the trend's two years
    assert current.agency_results.get(agency=successor).rank_change is not None
    assert 'id="trend-data"' in html and 'id="profile-data"' in html
    old_page = client.get(reverse("public:agency", args=[last.code, renamed.code])).content.decode()
    assert successor.name in old_page


def test_method_page_is_generated_from_the_criteria(client):
    period, _ = approved_province(2)
    published(period)
    from scoring.models import Band, CriteriaNode

    html = client.get(reverse("public:method", args=[period.code])).content.decode()
    for node in CriteriaNode.objects.filter(criteria_set__period=period, parent__isnull=True):
        assert node.title in html
    for band in Band.objects.filter(criteria_set__period=period):
        assert band.label in html
    assert "0,25" in html  # a manual step, Vietnamese style


def test_the_index_lists_published_periods(client):
    period, _ = approved_province(2)
    published(period)
    html = client.get(reverse("public:index")).content.decode()
    assert period.name in html and reverse("public:ranking", args=[period.code]) in html


def test_other_public_pages_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """Agency 14, data 3, method 7, index 2 queries (measured with 5 and 200 agencies alike)."""
    period, agencies = approved_province(5)
    published(period)
    for url, budget in (
        (reverse("public:agency", args=[period.code, agencies[0].code]), 14),
        (reverse("public:data", args=[period.code]), 3),
        (reverse("public:method", args=[period.code]), 7),
        (reverse("public:index"), 2),
    ):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_a_criterion_not_applicable_shows_no_points_on_the_agency_page(client):
    """A node not applicable to the agency scores nothing and leaves the max: its row reads "—" in the
    points columns, as the A/B tables leave them blank, never 0,00 as if scored zero."""
    import re

    from assessment.models import AssessmentItem

    period, agencies = approved_province(2)
    item = (
        AssessmentItem.objects.filter(agency=agencies[0], node__rule="manual")
        .select_related("node")
        .order_by("node__position")
        .first()
    )
    item.applicable = False
    item.save()
    published(period)
    public = client.get(reverse("public:agency", args=[period.code, agencies[0].code]))
    client.force_login(official())
    staff = client.get(reverse("results:agency", args=[period.code, agencies[0].code]))
    for page in (public, staff):
        html = page.content.decode()
        row = re.search(rf"<td>{re.escape(item.node.code)}</td>.*?</tr>", html, re.S).group(0)
        cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
        assert cells[1:4] == ["—", "—", "—"], cells  # self-assessed, appraised, final; the max is shown
