"""Evidence pages: an item's files as an htmx partial, uploads, reuse and removal, checked downloads."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from agencies import policy
from agencies.policy import Obj
from assessment.models import ItemStatus

from .checks import NOT_A_CERTIFICATE, evidence_check_retry, trusted_root_add, trusted_root_remove
from .forms import DocumentDetailsForm, TrustedRootForm
from .models import TrustedRoot
from .search import MIN_QUERY, RESULTS, evidence_search
from .selectors import (
    evidence_flags,
    evidence_reusable_for,
    evidence_visible_to,
    item_evidence_links,
    items_visible_to,
)
from .services import EDITABLE_STATUSES, evidence_attach, evidence_link, evidence_unlink
from .uploads import limit_upload_size, refused_uploads

NO_FILES = _("Choose at least one file to upload.")
NO_CHOICE = _("Choose one of the agency's files to use.")
NOT_UPLOADED = _("Nothing was uploaded: correct the details, then choose the files again.")
CHECK_QUEUED = _("The file %(name)s will be checked again in a moment.")
ROOT_ADDED = _("The root certificate %(name)s is trusted; signed files are being checked again.")
ROOT_REMOVED = _("The root certificate %(name)s is no longer trusted.")
MAX_CERTIFICATE_BYTES = 64 * 1024
REUSABLE_SHOWN = 500  # the reuse list is a plain <select>; an agency rarely has more files than this


@login_required
@require_safe
@xframe_options_sameorigin  # the appraisal page previews the file in a frame; nothing else frames the site
# object-src: the browser's PDF viewer. style-src: the page Chromium builds around an image it shows
# (centred, zoomable) carries inline styles; this response is only ever a PDF or an image shown inline
# (INLINE_TYPES, typed by content, nosniff), never HTML of ours, so no style of the site is loosened.
@csp_replace({"frame-ancestors": [SELF], "object-src": [SELF], "style-src": [SELF, UNSAFE_INLINE]})
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file, if its agency is visible to the user; 404 otherwise, whether or not it exists.

    PDFs and images open in the browser unless ?download=1; other types are always downloaded.
    """
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not evidence.shown_inline or request.GET.get("download") == "1",
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


def _visible_item(request: HttpRequest, item_pk: int):
    return get_object_or_404(
        items_visible_to(request.user).select_related("agency", "node__criteria_set__period"), pk=item_pk
    )


def _attachable_item(request: HttpRequest, item_pk: int):
    """The item, if visible (else 404) and the user is its agency's focal point (else 403)."""
    item = _visible_item(request, item_pk)
    if not policy.may_self_assess(request.user, item.agency_id):
        raise PermissionDenied
    return item


def _item_files(request: HttpRequest, item, *, errors=(), form=None) -> HttpResponse:
    """The item's files: the partial for htmx, the partial inside its own page otherwise (the pages load
    evidence/upload.js, the partial carries no script)."""
    can_attach = policy.may_self_assess(request.user, item.agency_id)
    links = list(item_evidence_links(item))
    evidence_flags(
        user=request.user, period=item.node.criteria_set.period, files=[link.evidence for link in links]
    )
    stages = policy.visible_stages(
        policy.item_audience(request.user, item), item.node.criteria_set.period.state
    )
    context = {
        "item": item,
        "status_label": ItemStatus(policy.status_as_read(item.status, stages)).label,
        "links": links,
        "can_attach": can_attach,
        "can_remove": can_attach and item.status in EDITABLE_STATUSES,
        "reusable": list(evidence_reusable_for(item)[:REUSABLE_SHOWN]) if can_attach else [],
        "errors": list(errors),
        "form": form or DocumentDetailsForm(),
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
    }
    template = "evidence/_item_files.html" if request.htmx else "evidence/item_files.html"
    response = render(request, template, context)
    if request.method == "POST":
        response["HX-Trigger"] = "evidence-changed"  # the self-assessment page refreshes its totals
    return response


@login_required
@require_GET
def item_files(request: HttpRequest, item_pk: int) -> HttpResponse:
    return _item_files(request, _visible_item(request, item_pk))


@login_required
@require_POST
@csrf_exempt  # CSRF is checked in _upload, once the size limit is installed and the user may upload
def upload(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Several files in one request (`files`); each is stored and linked or refused on its own.

    Who may not upload is turned away before the body is read, and no file is written past the limit.
    """
    item = _attachable_item(request, item_pk)
    limit_upload_size(request)
    return _upload(request, item)


@csrf_protect
def _upload(request: HttpRequest, item) -> HttpResponse:
    form = DocumentDetailsForm(request.POST)
    files = request.FILES.getlist("files")
    errors = refused_uploads(request)
    if not form.is_valid():
        # The browser forgets the chosen files with the answer: say so, or the files seem attached.
        return _item_files(request, item, errors=[*errors, NOT_UPLOADED] if files else errors, form=form)
    if not files and not errors:
        return _item_files(request, item, errors=[NO_FILES], form=form)
    for uploaded_file in files:
        try:
            evidence_attach(
                item=item, uploaded_file=uploaded_file, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors.extend(error.messages)
    return _item_files(request, item, errors=errors, form=form if errors else None)


@login_required
@require_POST
def link(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Reuses a file the agency already uploaded for another item."""
    item = _attachable_item(request, item_pk)
    choice = request.POST.get("evidence", "")
    if not choice.isdigit():
        return _item_files(request, item, errors=[NO_CHOICE])
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=int(choice))
    try:
        evidence_link(item=item, evidence=evidence, acting_user=request.user)
    except ValidationError as error:
        return _item_files(request, item, errors=error.messages)
    return _item_files(request, item)


@login_required
@require_POST
def unlink(request: HttpRequest, item_pk: int, evidence_pk: int) -> HttpResponse:
    """Removes a file from the item; the file stays available to the agency's other items."""
    item = _attachable_item(request, item_pk)
    evidence = get_object_or_404(evidence_visible_to(request.user).filter(links__item=item), pk=evidence_pk)
    try:
        evidence_unlink(item=item, evidence=evidence, acting_user=request.user)
    except ValidationError as error:
        return _item_files(request, item, errors=error.messages)
    return _item_files(request, item)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on, if it is this site's; else to `fallback`."""
    target = request.POST.get("next") or request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def check_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queues a file's checks again (after "not checked"); 404 for a file the user may not see."""
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    evidence_check_retry(evidence=evidence, acting_user=request.user)
    messages.info(request, CHECK_QUEUED % {"name": evidence.original_name})
    return _back(request, "home")


def _may(request: HttpRequest, kind: Obj, *, write: bool = False) -> bool:
    return policy.may_use(policy.audience(request.user), kind, write=write)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search of the evidence the user may see (appraisers, the secretariat, Home Affairs)."""
    if not _may(request, Obj.EVIDENCE_SEARCH):
        raise Http404
    query = request.GET.get("q", "").strip()[:200]
    hits = evidence_search(user=request.user, query=query) if query else []
    return render(
        request,
        "evidence/search.html",
        {"query": query, "hits": hits, "too_short": 0 < len(query) < MIN_QUERY, "limit": RESULTS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def trusted_roots(request: HttpRequest) -> HttpResponse:
    """Home Affairs' list of trusted root certificates: add one from a file, remove one (audited)."""
    if not _may(request, Obj.TRUSTED_ROOTS):
        raise Http404
    form = TrustedRootForm()
    if request.method == "POST":
        if not _may(request, Obj.TRUSTED_ROOTS, write=True):
            raise PermissionDenied
        if remove := request.POST.get("remove", ""):
            root = get_object_or_404(TrustedRoot, pk=int(remove) if remove.isdigit() else 0)
            trusted_root_remove(root=root, acting_user=request.user)
            messages.success(request, ROOT_REMOVED % {"name": root.name})
            return redirect("evidence:trusted_roots")
        form = TrustedRootForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["certificate"]
            try:
                if upload.size > MAX_CERTIFICATE_BYTES:
                    raise ValidationError(NOT_A_CERTIFICATE)
                root = trusted_root_add(
                    data=upload.read(), acting_user=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                form.add_error("certificate", error)
            else:
                messages.success(request, ROOT_ADDED % {"name": root.name})
                return redirect("evidence:trusted_roots")
    return render(
        request,
        "evidence/trusted_roots.html",
        {"roots": TrustedRoot.objects.select_related("added_by"), "form": form},
    )
