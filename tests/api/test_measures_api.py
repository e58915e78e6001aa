"""POST a file of measured data through the API (api.writes.PeriodMeasures): the page's service
(measures.jobs.measure_import_start), the page's policy, the page's job; refusals with problems."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from agencies.models import Period, PeriodState
from api.models import TokenScope
from api.services import api_token_issue
from assessment.models import AssessmentItem
from measures.models import MeasureImport, MeasureValue
from measures.services import NOT_PREVIEWED
from parindex.jobs import JobStatus
from tests.files.hostile import zip_bomb
from tests.measures.test_imports import GOOD, xlsx
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return self_assessment_world(measured=True)


def url(world) -> str:
    return reverse("api-v1:period-measures", args=[world.period.code])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(world, scope) -> Client:
    _token, raw = api_token_issue(
        name=f"Hệ thống {scope}", scope=scope, rate_per_minute=1000, acting_user=world.users["home_affairs"]
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def offer(client, world, content=None, name="so-lieu.xlsx"):
    data = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    return client.post(url(world), data)


def test_only_a_home_affairs_session_offers_measured_data(world):
    refused = {
        "anonymous": (Client(), 401),
        "published_token": (token_client(world, TokenScope.PUBLISHED), 403),
        "read_all_token": (token_client(world, TokenScope.READ_ALL), 403),
        "focal_point": (signed_in(world.users["focal"]), 403),
        "secretariat": (signed_in(world.users["lead"]), 403),
    }
    for who, (client, status) in refused.items():
        assert offer(client, world, xlsx(GOOD)).status_code == status, who
    assert not MeasureImport.objects.exists()


def test_home_affairs_offers_a_file_and_its_job_previews_it(world, django_capture_on_commit_callbacks):
    client = signed_in(world.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = offer(client, world, xlsx(GOOD))
    assert response.status_code == 202
    body = response.json()
    job = MeasureImport.objects.get()
    assert (body["kind"], body["id"]) == ("measure-imports", job.pk)
    assert (job.via, job.created_by, job.status) == ("api", world.users["home_affairs"], JobStatus.PREVIEWED)
    status = client.get(body["links"]["self"]).json()
    assert status["status"] == "previewed" and status["active"] is False


def test_a_frozen_period_is_a_conflict_and_a_missing_or_hostile_file_is_refused_with_problems(world):
    client = signed_in(world.users["home_affairs"])
    missing = offer(client, world)
    assert missing.status_code == 400
    assert missing.json()["problems"][0]["column"] == "file"
    bomb = offer(client, world, zip_bomb(20), "bom.xlsx")
    assert bomb.status_code == 400
    assert "20,0 MB" in bomb.json()["problems"][0]["message"]
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.APPROVED)
    frozen = offer(client, world, xlsx(GOOD))
    assert frozen.status_code == 409
    assert frozen.json()["problems"][0]["message"]
    assert not MeasureImport.objects.exists()


def test_the_page_and_the_api_keep_the_same_import(world, django_capture_on_commit_callbacks):
    client = signed_in(world.users["home_affairs"])
    page_url = reverse("measures:upload", args=[world.period.code])
    fields = ("status", "file_name", "sha256", "size", "created_by", "preview", "problem_list", "values")
    kept = []
    content = xlsx(GOOD)  # once: openpyxl stamps the second it saves, so two builds may differ
    for post in (
        lambda: client.post(page_url, {"file": SimpleUploadedFile("so-lieu.xlsx", content)}),
        lambda: offer(client, world, content),
    ):
        with transaction.atomic():
            with django_capture_on_commit_callbacks(execute=True):
                assert post().status_code in (302, 202)
            row = MeasureImport.objects.values(*fields, "via").get()
            history = list(MeasureImport.history.values_list("history_type", "history_user", "status"))
            kept.append(({f: row[f] for f in fields}, history, row["via"]))
            transaction.set_rollback(True)
    (page_row, page_history, page_via), (api_row, api_history, api_via) = kept
    assert page_row == api_row
    assert page_history == api_history  # the same audit entries
    assert (page_via, api_via) == ("page", "api")  # where it came from, told apart


def test_a_refused_files_rows_and_columns_come_with_its_job(world, django_capture_on_commit_callbacks):
    client = signed_in(world.users["home_affairs"])
    bad = [list(GOOD[0]), list(GOOD[1])]
    bad[1][0] = "khong-co-co-quan"  # an agency the period does not have
    with django_capture_on_commit_callbacks(execute=True):
        response = offer(client, world, xlsx(bad))
    assert response.status_code == 202
    status = client.get(response.json()["links"]["self"]).json()
    assert status["status"] == "refused"
    assert status["problems"], status
    assert status["problems"][0]["row"] == 3  # the header is row 1
    assert status["problems"][0]["column"].startswith("A")


def previewed(world, django_capture_on_commit_callbacks) -> MeasureImport:
    client = signed_in(world.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        assert offer(client, world, xlsx(GOOD)).status_code == 202
    return MeasureImport.objects.get(status=JobStatus.PREVIEWED)


def store_url(world, measure_import) -> str:
    return reverse("api-v1:period-measures-store", args=[world.period.code, measure_import.pk])


def test_only_a_home_affairs_session_stores_a_previewed_file(world, django_capture_on_commit_callbacks):
    measure_import = previewed(world, django_capture_on_commit_callbacks)
    refused = {
        "anonymous": (Client(), 401),
        "published_token": (token_client(world, TokenScope.PUBLISHED), 403),
        "read_all_token": (token_client(world, TokenScope.READ_ALL), 403),
        "focal_point": (signed_in(world.users["focal"]), 403),
        "secretariat": (signed_in(world.users["lead"]), 403),
    }
    for who, (client, code) in refused.items():
        assert client.post(store_url(world, measure_import)).status_code == code, who
    measure_import.refresh_from_db()
    assert measure_import.status == JobStatus.PREVIEWED and not MeasureValue.objects.exists()


def test_home_affairs_stores_once_then_a_conflict(world, django_capture_on_commit_callbacks):
    measure_import = previewed(world, django_capture_on_commit_callbacks)
    client = signed_in(world.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(store_url(world, measure_import))
    assert response.status_code == 202
    assert response.json()["id"] == measure_import.pk
    assert client.get(response.json()["links"]["self"]).json()["status"] == "stored"
    measure_import.refresh_from_db()
    assert (measure_import.status, measure_import.values) == (JobStatus.STORED, 4)
    assert measure_import.stored_by == world.users["home_affairs"]
    assert MeasureValue.objects.count() == 4
    again = client.post(store_url(world, measure_import))
    assert again.status_code == 409
    with translation.override("vi"):  # the request is read in the site's language
        assert again.json()["problems"][0]["message"] == str(NOT_PREVIEWED)


def test_an_unknown_file_or_another_periods_is_404_and_a_frozen_period_409(
    world, django_capture_on_commit_callbacks
):
    measure_import = previewed(world, django_capture_on_commit_callbacks)
    client = signed_in(world.users["home_affairs"])
    missing = reverse("api-v1:period-measures-store", args=[world.period.code, measure_import.pk + 1000])
    assert client.post(missing).status_code == 404
    other = reverse("api-v1:period-measures-store", args=["khong-co", measure_import.pk])
    assert client.post(other).status_code == 404
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.APPROVED)
    frozen = client.post(store_url(world, measure_import))
    assert frozen.status_code == 409 and frozen.json()["problems"][0]["message"]
    measure_import.refresh_from_db()
    assert measure_import.status == JobStatus.PREVIEWED and not MeasureValue.objects.exists()


def test_the_page_and_the_api_store_the_same_values_and_audit(world, django_capture_on_commit_callbacks):
    client = signed_in(world.users["home_affairs"])
    value_fields = (
        "agency__code",
        "node__code",
        "value",
        "source_document",
        "source_date",
        "measure_import__via",
    )
    kept = []
    for store in (
        lambda m: client.post(reverse("measures:confirm", args=[world.period.code, m.pk])),
        lambda m: client.post(store_url(world, m)),
    ):
        with transaction.atomic():
            measure_import = previewed(world, django_capture_on_commit_callbacks)
            with django_capture_on_commit_callbacks(execute=True):
                assert store(measure_import).status_code in (302, 202)
            values = sorted((row[:-1] for row in MeasureValue.objects.values_list(*value_fields)), key=str)
            history = sorted(
                MeasureValue.history.values_list("history_type", "history_user", "agency__code", "value"),
                key=str,
            )
            items = sorted(
                AssessmentItem.history.filter(history_change_reason__startswith="measured data").values_list(
                    "history_user", "appraised_input", "history_change_reason"
                ),
                key=str,
            )
            job = MeasureImport.objects.values("status", "values", "stored_by").get()
            job_history = list(MeasureImport.history.values_list("history_type", "history_user", "status"))
            kept.append((values, history, items, job, job_history))
            transaction.set_rollback(True)
    assert kept[0] == kept[1]
    assert kept[0][0] and kept[0][1] and kept[0][2]  # something was stored and audited
