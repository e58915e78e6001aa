"""Caching of the public pages: published content changes only when something is published, so a page
is rendered once per language and publication, kept in Django's cache, and answered with an ETag (304 when
the browser has it) and a public Cache-Control. The language comes from a cookie, hence Vary: Cookie."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .selectors import publication_stamp

PAGE_MAX_AGE = 300  # browsers and proxies may reuse a page for 5 minutes
PAGE_CACHE_SECONDS = 3600  # the stamp changes on publication, so a longer server-side life is safe
FILE_MAX_AGE = 31_536_000  # a published file never changes


def _headers(response, etag: str):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def published_page(view):
    """Serves a public page from the cache when nothing was published since it was rendered."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        language = translation.get_language() or ""
        stamp = publication_stamp()
        digest = hashlib.sha256(f"{stamp}|{language}|{request.get_full_path()}".encode()).hexdigest()[:40]
        etag = f'"{digest}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return _headers(HttpResponseNotModified(), etag)
        key = f"parindex:public:{digest}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["Content-Language"] = language
            return _headers(response, etag)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_CACHE_SECONDS)
            _headers(response, etag)
        return response

    return wrapped
