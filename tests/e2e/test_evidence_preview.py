"""The appraisal page previews the item's evidence in a frame (issue 14): the evidence download alone may
be framed, by the site itself; the frame shows the file and the console stays clean."""

import struct
import zlib

import pytest
from django.core.files.base import ContentFile

from agencies.workflow import period_transition
from assessment import appraisal
from assessment.services import assessment_submit, item_self_score
from evidence.services import evidence_attach
from tests.e2e.conftest import login
from tests.worlds import self_assessment_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def docx() -> bytes:
    import io

    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


DOCX = docx()


def png(width: int = 40, height: int = 30) -> bytes:
    """A real PNG (red), so the type check by content accepts it and the browser can draw it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def appraisal_world(files: dict):
    """An item 1.1 with the given evidence files, submitted, in appraisal, assigned to the appraiser."""
    world = self_assessment_world()
    target = world.item("1.1")
    for name, content in files.items():
        evidence_attach(
            item=target, uploaded_file=ContentFile(content, name=name), acting_user=world.users["focal"]
        )
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=world.users["focal"], expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="—"
    )
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="Sở B chưa nộp",
    )  # fmt: skip
    appraisal.assignments_replace(
        period=world.period, cells={(None, ""): world.users["appraiser"].pk}, acting_user=world.users["lead"]
    )
    return world, target


def open_item(page, live_server, world, target):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    # Chromium's own PDF viewer (a chrome-extension:// page) may cancel its requests when the frame moves on.
    page.on(
        "requestfailed",
        lambda request: (
            request.url.startswith("chrome-extension://") or problems.append(f"failed: {request.url}")
        ),
    )
    login(page, live_server, "appraiser")
    with page.expect_response(lambda r: "/tai-lieu/" in r.url) as preview:
        page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/muc/{target.pk}/")
    page.wait_for_load_state("networkidle")
    return preview.value, problems


def test_an_image_is_previewed_in_the_frame(live_server, page):
    world, target = appraisal_world({"so-do.png": png()})
    response, problems = open_item(page, live_server, world, target)
    assert response.status == 200 and response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    frame = page.frame_locator("iframe.evidence-preview")
    width = frame.locator("img").evaluate("img => img.complete && img.naturalWidth")
    assert width == 40
    assert problems == []


def test_a_pdf_is_previewed_in_the_frame(live_server, page):
    world, target = appraisal_world({"ke-hoach.pdf": PDF})
    response, problems = open_item(page, live_server, world, target)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "attachment" not in response.headers.get("content-disposition", "")
    # The frame holds the PDF (the browser's viewer), not Chromium's "refused to connect" page.
    frame = page.frame(url=lambda url: "/tai-lieu/" in url)
    assert frame is not None
    assert "refused" not in page.locator("iframe.evidence-preview").evaluate("f => f.title + ''")
    assert problems == []


def test_the_rest_of_the_site_still_refuses_to_be_framed(live_server, page):
    world, target = appraisal_world({"so-do.png": png()})
    login(page, live_server, "appraiser")
    response = page.goto(f"{live_server.url}/tham-dinh/{world.period.code}/muc/{target.pk}/")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_another_file_is_shown_in_the_frame_on_a_click(live_server, page):
    """A document the browser cannot show is downloaded; the first PDF or image is previewed, and a click
    on another one shows it in the same frame."""
    world, target = appraisal_world({"bang.docx": DOCX, "ke-hoach.pdf": PDF, "so-do.png": png()})
    response, problems = open_item(page, live_server, world, target)
    assert response.headers["content-type"] == "application/pdf"
    assert page.locator("a[href$='?download=1']").inner_text() == "bang.docx"
    page.locator("a[data-preview]", has_text="so-do.png").click()
    frame = page.frame_locator("iframe.evidence-preview")
    assert frame.locator("img").evaluate("img => img.complete && img.naturalWidth") == 40
    assert problems == []
