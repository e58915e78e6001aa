"""Signatures of PDF evidence, read by the check job after upload: PDFs signed here with throwaway keys."""

import asyncio
import concurrent.futures
import datetime
import io
import re
from dataclasses import dataclass
from unittest import mock

import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.checks import evidence_check_run, trusted_root_add, trusted_root_remove
from evidence.models import CheckStatus, EvidenceCheck, SignatureState, TrustedRoot
from evidence.services import evidence_attach
from evidence.signatures import read_signatures
from sample.pki import Identity, alter_after_signing, make_root, make_signer, sign_pdf, timestamp_document

from .factories import docx_bytes, pdf_bytes, upload

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
NOW = datetime.datetime.now(UTC)
SIGNED_AT = datetime.datetime(2022, 12, 20, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội
ISSUED = datetime.datetime(2020, 1, 1, tzinfo=UTC)  # fixed, so the verdicts do not move with the years


@dataclass
class Pki:
    root: Identity
    stranger_root: Identity
    signer: Identity
    expired: Identity


@pytest.fixture(scope="module")
def pki() -> Pki:
    root = make_root(valid_from=ISSUED, valid_to=NOW + 4000 * DAY)
    stranger = make_root("CA lạ", valid_from=ISSUED, valid_to=NOW + 4000 * DAY)
    signer = make_signer(
        root, "Nguyễn Văn An", "Sở Giao thông vận tải", valid_from=ISSUED, valid_to=NOW + 365 * DAY
    )
    expired = make_signer(root, "Trần Thị Bình", "Sở Y tế", valid_from=ISSUED, valid_to=SIGNED_AT - 30 * DAY)
    return Pki(root, stranger, signer, expired)


def _checked(world, content: bytes, captured, name="van-ban.pdf"):
    """Uploads through the service and runs the job queued on commit (eager Celery, as in the demo)."""
    with captured(execute=True):
        evidence = evidence_attach(
            item=world.item, uploaded_file=upload(content, name), acting_user=world.users["focal_point"]
        )
    return EvidenceCheck.objects.get(evidence=evidence)


@pytest.fixture
def trusted(pki, world):
    return trusted_root_add(data=pki.root.pem, acting_user=world.users["home_affairs"])


def test_a_valid_signature_chaining_to_a_trusted_root_is_verified(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    signed = sign_pdf(pdf_bytes("Quyet dinh"), pki.signer, pki.root, signed_at=SIGNED_AT)
    check = _checked(world, signed, django_capture_on_commit_callbacks)
    assert check.status == CheckStatus.DONE
    assert check.signature == SignatureState.VERIFIED
    assert check.signer_name == "Nguyễn Văn An"
    assert check.signer_organisation == "Sở Giao thông vận tải"
    assert check.signed_at == SIGNED_AT
    assert check.signatures[0]["covers_whole_file"] is True


def test_without_a_trusted_root_the_signer_is_not_verified(pki, world, django_capture_on_commit_callbacks):
    signed = sign_pdf(pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT)
    check = _checked(world, signed, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.UNVERIFIED
    assert check.signer_name == "Nguyễn Văn An"


def test_a_root_other_than_the_trusted_one_is_not_verified(pki, world, django_capture_on_commit_callbacks):
    trusted_root_add(data=pki.stranger_root.der, acting_user=world.users["home_affairs"])
    signed = sign_pdf(pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT)
    assert _checked(world, signed, django_capture_on_commit_callbacks).signature == SignatureState.UNVERIFIED


def test_a_file_changed_after_signing_is_altered(pki, world, trusted, django_capture_on_commit_callbacks):
    altered = alter_after_signing(sign_pdf(pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT))
    check = _checked(world, altered, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.ALTERED
    assert check.signatures[0]["state"] == "altered"


def test_a_certificate_expired_at_signing_time_is_flagged(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    signed = sign_pdf(pdf_bytes(), pki.expired, pki.root, signed_at=SIGNED_AT)
    check = _checked(world, signed, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.EXPIRED
    assert check.signer_name == "Trần Thị Bình"


STAMPED_AT = datetime.datetime(2023, 3, 1, 3, 0, tzinfo=UTC)  # the authority's time, not the signer's


@pytest.fixture(scope="module")
def authority(pki) -> Identity:
    """A timestamp authority under the same root (RFC 3161), as a signing tool's timestamp server."""
    return make_signer(
        pki.root, "Dịch vụ cấp dấu thời gian", "Tổ chức chứng thực thử nghiệm",
        valid_from=ISSUED, valid_to=NOW + 365 * DAY, time_stamping=True,
    )  # fmt: skip


def test_a_trusted_timestamp_decides_the_signing_time_and_the_page_says_whose_time_it_is(
    pki, authority, world, trusted, login, django_capture_on_commit_callbacks
):
    stamped = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(authority, STAMPED_AT)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.VERIFIED
    assert (check.signed_at, check.signed_at_time_stamped) == (STAMPED_AT, True)
    assert check.signatures[0]["time_stamp"] == "trusted"
    claimed = _checked(
        world,
        sign_pdf(pdf_bytes("b"), pki.signer, pki.root, signed_at=SIGNED_AT),
        django_capture_on_commit_callbacks,
    )
    assert (claimed.signed_at, claimed.signed_at_time_stamped) == (SIGNED_AT, False)

    client = login(world.users["home_affairs"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("evidence:item_files", args=[world.item.pk])).content.decode()
    assert re.search(r'data-signed-at="stamped">10:00 01/03/2023 .*by a trusted timestamp authority', page)
    assert re.search(r'data-signed-at="claimed">09:30 20/12/2022 .*the signer\'s computer clock', page)
    api = client.get(f"/api/v1/evidence/files/{check.evidence_id}/").json()
    assert api["check"]["signed_at_time_stamped"] is True


def test_a_timestamp_of_an_authority_not_trusted_leaves_the_signers_claim(
    pki, world, trusted, login, django_capture_on_commit_callbacks
):
    """The signer chains to the trusted root, the authority to another: verified, at the claimed time."""
    stranger = make_signer(
        pki.stranger_root, "Dịch vụ dấu thời gian lạ", "Tổ chức lạ",
        valid_from=ISSUED, valid_to=NOW + 365 * DAY, time_stamping=True,
    )  # fmt: skip
    stamped = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(stranger, STAMPED_AT)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.VERIFIED
    assert (check.signed_at, check.signed_at_time_stamped) == (SIGNED_AT, False)
    assert check.signatures[0]["time_stamp"] == "not_trusted"
    page = login(world.users["home_affairs"]).get(reverse("evidence:item_files", args=[world.item.pk]))
    assert 'data-time-stamp="not_trusted"' in page.content.decode()


def test_a_timestamp_made_for_other_bytes_is_refused_and_shown(
    pki, authority, world, trusted, login, django_capture_on_commit_callbacks
):
    """A token copied from another signature (its imprint is not this signature's) decides nothing."""
    copied = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(authority, STAMPED_AT),
        stamp_another_signature=True,
    )  # fmt: skip
    check = _checked(world, copied, django_capture_on_commit_callbacks)
    assert (check.signed_at, check.signed_at_time_stamped) == (SIGNED_AT, False)
    assert check.signatures[0]["time_stamp"] == "rejected"
    page = login(world.users["home_affairs"]).get(reverse("evidence:item_files", args=[world.item.pk]))
    assert 'data-time-stamp="rejected"' in page.content.decode() and "Refused" in page.content.decode()


@pytest.mark.parametrize(
    ("authority_from", "authority_to", "stamped_at", "verdict"),
    [
        (ISSUED, NOW - DAY, STAMPED_AT, "not_trusted"),  # the authority's certificate has expired since
        (STAMPED_AT + DAY, NOW + 365 * DAY, STAMPED_AT, "rejected"),  # dated before the authority existed
        (ISSUED, NOW + 365 * DAY, NOW + 2 * DAY, "rejected"),  # dated in the future
        (ISSUED, NOW + 365 * DAY, NOW + datetime.timedelta(minutes=30), "trusted"),  # within the clocks' skew
    ],
)
def test_a_timestamp_counts_only_while_its_authority_can_vouch_for_its_time(
    pki, world, trusted, django_capture_on_commit_callbacks, authority_from, authority_to, stamped_at, verdict
):
    authority = make_signer(
        pki.root, "Dịch vụ cấp dấu thời gian", "Tổ chức chứng thực thử nghiệm",
        valid_from=authority_from, valid_to=authority_to, time_stamping=True,
    )  # fmt: skip
    stamped = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(authority, stamped_at)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    assert check.signatures[0]["time_stamp"] == verdict
    assert check.signed_at_time_stamped == (verdict == "trusted")
    assert check.signed_at == (stamped_at if verdict == "trusted" else SIGNED_AT)


def test_a_signer_who_set_the_clock_back_is_judged_at_the_stamped_time(
    pki, authority, world, trusted, django_capture_on_commit_callbacks
):
    """The certificate expired 30 days before SIGNED_AT; the computer claims a day inside its validity.
    Believed without a token; with the authority's token (at SIGNED_AT) the certificate had expired."""
    backdated = SIGNED_AT - 60 * DAY
    alone = sign_pdf(pdf_bytes(), pki.expired, pki.root, signed_at=backdated)
    assert _checked(world, alone, django_capture_on_commit_callbacks).signature == SignatureState.VERIFIED
    stamped = sign_pdf(
        pdf_bytes("b"), pki.expired, pki.root, signed_at=backdated, time_stamp=(authority, SIGNED_AT)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.EXPIRED
    assert (check.signed_at, check.signed_at_time_stamped) == (SIGNED_AT, True)


def test_a_document_timestamp_added_later_is_no_signer_and_fails_nothing(
    pki, authority, world, trusted, django_capture_on_commit_callbacks
):
    """An archive's /DocTimeStamp after the signature: the file is checked, its one signer verified."""
    signed = sign_pdf(pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT)
    check = _checked(
        world,
        timestamp_document(signed, authority, pki.root, at=STAMPED_AT),
        django_capture_on_commit_callbacks,
    )
    assert (check.status, check.signature) == (CheckStatus.DONE, SignatureState.VERIFIED)
    assert [signature["signer_name"] for signature in check.signatures] == ["Nguyễn Văn An"]


def test_an_unsigned_pdf_and_a_word_file_are_not_signed(world, trusted, django_capture_on_commit_callbacks):
    assert _checked(world, pdf_bytes("khong ky"), django_capture_on_commit_callbacks).signature == "unsigned"
    word = _checked(world, docx_bytes(), django_capture_on_commit_callbacks, name="bao-cao.docx")
    assert (word.status, word.signature, word.signatures) == (CheckStatus.DONE, "unsigned", [])


def test_trusting_a_root_later_rechecks_files_signed_but_not_verified(
    pki, world, django_capture_on_commit_callbacks
):
    signed = sign_pdf(pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT)
    check = _checked(world, signed, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.UNVERIFIED
    with django_capture_on_commit_callbacks(execute=True):
        root = trusted_root_add(data=pki.root.pem, acting_user=world.users["home_affairs"])
    check.refresh_from_db()
    assert check.signature == SignatureState.VERIFIED
    with django_capture_on_commit_callbacks(execute=True):
        trusted_root_remove(root=root, acting_user=world.users["home_affairs"])
    check.refresh_from_db()
    assert check.signature == SignatureState.UNVERIFIED
    assert [h.history_type for h in TrustedRoot.history.order_by("history_date")] == ["+", "-"]
    assert TrustedRoot.history.first().history_user == world.users["home_affairs"]


def test_trusting_or_removing_the_root_of_a_timestamps_authority_rechecks_verified_files(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    """The signer is verified either way; the authority's root decides whose time is shown."""
    authority = make_signer(
        pki.stranger_root, "Dịch vụ dấu thời gian khác", "Tổ chức khác",
        valid_from=ISSUED, valid_to=NOW + 365 * DAY, time_stamping=True,
    )  # fmt: skip
    stamped = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(authority, STAMPED_AT)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    assert (check.signature, check.signed_at) == (SignatureState.VERIFIED, SIGNED_AT)
    with django_capture_on_commit_callbacks(execute=True):
        root = trusted_root_add(data=pki.stranger_root.pem, acting_user=world.users["home_affairs"])
    check.refresh_from_db()
    assert (check.signature, check.signed_at, check.signed_at_time_stamped) == (
        SignatureState.VERIFIED, STAMPED_AT, True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        trusted_root_remove(root=root, acting_user=world.users["home_affairs"])
    check.refresh_from_db()
    assert (check.signed_at, check.signed_at_time_stamped) == (SIGNED_AT, False)


def test_the_recheck_command_judges_files_checked_before_the_timestamps_counted(
    pki, authority, world, trusted, django_capture_on_commit_callbacks
):
    """A check stored by an earlier version (the signer's claimed time, no token verdict) is judged anew."""
    from django.core.management import call_command

    stamped = sign_pdf(
        pdf_bytes(), pki.signer, pki.root, signed_at=SIGNED_AT, time_stamp=(authority, STAMPED_AT)
    )
    check = _checked(world, stamped, django_capture_on_commit_callbacks)
    EvidenceCheck.objects.filter(pk=check.pk).update(signed_at=SIGNED_AT, signed_at_time_stamped=False)
    unsigned = _checked(world, pdf_bytes("khong ky"), django_capture_on_commit_callbacks)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recheck_signatures", stdout=out)
    assert out.getvalue().startswith("1 signed files queued")
    check.refresh_from_db()
    assert (check.signed_at, check.signed_at_time_stamped, check.attempts) == (STAMPED_AT, True, 2)
    assert EvidenceCheck.objects.get(pk=unsigned.pk).attempts == 1  # nothing for a root to change


def test_a_signers_certificate_is_not_a_root_and_garbage_is_not_a_certificate(pki, world):
    with pytest.raises(ValidationError, match="not a root"):
        trusted_root_add(data=pki.signer.pem, acting_user=world.users["home_affairs"])
    with pytest.raises(ValidationError, match="not a certificate"):
        trusted_root_add(
            data=b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", acting_user=None
        )
    trusted_root_add(data=pki.root.der, acting_user=world.users["home_affairs"])
    with pytest.raises(ValidationError, match="already trusted"):
        trusted_root_add(data=pki.root.pem, acting_user=world.users["home_affairs"])


def test_a_failed_check_keeps_the_file_shows_not_checked_and_can_be_retried(
    world, login, django_capture_on_commit_callbacks
):
    with (
        mock.patch("evidence.checks.read_signatures", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        evidence = evidence_attach(
            item=world.item,
            uploaded_file=upload(pdf_bytes("giu tep")),
            acting_user=world.users["focal_point"],
        )
    check = EvidenceCheck.objects.get(evidence=evidence)
    assert (check.status, check.signature, check.attempts) == (CheckStatus.FAILED, "", 1)
    assert evidence.file.storage.exists(evidence.file.name)

    client = login(world.users["home_affairs"])
    page = client.get(reverse("evidence:item_files", args=[world.item.pk])).content.decode()
    assert 'data-check="failed"' in page and "Not checked" in page
    assert reverse("evidence:check_retry", args=[evidence.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:check_retry", args=[evidence.pk]))
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.status, check.signature, check.attempts) == (CheckStatus.DONE, "unsigned", 2)


def test_a_retry_of_a_file_the_user_may_not_see_is_not_found(world, login):
    response = login(world.users["other_focal_point"]).post(
        reverse("evidence:check_retry", args=[world.evidence.pk])
    )
    assert response.status_code == 404


def test_a_redelivered_job_runs_nothing_twice(world, django_capture_on_commit_callbacks):
    check = _checked(world, pdf_bytes("mot lan"), django_capture_on_commit_callbacks)
    assert evidence_check_run(check_id=check.pk) is None
    check.refresh_from_db()
    assert check.attempts == 1


def test_the_upload_itself_only_queues_the_check(world):
    """Without the commit (no worker yet) the file is stored and its check waits: the badge says so."""
    evidence = evidence_attach(
        item=world.item, uploaded_file=upload(pdf_bytes("cho")), acting_user=world.users["focal_point"]
    )
    assert EvidenceCheck.objects.get(evidence=evidence).status == CheckStatus.QUEUED


def test_home_affairs_trusts_and_removes_a_root_on_its_page(pki, world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    trusted_root_add(data=pki.stranger_root.pem, acting_user=None)  # e.g. the sample's, added by no one
    client = login(world.users["home_affairs"])
    url = reverse("evidence:trusted_roots")
    response = client.post(
        url, {"certificate": SimpleUploadedFile("ca.pem", pki.root.pem), "name": "CA tỉnh"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "CA tỉnh" in page and "CA lạ" in page
    refused = client.post(url, {"certificate": SimpleUploadedFile("ky.pem", pki.signer.pem)})
    assert "not a root" in refused.content.decode()
    root = TrustedRoot.objects.get(name="CA tỉnh")
    assert client.post(url, {"remove": str(root.pk)}).status_code == 302
    assert not TrustedRoot.objects.filter(pk=root.pk).exists()
    for role in ("appraiser", "secretariat_lead", "focal_point"):
        assert login(world.users[role]).get(url).status_code == 404


def test_signatures_are_read_where_an_event_loop_is_already_running(pki):
    """pyHanko's validation is a coroutine; a caller inside an event loop (Playwright's sync API in
    the browser tests, an ASGI server) must get the verdict, not a refused asyncio.run."""
    signed = sign_pdf(pdf_bytes("Quyet dinh"), pki.signer, pki.root, signed_at=SIGNED_AT)

    async def inside_a_loop():
        return read_signatures(io.BytesIO(signed), [pki.root.der])

    # A thread of its own: the main thread may already run the browser tests' loop (Playwright's
    # session), where asyncio.run would refuse before the call under test is reached.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        report = pool.submit(asyncio.run, inside_a_loop()).result()
    assert report.state == "verified"
    assert report.first.signer_name == "Nguyễn Văn An"


def test_a_certificate_valid_when_signed_but_expired_since_stays_verified(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    """The certificate is judged at the signing time: last year's document, signed while the certificate
    was valid, is not flagged because the certificate has expired since (boundary: one day either side)."""
    lapsed = make_signer(pki.root, "Đỗ Văn Cường", "Sở Tư pháp", valid_from=ISSUED, valid_to=SIGNED_AT + DAY)
    check = _checked(
        world,
        sign_pdf(pdf_bytes("het han sau"), lapsed, pki.root, signed_at=SIGNED_AT),
        django_capture_on_commit_callbacks,
    )
    assert lapsed.certificate.not_valid_after_utc < NOW
    assert check.signature == SignatureState.VERIFIED
    early = sign_pdf(pdf_bytes("het han truoc"), lapsed, pki.root, signed_at=SIGNED_AT + 2 * DAY)
    assert (
        _checked(world, early, django_capture_on_commit_callbacks, "b.pdf").signature
        == SignatureState.EXPIRED
    )


def test_a_certificate_not_yet_valid_when_signed_is_flagged(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    """A signing time before the certificate was issued is the same verdict as after it expired."""
    later = make_signer(pki.root, "Vũ Thị Dung", "Sở Tư pháp", valid_from=SIGNED_AT + DAY, valid_to=NOW + DAY)
    signed = sign_pdf(pdf_bytes("chua hieu luc"), later, pki.root, signed_at=SIGNED_AT)
    check = _checked(world, signed, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.EXPIRED
    assert check.signatures[0]["state"] == "expired"


def test_the_expired_badge_says_so_in_words_with_the_signer(
    pki, world, trusted, login, django_capture_on_commit_callbacks
):
    """The badge of an expired certificate names the signer and says the certificate was not valid."""
    _checked(
        world,
        sign_pdf(pdf_bytes(), pki.expired, pki.root, signed_at=SIGNED_AT),
        django_capture_on_commit_callbacks,
    )
    page = login(world.users["home_affairs"]).get(reverse("evidence:item_files", args=[world.item.pk]))
    text = page.content.decode()
    assert 'data-check="expired"' in text and "Certificate not valid when signed" in text
    assert "Trần Thị Bình" in text and "No: the certificate was not valid at the signing time" in text


def test_a_check_that_cannot_be_queued_shows_not_checked_and_the_retry_queues_it(
    world, login, django_capture_on_commit_callbacks
):
    """No broker at upload time: the upload succeeds, the file is kept, the badge offers a retry."""
    with (
        mock.patch("evidence.tasks.check_evidence.delay", side_effect=ConnectionError("no broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        evidence = evidence_attach(
            item=world.item,
            uploaded_file=upload(pdf_bytes("khong xep hang")),
            acting_user=world.users["focal_point"],
        )
    check = EvidenceCheck.objects.get(evidence=evidence)
    assert check.status == CheckStatus.FAILED and evidence.file.storage.exists(evidence.file.name)
    client = login(world.users["home_affairs"])
    page = client.get(reverse("evidence:item_files", args=[world.item.pk])).content.decode()
    assert 'data-check="failed"' in page and reverse("evidence:check_retry", args=[evidence.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence:check_retry", args=[evidence.pk]),
            {"next": reverse("evidence:item_files", args=[world.item.pk])},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:item_files", args=[world.item.pk])
    check.refresh_from_db()
    assert (check.status, check.signature) == (CheckStatus.DONE, "unsigned")


def test_a_check_stopped_by_the_time_limit_is_not_checked_and_keeps_the_file(
    world, django_capture_on_commit_callbacks
):
    from billiard.exceptions import SoftTimeLimitExceeded

    with (
        mock.patch("evidence.checks.extract_text", side_effect=SoftTimeLimitExceeded()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        evidence = evidence_attach(
            item=world.item,
            uploaded_file=upload(pdf_bytes("lau qua")),
            acting_user=world.users["focal_point"],
        )
    check = EvidenceCheck.objects.get(evidence=evidence)
    assert (check.status, check.message) == (CheckStatus.FAILED, "The check stopped: SoftTimeLimitExceeded")
    assert evidence.file.storage.exists(evidence.file.name)


def _edited_after_signing(signed: bytes) -> bytes:
    """A page's content added in an incremental update, as a PDF editor saves a signed file: the
    signature's own bytes stay intact, only the diff analysis sees the change."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    added = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Sua) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), added])
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_content_added_in_an_incremental_update_after_signing_is_altered(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    signed = sign_pdf(
        weasyprint.HTML(string="<p>Quyết định</p>").write_pdf(), pki.signer, pki.root, signed_at=SIGNED_AT
    )
    assert read_signatures(io.BytesIO(signed), [pki.root.der]).state == "verified"
    check = _checked(world, _edited_after_signing(signed), django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.ALTERED
    assert check.signatures[0]["covers_whole_file"] is False


def test_a_countersigned_document_is_judged_by_its_worst_signature(
    pki, world, trusted, django_capture_on_commit_callbacks
):
    """The leader signs, then the clerk adds the organisation's signature: both verified, the first
    signer named; a countersignature by an untrusted authority makes the file not verified."""
    seal = make_signer(pki.root, "Văn thư Sở", "Sở Giao thông vận tải", valid_from=ISSUED, valid_to=NOW + DAY)
    signed = sign_pdf(pdf_bytes("hai chu ky"), pki.signer, pki.root, signed_at=SIGNED_AT)
    both = sign_pdf(signed, seal, pki.root, signed_at=SIGNED_AT + DAY, field_name="ConDau")
    check = _checked(world, both, django_capture_on_commit_callbacks)
    assert check.signature == SignatureState.VERIFIED
    assert [s["signer_name"] for s in check.signatures] == ["Nguyễn Văn An", "Văn thư Sở"]
    assert check.signer_name == "Nguyễn Văn An"
    stranger = make_signer(pki.stranger_root, "Người lạ", "?", valid_from=ISSUED, valid_to=NOW + DAY)
    mixed = sign_pdf(signed, stranger, pki.stranger_root, signed_at=SIGNED_AT + DAY, field_name="ConDau")
    check = _checked(world, mixed, django_capture_on_commit_callbacks, "c.pdf")
    assert check.signature == SignatureState.UNVERIFIED
    assert [s["state"] for s in check.signatures] == ["verified", "unverified"]
