"""Writes for evidence: upload (deduplicated per agency), link to and unlink from items, delete."""

from __future__ import annotations

import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies import policy
from agencies.models import Agency
from assessment.models import AssessmentItem, ItemStatus, Submission
from assessment.services import evidence_change_refusal, evidence_library_refusal

from .checks import evidence_check_queue
from .models import EvidenceFile, EvidenceLink
from .validation import check_upload, sha256_of

# Evidence of an item is the agency's to change until the item is submitted; afterwards appraisers
# rely on it, so it may be added to (explanation) but not taken away.
EDITABLE_STATUSES = frozenset({ItemStatus.NOT_STARTED, ItemStatus.SELF_SCORED})

OTHER_AGENCY = _("The file %(name)s belongs to another agency and cannot support this item.")
DELETE_SUBMITTED = _(
    "The file %(name)s supports criterion %(code)s, which has been submitted; it can no longer be deleted."
)
DELETE_NOT_YOURS = _("Only the agency's focal point can delete its evidence.")
UNLINK_SUBMITTED = _("Criterion %(code)s has been submitted; its evidence can no longer be removed.")


def _audited(instance, user: User | None):
    """simple_history records this user on the next save or delete, in a request or not."""
    instance._history_user = user
    return instance


def _evidence_store(
    *,
    agency: Agency,
    uploaded_file: File,
    acting_user: User,
    document_number: str,
    document_date: datetime.date | None,
    summary: str,
) -> tuple[EvidenceFile, bool]:
    """(the agency's file with these bytes, whether it was stored now). Runs inside the caller's transaction."""
    content_type = check_upload(uploaded_file)
    sha256 = sha256_of(uploaded_file)
    # The agency row lock serialises uploads of one agency, so two identical uploads at once store one file.
    Agency.objects.select_for_update().get(pk=agency.pk)
    existing = EvidenceFile.objects.filter(agency=agency, sha256=sha256).first()
    if existing is not None:
        return existing, False

    evidence = EvidenceFile(
        agency=agency,
        file=uploaded_file,
        original_name=PurePath(uploaded_file.name).name[:255],
        size=uploaded_file.size,
        sha256=sha256,
        content_type=content_type,
        document_number=document_number,
        document_date=document_date,
        summary=summary,
        uploaded_by=acting_user,
    )
    evidence.full_clean()
    try:
        _audited(evidence, acting_user).save()  # streams the upload into storage under a random name
    except Exception:
        if evidence.file._committed:  # stored, but the row was not written
            _remove_stored_bytes(evidence)
        raise
    evidence_check_queue(evidence)  # signatures and text, in a job once committed
    return evidence, True


def _remove_stored_bytes(evidence: EvidenceFile) -> None:
    evidence.file.storage.delete(evidence.file.name)


@transaction.atomic
def evidence_upload(
    *,
    agency: Agency,
    uploaded_file: File,
    acting_user: User,
    document_number: str = "",
    document_date: datetime.date | None = None,
    summary: str = "",
) -> EvidenceFile:
    """Stores the file for the agency after checking its type and size; the same bytes are stored once.

    A second upload of content the agency already has returns the existing row unchanged. Refused
    (code "closed") when no period takes the agency's evidence now.
    """
    if refusal := evidence_library_refusal(agency=agency):
        raise ValidationError(refusal, code="closed")
    evidence, _created = _evidence_store(
        agency=agency,
        uploaded_file=uploaded_file,
        acting_user=acting_user,
        document_number=document_number,
        document_date=document_date,
        summary=summary,
    )
    return evidence


def _require_open(item: AssessmentItem) -> None:
    """Files of an item change only while the self-assessment is open, or in the explanation round.

    Judged as a self-score is (assessment.services.item_self_score): the agency's submission row locked
    first, so a submission committing meanwhile is waited for, then the item's status as stored now (the
    caller's copy was read before). Otherwise a file removed or added as the agency submitted changed the
    evidence of an item already submitted."""
    period = item.node.criteria_set.period
    submission = Submission.objects.select_for_update(no_key=True).filter(
        period=period, agency=item.agency_id
    )
    list(submission.values_list("pk", flat=True))  # the lock only
    item.status = AssessmentItem.objects.values_list("status", flat=True).get(pk=item.pk)
    refusal = evidence_change_refusal(item)
    if refusal:
        raise ValidationError(refusal, code="closed")


@transaction.atomic
def evidence_link(*, item: AssessmentItem, evidence: EvidenceFile, acting_user: User) -> EvidenceLink:
    """Makes the agency's file support one of its items; linking twice keeps the first link."""
    _require_open(item)
    if evidence.agency_id != item.agency_id:
        raise ValidationError(OTHER_AGENCY, code="other_agency", params={"name": evidence.original_name})
    link = EvidenceLink.objects.filter(item=item, evidence=evidence).first()
    if link is not None:
        return link
    link = EvidenceLink(item=item, evidence=evidence, linked_by=acting_user)
    link.full_clean()
    _audited(link, acting_user).save()
    return link


@transaction.atomic
def evidence_attach(
    *,
    item: AssessmentItem,
    uploaded_file: File,
    acting_user: User,
    document_number: str = "",
    document_date: datetime.date | None = None,
    summary: str = "",
) -> EvidenceFile:
    """Uploads a file for the item's agency and links it to the item, both or neither."""
    _require_open(item)
    evidence, created = _evidence_store(
        agency=item.agency,
        uploaded_file=uploaded_file,
        acting_user=acting_user,
        document_number=document_number,
        document_date=document_date,
        summary=summary,
    )
    try:
        evidence_link(item=item, evidence=evidence, acting_user=acting_user)
    except Exception:
        if created:  # the row rolls back with this transaction; the bytes must go too
            _remove_stored_bytes(evidence)
        raise
    return evidence


@transaction.atomic
def evidence_unlink(*, item: AssessmentItem, evidence: EvidenceFile, acting_user: User) -> None:
    """Stops the file supporting the item; the file stays in the agency's library for other items."""
    _require_open(item)
    if item.status not in EDITABLE_STATUSES:
        raise ValidationError(UNLINK_SUBMITTED, code="submitted", params={"code": item.node.code})
    for link in EvidenceLink.objects.filter(item=item, evidence=evidence):
        _audited(link, acting_user).delete()


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, acting_user: User) -> None:
    """Deletes the file, its links and the stored bytes: the agency's focal point only, and only while every
    item it supports may still change its files (`_require_open`: its period's self-assessment open, not
    submitted), so no closed round loses evidence.

    The bytes are removed once the transaction commits, so a rollback keeps row and file together.
    """
    if not policy.may_self_assess(acting_user, evidence.agency_id):
        raise ValidationError(DELETE_NOT_YOURS, code="not_yours")
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    links = list(
        EvidenceLink.objects.filter(evidence=evidence).select_related(
            "item__node__criteria_set__period", "item__agency"
        )
    )
    for link in links:
        _require_open(link.item)
        if link.item.status not in EDITABLE_STATUSES:
            raise ValidationError(
                DELETE_SUBMITTED,
                code="submitted",
                params={"name": evidence.original_name, "code": link.item.node.code},
            )
    for link in links:
        _audited(link, acting_user).delete()
    _audited(evidence, acting_user).delete()
    transaction.on_commit(lambda: _remove_stored_bytes(evidence))
