"""The province's report settings (titles, signature blocks) and the bundles of report files built by jobs."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.jobs import BackgroundJob

# Defaults are the forms of an official Vietnamese report; a province edits them once in the admin.
DEFAULT_ISSUER = "ỦY BAN NHÂN DÂN TỈNH"
DEFAULT_COUNCIL = "HỘI ĐỒNG ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CCHC"
DEFAULT_DETAIL_TITLE = "KẾT QUẢ ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"
DEFAULT_REPORT_TITLE = (
    "Kết quả đánh giá, xác định Chỉ số Cải cách hành chính của các sở, ban, ngành; UBND cấp huyện năm {year}"
)
DEFAULT_RECIPIENTS = "- Bộ Nội vụ;\n- Thường trực Tỉnh ủy;\n- Thường trực HĐND tỉnh;\n- Các sở, ban, ngành tỉnh;\n- UBND các huyện, thị xã, thành phố;\n- Lưu: VT."


class ReportSettings(models.Model):
    """One row per installation (one province): what the printed forms say around the numbers.

    `{year}` and `{period}` in the titles are replaced by the period's year and name.
    """

    province_name = models.CharField(
        _("province"), max_length=120, blank=True, help_text=_("For example: Hải Dương.")
    )
    issuer_name = models.CharField(
        _("issuing body"),
        max_length=200,
        default=DEFAULT_ISSUER,
        help_text=_("Printed in capitals at the top left, e.g. ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG."),
    )
    council_name = models.CharField(
        _("council or unit under the issuing body"), max_length=200, default=DEFAULT_COUNCIL, blank=True
    )
    place_name = models.CharField(
        _("place in the date line"),
        max_length=120,
        blank=True,
        help_text=_("“Hải Dương, ngày … tháng … năm …”."),
    )
    detail_title = models.CharField(_("title of the tables"), max_length=300, default=DEFAULT_DETAIL_TITLE)
    report_title = models.CharField(
        _("title of the draft report"), max_length=300, default=DEFAULT_REPORT_TITLE
    )
    report_number = models.CharField(
        _("report number"), max_length=80, default="Số:      /BC-UBND", blank=True
    )
    table_signer_left = models.CharField(
        _("left signature caption of the tables"), max_length=120, default="NGƯỜI LẬP BIỂU", blank=True
    )
    table_signer_right = models.CharField(
        _("right signature caption of the tables"), max_length=120, default="TM. HỘI ĐỒNG", blank=True
    )
    table_signer_right_title = models.CharField(
        _("right signer's title on the tables"), max_length=120, default="CHỦ TỊCH", blank=True
    )
    table_signer_right_name = models.CharField(
        _("right signer's name on the tables"), max_length=120, blank=True
    )
    signer_authority = models.CharField(
        _("signing authority of the report"), max_length=120, default="KT. CHỦ TỊCH", blank=True
    )
    signer_title = models.CharField(_("signer's title"), max_length=120, default="PHÓ CHỦ TỊCH", blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients (nơi nhận)"), default=DEFAULT_RECIPIENTS, blank=True)

    # Installation-wide words around the numbers (no period, no figure): who changed them, when, from what.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return self.issuer_name


class Numbering(models.TextChoices):
    RANK = "rank", _("By rank")
    LIST = "list", _("By the official list order")


class ReportBundle(BackgroundJob):
    """ "All tables of this snapshot" as one ZIP, built by a Celery job (parindex.jobs: the lifecycle
    every job shares) and kept in the default storage."""

    INTERRUPTED = _("The bundle stopped without finishing; build it again.")
    NOT_QUEUED = _("The bundle could not be queued (the task queue did not answer).")

    snapshot = models.ForeignKey(
        "scoring.ResultSnapshot", verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="+"
    )
    numbering = models.CharField(
        _("numbering"), max_length=8, choices=Numbering.choices, default=Numbering.RANK
    )
    formats = models.CharField(_("formats"), max_length=40, default="xlsx,pdf,docx")
    files_done = models.PositiveIntegerField(_("files written"), default=0)
    files_total = models.PositiveIntegerField(_("files to write"), default=0)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    storage_name = models.CharField(_("stored as"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "numbering", "formats"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_bundle_per_snapshot",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_bundle_progress_0_100"),
        ]
        permissions = [("view_reports", _("Can view and download the report tables"))]
        verbose_name = _("report bundle")
        verbose_name_plural = _("report bundles")

    def __str__(self):
        return self.file_name or f"{self.snapshot} · {self.get_status_display()}"

    def progress_counts(self) -> tuple[int | None, int | None]:
        """Files written of the files to write."""
        return self.files_done, self.files_total or None
