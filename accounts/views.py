"""Home Affairs pages for accounts: bulk creation from an XLSX list (run as a background job whose page
polls its status), and changing an agency account's role, agency or activity through accounts.services
(never more than the official may grant)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies import policy
from agencies.policy import Obj

from .forms import AccountChangeForm
from .grants import grantable_roles
from .imports import AccountsFileError, RowProblem, account_import_start, accounts_template_xlsx
from .models import AccountImport, User
from .services import AccountChangeRefused, user_account_change, user_account_changes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 5 * 1024 * 1024


def asks_the_policy(view):
    """The permission is the role gate; the policy (Obj.ACCOUNTS, which no period scopes) decides whether
    the user reads these pages and whether a POST may write."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        who = policy.audience(request.user)
        if not policy.may_use(who, Obj.ACCOUNTS):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD") and not policy.may_use(who, Obj.ACCOUNTS, write=True):
            raise PermissionDenied(policy.NOT_YOURS % {"what": str(policy.WHAT[Obj.ACCOUNTS]).lower()})
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
@require_http_methods(["GET", "POST"])
def accounts_import_page(request):
    """POST stores the list and queues its import (refused at once when over the file limits)."""
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Choose an XLSX file.")]
        elif upload.size > MAX_UPLOAD:
            problems = [_("The file is larger than 5 MB.")]
        else:
            try:
                job = account_import_start(upload=upload, acting_user=request.user)
            except AccountsFileError as error:
                problems = [str(problem) for problem in error.problems]
            else:
                return redirect("accounts:import_job", pk=job.pk)
    status = 400 if problems else 200
    return render(request, "accounts/import.html", {"problems": problems}, status=status)


def _job_context(job: AccountImport) -> dict:
    return {"job": job, "problems": [str(RowProblem.from_data(item)) for item in job.problem_list]}


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
@require_safe
def accounts_import_job(request, pk: int):
    """One account import: its progress while it runs, then the accounts created or every problem."""
    job = get_object_or_404(AccountImport, pk=pk)
    return render(request, "accounts/import.html", {"problems": [], "current": _job_context(job)})


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
@require_safe
def accounts_import_status(request, pk: int):
    """The job's box alone, polled every second by the page while the job runs."""
    job = get_object_or_404(AccountImport, pk=pk)
    return render(request, "accounts/_import_job.html", _job_context(job))


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
def accounts_template(request):
    response = HttpResponse(accounts_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-tai-khoan.xlsx"'
    return response


def _manageable(request):
    """Accounts holding a role this official may grant; system accounts never appear."""
    users = User.objects.filter(role__in=grantable_roles(request.user)).select_related("agency")
    if not request.user.is_superuser:
        users = users.filter(is_staff=False, is_superuser=False).exclude(pk=request.user.pk)
    return users.order_by("agency__code", "role", "username")


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
def accounts_list(request):
    return render(request, "accounts/list.html", {"accounts": _manageable(request)})


@login_required
@permission_required("accounts.manage_agency_accounts", raise_exception=True)
@asks_the_policy
@require_http_methods(["GET", "POST"])
def account_change(request, pk: int):
    account = get_object_or_404(_manageable(request), pk=pk)
    form = AccountChangeForm(request.POST or None, account=account, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_account_change(acting_user=request.user, user=account, **form.cleaned_data)
        except AccountChangeRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("The account %(username)s was saved.") % {"username": account.username}
            )
            return redirect("accounts:change", pk=account.pk)
    return render(
        request,
        "accounts/change.html",
        {"account": account, "form": form, "changes": user_account_changes(user=account)},
    )
