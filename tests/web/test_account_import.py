"""Home Affairs creates agency accounts from an XLSX list: all or nothing, each bad cell named."""

import io

import pytest
from django.core import mail
from django.utils import translation
from openpyxl import Workbook

from accounts.models import AccountImport, User
from parindex.jobs import JobStatus
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã cơ quan"]


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tai-khoan.xlsx"
    return out


@pytest.fixture
def home_affairs(client):
    AgencyFactory(code="so-gtvt")
    AgencyFactory(code="so-y-te")
    user = UserFactory(username="noivu", role="home_affairs")
    client.force_login(user)
    return user


def test_a_good_list_creates_every_account_and_invites_each(
    client, home_affairs, django_capture_on_commit_callbacks
):
    upload = workbook(
        ["gtvt-1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
        ["yte-gd", "Trần Thị B", "b@yte.gov.vn", "Thủ trưởng", "so-y-te"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/nhap/", {"file": upload})
    job = AccountImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tai-khoan/nhap/{job.pk}/"
    assert "2 accounts created" in client.get(response["Location"]).content.decode()
    created = User.objects.get(username="gtvt-1")
    assert (
        created.agency.code == "so-gtvt"
        and created.role == "focal_point"
        and not created.has_usable_password()
    )
    assert User.objects.get(username="yte-gd").role == "agency_head"
    assert sorted(m.to[0] for m in mail.outbox) == ["a@gtvt.gov.vn", "b@yte.gov.vn"]
    assert "/dat-lai-mat-khau/" in mail.outbox[0].body


def test_one_bad_row_creates_nothing_and_names_each_cell(
    client, home_affairs, django_capture_on_commit_callbacks
):
    upload = workbook(
        ["gtvt-1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
        ["noivu", "Trùng tên", "khong-phai-email", "giam_doc", "so-khong-co"],
        ["gtvt-1", "Lặp lại", "c@gtvt.gov.vn", "focal_point", "so-gtvt"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/nhap/", {"file": upload})
    job = AccountImport.objects.get()
    assert job.status == JobStatus.REFUSED and job.created_count == 0
    html = client.get(response["Location"]).content.decode()
    assert "Nothing was created" in html
    assert "row 3, column Tên đăng nhập: the username noivu already exists" in html
    assert "row 3, column Email: khong-phai-email is not an e-mail address" in html
    assert "row 3, column Vai trò: unknown role giam_doc" in html
    assert "row 4, column Tên đăng nhập: the username gtvt-1 is repeated (row 2)" in html
    assert not User.objects.filter(username="gtvt-1").exists() and mail.outbox == []


@pytest.mark.parametrize("role", ["focal_point", "appraiser", "council", "survey_operator"])
def test_only_home_affairs_may_import_accounts(client, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get("/tai-khoan/nhap/").status_code == 403
    assert client.get("/tai-khoan/mau.xlsx").status_code == 403


def test_the_template_downloads(client, home_affairs):
    response = client.get("/tai-khoan/mau.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_request_only_queues_the_job_and_a_redelivered_task_runs_nothing(client, home_affairs):
    """The page stores the list and answers at once; the worker claims the job once."""
    from accounts.imports import account_import_run

    upload = workbook(["gtvt-1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"])
    response = client.post("/tai-khoan/nhap/", {"file": upload})
    job = AccountImport.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.QUEUED
    assert job.created_by == home_affairs and not User.objects.filter(username="gtvt-1").exists()
    box = client.get(f"/tai-khoan/nhap/{job.pk}/trang-thai/").content.decode()
    assert 'hx-trigger="every 1s"' in box and "Queued" in box
    assert account_import_run(job_id=job.pk).status == JobStatus.CREATED
    assert account_import_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.created_count, job.progress, job.finished_at is not None) == (1, 100, True)
    box = client.get(f"/tai-khoan/nhap/{job.pk}/trang-thai/").content.decode()
    assert "hx-trigger" not in box and "1 account created" in box


def test_a_refused_job_shows_its_problems_in_the_readers_language(
    client, home_affairs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/tai-khoan/nhap/", {"file": workbook(["x", "X", "khong-phai-email", "focal_point", "so-gtvt"])}
        )
    job = AccountImport.objects.get()
    client.cookies["django_language"] = "vi"
    html = client.get(f"/tai-khoan/nhap/{job.pk}/").content.decode()
    assert "khong-phai-email" in html and "is not an e-mail address" not in html


@pytest.mark.parametrize("role", ["focal_point", "survey_operator"])
def test_only_home_affairs_may_see_an_account_import(client, home_affairs, role):
    client.post("/tai-khoan/nhap/", {"file": workbook(["x", "X", "x@x.vn", "focal_point", "so-gtvt"])})
    job = AccountImport.objects.get()
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get(f"/tai-khoan/nhap/{job.pk}/").status_code == 403
    assert client.get(f"/tai-khoan/nhap/{job.pk}/trang-thai/").status_code == 403


@pytest.mark.parametrize(
    "row, expected",
    [
        (
            ["gtvt 1", "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
            "row 3, column Tên đăng nhập: the username gtvt 1 may hold only letters, digits and @ . + - _",
        ),
        (
            ["g" * 151, "Nguyễn Văn A", "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
            "row 3, column Tên đăng nhập: at most 150 characters (this has 151)",
        ),
        (
            ["gtvt-2", "A" * 151, "a@gtvt.gov.vn", "focal_point", "so-gtvt"],
            "row 3, column Họ và tên: at most 150 characters (this has 151)",
        ),
    ],
)
def test_a_cell_the_account_cannot_hold_is_named_not_a_failed_import(
    client, home_affairs, django_capture_on_commit_callbacks, row, expected
):
    """What the user model refuses (username characters, lengths) is a refused cell like any other, not a
    job that failed with "tell the administrator"; and nothing is created."""
    upload = workbook(["gtvt-1", "Nguyễn Văn A", "b@gtvt.gov.vn", "focal_point", "so-gtvt"], row)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/nhap/", {"file": upload})
    job = AccountImport.objects.get()
    assert job.status == JobStatus.REFUSED
    html = client.get(response["Location"]).content.decode()
    assert expected in html and html.count("row 3, column") == 1
    assert not User.objects.filter(username="gtvt-1").exists()
