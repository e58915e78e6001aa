"""An official computes the sample's 2022 results with the progress bar, publishes them, and a visitor
without an account reads the public ranking and checks a download against its SHA-256."""

import contextlib
import hashlib
import os
import time
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from agencies.models import Period, PeriodState
from parindex.jobs import JobStatus
from sample.loader import load_sample
from scoring.models import ComputeJob
from scoring.selectors import latest_snapshot
from tests.e2e.conftest import login
from tests.worker import worker_or_eager

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PROBE = "Rank change compares with the previous published period."


def catalog_is_compiled() -> bool:
    """Until `make messages` has compiled scripts/translations/results_vi.py, new texts stay English."""
    with translation.override("vi"):
        return gettext(PROBE) != PROBE


TIER_1_GREEN = "rgb(26, 127, 55)"
NOTE = "Công bố theo Quyết định 456/QĐ-UBND"


def test_compute_publish_and_read_the_public_ranking(live_server, page, browser, tmp_path):
    load_sample()
    official = User.objects.get(username="noivu")
    # load_sample publishes 2021's snapshot, so 2022's rank changes compare with published results.
    assert latest_snapshot(Period.objects.get(code="2021")).is_published

    login(page, live_server, "noivu")
    worker = worker_or_eager(tmp_path / "worker.log")
    with worker:
        page.goto(f"{live_server.url}/noi-bo/2022/tinh-toan/")
        assert page.locator("html").get_attribute("lang") == "vi"
        page.click("#compute-button")
        page.locator("[role=progressbar]").first.wait_for(timeout=10_000)
        seen = set()  # the bar's values while the page polls
        deadline = time.monotonic() + 60
        while not page.locator("[data-job-done]").count() and time.monotonic() < deadline:
            with contextlib.suppress(Exception):  # the page may be reloading
                seen.add(
                    int(page.locator("[role=progressbar]").first.get_attribute("aria-valuenow", timeout=500))
                )
            page.wait_for_timeout(100)
        page.locator("[data-job-done]").wait_for(timeout=10_000)
        page.wait_for_load_state()
    if not isinstance(worker, contextlib.nullcontext):  # a real worker: the bar was seen before 100 %
        assert seen and min(seen) < 100, seen
    bar = page.locator("[role=progressbar]").first
    assert bar.get_attribute("aria-valuenow") == "100"
    job = ComputeJob.objects.get(period__code="2022")
    assert job.status == JobStatus.SUCCEEDED and job.snapshot.version == 2 and job.created_by == official

    page.locator("[data-job-done] a").first.click()
    page.wait_for_load_state()
    first_row = page.locator("#ranking tbody tr").first
    assert "Sở Giao thông vận tải" in first_row.inner_text() and "90,30" in first_row.inner_text()

    page.goto(f"{live_server.url}/noi-bo/2022/cong-bo/")
    page.select_option("#version", "2")
    page.fill("#reason", NOTE)
    page.click("#publish-button")
    page.wait_for_load_state()
    # the confirmation page: everything is ready, so a plain confirmation publishes
    assert page.locator("#readiness-ready").count() == 1 and page.locator("#override_reason").count() == 0
    assert Period.objects.get(code="2022").state == PeriodState.APPROVED
    page.click("#confirm-button")
    page.locator(".alert-success").first.wait_for(timeout=10_000)
    assert Period.objects.get(code="2022").state == PeriodState.PUBLISHED

    visitor_context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 1500})
    visitor = visitor_context.new_page()
    visitor.goto(f"{live_server.url}/ket-qua/")
    visitor.click("text=Chỉ số CCHC năm 2022")
    visitor.wait_for_load_state()
    assert visitor.locator("html").get_attribute("lang") == "vi"
    rows = visitor.locator("table.table-ranking tbody tr")
    assert rows.count() == 18
    assert "Sở Giao thông vận tải" in rows.first.inner_text() and "90,30" in rows.first.inner_text()
    assert "72,93" in rows.last.inner_text() and "Sở Y tế" in rows.last.inner_text()
    assert "▲ 7" in visitor.locator("tr", has_text="Sở Giáo dục và Đào tạo").first.inner_text()
    header = visitor.locator("main").inner_text()
    assert (
        NOTE in header and "đính chính" not in header.split(NOTE)[0]
    )  # a first publication corrects nothing
    badge = rows.first.locator(".band-badge")
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == TIER_1_GREEN
    visitor.locator("canvas[data-chart=bands][data-drawn='1']").wait_for(timeout=10_000)
    if catalog_is_compiled():
        body = visitor.locator("main").inner_text()
        for english in ("Rank change", "Head of agency", "Index (%)", "Published on", "Charts", "Band"):
            assert english not in body

    # SAVE_SCREENSHOTS=1 refreshes the picture kept in docs/; otherwise it goes to the test's tmp dir
    shots = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    visitor.screenshot(path=str(shots / "public-ranking.png"), full_page=False)

    visitor.click("a[href$='/2022/du-lieu/']")
    visitor.wait_for_load_state()
    link = visitor.locator("a[href$='-ket-qua.csv']").first
    shown = link.locator("xpath=ancestor::tr").locator(".fingerprint").inner_text().strip()
    downloaded = visitor.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert downloaded.ok and hashlib.sha256(downloaded.body()).hexdigest() == shown
    assert "Sở Giao thông vận tải" in downloaded.body().decode()
    visitor_context.close()
