"""A focal point fills the whole self-assessment in Chromium, attaches evidence and submits it."""

import os
from pathlib import Path

import pytest

from assessment.models import Submission, SubmissionStatus
from tests.e2e.conftest import login
from tests.worlds import self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def wait_saved(page, world, code):
    item = world.item(code)
    page.locator(f"#message-{item.pk} .bi-check2").wait_for(timeout=10_000)


def test_focal_point_scores_uploads_and_submits(live_server, page, tmp_path):
    world = self_assessment_world()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    login(page, live_server, "focal")
    page.goto(f"{live_server.url}/tu-danh-gia/")
    assert page.url.endswith("/tu-danh-gia/2026/so-a/")

    leaf = {code: f"#leaf-{world.item(code).pk}" for code in ("1.1", "1.2", "1.3", "2.1", "2.2")}
    page.fill(f"{leaf['1.1']} input[name=points]", "1,75")
    wait_saved(page, world, "1.1")
    page.select_option(f"{leaf['1.2']} select[name=level]", "dung_han")
    wait_saved(page, world, "1.2")
    page.fill(f"{leaf['1.3']} input[name=value]", "1")
    page.fill(f"{leaf['2.1']} input[name=value]", "95")
    page.fill(f"{leaf['2.2']} input[name=value]", "80")
    for code in ("1.3", "2.1", "2.2"):
        wait_saved(page, world, code)
    totals = page.locator("#totals").inner_text()
    # 1.75 + 2 + 1.5 (one case × 0.5) + 1 + 1.6 = 7.85 of 12 (the survey leaf has no value yet)
    assert "7,85 / 12,00" in totals
    # each save swaps its own area's row of the totals in place (a table row, out of band)
    areas = {code: page.locator(f"#totals-area-{world.item(code).node.parent_id}") for code in ("1.1", "2.1")}
    assert "5,25/" in areas["1.1"].inner_text() and "2,60/" in areas["2.1"].inner_text()
    assert page.locator("#totals tbody tr").count() == 2

    evidence = tmp_path / "Kế hoạch CCHC 2026.pdf"
    evidence.write_bytes(PDF)
    item = world.item("1.1")
    # the page brings upload.js itself: a file chosen the moment the panel opens goes through it, never
    # posted away from the page while a script fetched with the panel is still on its way (CI saw that)
    page.route("**/evidence/upload*.js", lambda route: route.abort())
    page.locator("#node-1\\.1 details.evidence summary").click()
    page.locator(f"#evidence-item-{item.pk} input[type=file]").set_input_files(str(evidence))
    page.locator(f"#evidence-item-{item.pk} button[type=submit]").first.click()
    page.locator(f"#evidence-item-{item.pk}", has_text="Kế hoạch CCHC 2026.pdf").wait_for(timeout=10_000)
    assert page.url.endswith("/tu-danh-gia/2026/so-a/")  # sent by upload.js, not posted away from the page
    page.locator(f"#file-count-{item.pk}", has_text="(1)").wait_for(timeout=10_000)  # the page follows
    page.wait_for_load_state("networkidle")
    assert errors == []  # every out-of-band file count has its target (no htmx:oobErrorNoTarget)
    assert "1.1," not in page.locator("#completeness").inner_text()

    # SAVE_SCREENSHOTS=1 refreshes the picture kept in docs/; otherwise it goes to the test's tmp dir
    shots = DOCS if os.environ.get("SAVE_SCREENSHOTS") else tmp_path
    page.screenshot(path=str(shots / "self-assessment.png"), full_page=False)
    page.fill("#explanation", "Các tiêu chí còn lại không phát sinh văn bản.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(".bi-lock").first.wait_for(timeout=10_000)
    assert Submission.objects.get(agency=world.agency).status == SubmissionStatus.SUBMITTED
    assert page.locator("input[name=points]").first.is_disabled()
