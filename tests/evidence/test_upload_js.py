"""In a browser: choosing or dropping files uploads them with a progress bar and swaps the list in;
the remove button (htmx) takes a file off the item."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from tests.e2e.conftest import browser_context_args, browser_type_launch_args, login  # noqa: F401 - fixtures

from .factories import png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DROP_A_PDF = """(form) => {
    const bytes = "%PDF-1.4\\n1 0 obj << /Type /Catalog >> endobj\\ntrailer << /Root 1 0 R >>\\n%%EOF\\n";
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "Biên bản kéo thả.pdf", {type: "application/pdf"}));
    form.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    form.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def test_choose_drop_and_remove_files(world, live_server, page, tmp_path):
    login(page, live_server, world.users["focal_point"].username)
    page.goto(live_server.url + reverse("evidence:item_files", args=[world.item.pk]))
    card = page.locator(f"#evidence-item-{world.item.pk}")
    assert "Quyết định số 15 phê duyệt kế hoạch.pdf" in card.inner_text()

    page.set_input_files(
        "input[name=files]",
        files=[{"name": "Ảnh niêm yết.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.locator("[data-evidence-drop] button[type=submit]").click()
    expect(page.locator("li", has_text="Ảnh niêm yết.png")).to_have_count(1)
    assert page.url.endswith(reverse("evidence:item_files", args=[world.item.pk]))  # no page load: swapped

    page.locator("[data-evidence-drop]").evaluate(DROP_A_PDF)
    expect(page.locator("li", has_text="Biên bản kéo thả.pdf")).to_have_count(1)
    assert set(world.item.evidence_links.values_list("evidence__original_name", flat=True)) == {
        "Quyết định số 15 phê duyệt kế hoạch.pdf",
        "Ảnh niêm yết.png",
        "Biên bản kéo thả.pdf",
    }

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("li", has_text="Ảnh niêm yết.png").locator("button[type=submit]").click()
    expect(page.locator("li", has_text="Ảnh niêm yết.png")).to_have_count(0)
    expect(page.locator("select[name=evidence] option", has_text="Ảnh niêm yết.png")).to_have_count(1)
    assert world.item.evidence_links.count() == 2
    assert EvidenceFile.objects.filter(original_name="Ảnh niêm yết.png").exists()  # still in the library
    page.screenshot(path=str(tmp_path / "evidence.png"), full_page=True)
