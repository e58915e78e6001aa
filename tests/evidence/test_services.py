"""Evidence services: storage with hash and size, one copy per content, links within the agency,
deletion refused once an item is submitted, and every change in the history."""

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment.models import ItemStatus
from evidence.models import EvidenceFile, EvidenceLink
from evidence.services import (
    evidence_attach,
    evidence_delete,
    evidence_link,
    evidence_unlink,
    evidence_upload,
)

from .factories import (
    EXE_BYTES,
    AssessmentItemFactory,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (pdf_bytes("Ke hoach 2022"), "Kế hoạch cải cách hành chính năm 2022.pdf", "application/pdf", ".pdf"),
        (png_bytes(), "Ảnh chụp bảng niêm yết.png", "image/png", ".png"),
        (
            docx_bytes(),
            "Báo cáo.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
    ],
    ids=["pdf", "png", "docx"],
)
def test_upload_stores_the_bytes_with_hash_size_and_type(world, content, name, content_type, extension):
    """The file lands under evidence/<agency>/<year>/ with a random name; the row keeps what was uploaded."""
    evidence = evidence_upload(
        agency=world.agency,
        uploaded_file=upload(content, name),
        acting_user=world.users["focal_point"],
        document_number="15/KH-UBND",
        document_date=timezone.localdate(),
        summary="Kế hoạch CCHC",
    )
    evidence.refresh_from_db()
    assert evidence.original_name == name
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.content_type == content_type
    assert evidence.uploaded_by == world.users["focal_point"]
    assert re.fullmatch(
        rf"evidence/{world.agency.pk}/{timezone.localdate().year}/[0-9a-f]{{32}}\{extension}",
        evidence.file.name,
    )
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes() == content


def test_the_same_file_twice_is_stored_once(world):
    """A second upload of the same bytes, under any name, returns the first row and stores nothing."""
    before = stored_files()
    again = evidence_upload(
        agency=world.agency,
        uploaded_file=upload(pdf_bytes(), "ban-sao.pdf"),
        acting_user=world.users["focal_point"],
    )
    assert again == world.evidence
    assert again.original_name == "Quyết định số 15 phê duyệt kế hoạch.pdf"
    assert stored_files() == before
    assert EvidenceFile.objects.filter(agency=world.agency).count() == 1


def test_another_agency_stores_its_own_copy(world):
    """Deduplication is per agency: agencies never share a row."""
    theirs = evidence_upload(
        agency=world.other_agency,
        uploaded_file=upload(pdf_bytes()),
        acting_user=world.users["other_focal_point"],
    )
    assert theirs != world.evidence and theirs.sha256 == world.evidence.sha256
    assert len(stored_files()) == 2


def test_refused_file_stores_nothing(world):
    with pytest.raises(ValidationError, match="is not a PDF file"):
        evidence_upload(
            agency=world.agency,
            uploaded_file=upload(EXE_BYTES, "setup.pdf"),
            acting_user=world.users["focal_point"],
        )
    assert EvidenceFile.objects.count() == 1 and len(stored_files()) == 1


def test_invalid_details_leave_no_stored_file(world):
    """A row that does not validate stores no bytes."""
    with pytest.raises(
        ValidationError, match=re.escape("Ensure this value has at most 100 characters (it has 101).")
    ):
        evidence_upload(
            agency=world.agency,
            uploaded_file=upload(png_bytes()),
            acting_user=world.users["focal_point"],
            document_number="x" * 101,
        )
    assert len(stored_files()) == 1


def test_one_file_supports_several_items_of_its_agency(world):
    second_item = AssessmentItemFactory(agency=world.agency)
    link = evidence_link(item=second_item, evidence=world.evidence, acting_user=world.users["focal_point"])
    assert (
        evidence_link(item=second_item, evidence=world.evidence, acting_user=world.users["focal_point"])
        == link
    )
    assert set(world.evidence.links.values_list("item", flat=True)) == {world.item.pk, second_item.pk}


def test_link_to_an_item_of_another_agency_is_refused(world):
    with pytest.raises(
        ValidationError, match="belongs to another agency and cannot support this item"
    ) as caught:
        evidence_link(item=world.other_item, evidence=world.evidence, acting_user=world.users["home_affairs"])
    assert caught.value.messages == [
        "The file Quyết định số 15 phê duyệt kế hoạch.pdf belongs to another agency and cannot support this item."
    ]
    assert not world.other_item.evidence_links.exists()


def test_attach_rolls_back_the_upload_when_the_link_is_refused(world, monkeypatch):
    """Upload and link are one transaction: a failed link leaves neither a row nor stored bytes."""
    import evidence.services as services

    def refuse(**kwargs):
        raise ValidationError("no")

    monkeypatch.setattr(services, "evidence_link", refuse)
    with pytest.raises(ValidationError, match=re.escape("['no']")):  # the refused link's own message
        services.evidence_attach(
            item=world.item, uploaded_file=upload(png_bytes()), acting_user=world.users["focal_point"]
        )
    assert EvidenceFile.objects.count() == 1
    assert len(stored_files()) == 1


def test_delete_removes_links_row_and_file(world, django_capture_on_commit_callbacks):
    path = Path(settings.MEDIA_ROOT) / world.evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=world.evidence, acting_user=world.users["focal_point"])
    assert not EvidenceFile.objects.exists() and not EvidenceLink.objects.exists()
    assert not path.exists()


@pytest.mark.parametrize(
    "status", [ItemStatus.SUBMITTED, ItemStatus.APPRAISED, ItemStatus.DISPUTED, ItemStatus.REAPPRAISED]
)
def test_delete_is_refused_once_an_item_is_submitted(world, status, django_capture_on_commit_callbacks):
    """Appraisers rely on submitted evidence: the file, its links and its bytes stay."""
    world.item.status = status
    world.item.save()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(
            ValidationError, match="which has been submitted; it can no longer be deleted"
        ) as caught,
    ):
        evidence_delete(evidence=world.evidence, acting_user=world.users["focal_point"])
    assert caught.value.messages == [
        f"The file Quyết định số 15 phê duyệt kế hoạch.pdf supports criterion {world.item.node.code}, "
        "which has been submitted; it can no longer be deleted."
    ]
    assert EvidenceLink.objects.filter(evidence=world.evidence).exists()
    assert (Path(settings.MEDIA_ROOT) / world.evidence.file.name).exists()


def test_self_scored_items_do_not_block_deletion(world, django_capture_on_commit_callbacks):
    world.item.status = ItemStatus.SELF_SCORED
    world.item.save()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=world.evidence, acting_user=world.users["focal_point"])
    assert not EvidenceFile.objects.exists()


def test_unlink_keeps_the_file_for_other_items(world):
    evidence_unlink(item=world.item, evidence=world.evidence, acting_user=world.users["focal_point"])
    assert not world.item.evidence_links.exists()
    assert EvidenceFile.objects.filter(pk=world.evidence.pk).exists()


def test_unlink_is_refused_once_the_item_is_submitted(world):
    """Otherwise removing the link would be a way round the deletion rule."""
    world.item.status = ItemStatus.SUBMITTED
    world.item.save()
    with pytest.raises(
        ValidationError, match="has been submitted; its evidence can no longer be removed"
    ) as caught:
        evidence_unlink(item=world.item, evidence=world.evidence, acting_user=world.users["focal_point"])
    assert caught.value.messages == [
        f"Criterion {world.item.node.code} has been submitted; its evidence can no longer be removed."
    ]
    assert world.item.evidence_links.exists()


def test_history_records_upload_link_and_delete_with_the_user(world, django_capture_on_commit_callbacks):
    user = world.users["focal_point"]
    evidence_id = world.evidence.pk
    created = EvidenceFile.history.get(id=evidence_id)
    assert (created.history_type, created.history_user, created.sha256) == ("+", user, world.evidence.sha256)
    assert EvidenceLink.history.filter(evidence_id=evidence_id, history_type="+").get().history_user == user
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=world.evidence, acting_user=user)
    deleted = EvidenceFile.history.filter(id=evidence_id).latest("history_date")
    assert (deleted.history_type, deleted.history_user, deleted.original_name) == (
        "-",
        user,
        "Quyết định số 15 phê duyệt kế hoạch.pdf",
    )
    assert EvidenceLink.history.filter(evidence_id=evidence_id, history_type="-").get().history_user == user


def test_attach_uploads_and_links(world):
    item = AssessmentItemFactory(agency=world.agency)
    evidence = evidence_attach(
        item=item, uploaded_file=upload(png_bytes()), acting_user=world.users["focal_point"]
    )
    assert list(item.evidence_links.values_list("evidence", flat=True)) == [evidence.pk]


@pytest.mark.parametrize("state", ["appraisal", "approved", "published"])
def test_delete_is_refused_once_the_periods_self_assessment_is_over(
    world, state, django_capture_on_commit_callbacks
):
    """An agency that never submitted keeps its items self-scored, but its round is closed: the file
    supporting one of them stays, whoever asks (the service asks the policy, not only a page)."""
    period = world.item.node.criteria_set.period
    type(period).objects.filter(pk=period.pk).update(state=state)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="cannot be changed while the period|are approved"),
    ):
        evidence_delete(evidence=world.evidence, acting_user=world.users["focal_point"])
    assert EvidenceLink.objects.filter(evidence=world.evidence).exists()
    assert (Path(settings.MEDIA_ROOT) / world.evidence.file.name).exists()


@pytest.mark.parametrize("user", ["other_focal_point", "home_affairs", "agency_head"])
def test_only_the_agencys_focal_point_deletes_its_file(world, user):
    with pytest.raises(ValidationError, match="focal point"):
        evidence_delete(evidence=world.evidence, acting_user=world.users[user])
    assert EvidenceFile.objects.filter(pk=world.evidence.pk).exists()
