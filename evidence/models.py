"""Evidence files (tài liệu kiểm chứng) of an agency, linked to assessment items."""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.jobs import BackgroundJob

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


class CheckStatus(models.TextChoices):
    QUEUED = "queued", _("Being checked")
    RUNNING = "running", _("Being checked")
    DONE = "done", _("Checked")
    FAILED = "failed", _("Not checked")


class SignatureState(models.TextChoices):
    """What the checks found about a file's signatures, the worst signature deciding."""

    UNSIGNED = "unsigned", _("Not signed")
    VERIFIED = "verified", _("Signed, signer verified")
    UNVERIFIED = "unverified", _("Signed, signer not verified")
    EXPIRED = "expired", _("Certificate not valid when signed")
    ALTERED = "altered", _("Changed after signing")
    INVALID = "invalid", _("Signature invalid")
    UNREADABLE = "unreadable", _("Could not be read")


# Signature states under which a file does not count as signed (the inbox's "evidence not signed"). A
# signature made while its certificate was not valid is no valid digital signature; a signer not verified
# (by a root Home Affairs has not added) still signed.
NOT_SIGNED_STATES = frozenset(
    {
        SignatureState.UNSIGNED,
        SignatureState.ALTERED,
        SignatureState.INVALID,
        SignatureState.EXPIRED,
        SignatureState.UNREADABLE,
    }
)


class EvidenceCheck(BackgroundJob):
    """What the background checks read from a file: its signatures and its text. Machine-made, so not
    audited; a failed check leaves the file as it was, shown "not checked" with a retry."""

    evidence = models.OneToOneField(
        EvidenceFile, verbose_name=_("evidence file"), on_delete=models.CASCADE, related_name="check_result"
    )
    # The job's status in the words a badge uses (parindex.jobs runs it: claim, enqueue, expiry).
    status = models.CharField(_("status"), max_length=16, choices=CheckStatus, default=CheckStatus.QUEUED)
    signature = models.CharField(_("signature"), max_length=12, choices=SignatureState, blank=True)
    signer_name = models.CharField(_("signer"), max_length=255, blank=True)
    signer_organisation = models.CharField(_("signer's organisation"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_at_time_stamped = models.BooleanField(
        _("signing time from a timestamp authority"),
        default=False,
        help_text=_("Otherwise the signing time is what the signer's computer claimed."),
    )
    signatures = models.JSONField(_("signatures"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    # PostgreSQL: the text's accent-free words, filled by the check job and GIN-indexed (migration 0005),
    # so a search reads an index instead of parsing every file's text. Unused on SQLite (the demo).
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("evidence check")
        verbose_name_plural = _("evidence checks")
        indexes = [models.Index(fields=["signature"], name="evidence_check_signature")]

    def __str__(self):
        return f"{self.evidence_id} · {self.status}"

    @property
    def checked(self) -> bool:
        return self.status == CheckStatus.DONE

    @property
    def pending(self) -> bool:
        return self.status in (CheckStatus.QUEUED, CheckStatus.RUNNING)


class TrustedRoot(models.Model):
    """A root certificate Home Affairs trusts: a signature whose certificate chains to one of these is
    "signer verified"; otherwise "signed, signer not verified"."""

    name = models.CharField(_("name"), max_length=255)
    subject = models.CharField(_("subject"), max_length=500)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    certificate = models.BinaryField(_("certificate (DER)"))
    not_valid_after = models.DateTimeField(_("valid until"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("trusted root certificate")
        verbose_name_plural = _("trusted root certificates")

    def __str__(self):
        return self.name
