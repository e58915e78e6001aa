"""Issuing and revoking machine clients' tokens (Home Affairs, through the policy; audited by history)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from agencies import policy
from agencies.policy import Obj

from .models import ApiToken, token_hash, token_new


class TokenRefused(Exception):
    pass


def _allowed(user) -> None:
    if not policy.may_use(policy.audience(user), Obj.API_CLIENTS, write=True):
        raise TokenRefused(policy.NOT_YOURS % {"what": str(policy.WHAT[Obj.API_CLIENTS]).lower()})


@transaction.atomic
def api_token_issue(*, name: str, scope: str, rate_per_minute: int, acting_user) -> tuple[ApiToken, str]:
    """Creates the token; returns it with the raw key, which is shown once and never stored."""
    _allowed(acting_user)
    raw = token_new()
    token = ApiToken(
        name=name,
        scope=scope,
        rate_per_minute=rate_per_minute,
        key_hash=token_hash(raw),
        key_start=raw[:10],
        created_by=acting_user,
    )
    token._change_reason = "issued"
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    _allowed(acting_user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = acting_user
        token._change_reason = "revoked"
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
