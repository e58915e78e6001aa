"""The API's writes (api.writes): starting a computation and publishing a snapshot, only for a signed-in
session of a role that may, through the pages' services; refusals as 400 with problems, 403, 404, 409;
the page and the API write the same rows and the same audit entries."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from agencies.models import Period, PeriodTransition
from scoring.models import ComputeJob, ResultSnapshot, SnapshotDownload
from scoring.services import PUBLISH_ALREADY, PUBLISH_REASON_REQUIRED, period_compute
from tests.public.builders import NOT_READY, approved_province, official

pytestmark = pytest.mark.django_db


def compute_url(period) -> str:
    return reverse("api-v1:period-compute", args=[period.code])


def publish_url(snapshot) -> str:
    return reverse("api-v1:snapshot-publish", args=[snapshot.period.code, snapshot.version])


REFUSED = {  # who may not write, and how they are answered
    "anonymous": 401,
    "published_token": 403,
    "read_all_token": 403,
    "focal_point": 403,
    "secretariat": 403,
}


@pytest.mark.parametrize("reader", list(REFUSED))
def test_only_a_home_affairs_session_writes(reader, world, clients):
    client = clients[reader]
    correction = {"confirm": True, "reason": "Sửa sai sót"}
    before = (ComputeJob.objects.count(), ResultSnapshot.objects.filter(is_published=True).count())
    assert client.post(compute_url(world.period)).status_code == REFUSED[reader]
    response = client.post(publish_url(world.unpublished), correction, content_type="application/json")
    assert response.status_code == REFUSED[reader]
    assert (ComputeJob.objects.count(), ResultSnapshot.objects.filter(is_published=True).count()) == before


def test_home_affairs_starts_a_computation_and_a_second_start_is_a_conflict(world, clients):
    client = clients["home_affairs"]
    started = client.post(compute_url(world.period))
    assert started.status_code == 202
    body = started.json()
    job = ComputeJob.objects.get(pk=body["id"])
    assert (job.period_id, job.created_by_id) == (world.period.pk, world.home_affairs.pk)
    assert body["kind"] == "compute" and body["links"]["self"] == reverse("api-v1:compute-job", args=[job.pk])
    # The job is queued until the transaction commits (never here): a second start conflicts.
    again = client.post(compute_url(world.period))
    assert again.status_code == 409
    assert again.json()["problems"][0]["message"]
    assert ComputeJob.objects.filter(period=world.period).count() == 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_conflict_is_a_409_in_either_language(language, world, clients, settings):
    """The status follows the refusal, not the language it is worded in: the conflicts were once known by
    their text in the language active when the module was imported, so in the other language a second
    start or a second publication was answered 400."""
    client = clients["home_affairs"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    correction = {"confirm": True, "reason": "Sửa điểm tiêu chí 2.1"}
    assert client.post(compute_url(world.period)).status_code == 202
    assert client.post(compute_url(world.period)).status_code == 409
    first = client.post(publish_url(world.unpublished), correction, content_type="application/json")
    assert first.status_code == 200
    again = client.post(publish_url(world.unpublished), correction, content_type="application/json")
    assert again.status_code == 409
    with translation.override(language):
        assert again.json()["detail"] == str(PUBLISH_ALREADY)


def test_a_published_period_may_be_computed_again(world, clients):
    """The policy lets Home Affairs compute in every state (a correction needs a new computation)."""
    assert world.period.state == "published"
    assert clients["home_affairs"].post(compute_url(world.period)).status_code == 202


def test_an_absent_period_or_snapshot_is_a_404(world, clients):
    client = clients["home_affairs"]
    assert client.post(reverse("api-v1:period-compute", args=["1999"])).status_code == 404
    absent = reverse("api-v1:snapshot-publish", args=[world.period.code, 99])
    assert client.post(absent, {"confirm": True}, content_type="application/json").status_code == 404


def test_publishing_twice_is_a_conflict(world, clients):
    client = clients["home_affairs"]
    correction = {"confirm": True, "reason": "Sửa điểm tiêu chí 2.1"}
    first = client.post(publish_url(world.unpublished), correction, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["is_published"] is True
    assert first.json()["correction_reason"] == "Sửa điểm tiêu chí 2.1"
    second = client.post(publish_url(world.unpublished), correction, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["detail"] == str(PUBLISH_ALREADY)


def test_a_correction_without_reason_or_confirmation_is_refused_with_problems(world, clients):
    client = clients["home_affairs"]
    no_reason = client.post(
        publish_url(world.unpublished), {"confirm": True}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["problems"] == [
        {"row": None, "column": "reason", "message": str(PUBLISH_REASON_REQUIRED)}
    ]
    unconfirmed = client.post(
        publish_url(world.unpublished), {"reason": "Sửa"}, content_type="application/json"
    )
    assert unconfirmed.status_code == 400
    assert unconfirmed.json()["problems"][0]["column"] == "confirm"
    not_boolean = client.post(
        publish_url(world.unpublished), {"confirm": "perhaps"}, content_type="application/json"
    )
    assert not_boolean.status_code == 400
    assert not_boolean.json()["problems"][0]["column"] == "confirm"
    assert not ResultSnapshot.objects.get(pk=world.unpublished.pk).is_published


def written(period: Period) -> dict:
    """What a publication or a computation leaves, without ids and times (nor the files' sizes: they
    carry the publication's time)."""
    return {
        "snapshots": list(
            ResultSnapshot.objects.filter(period=period)
            .order_by("version")
            .values_list("version", "is_published", "published_by", "publication_note", "correction_reason")
        ),
        "files": sorted(
            SnapshotDownload.objects.filter(snapshot__period=period).values_list("format", "file_name")
        ),
        "transitions": list(
            PeriodTransition.objects.filter(period=period)
            .order_by("pk")
            .values_list("name", "source", "target", "by", "comment", "override_reason")
        ),
        "jobs": list(ComputeJob.objects.filter(period=period).values_list("status", "created_by", "stage")),
        "state": Period.objects.get(pk=period.pk).state,
    }


def both_paths(page, api) -> tuple[dict, dict]:
    """Runs each path on the same rows (each rolled back) and returns what each wrote."""
    results = []
    for write in (page, api):
        with transaction.atomic():
            results.append(write())
            transaction.set_rollback(True)
    return results[0], results[1]


def test_the_page_and_the_api_publish_the_same_rows_and_audit_entries(db, as_user):
    period, _agencies = approved_province(3, year=2023)
    home_affairs = official("noivu2")
    snapshot = period_compute(period=period)
    client = as_user(home_affairs)
    form = {
        "version": snapshot.version,
        "reason": "Công bố kết quả",
        "confirm": "1",
        "override_reason": NOT_READY,
    }
    body = {"note": "Công bố kết quả", "confirm": True, "override_reason": NOT_READY}

    def page():
        assert client.post(reverse("results:publish", args=[period.code]), form).status_code == 302
        return written(period)

    def api():
        assert client.post(publish_url(snapshot), body, content_type="application/json").status_code == 200
        return written(period)

    by_page, by_api = both_paths(page, api)
    assert by_page == by_api
    assert by_api["state"] == "published"
    assert by_api["transitions"][-1][:4] == ("publish", "approved", "published", home_affairs.pk)
    assert by_api["snapshots"][-1][1:4] == (True, home_affairs.pk, "Công bố kết quả")


def test_the_page_and_the_api_start_the_same_computation(world, as_user):
    client = as_user(world.home_affairs)

    def page():
        assert client.post(reverse("results:compute", args=[world.period.code])).status_code == 302
        return written(world.period)

    def api():
        assert client.post(compute_url(world.period)).status_code == 202
        return written(world.period)

    by_page, by_api = both_paths(page, api)
    assert by_page == by_api
    assert by_api["jobs"] == [("queued", world.home_affairs.pk, "waiting")]
