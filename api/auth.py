"""Token authentication and throttling for machine clients.

`Authorization: Bearer pxi_…`. A token of scope "published" reads as an anonymous visitor does; one of
scope "read_all" reads as Home Affairs reads (the API's v1 operations only read). Whoever the request
is, the querysets ask agencies.policy (api.selectors)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from accounts.models import Role

from .models import ApiToken, TokenScope, token_hash

# last_used_at is written at most once a minute per token (a read must not write on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class MachineReader:
    """The reader a read-all token stands for: Home Affairs' audience, without any permission to write."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    is_active = True
    role = Role.HOME_AFFAIRS
    agency_id = None
    pk = None
    id = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.username = f"api:{token.key_start}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False

    def __str__(self):
        return self.token.name


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = ApiToken.objects.filter(key_hash=token_hash(raw), revoked_at__isnull=True).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        reader = MachineReader(token) if token.scope == TokenScope.READ_ALL else AnonymousUser()
        return reader, token

    def authenticate_header(self, request):
        return self.keyword


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Each token's own limit (requests per minute, set when it is issued)."""

    scope = "api_token"

    def get_rate(self):
        return "60/min"  # replaced per request by the token's own limit

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return True
        self.num_requests, self.duration = token.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Clients without a token or a session, by address (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES["anon"])."""

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            return True
        return super().allow_request(request, view)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued by Home Affairs to a named system (shown once).",
        }
