"""Home Affairs imports measured data in Chromium: template, file, preview old → new, confirm (the check and
the storing are jobs, run eagerly here); the agency's page then shows the value and its source read-only.
At 1366 px and on a 390 px phone."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from measures.models import MeasureImport
from parindex.jobs import JobStatus
from tests.e2e.conftest import login
from tests.worlds import self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SOURCE = "Báo cáo 12/BC-VPUBND (Cổng DVC quốc gia)"


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(["Mã cơ quan", "Mã tiêu chí", "Giá trị", "Chỉ tiêu", "Văn bản nguồn", "Ngày văn bản"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_home_affairs_previews_and_confirms_a_file(live_server, page, tmp_path, width):
    world = self_assessment_world(measured=True)
    page.set_viewport_size({"width": width, "height": 900})
    shots = DOCS if os.environ.get("SAVE_SCREENSHOTS") and width == 1366 else tmp_path
    # English: the Vietnamese catalog is regenerated at merge (scripts/translations/measures_vi.py)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    login(page, live_server, "home_affairs")
    page.goto(f"{live_server.url}/ky/{world.period.code}/")  # the period page lists its pages
    page.locator(f"a[href='/so-lieu/{world.period.code}/']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Measured data and survey values"
    assert no_horizontal_scroll(page)

    with page.expect_download() as download:
        page.locator("a[href$='mau.xlsx']").click()
    assert download.value.suggested_filename == "so-lieu-2026.xlsx"

    # A wrong file: checked by the job (eager here), every problem by row and column, nothing stored.
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(
        workbook([["so-z", "2.1", "95", "", SOURCE, "05/01/2023"], ["so-a", "1.1", "1", "", SOURCE, ""]])
    )
    page.set_input_files("#measures-file", str(bad))
    page.locator("form[action$='/tai-len/'] button[type=submit]").click()
    page.wait_for_load_state()
    problems = page.locator("#problems").inner_text()
    assert "Unknown agency code so-z." in problems and "C (Giá trị)" not in problems
    assert "A (Mã cơ quan)" in problems and "B (Mã tiêu chí)" in problems
    page.screenshot(path=str(shots / f"measures-problems-{width}.png"), full_page=True)
    assert MeasureImport.objects.get().status == JobStatus.REFUSED
    page.goto(f"{live_server.url}/so-lieu/{world.period.code}/")

    good = tmp_path / "so-lieu-2026.xlsx"
    good.write_bytes(
        workbook(
            [
                ["so-a", "2.1", "95,5", "", SOURCE, "05/01/2023"],
                ["so-a", "2.2", 80, 100, SOURCE, "05/01/2023"],
                ["so-a", "2.3", "90%", "", "Kết quả khảo sát SIPAS", "06/01/2023"],
            ]
        )
    )
    page.set_input_files("#measures-file", str(good))
    page.locator("form[action$='/tai-len/'] button[type=submit]").click()
    page.wait_for_load_state()
    table = page.locator("#changes").inner_text()
    assert "95.5" in table and "80 / 100" in table and "0.9" in table
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(shots / f"measures-preview-{width}.png"), full_page=True)
    page.locator("#confirm").click()
    page.wait_for_load_state()
    assert "3 values of so-lieu-2026.xlsx are stored." in page.locator(".alert-success").inner_text()
    assert MeasureImport.objects.get(file_name="so-lieu-2026.xlsx").status == JobStatus.STORED
    page.screenshot(path=str(shots / f"measures-page-{width}.png"), full_page=True)
    assert world.item("2.1").final_input == {"value": "95.5"}

    # The focal point reads the value and its source; there is nothing to type.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/{world.period.code}/so-a/")
    leaf = page.locator(f"#leaf-{world.item('2.1').pk}")
    assert "95.5" in leaf.inner_text() and SOURCE in leaf.inner_text()
    assert leaf.locator("input").count() == 0
    leaf.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"measures-agency-{width}.png"), full_page=False)
