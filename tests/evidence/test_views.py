"""Evidence pages: downloads only within the user's scope (404 otherwise), inline or attachment,
uploads of several files by the agency's focal point, reuse and removal, errors in the partial."""

from urllib.parse import quote

import pytest
from django.template.loader import get_template
from django.urls import reverse

from assessment.models import ItemStatus
from evidence.models import EvidenceFile

from .factories import EXE_BYTES, AssessmentItemFactory, docx_bytes, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

SEES_AGENCY_A = {
    "focal_point": 200,
    "agency_head": 200,
    "other_focal_point": 404,
    "home_affairs": 200,
    "secretariat_lead": 200,
    "council": 200,
    "appraiser": 404,  # until appraisal assignments narrow scope_for to what is assigned
    "survey_operator": 403,  # fenced out of everything but the survey pages
}


@pytest.mark.parametrize(("role", "expected"), SEES_AGENCY_A.items())
def test_download_permission_matrix(world, login, role, expected):
    """Another agency's file and a file that does not exist answer the same 404."""
    client = login(world.users[role])
    assert client.get(reverse("evidence:download", args=[world.evidence.pk])).status_code == expected
    missing = 403 if expected == 403 else 404  # the fence answers before any lookup
    assert client.get(reverse("evidence:download", args=[world.evidence.pk + 1000])).status_code == missing


def test_anonymous_download_goes_to_login(world, client):
    response = client.get(reverse("evidence:download", args=[world.evidence.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pdf_is_shown_inline_with_its_vietnamese_name(world, login):
    response = login(world.users["home_affairs"]).get(reverse("evidence:download", args=[world.evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''" + quote("Quyết định số 15 phê duyệt kế hoạch.pdf")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert int(response["Content-Length"]) == world.evidence.size
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_file_missing_from_storage_is_404(world, login):
    world.evidence.file.storage.delete(world.evidence.file.name)
    response = login(world.users["focal_point"]).get(reverse("evidence:download", args=[world.evidence.pk]))
    assert response.status_code == 404


def test_pdf_downloads_on_request(world, login):
    url = reverse("evidence:download", args=[world.evidence.pk]) + "?download=1"
    assert login(world.users["focal_point"]).get(url)["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("content", "name", "disposition"),
    [
        (png_bytes(), "Ảnh niêm yết.png", "inline"),
        (docx_bytes(), "Báo cáo tổng kết.docx", "attachment"),
    ],
    ids=["png-inline", "docx-attachment"],
)
def test_images_inline_office_files_as_attachment(world, login, content, name, disposition):
    client = login(world.users["focal_point"])
    client.post(reverse("evidence:upload", args=[world.item.pk]), {"files": [upload(content, name)]})
    evidence = EvidenceFile.objects.get(original_name=name)
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response["Content-Disposition"] == f"{disposition}; filename*=utf-8''{quote(name)}"
    assert response["Content-Type"] == evidence.content_type
    assert response["X-Content-Type-Options"] == "nosniff"


def test_focal_point_uploads_several_files_at_once(world, login):
    """Each file is checked on its own: good ones are stored and linked, refused ones are named."""
    client = login(world.users["focal_point"])
    response = client.post(
        reverse("evidence:upload", args=[world.item.pk]),
        {
            "files": [
                upload(png_bytes(), "Ảnh 1.png"),
                upload(EXE_BYTES, "virus.pdf"),
                upload(docx_bytes(), "Tờ trình.docx"),
            ],
            "document_number": "20/BC-SNV",
            "document_date": "15/12/2022",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and f'id="evidence-item-{world.item.pk}"' in html
    assert "The file virus.pdf is not a PDF file" in html and "application/" not in html
    assert "Ảnh 1.png" in html and "Tờ trình.docx" in html
    assert set(world.item.evidence_links.values_list("evidence__original_name", flat=True)) == {
        "Quyết định số 15 phê duyệt kế hoạch.pdf",
        "Ảnh 1.png",
        "Tờ trình.docx",
    }
    assert EvidenceFile.objects.get(original_name="Ảnh 1.png").document_number == "20/BC-SNV"


def test_upload_without_htmx_renders_the_page(world, login):
    response = login(world.users["focal_point"]).post(
        reverse("evidence:upload", args=[world.item.pk]), {"files": [upload(png_bytes())]}
    )
    assert response.status_code == 200 and "<html" in response.content.decode()


def test_upload_errors_are_shown_in_the_partial(world, login, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client = login(world.users["focal_point"])
    url = reverse("evidence:upload", args=[world.item.pk])
    html = client.post(
        url, {"files": [upload(pdf_bytes("x"), "lon.pdf")]}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "The file lon.pdf is over the limit of 100\xa0bytes." in html
    html = client.post(url, {}, headers={"HX-Request": "true"}).content.decode()
    assert "Choose at least one file to upload." in html
    html = client.post(url, {"document_date": "31/02/2022"}, headers={"HX-Request": "true"}).content.decode()
    assert "Document date: Type the date as dd/mm/yyyy" in html


def test_a_refused_document_date_says_how_to_type_it_and_shows_its_field(world, login):
    """A date typed wrong ("31/02/2026") named only "Enter a valid date." under a closed "Official document
    details" box: the message says the format, the box opens on the field (marked invalid), what was typed
    stays, and the focal point is told the file was not uploaded and must be chosen again."""
    client = login(world.users["focal_point"])
    stored = EvidenceFile.objects.count()
    html = client.post(
        reverse("evidence:upload", args=[world.item.pk]),
        {
            "files": [upload(pdf_bytes("x"), "ke-hoach.pdf")],
            "document_number": "12/KH",
            "document_date": "31/02/2026",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Document date: Type the date as dd/mm/yyyy, for example 15/01/2026." in html
    assert "Nothing was uploaded: correct the details, then choose the files again." in html
    assert '<details class="mt-2" open>' in html
    assert (
        'value="31/02/2026" placeholder="dd/mm/yyyy" aria-invalid="true"' in html and 'value="12/KH"' in html
    )
    assert EvidenceFile.objects.count() == stored


def test_oversized_file_is_dropped_while_uploading_and_the_others_kept(world, login, settings, tmp_path):
    """Past the limit the parser stops writing the file to disk; the next file in the request is stored."""
    settings.EVIDENCE_MAX_BYTES = 200_000
    (tmp_path / "uploads").mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = pdf_bytes() + b"%" * 1_000_000
    html = (
        login(world.users["focal_point"])
        .post(
            reverse("evidence:upload", args=[world.item.pk]),
            {"files": [upload(big, "qua-lon.pdf"), upload(png_bytes(), "nho.png")]},
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert "The file qua-lon.pdf is over the limit of 195.3\xa0KB." in html
    assert set(EvidenceFile.objects.values_list("original_name", flat=True)) == {
        "Quyết định số 15 phê duyệt kế hoạch.pdf",
        "nho.png",
    }
    assert list((tmp_path / "uploads").iterdir()) == []  # no temporary file left behind


def test_upload_checks_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["focal_point"])
    response = client.post(reverse("evidence:upload", args=[world.item.pk]), {"files": [upload(png_bytes())]})
    assert response.status_code == 403
    assert not EvidenceFile.objects.filter(content_type="image/png").exists()


def test_vietnamese_is_the_default_language_of_the_partial(world, client):
    client.force_login(world.users["focal_point"])
    response = client.get(
        reverse("evidence:item_files", args=[world.item.pk]), headers={"HX-Request": "true"}
    )
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agency_head", 403), ("home_affairs", 403), ("other_focal_point", 404), ("appraiser", 404)],
)
def test_only_the_agencys_focal_point_uploads(world, login, role, expected):
    """Who cannot see the item gets 404; who can see it but is not its focal point gets 403."""
    response = login(world.users[role]).post(
        reverse("evidence:upload", args=[world.item.pk]), {"files": [upload(png_bytes())]}
    )
    assert response.status_code == expected
    assert not EvidenceFile.objects.filter(content_type="image/png").exists()


def test_anonymous_upload_goes_to_login(world, client):
    response = client.post(reverse("evidence:upload", args=[world.item.pk]), {"files": [upload(png_bytes())]})
    assert response.status_code == 302
    assert not EvidenceFile.objects.filter(content_type="image/png").exists()


def test_reuse_an_uploaded_file_for_another_item(world, login):
    second_item = AssessmentItemFactory(agency=world.agency)
    client = login(world.users["focal_point"])
    html = client.get(
        reverse("evidence:item_files", args=[second_item.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert f'<option value="{world.evidence.pk}">' in html
    response = client.post(
        reverse("evidence:link", args=[second_item.pk]),
        {"evidence": world.evidence.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert list(second_item.evidence_links.values_list("evidence", flat=True)) == [world.evidence.pk]


def test_another_agencys_file_cannot_be_linked(world, login):
    """Its id is answered like an id that does not exist."""
    response = login(world.users["other_focal_point"]).post(
        reverse("evidence:link", args=[world.other_item.pk]), {"evidence": world.evidence.pk}
    )
    assert response.status_code == 404
    assert not world.other_item.evidence_links.exists()


def test_remove_a_file_from_an_item(world, login):
    client = login(world.users["focal_point"])
    response = client.post(
        reverse("evidence:unlink", args=[world.item.pk, world.evidence.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "No evidence attached yet." in response.content.decode()
    assert EvidenceFile.objects.filter(pk=world.evidence.pk).exists()


def test_submitted_item_offers_no_remove_button_and_refuses_removal(world, login):
    world.item.status = ItemStatus.SUBMITTED
    world.item.save()
    client = login(world.users["focal_point"])
    unlink_url = reverse("evidence:unlink", args=[world.item.pk, world.evidence.pk])
    html = client.get(
        reverse("evidence:item_files", args=[world.item.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert unlink_url not in html
    html = client.post(unlink_url, headers={"HX-Request": "true"}).content.decode()
    assert "has been submitted; its evidence can no longer be removed." in html
    assert world.item.evidence_links.exists()


def test_readers_see_the_files_without_upload_controls(world, login):
    html = (
        login(world.users["council"])
        .get(reverse("evidence:item_files", args=[world.item.pk]), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "Quyết định số 15 phê duyệt kế hoạch.pdf" in html
    assert (
        "data-evidence-drop" not in html
        and reverse("evidence:unlink", args=[world.item.pk, world.evidence.pk]) not in html
    )


def test_item_partial_query_count_does_not_grow_with_files(world, login, django_assert_max_num_queries):
    client = login(world.users["focal_point"])
    for number in range(6):
        client.post(
            reverse("evidence:upload", args=[world.item.pk]),
            {"files": [upload(pdf_bytes(f"tep {number}"), f"tep-{number}.pdf")]},
        )
    with django_assert_max_num_queries(5):
        response = client.get(
            reverse("evidence:item_files", args=[world.item.pk]), headers={"HX-Request": "true"}
        )
    assert response.content.decode().count("bi-file-earmark-pdf") == 7


def test_upload_script_is_loaded_wherever_the_partial_is_shown(world, login):
    """The partial carries no script: its own page and every page that fetches it by htmx load
    evidence/upload.js themselves (this test used to pass on the text of a comment shown by mistake)."""
    client = login(world.users["focal_point"])
    url = reverse("evidence:item_files", args=[world.item.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert f'data-target="#evidence-item-{world.item.pk}"' in partial and "<script" not in partial
    assert "evidence/upload.js" in client.get(url).content.decode()
    for page, fetching, fetches in (
        ("assessment/page.html", "assessment/page.html", "row.urls.files"),
        ("appraisal/explain.html", "appraisal/_explain_item.html", "evidence:item_files"),
    ):
        source = get_template(page).template.source
        assert "evidence/upload.js" in source, page
        assert fetching == page or f'include "{fetching}"' in source, page
        assert fetches in get_template(fetching).template.source, fetching
