"""Reads for evidence, always scoped through agencies.permissions.scope_for."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Role
from agencies.permissions import items_readable_q, scope_for
from assessment.models import AssessmentItem

from .models import EvidenceFile, EvidenceLink


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
    return item.evidence_links.select_related("evidence__uploaded_by").order_by("linked_at", "pk")


def evidence_reusable_for(item: AssessmentItem) -> QuerySet[EvidenceFile]:
    """The agency's files not yet supporting the item, newest first, to link without uploading again."""
    return EvidenceFile.objects.filter(agency_id=item.agency_id).exclude(links__item=item)
