"""Home Affairs pages for accounts: bulk creation of agency accounts from an XLSX list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .imports import AccountsFileError, accounts_import, accounts_template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@permission_required("accounts.add_user", raise_exception=True)
@require_http_methods(["GET", "POST"])
def accounts_import_page(request):
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Choose an XLSX file.")]
        elif upload.size > 5 * 1024 * 1024:
            problems = [_("The file is larger than 5 MB.")]
        else:
            try:
                users = accounts_import(data=upload.read(), acting_user=request.user)
            except AccountsFileError as error:
                problems = [str(problem) for problem in error.problems]
            else:
                messages.success(
                    request,
                    _("%(count)s accounts created; each was e-mailed a link to choose a password.")
                    % {"count": len(users)},
                )
                return redirect("accounts:import")
    return render(request, "accounts/import.html", {"problems": problems})


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def accounts_template(request):
    response = HttpResponse(accounts_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-tai-khoan.xlsx"'
    return response
