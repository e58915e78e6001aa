"""The read API (/api/v1/): the policy's scoping (a hidden snapshot is a 404), the export's fields,
filtering and paging, bounded queries, and machine clients' tokens (scope, revocation, last use, rate)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken, TokenScope
from scoring.exports import results_rows

pytestmark = pytest.mark.django_db


def results_url(snapshot):
    return reverse("api-v1:snapshot-results", args=[snapshot.period.code, snapshot.version])


def snapshot_url(snapshot):
    return reverse("api-v1:snapshot", args=[snapshot.period.code, snapshot.version])


def test_anonymous_reads_published_results_with_the_exports_fields(world):
    response = Client().get(results_url(world.published))
    assert response.status_code == 200
    body = response.json()
    expected = json.loads(json.dumps(results_rows(world.published)))
    assert body["count"] == len(expected) == 4
    assert body["results"] == expected


def test_an_unpublished_snapshot_is_hidden_from_the_public_and_agencies(world, as_user):
    for client in (Client(), as_user(world.focal)):
        assert client.get(snapshot_url(world.unpublished)).status_code == 404
        assert client.get(results_url(world.unpublished)).status_code == 404
        versions = [row["version"] for row in client.get(reverse("api-v1:snapshots")).json()["results"]]
        assert versions == [world.published.version]


def test_home_affairs_reads_the_unpublished_snapshot(world, as_user):
    client = as_user(world.home_affairs)
    assert client.get(results_url(world.unpublished)).status_code == 200
    listed = client.get(reverse("api-v1:snapshots"), {"published": "false"}).json()["results"]
    assert [row["version"] for row in listed] == [world.unpublished.version]


def test_read_all_token_reads_as_home_affairs_published_token_as_the_public(world, token_of):
    read_all = token_of(TokenScope.READ_ALL)
    public = token_of(TokenScope.PUBLISHED)
    url = results_url(world.unpublished)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {read_all}").status_code == 200
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {public}").status_code == 404
    assert (
        Client().get(results_url(world.published), HTTP_AUTHORIZATION=f"Bearer {public}").status_code == 200
    )


def test_a_token_records_its_last_use_and_stops_working_once_revoked(world, token_of, as_user):
    raw = token_of(TokenScope.READ_ALL)
    token = ApiToken.objects.get()
    assert token.last_used_at is None and raw not in token.key_hash
    assert Client().get(reverse("api-v1:periods"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = as_user(world.home_affairs).post(reverse("api-clients:list"), {"revoke": token.pk})
    assert page.status_code == 200
    token.refresh_from_db()
    assert token.revoked_by == world.home_affairs
    assert [h.history_change_reason for h in token.history.order_by("history_id")] == ["issued", "revoked"]
    response = Client().get(reverse("api-v1:periods"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert Client().get(reverse("api-v1:periods"), HTTP_AUTHORIZATION="Bearer pxi_guessed").status_code == 401


def test_a_token_is_limited_to_its_rate(world, token_of):
    raw = token_of(TokenScope.PUBLISHED, rate=3)
    statuses = [
        Client().get(reverse("api-v1:blocks"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_issue_page_shows_the_token_once_and_only_home_affairs_reaches_it(world, as_user):
    client = as_user(world.home_affairs)
    response = client.post(
        reverse("api-clients:list"), {"name": "Trung tâm IOC", "scope": "published", "rate_per_minute": 60}
    )
    assert response.status_code == 200
    raw = response.context["issued"]
    assert raw.startswith("pxi_") and raw in response.content.decode()
    again = client.get(reverse("api-clients:list")).content.decode()
    assert raw not in again and raw[:10] in again
    assert as_user(world.focal).get(reverse("api-clients:list")).status_code == 403
    assert as_user(world.focal).post(reverse("api-clients:list"), {"name": "x"}).status_code == 403
    assert ApiToken.objects.count() == 1


def test_latest_published_ranking_of_a_block(world):
    response = Client().get(reverse("api-v1:block-ranking", args=[world.block.code]))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["snapshot_version"] for row in rows} == {world.published.version}
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert Client().get(reverse("api-v1:block-ranking", args=["khong-co"])).status_code == 404


def test_criteria_document_is_the_files_format(world):
    from scoring.formats.store import criteria_set_to_document
    from scoring.models import CriteriaSet

    criteria_set = CriteriaSet.objects.get(period=world.period)
    url = reverse("api-v1:criteria-set", args=[world.period.code, criteria_set.block.code])
    body = Client().get(url).json()
    assert body["format"] == "parindex-criteria/1"
    assert body == json.loads(json.dumps(criteria_set_to_document(criteria_set)))


def test_periods_filter_and_agencies_list_predecessors(world):
    agency = world.agencies[1]
    agency.predecessors.add(world.agencies[0])
    periods = Client().get(reverse("api-v1:periods"), {"state": "published"}).json()["results"]
    assert [p["code"] for p in periods] == [world.period.code]
    assert Client().get(reverse("api-v1:periods"), {"state": "draft"}).json()["results"] == []
    one = Client().get(reverse("api-v1:agency", args=[agency.code])).json()
    assert one["predecessors"] == [world.agencies[0].code]
    page = Client().get(reverse("api-v1:agencies"), {"page_size": 2, "ordering": "code"}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]


def test_publications_carry_file_fingerprints(world):
    body = Client().get(reverse("api-v1:publications")).json()
    (publication,) = body["results"]
    assert publication["version"] == world.published.version
    files = {f["format"]: f for f in publication["files"]}
    stored = {d.format: d.sha256 for d in world.published.downloads.all()}
    assert {fmt: f["sha256"] for fmt, f in files.items()} == stored


def test_jobs_need_a_staff_reader(world, as_user, token_of):
    from scoring.jobs import compute_job_start

    job = compute_job_start(period=world.period, enqueue=False)
    url = reverse("api-v1:compute-job", args=[job.pk])
    assert Client().get(url).status_code in (401, 403)
    assert as_user(world.focal).get(url).status_code in (403, 404)
    assert as_user(world.focal).get(reverse("api-v1:compute-jobs")).status_code == 403
    assert as_user(world.home_affairs).get(url).json()["status"] == job.status
    read_all = token_of(TokenScope.READ_ALL)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {read_all}").status_code == 200


@pytest.mark.parametrize(
    "name", ["api-v1:agencies", "api-v1:publications", "api-v1:periods", "api-v1:snapshots"]
)
def test_list_queries_do_not_grow(world, as_user, django_assert_max_num_queries, name):
    client = as_user(world.home_affairs)
    client.get(reverse(name))  # session, caches warmed
    with django_assert_max_num_queries(6):
        assert client.get(reverse(name)).status_code == 200


def test_results_queries_are_bounded(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert Client().get(results_url(world.published)).status_code == 200


def test_the_api_docs_are_served_from_vendored_assets_without_inline_code(world, as_user):
    import re

    response = as_user(world.home_affairs).get(reverse("api-v1:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html
    assert all(tag.group(1) for tag in re.finditer(r"<script(?: src=\"([^\"]+)\")?", html))
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")
    script = re.search(r'<script src="([^"]+\?script=)"', html).group(1)
    assert as_user(world.home_affairs).get(script.replace("&amp;", "&")).status_code == 200
    assert Client().get(reverse("api-v1:docs")).status_code in (401, 403, 302)


def test_the_schema_describes_every_v1_operation_with_its_errors(world, token_of):
    raw = token_of(TokenScope.PUBLISHED)
    assert Client().get(reverse("api-v1:schema"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code in (
        401,
        403,
    )
    read_all = token_of(TokenScope.READ_ALL)
    response = Client().get(
        reverse("api-v1:schema"), {"format": "json"}, HTTP_AUTHORIZATION=f"Bearer {read_all}"
    )
    schema = json.loads(response.content)
    for path, operations in schema["paths"].items():
        if path.startswith(
            ("/api/v1/periods", "/api/v1/snapshots", "/api/v1/blocks", "/api/v1/publications")
        ):
            for method, operation in operations.items():
                success = "200" if method == "get" else {"200", "202"} & set(operation["responses"])
                assert success, path
                assert {"404", "429"} <= set(operation["responses"]), path
                if method == "post":  # the writes (api.writes): refusals with problems, conflicts
                    assert {"400", "401", "403", "409"} <= set(operation["responses"]), path
                    refusal = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
                    assert refusal.endswith("/WriteRefusal"), path
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_anonymous_clients_are_limited_by_address(world, monkeypatch):
    from api.auth import AnonymousRateThrottle

    monkeypatch.setattr(AnonymousRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    statuses = [Client().get(reverse("api-v1:blocks")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
