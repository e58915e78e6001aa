"""Sessions signed in before accounts.backends.ModelBackend (issue 17) stay signed in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY

DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MODEL_BACKEND = "accounts.backends.ModelBackend"


class SessionBackendRename:
    """A session signed in before the upgrade names Django's ModelBackend, which is no longer in
    AUTHENTICATION_BACKENDS: Django would take it as signed out, every focal point at once on the day of
    the upgrade, in the middle of their typing. Ours reads the same user and Django still checks the
    session's password hash, so the name is changed once in the session (saved with the response).
    A request without a session cookie is not looked at (its session is never loaded)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES  # else never load one
        if has_session and request.session.get(BACKEND_SESSION_KEY) == DJANGO_MODEL_BACKEND:
            request.session[BACKEND_SESSION_KEY] = MODEL_BACKEND
        return self.get_response(request)
