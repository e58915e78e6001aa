"""Reads for evidence, always scoped through agencies.permissions.scope_for."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.permissions import scope_for
from assessment.models import AssessmentItem

from .models import EvidenceFile, EvidenceLink


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Files of the agencies the user may read: their own agency, all of them, or none."""
    return EvidenceFile.objects.filter(agency__in=scope_for(user).agencies)


def items_visible_to(user) -> QuerySet[AssessmentItem]:
    """Assessment items of the agencies the user may read."""
    return AssessmentItem.objects.filter(agency__in=scope_for(user).agencies)


def item_evidence_links(item: AssessmentItem) -> QuerySet[EvidenceLink]:
    """The item's links with their files and uploaders, in the order they were added."""
    return item.evidence_links.select_related("evidence__uploaded_by").order_by("linked_at", "pk")


def evidence_reusable_for(item: AssessmentItem) -> QuerySet[EvidenceFile]:
    """The agency's files not yet supporting the item, newest first, to link without uploading again."""
    return EvidenceFile.objects.filter(agency_id=item.agency_id).exclude(links__item=item)
