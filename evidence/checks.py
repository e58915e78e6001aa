"""The checks that run after an upload, in a Celery job: signatures (PDF) and text (for the search).

The upload only writes a queued EvidenceCheck row and queues the job once committed (parindex.jobs),
so it stays as fast as before. The worker claims the row, reads the stored file and records what it
found. Whatever fails, the file stays: the check is recorded "failed", shown "not checked", and may
be queued again (evidence_check_retry). Trusted roots are Home Affairs' (trusted_root_add/remove,
audited); a change re-checks the files whose verdict it may change.
"""

from __future__ import annotations

import hashlib
import logging

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.jobs import job_claim, job_enqueue

from .models import CheckStatus, EvidenceCheck, EvidenceFile, SignatureState, TrustedRoot
from .search import text_vector
from .signatures import read_signatures
from .text import extract_text

logger = logging.getLogger(__name__)

PDF = "application/pdf"
NOT_A_CERTIFICATE = _("The file is not a certificate (PEM or DER).")
NOT_A_ROOT = _("The certificate is not a root (it is not self-signed by a certificate authority).")
ALREADY_TRUSTED = _("This root certificate is already trusted.")
CHECK_FAILED = "The check stopped: %s"


def evidence_check_queue(evidence: EvidenceFile) -> EvidenceCheck:
    """(Re)queues the checks of a file; the job starts once the caller's transaction commits."""
    from .tasks import check_evidence

    check, _created = EvidenceCheck.objects.update_or_create(
        evidence=evidence,
        defaults={
            "status": CheckStatus.QUEUED,
            "created_at": timezone.now(),
            "message": "",
            "finished_at": None,
        },
    )
    job_enqueue(check_evidence, EvidenceCheck, check.pk, queued=CheckStatus.QUEUED, failed=CheckStatus.FAILED)
    return check


@transaction.atomic
def evidence_check_retry(*, evidence: EvidenceFile, acting_user) -> EvidenceCheck:
    """Queues the checks again (after a failure, or to re-read a file). Changes no input: whoever may
    see the file may ask (the policy's evidence-check entry); a check already queued is left alone."""
    check = EvidenceCheck.objects.filter(evidence=evidence).first()
    if check is not None and check.pending:
        return check
    logger.info("evidence %s re-checked at the request of user %s", evidence.pk, acting_user.pk)
    return evidence_check_queue(evidence)


def _trusted_roots() -> list[bytes]:
    return [bytes(der) for der in TrustedRoot.objects.values_list("certificate", flat=True)]


def evidence_check_run(*, check_id: int) -> EvidenceCheck | None:
    """The job: reads the file's signatures and text and records them; a failure is recorded, never
    raised, and leaves the file untouched. None when the row was not queued (run or redelivered)."""
    if not job_claim(EvidenceCheck, check_id, queued=CheckStatus.QUEUED, running=CheckStatus.RUNNING):
        return None
    check = EvidenceCheck.objects.select_related("evidence").get(pk=check_id)
    check.attempts += 1
    evidence = check.evidence
    try:
        with evidence.file.storage.open(evidence.file.name, "rb") as handle:
            if evidence.content_type == PDF:
                report = read_signatures(handle, _trusted_roots())
                handle.seek(0)
            else:
                report = None
            # A PDF pyHanko cannot parse has no text worth the time: pypdf would rebuild its cross-
            # reference table by scanning every byte (about 50 s for 50 MB of noise).
            unreadable = report is not None and report.state == SignatureState.UNREADABLE
            text = "" if unreadable else extract_text(handle, evidence.content_type)
    except Exception as error:
        logger.exception("evidence check %s failed", check_id)
        check.status = CheckStatus.FAILED
        check.message = (CHECK_FAILED % type(error).__name__)[:255]
        check.finished_at = timezone.now()
        check.save(update_fields=["status", "message", "attempts", "finished_at", "updated_at"])
        return check
    first = report.first if report else None
    check.signature = report.state if report else SignatureState.UNSIGNED
    check.signer_name = first.signer_name if first else ""
    check.signer_organisation = first.signer_organisation if first else ""
    check.signed_at = first.signed_at if first else None
    check.signed_at_time_stamped = first.time_stamped if first else False
    check.signatures = [signature.as_json() for signature in report.signatures] if report else []
    check.text = text
    check.message = ""
    check.status = CheckStatus.DONE
    check.finished_at = timezone.now()
    with transaction.atomic():  # never "done" without its search vector: such a file would stay unfound
        check.save()
        if connection.vendor == "postgresql":  # the search's index; SQLite scans the text instead
            EvidenceCheck.objects.filter(pk=check.pk).update(search_vector=text_vector())
    return check


def _load_certificate(data: bytes) -> asn1_x509.Certificate:
    try:
        if pem.detect(data):
            _kind, _headers, data = pem.unarmor(data)
        certificate = asn1_x509.Certificate.load(data)
        certificate.native  # noqa: B018  parses the whole structure: a damaged file fails here
    except (ValueError, TypeError, KeyError) as error:
        raise ValidationError(NOT_A_CERTIFICATE, code="not_a_certificate") from error
    return certificate


# Every verdict a trusted root can change: whether the signer chains to one, and whether a timestamp's
# authority does, which decides the moment the certificate is judged at (verified or expired).
SIGNED = (SignatureState.VERIFIED, SignatureState.EXPIRED, SignatureState.UNVERIFIED)


def signed_files_recheck() -> int:
    """Queues a check of every signed file whose verdict a root decides; returns how many."""
    evidence = list(EvidenceFile.objects.filter(check_result__signature__in=SIGNED))
    for file in evidence:
        evidence_check_queue(file)
    return len(evidence)


@transaction.atomic
def trusted_root_add(*, data: bytes, acting_user, name: str = "") -> TrustedRoot:
    """Trusts a root certificate (PEM or DER); every signed file is checked again (its signer or its
    timestamp's authority may chain to it)."""
    certificate = _load_certificate(data)
    if not certificate.self_signed or not certificate.ca:
        raise ValidationError(NOT_A_ROOT, code="not_a_root")
    der = certificate.dump()
    fingerprint = hashlib.sha256(der).hexdigest()
    if TrustedRoot.objects.filter(fingerprint=fingerprint).exists():
        raise ValidationError(ALREADY_TRUSTED, code="duplicate")
    # The subject's values only (name, organisation, country), as an official reads them.
    subject = ", ".join(str(value) for value in certificate.subject.native.values())[:500]
    root = TrustedRoot(
        name=(name.strip() or str(certificate.subject.native.get("common_name", subject)))[:255],
        subject=subject,
        fingerprint=fingerprint,
        certificate=der,
        not_valid_after=certificate["tbs_certificate"]["validity"]["not_after"].native,
        added_by=acting_user,
    )
    root.full_clean()
    root._history_user = acting_user
    root.save()
    signed_files_recheck()
    return root


@transaction.atomic
def trusted_root_remove(*, root: TrustedRoot, acting_user) -> None:
    """Stops trusting a root; every signed file is checked again."""
    root._history_user = acting_user
    root.delete()
    signed_files_recheck()
