"""Evidence files (tài liệu kiểm chứng) of an agency, linked to assessment items."""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Stored names end in the detected type's extension, never in what the uploader typed.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/zip": ".zip",
}

# Shown in the browser rather than downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """evidence/<agency id>/<year>/<random>.<ext>: unguessable, and nothing of the uploader's name on disk."""
    extension = EXTENSIONS.get(instance.content_type, ".bin")
    return f"evidence/{instance.agency_id}/{timezone.localdate().year}/{secrets.token_hex(16)}{extension}"


class EvidenceFile(models.Model):
    """One stored file of an agency; the same file can support several of the agency's items."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="evidence_files"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(
        _("SHA-256"),
        max_length=64,
        validators=[RegexValidator(r"^[0-9a-f]{64}\Z", _("A SHA-256 digest is 64 lowercase hex digits."))],
    )
    content_type = models.CharField(_("detected type"), max_length=100)
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("The official number (số ký hiệu), e.g. 15/KH-UBND."),
    )
    document_date = models.DateField(_("document date"), null=True, blank=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("What the document is about (trích yếu).")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            # An agency stores each content once; a second upload of the same bytes reuses the first.
            models.UniqueConstraint(fields=["agency", "sha256"], name="one_evidence_file_per_content")
        ]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name

    @property
    def shown_inline(self) -> bool:
        return self.content_type in INLINE_TYPES


class EvidenceLink(models.Model):
    """An evidence file supporting one assessment item of the same agency."""

    item = models.ForeignKey(
        "assessment.AssessmentItem",
        verbose_name=_("assessment item"),
        on_delete=models.CASCADE,
        related_name="evidence_links",
    )
    evidence = models.ForeignKey(
        EvidenceFile, verbose_name=_("evidence file"), on_delete=models.PROTECT, related_name="links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "evidence"], name="one_link_per_item_evidence")
        ]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self):
        return f"{self.item} · {self.evidence}"
