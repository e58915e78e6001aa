"""The report pages and downloads: who may see them, what they return, and the ZIP bundle job."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from parindex.jobs import JobStatus
from reports.models import Numbering, ReportBundle
from reports.selectors import report_data
from reports.services import bundle_write, report_bundle_build, report_bundle_start
from reports.tables import table_specs
from reports.tasks import build_report_bundle

ALLOWED = [Role.HOME_AFFAIRS, Role.SECRETARIAT_LEAD, Role.COUNCIL]
REFUSED = [Role.APPRAISER, Role.FOCAL_POINT, Role.AGENCY_HEAD, Role.SURVEY_OPERATOR]


@pytest.fixture
def make_user(django_user_model):
    def make(role):
        agency = Agency.objects.get(code="so-gtvt") if role in (Role.FOCAL_POINT, Role.AGENCY_HEAD) else None
        return django_user_model.objects.create_user(f"u-{role}", password="x", role=role, agency=agency)

    return make


def urls(snapshot):
    period, version = snapshot.period.code, snapshot.version
    return [
        reverse("reports:index"),
        reverse("reports:snapshot", args=[period, version]),
        reverse("reports:table", args=[period, version, "A1"]),
        reverse("reports:table_download", args=[period, version, "A1", "xlsx"]),
        reverse("reports:workbook", args=[period, version]),
        reverse("reports:draft_report", args=[period, version]),
    ]


def test_anonymous_visitors_are_sent_to_login(client, snapshot):
    for url in urls(snapshot):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


@pytest.mark.parametrize("role", REFUSED)
def test_agency_users_appraisers_and_survey_operators_are_refused(client, snapshot, make_user, role):
    client.force_login(make_user(role))
    for url in urls(snapshot):
        assert client.get(url).status_code in (403, 404), url
    start = reverse("reports:bundle_start", args=[snapshot.period.code, snapshot.version])
    assert client.post(start).status_code == 403
    assert not ReportBundle.objects.exists()


@pytest.mark.parametrize("role", ALLOWED)
def test_home_affairs_secretariat_lead_and_council_see_the_tables(client, snapshot, make_user, role):
    client.force_login(make_user(role))
    page = client.get(reverse("reports:snapshot", args=[snapshot.period.code, snapshot.version]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sở Giao thông vận tải" in html and "90,30" in html and "B12" in html and "TH1" in html


def test_table_page_shows_the_same_table_as_the_pdf(client, snapshot, make_user):
    client.force_login(make_user(Role.HOME_AFFAIRS))
    response = client.get(reverse("reports:table", args=[snapshot.period.code, snapshot.version, "A1"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="report-sheet"' in html and "Biểu số A1" in html
    assert "Sở Giao thông vận tải" in html and "90,30" in html and "Tổng cộng" in html
    unknown = reverse("reports:table", args=[snapshot.period.code, snapshot.version, "A99"])
    assert client.get(unknown).status_code == 404
    missing = reverse("reports:snapshot", args=[snapshot.period.code, 99])
    assert client.get(missing).status_code == 404


def test_downloads_are_named_by_period_block_number_and_agency(client, snapshot, make_user):
    client.force_login(make_user(Role.COUNCIL))
    args = [snapshot.period.code, snapshot.version]
    cases = [
        (
            reverse("reports:table_download", args=[*args, "A1", "xlsx"]),
            "2022_A01_so-giao-thong-van-tai.xlsx",
            b"PK",
        ),
        (
            reverse("reports:table_download", args=[*args, "B12", "pdf"]),
            "2022_B12_ubnd-huyen-thanh-ha.pdf",
            b"%PDF",
        ),
        (
            reverse("reports:table_download", args=[*args, "A1", "pdf"]) + "?numbering=list",
            "2022_A01_van-phong-ubnd-tinh.pdf",
            b"%PDF",
        ),
        (reverse("reports:draft_report", args=args), "2022_bao-cao-ket-qua.docx", b"PK"),
        (reverse("reports:workbook", args=args), "2022_tat-ca-bieu.xlsx", b"PK"),
    ]
    for url, name, magic in cases:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.content.startswith(magic)
    assert client.get(reverse("reports:table_download", args=[*args, "A1", "csv"])).status_code == 404


def test_bundle_job_builds_a_stored_zip(client, snapshot, make_user, django_capture_on_commit_callbacks):
    """Queued from the page, built by the task (eagerly here), stored, downloadable by those allowed."""
    user = make_user(Role.HOME_AFFAIRS)
    client.force_login(user)
    start = reverse("reports:bundle_start", args=[snapshot.period.code, snapshot.version])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(start, {"formats": ["xlsx", "docx"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    bundle = ReportBundle.objects.get()
    assert bundle.status == JobStatus.QUEUED and bundle.formats == "xlsx,docx" and len(callbacks) == 1
    # a second request while it is queued returns the same bundle
    assert report_bundle_start(snapshot=snapshot, acting_user=user, formats=["docx", "xlsx"]) == bundle
    build_report_bundle.apply(args=[bundle.pk])
    bundle.refresh_from_db()
    assert bundle.status == JobStatus.SUCCEEDED and bundle.progress == 100
    specs = table_specs(report_data(snapshot))
    assert bundle.files_total == 1 + 1 + len(specs)
    content = default_storage.open(bundle.storage_name).read()
    assert hashlib.sha256(content).hexdigest() == bundle.sha256 and len(content) == bundle.size
    status = client.get(reverse("reports:bundle_status", args=[bundle.pk])).content.decode()
    assert "every 1s" not in status and reverse("reports:bundle_download", args=[bundle.pk]) in status
    download = client.get(reverse("reports:bundle_download", args=[bundle.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('filename="2022_v1_bieu-chi-so-cchc.zip"')
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "2022_v1_bieu-chi-so-cchc/2022_bao-cao-ket-qua.docx" in names
    assert "2022_v1_bieu-chi-so-cchc/xlsx/2022_A01_so-giao-thong-van-tai.xlsx" in names
    assert not any(name.endswith(".pdf") for name in names)
    # a redelivered task does nothing
    assert report_bundle_build(bundle_id=bundle.pk) is None


@pytest.mark.parametrize("role", REFUSED)
def test_bundle_download_is_refused_to_others(client, snapshot, make_user, role):
    bundle = ReportBundle.objects.create(snapshot=snapshot, status=JobStatus.SUCCEEDED, storage_name="x.zip")
    client.force_login(make_user(role))
    assert client.get(reverse("reports:bundle_download", args=[bundle.pk])).status_code == 403
    assert client.get(reverse("reports:bundle_status", args=[bundle.pk])).status_code == 403


def test_bundle_zip_is_reproducible(snapshot):
    """Two builds of the same snapshot: identical bytes; entries dated with the snapshot's time."""
    first, second = io.BytesIO(), io.BytesIO()
    for target in (first, second):
        bundle_write(snapshot, target, formats=["xlsx", "pdf", "docx"], numbering=Numbering.RANK)
    assert first.getvalue() == second.getvalue()
    archive = zipfile.ZipFile(first)
    created = timezone.localtime(snapshot.created_at)
    assert {info.date_time[:5] for info in archive.infolist()} == {
        (created.year, created.month, created.day, created.hour, created.minute)
    }
    names = archive.namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == len([n for n in names if "/xlsx/" in n]) == 39


def test_render_reports_command_writes_the_expected_files(snapshot, tmp_path):
    call_command("render_reports", period="2022", out=str(tmp_path), format="xlsx,docx", numbering="list")
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert "2022_bao-cao-ket-qua.docx" in written and "2022_tat-ca-bieu_theo-danh-sach.xlsx" in written
    assert (
        "xlsx/2022_A01_van-phong-ubnd-tinh.xlsx" in written
        and "xlsx/2022_B12_ubnd-huyen-ninh-giang.xlsx" in written
    )
    assert not any(name.endswith(".pdf") for name in written)
    assert len(written) == 2 + 39
    with pytest.raises(Exception, match="No period"):
        call_command("render_reports", period="1999", out=str(tmp_path))


def test_render_reports_writes_the_bundles_files_byte_for_byte(snapshot, tmp_path):
    """The command renders in its own process, one file after another (no private pool any more): its
    files are the ZIP's entries, same paths, same bytes, PDF included."""
    call_command("render_reports", period="2022", out=str(tmp_path), format="xlsx,pdf")
    written = {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    target = io.BytesIO()
    assert bundle_write(snapshot, target, formats=["xlsx", "pdf"]) == len(written) == 1 + 39 + 39
    archive = zipfile.ZipFile(target)
    zipped = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    assert zipped.keys() == written.keys()
    assert [name for name in zipped if zipped[name] != written[name]] == []


def test_a_silent_bundle_is_expired_and_does_not_block_a_new_one(snapshot, make_user):
    user = make_user(Role.HOME_AFFAIRS)
    stale = report_bundle_start(snapshot=snapshot, acting_user=user, formats=["docx"])
    ReportBundle.objects.filter(pk=stale.pk).update(
        status=JobStatus.RUNNING, updated_at=timezone.now() - timedelta(hours=1)
    )
    fresh = report_bundle_start(snapshot=snapshot, acting_user=user, formats=["docx"])
    stale.refresh_from_db()
    assert fresh != stale and stale.status == JobStatus.FAILED and stale.message
    assert fresh.status == JobStatus.QUEUED


def test_snapshot_page_query_count(client, snapshot, make_user, django_assert_max_num_queries):
    """The list of 39 tables reads the snapshot in a fixed number of queries."""
    client.force_login(make_user(Role.COUNCIL))
    with django_assert_max_num_queries(24):
        response = client.get(reverse("reports:snapshot", args=[snapshot.period.code, snapshot.version]))
    assert response.status_code == 200


def test_the_zip_button_is_disabled_while_a_bundle_is_built(client, snapshot, make_user):
    """The button says the ZIP is being built and cannot be pressed while a bundle of this computation is
    queued or running; the polled progress gives it back once the bundle is done (out of band)."""
    user = make_user(Role.HOME_AFFAIRS)
    client.force_login(user)
    page = reverse("reports:snapshot", args=[snapshot.period.code, snapshot.version])
    html = client.get(page).content.decode()
    button = re.search(r'<button[^>]*id="bundle-button"[^>]*>', html).group(0)
    assert "disabled" not in button
    assert 'hx-disabled-elt="find button"' in html and 'hx-indicator="#bundle-building"' in html
    bundle = ReportBundle.objects.create(
        snapshot=snapshot, created_by=user, status=JobStatus.RUNNING, progress=35
    )
    html = client.get(page).content.decode()
    assert re.search(r'<button[^>]*id="bundle-button"[^>]*disabled', html)
    status = client.get(reverse("reports:bundle_status", args=[bundle.pk])).content.decode()
    assert 'data-width="35"' in status and "every 1s" in status
    assert re.search(r'<button[^>]*id="bundle-button"[^>]*disabled[^>]*hx-swap-oob="true"', status)
    bundle.status, bundle.progress = JobStatus.FAILED, 100
    bundle.save()
    status = client.get(reverse("reports:bundle_status", args=[bundle.pk])).content.decode()
    oob = re.search(r'<button[^>]*id="bundle-button"[^>]*>', status).group(0)
    assert 'hx-swap-oob="true"' in oob and "disabled" not in oob
