"""Reads for evidence, always scoped through agencies.permissions.scope_for."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import AGENCY_ROLES, Role
from agencies.models import Period
from agencies.permissions import items_readable_q, scope_for
from assessment.models import AssessmentItem

from .models import EvidenceFile, EvidenceLink

# The check's bulky columns (a file's text, up to 200,000 characters, and its search vector): a badge
# needs neither, so lists leave them in the database.
CHECK_BULK = ("text", "search_vector")


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Files of the agencies the user may read: their own agency, all of them, or none; an appraiser
    reads the files supporting items assigned to them in the items' period."""
    if user.is_authenticated and user.role == Role.APPRAISER and not user.is_superuser:
        items = AssessmentItem.objects.filter(items_readable_q(user))
        return EvidenceFile.objects.filter(
            Exists(EvidenceLink.objects.filter(evidence=OuterRef("pk"), item__in=items))
        )
    return EvidenceFile.objects.filter(agency__in=scope_for(user).agencies)


def items_visible_to(user) -> QuerySet[AssessmentItem]:
    """Assessment items the user may read (an appraiser's per period)."""
    return AssessmentItem.objects.filter(items_readable_q(user))


def item_evidence_links(item: AssessmentItem) -> QuerySet[EvidenceLink]:
    """The item's links with their files and uploaders, in the order they were added."""
    return (
        item.evidence_links.select_related("evidence__uploaded_by", "evidence__check_result")
        .defer(*(f"evidence__check_result__{name}" for name in CHECK_BULK))
        .order_by("linked_at", "pk")
    )


def evidence_reusable_for(item: AssessmentItem) -> QuerySet[EvidenceFile]:
    """The agency's files not yet supporting the item, newest first, to link without uploading again."""
    return EvidenceFile.objects.filter(agency_id=item.agency_id).exclude(links__item=item)


@dataclass(frozen=True)
class EvidenceFlags:
    """What an appraiser should notice about a file before opening it, beside its signature."""

    duplicate_agencies: tuple[str, ...] = ()  # other agencies with the same bytes, that the user may see
    duplicate_hidden: int = 0  # other agencies with the same bytes that the user may not see
    document_day: datetime.date | None = None  # entered, else the signing day (local)
    day_from_signature: bool = False
    outside_year: bool = False

    @property
    def duplicated(self) -> bool:
        return bool(self.duplicate_agencies or self.duplicate_hidden)


def _document_day(evidence: EvidenceFile) -> tuple[datetime.date | None, bool]:
    if evidence.document_date:
        return evidence.document_date, False
    check = getattr(evidence, "check_result", None)
    if check is not None and check.signed_at:
        return timezone.localdate(check.signed_at), True
    return None, False


def evidence_flags(*, user, period: Period, files: Iterable[EvidenceFile]) -> None:
    """Sets `flags` (EvidenceFlags) on each file, for the period the files are shown in: the same
    bytes uploaded by another agency for an item of the period (named only when the user may see that
    agency), and a document day outside the assessed year. Two queries at most, however many files.
    Load the files with select_related("check_result") (item_evidence_links does)."""
    files = list(files)
    by_hash: dict[str, list[tuple[int, str]]] = {}
    # Duplicates are the appraisers' cue; an agency is not told what other agencies uploaded.
    if files and user.is_authenticated and (user.is_superuser or user.role not in AGENCY_ROLES):
        rows = (
            EvidenceFile.objects.filter(
                sha256__in={f.sha256 for f in files}, links__item__node__criteria_set__period=period
            )
            .values_list("sha256", "agency_id", "agency__name")
            .distinct()
        )
        for sha256, agency_id, name in rows:
            by_hash.setdefault(sha256, []).append((agency_id, name))
    others = {a for f in files for a, _name in by_hash.get(f.sha256, []) if a != f.agency_id}
    visible = (
        set(scope_for(user, period).agencies.filter(pk__in=others).values_list("pk", flat=True))
        if others
        else set()
    )
    for evidence in files:
        duplicates = [(a, name) for a, name in by_hash.get(evidence.sha256, []) if a != evidence.agency_id]
        day, from_signature = _document_day(evidence)
        evidence.flags = EvidenceFlags(
            duplicate_agencies=tuple(sorted(name for a, name in duplicates if a in visible)),
            duplicate_hidden=sum(1 for a, _name in duplicates if a not in visible),
            document_day=day,
            day_from_signature=from_signature,
            outside_year=day is not None and day.year != period.year,
        )


def evidence_flags_newest(*, user, files: Iterable[tuple[EvidenceFile, Iterable[Period]]]) -> None:
    """evidence_flags for files shown outside one period (the API, the search): each file is judged for
    the newest of the periods it is shown in (`flags_period` is set with `flags`); a file shown in no
    period gets neither. Two queries per period at most. Pass only periods the user may read."""
    by_period: dict[int, tuple[Period, list[EvidenceFile]]] = {}
    for evidence, periods in files:
        periods = list(periods)
        if not periods:
            continue
        period = max(periods, key=lambda p: (p.year, p.pk))
        evidence.flags_period = period
        by_period.setdefault(period.pk, (period, []))[1].append(evidence)
    for period, grouped in by_period.values():
        evidence_flags(user=user, period=period, files=grouped)
