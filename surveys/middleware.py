"""Survey operators see the survey pages and nothing else of the app.

Listed in settings.MIDDLEWARE after AuthenticationMiddleware. For a user whose role is survey operator
(superusers excepted), any page outside /khao-sat/, the surveys API and the API's survey import jobs
(agencies.policy.OPERATOR_API_URLS: what the survey pages show) is refused with 403, except
logging in and out, password reset, the language switch and static files; the home page (where logging
in lands) sends them to the surveys index.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Role


class SurveyOperatorFence:
    ALLOWED_NAMES = (
        "surveys:index",
        "login",
        "logout",
        "set_language",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed(self) -> tuple[str, ...]:
        """Path prefixes an operator may open, resolved once (the URLconf is loaded by then)."""
        if self._allowed is None:
            prefixes = [reverse(name) for name in self.ALLOWED_NAMES]
            prefixes += [reverse("api-v1:survey-imports-jobs")]  # its jobs' list and each job
            prefixes += ["/api/v1/surveys/", "/dat-lai-mat-khau/", "/" + settings.STATIC_URL.lstrip("/")]
            self._allowed = tuple(prefixes)
        return self._allowed

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or user.is_superuser
            or user.role != Role.SURVEY_OPERATOR
        ):
            return None
        if request.path == reverse("home"):
            return redirect("surveys:index")
        if request.path.startswith(self.allowed()):
            return None
        raise PermissionDenied
