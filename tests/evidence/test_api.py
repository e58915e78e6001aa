"""Evidence API: the same scope as the pages (404 for other agencies' ids), filters, and uploads by the
agency's focal point with the same content checks."""

import hashlib

import pytest
from django.urls import reverse

from evidence.models import EvidenceFile

from .factories import EXE_BYTES, AssessmentItemFactory, docx_bytes, pdf_bytes, png_bytes, upload
from .test_views import SEES_AGENCY_A

pytestmark = pytest.mark.django_db

LIST = reverse("evidence-api:file-list")


def detail(pk: int) -> str:
    return reverse("evidence-api:file-detail", args=[pk])


@pytest.mark.parametrize(("role", "expected"), SEES_AGENCY_A.items())
def test_list_and_detail_permission_matrix(world, login, role, expected):
    """A user who cannot see agency A's file neither lists it nor reads it by id (404, like a missing id)."""
    evidence_upload_for_other_agency(world)
    client = login(world.users[role])
    if expected == 403:  # a survey operator is fenced out of every API but the surveys'
        assert client.get(LIST).status_code == 403
        assert client.get(detail(world.evidence.pk)).status_code == 403
        return
    listed = {row["id"] for row in client.get(LIST).json()["results"]}
    assert (world.evidence.pk in listed) == (expected == 200)
    assert client.get(detail(world.evidence.pk)).status_code == expected
    assert client.get(detail(world.evidence.pk + 1000)).status_code == 404


def evidence_upload_for_other_agency(world) -> EvidenceFile:
    from evidence.services import evidence_attach

    return evidence_attach(
        item=world.other_item,
        uploaded_file=upload(png_bytes(), "khac.png"),
        acting_user=world.users["other_focal_point"],
    )


def test_anonymous_api_access_is_refused(world, client):
    assert client.get(LIST).status_code == 403
    assert client.get(detail(world.evidence.pk)).status_code == 403


def test_detail_fields(world, login):
    row = login(world.users["council"]).get(detail(world.evidence.pk)).json()
    assert row["original_name"] == "Quyết định số 15 phê duyệt kế hoạch.pdf"
    assert row["sha256"] == hashlib.sha256(pdf_bytes()).hexdigest()
    assert (row["agency"], row["items"], row["content_type"]) == (
        world.agency.pk,
        [world.item.pk],
        "application/pdf",
    )
    assert row["uploaded_by"] == world.users["focal_point"].username
    assert row["download_url"] == "http://testserver" + reverse("evidence:download", args=[world.evidence.pk])


def test_filters_by_agency_and_item(world, login, django_assert_max_num_queries):
    theirs = evidence_upload_for_other_agency(world)
    client = login(world.users["home_affairs"])
    with django_assert_max_num_queries(6):
        assert {row["id"] for row in client.get(LIST).json()["results"]} == {world.evidence.pk, theirs.pk}
    assert [row["id"] for row in client.get(LIST, {"agency": world.other_agency.pk}).json()["results"]] == [
        theirs.pk
    ]
    assert [row["id"] for row in client.get(LIST, {"item": world.item.pk}).json()["results"]] == [
        world.evidence.pk
    ]


def test_filtering_on_a_foreign_agency_shows_nothing(world, login):
    """Filtering on another agency's id returns an empty list, not an error that would confirm it."""
    evidence_upload_for_other_agency(world)
    client = login(world.users["focal_point"])
    response = client.get(LIST, {"agency": world.other_agency.pk})
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.get(LIST, {"item": world.other_item.pk}).json()["results"] == []


def test_focal_point_uploads_and_links(world, login):
    item = AssessmentItemFactory(agency=world.agency)
    response = login(world.users["focal_point"]).post(
        LIST,
        {
            "file": upload(docx_bytes(), "Báo cáo.docx"),
            "item": item.pk,
            "document_number": "7/BC-UBND",
            "document_date": "2022-12-20",
        },
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["original_name"], row["items"], row["document_date"]) == (
        "Báo cáo.docx",
        [item.pk],
        "2022-12-20",
    )
    assert row["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert EvidenceFile.objects.get(pk=row["id"]).agency == world.agency


def test_upload_without_item_goes_to_the_library(world, login):
    response = login(world.users["focal_point"]).post(LIST, {"file": upload(png_bytes(), "anh.png")})
    assert response.status_code == 201 and response.json()["items"] == []


def test_api_upload_is_checked_by_content(world, login):
    response = login(world.users["focal_point"]).post(LIST, {"file": upload(EXE_BYTES, "ke-hoach.pdf")})
    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "The file ke-hoach.pdf is not a PDF file, although its name ends in .pdf; allowed: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP."
        ]
    }


def test_api_upload_over_the_limit_is_refused(world, login, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = login(world.users["focal_point"]).post(
        LIST, {"file": upload(pdf_bytes() + b"%" * 5000, "lon.pdf")}
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["The file lon.pdf is over the limit of 1000\xa0bytes."]}
    assert EvidenceFile.objects.count() == 1


def test_api_upload_of_known_content_returns_the_stored_file(world, login):
    response = login(world.users["focal_point"]).post(LIST, {"file": upload(pdf_bytes(), "lan-2.pdf")})
    assert response.json()["id"] == world.evidence.pk
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize("role", ["agency_head", "home_affairs", "council", "appraiser", "survey_operator"])
def test_only_focal_points_upload_through_the_api(world, login, role):
    response = login(world.users[role]).post(LIST, {"file": upload(png_bytes())})
    assert response.status_code == 403
    assert not EvidenceFile.objects.filter(content_type="image/png").exists()


def test_api_upload_to_another_agencys_item_is_404(world, login):
    response = login(world.users["focal_point"]).post(
        LIST, {"file": upload(png_bytes()), "item": world.other_item.pk}
    )
    assert response.status_code == 404
    assert not EvidenceFile.objects.filter(content_type="image/png").exists()


def test_schema_describes_the_evidence_endpoints(world, login):
    schema = login(world.users["home_affairs"]).get(reverse("api-schema"), {"format": "json"}).json()
    assert {"/api/v1/evidence/files/", "/api/v1/evidence/files/{id}/"} <= set(schema["paths"])
    upload_body = schema["paths"]["/api/v1/evidence/files/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    assert "EvidenceFile" in schema["components"]["schemas"]


def test_files_show_their_check_results_and_flags_to_who_sees_them(world, login):
    """The signature badge's state, the duplicate flag (staff only) and the date flag, as the pages show."""
    import datetime

    from evidence.models import EvidenceCheck, SignatureState
    from evidence.services import evidence_attach

    EvidenceCheck.objects.update_or_create(
        evidence=world.evidence,
        defaults={"status": "done", "signature": SignatureState.ALTERED, "signer_name": "Nguyễn Văn A"},
    )
    period = world.item.node.criteria_set.period
    EvidenceFile.objects.filter(pk=world.evidence.pk).update(
        document_date=datetime.date(period.year - 1, 5, 2)
    )
    # The same bytes uploaded by the other agency for its item of the same period.
    evidence_attach(
        item=world.other_item, uploaded_file=upload(pdf_bytes()), acting_user=world.users["other_focal_point"]
    )
    staff = login(world.users["home_affairs"]).get(detail(world.evidence.pk)).json()
    assert staff["check"]["status"] == "done"
    assert staff["check"]["signature"] == "altered"
    assert staff["check"]["signer_name"] == "Nguyễn Văn A"
    assert staff["flags"]["period"] == period.code
    assert staff["flags"]["duplicated"] is True
    assert staff["flags"]["duplicate_agencies"] == [world.other_agency.name]
    assert staff["flags"]["outside_year"] is True
    listed = {row["id"]: row for row in login(world.users["home_affairs"]).get(LIST).json()["results"]}
    assert listed[world.evidence.pk]["flags"] == staff["flags"]
    own = login(world.users["focal_point"]).get(detail(world.evidence.pk)).json()
    assert own["check"]["signature"] == "altered"
    assert own["flags"]["duplicated"] is False  # an agency is not told what other agencies uploaded
    assert own["flags"]["outside_year"] is True


def test_a_file_not_yet_checked_and_linked_to_no_item_has_no_results(world, login):
    from evidence.models import EvidenceCheck

    EvidenceCheck.objects.filter(evidence=world.evidence).delete()
    row = login(world.users["home_affairs"]).get(detail(world.evidence.pk)).json()
    assert row["check"] is None
    assert row["flags"]["duplicated"] is False
