"""Home Affairs' page of machine clients: issue a token (shown once), revoke one. The policy
(Obj.API_CLIENTS) decides who reads the page and who may change it; api.services writes, audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import policy
from agencies.policy import Obj

from .forms import TokenIssueForm
from .models import ApiToken
from .services import TokenRefused, api_token_issue, api_token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_clients(request):
    who = policy.audience(request.user)
    if not policy.may_use(who, Obj.API_CLIENTS):
        raise PermissionDenied
    form = TokenIssueForm()
    issued = None
    status = 200
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token = get_object_or_404(ApiToken, pk=request.POST.get("revoke") or 0)
                api_token_revoke(token=token, acting_user=request.user)
                messages.success(request, _("The token of %(name)s was revoked.") % {"name": token.name})
            else:
                form = TokenIssueForm(request.POST)
                if form.is_valid():
                    token, issued = api_token_issue(acting_user=request.user, **form.cleaned_data)
                    form = TokenIssueForm()
                else:
                    status = 400
        except TokenRefused as refusal:
            raise PermissionDenied(str(refusal)) from refusal
    tokens = ApiToken.objects.select_related("created_by", "revoked_by")
    return render(
        request, "api/clients.html", {"form": form, "tokens": tokens, "issued": issued}, status=status
    )
