"""Users and their role; an agency user belongs to exactly one agency."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parindex.jobs import BackgroundJob


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


class AccountImport(BackgroundJob):
    """One list of accounts offered for creation: the job row of a background import (parindex.jobs:
    status, progress, the problems of a refused list), as for survey response imports."""

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to="account-imports/%Y/%m/", blank=True)
    created_count = models.PositiveIntegerField(_("accounts created"), default=0)
    problem_list = models.JSONField(
        _("problems found"),
        default=list,
        blank=True,
        help_text=_("Where and what, as translatable templates."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account import")
        verbose_name_plural = _("account imports")

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"

    def progress_counts(self) -> tuple[int | None, int | None]:
        """Accounts created (the list is created all at once, so no total before the end)."""
        return self.created_count, None
