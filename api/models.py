"""Machine clients: a named system that Home Affairs gives a token with a scope. The token is shown once;
only its SHA-256 is stored. Revoked tokens stay (with who revoked them) for the audit trail."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

TOKEN_PREFIX = "pxi_"


class TokenScope(models.TextChoices):
    PUBLISHED = "published", _("Published results only")
    READ_ALL = "read_all", _("Read everything (as Home Affairs reads it)")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    name = models.CharField(_("system"), max_length=120, help_text=_("The system that uses the token."))
    scope = models.CharField(
        _("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.PUBLISHED
    )
    key_hash = models.CharField(_("token's SHA-256"), max_length=64, unique=True)
    key_start = models.CharField(_("token starts with"), max_length=12)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
