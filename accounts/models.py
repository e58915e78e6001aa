"""Users and their role; an agency user belongs to exactly one agency."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    HOME_AFFAIRS = "home_affairs", _("Home Affairs official")
    SECRETARIAT_LEAD = "secretariat_lead", _("Secretariat lead")
    APPRAISER = "appraiser", _("Secretariat appraiser")
    COUNCIL = "council", _("Council member")
    FOCAL_POINT = "focal_point", _("Agency focal point")
    AGENCY_HEAD = "agency_head", _("Agency head")
    SURVEY_OPERATOR = "survey_operator", _("Survey operator")


AGENCY_ROLES = frozenset({Role.FOCAL_POINT, Role.AGENCY_HEAD})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Who changed whom, from what to what (accounts.services); password hashes stay out of the copies.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("manage_agency_accounts", _("Can create and change agency accounts"))]

    def clean(self):
        super().clean()
        if self.role in AGENCY_ROLES and self.agency_id is None:
            raise ValidationError({"agency": _("An agency user must belong to an agency.")})
        if self.role not in AGENCY_ROLES and self.agency_id is not None:
            raise ValidationError({"agency": _("Only agency users belong to an agency.")})


class AccountImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    CREATED = "created", _("Accounts created")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Stopped by an error")


ACCOUNT_IMPORT_FINISHED = (
    AccountImportStatus.CREATED,
    AccountImportStatus.REFUSED,
    AccountImportStatus.FAILED,
)


class AccountImport(models.Model):
    """One list of accounts offered for creation: the job row of a background import (status, progress,
    the problems of a refused list), as for survey response imports."""

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to="account-imports/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AccountImportStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    created_count = models.PositiveIntegerField(_("accounts created"), default=0)
    problem_list = models.JSONField(
        _("problems found"),
        default=list,
        blank=True,
        help_text=_("Where and what, as translatable templates."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account import")
        verbose_name_plural = _("account imports")

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in ACCOUNT_IMPORT_FINISHED
