"""The page's upload of measured data runs as a background job (issue 11): the request measures the file's
envelope only (refusing a zip bomb or an oversized file at once, nothing stored) and queues the check;
the job reads every row and records the preview or the problems; the page polls it."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from measures.models import MeasureImport, MeasureValue
from measures.services import measures_import
from measures.tasks import check_measures, store_measures
from parindex.jobs import JobStatus
from tests.files.hostile import zip_bomb
from tests.measures.test_imports import GOOD, SOURCE, csv_bytes, xlsx
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db
QUICK = 3  # seconds


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return self_assessment_world(measured=True)


@pytest.fixture
def home_affairs(client, world):
    client.force_login(world.users["home_affairs"])
    return world.users["home_affairs"]


def post(client, world, content, name="so-lieu.xlsx"):
    return client.post(
        reverse("measures:upload", args=[world.period.code]), {"file": SimpleUploadedFile(name, content)}
    )


def test_a_zip_bomb_is_refused_in_the_request_with_the_limit_and_nothing_stored(
    client, world, home_affairs, django_capture_on_commit_callbacks
):
    bomb = zip_bomb(20)
    started = time.monotonic()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, world, bomb, "bom.xlsx")
    assert time.monotonic() - started < QUICK
    html = response.content.decode()
    assert response.status_code == 400
    assert "the part xl/worksheets/sheet1.xml expands to 20,0 MB; at most 16,0 MB are accepted" in html
    assert callbacks == [] and not MeasureImport.objects.exists()


def test_a_file_over_the_limits_is_refused_in_the_request(client, world, home_affairs, settings):
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "measures_csv_bytes": 1000, "measures_total_bytes": 2000}
    rows = [["so-a", "2.1", "95", "", SOURCE, "05/01/2023", ""]] * 40
    response = post(client, world, csv_bytes(rows), "x.csv")
    assert response.status_code == 400 and "at most 0,0 MB are accepted" in response.content.decode()
    workbook = xlsx(rows)
    response = post(client, world, workbook, "x.xlsx")
    assert response.status_code == 400 and "the file is 0,0 MB; at most 0,0 MB" in response.content.decode()
    assert not MeasureImport.objects.exists()


def test_the_upload_answers_at_once_and_the_job_builds_the_preview(
    client, world, home_affairs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, world, xlsx(GOOD))
    queued = MeasureImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("measures:preview", args=[world.period.code, queued.pk])
    assert queued.status == JobStatus.QUEUED and queued.preview == [] and len(callbacks) == 1
    status_url = reverse("measures:status", args=[world.period.code, queued.pk])
    html = client.get(response.url).content.decode()
    assert "<progress" in html and f'hx-get="{status_url}"' in html and 'id="changes"' not in html

    callbacks[0]()  # the transaction committed: the task runs (eagerly here)
    queued.refresh_from_db()
    assert queued.status == JobStatus.PREVIEWED and queued.progress == 100 and queued.finished_at
    assert [(c["agency"], c["criterion"], c["new"]) for c in queued.preview][:2] == [
        ("so-a", "2.1", "95.5"),
        ("so-a", "2.2", "80 / 100"),
    ]
    box = client.get(status_url).content.decode()
    assert "hx-get" not in box and "<progress" not in box
    assert 'id="changes"' in box and "4 values will change" in box and 'id="confirm"' in box
    assert not MeasureValue.objects.exists()


def test_a_refused_file_shows_its_problems_on_the_job_page_in_the_readers_language(
    client, world, home_affairs, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs in English
        response = post(client, world, xlsx([["so-z", "2.1", "95", "", SOURCE, "05/01/2023", ""]]))
    refused = MeasureImport.objects.get()
    assert refused.status == JobStatus.REFUSED and refused.preview == []
    english = client.get(response.url).content.decode()
    assert "Unknown agency code so-z." in english and "1 problem." in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        vietnamese = client.get(response.url).content.decode()
    assert "Không có cơ quan mã so-z." in vietnamese and "(Mã cơ quan)" in vietnamese
    assert "Unknown agency code" not in vietnamese
    assert not MeasureValue.objects.exists()


def test_a_rule_refusal_keeps_its_reason_translatable(
    client, world, home_affairs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world, xlsx([["so-a", "2.2", "50", "0", SOURCE, "05/01/2023", ""]]))
    html = client.get(response.url).content.decode()
    assert "The rule of criterion 2.2 refuses this value: achieved must be ≥ 0 and target &gt; 0." in html


def test_a_redelivered_task_runs_nothing(client, world, home_affairs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world, xlsx(GOOD))
    job = MeasureImport.objects.get()
    finished, preview = job.finished_at, job.preview
    assert check_measures(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED and job.finished_at == finished and job.preview == preview

    MeasureImport.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, preview=[], progress=40)
    assert check_measures(job.pk) is None  # another worker holds it
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.preview == [] and job.progress == 40


def test_a_job_of_a_period_approved_meanwhile_is_refused(
    client, world, home_affairs, django_capture_on_commit_callbacks
):
    from agencies.models import Period, PeriodState

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, world, xlsx(GOOD))
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.APPROVED)
    callbacks[0]()
    assert MeasureImport.objects.get().status == JobStatus.REFUSED
    assert "its inputs can no longer change" in client.get(response.url).content.decode()


def test_confirming_queues_the_storing_job_which_stores_once(
    client, world, home_affairs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world, xlsx(GOOD))
    job = MeasureImport.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        confirm = client.post(reverse("measures:confirm", args=[world.period.code, job.pk]))
    assert confirm.status_code == 302 and confirm.url == response.url
    job.refresh_from_db()
    assert job.status == JobStatus.STORE_QUEUED and job.stored_by == home_affairs
    assert not MeasureValue.objects.exists()
    html = client.get(response.url).content.decode()
    assert "<progress" in html and "The values are being stored" in html and 'id="confirm"' not in html

    callbacks[0]()
    job.refresh_from_db()
    assert job.status == JobStatus.STORED and job.values == 4 and job.via == "page" and job.stored_at
    assert MeasureValue.objects.count() == 4
    assert "4 values of so-lieu.xlsx are stored." in client.get(response.url).content.decode()
    history = MeasureValue.objects.get(agency=world.agency, node__code="2.1").history.get()
    assert history.history_user == home_affairs

    assert store_measures(job.pk) is None  # redelivered: nothing stored twice
    assert MeasureValue.history.count() == 4
    again = client.post(reverse("measures:confirm", args=[world.period.code, job.pk]), follow=True)
    assert "This file has already been stored or discarded." in again.content.decode()


def test_a_preview_outdated_before_its_storing_job_runs_is_refused_on_its_page(
    client, world, home_affairs, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world, xlsx(GOOD))
    job = MeasureImport.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("measures:confirm", args=[world.period.code, job.pk]))
    measures_import(
        period=world.period,
        content=xlsx([["so-a", "2.1", "50", "", SOURCE, "05/01/2023", ""]]),
        file_name="b.xlsx",
        acting_user=home_affairs,
    )
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED and job.values == 0
    assert "Values changed since the preview" in client.get(response.url).content.decode()
    assert world.item("2.1").final_input == {"value": "50"} and MeasureValue.objects.count() == 1


def test_only_home_affairs_reads_a_job(client, world, home_affairs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, world, xlsx(GOOD))
    job = MeasureImport.objects.get()
    client.force_login(world.users["focal"])
    assert client.get(reverse("measures:status", args=[world.period.code, job.pk])).status_code == 403
