"""An upload handler that drops a file as soon as it passes EVIDENCE_MAX_BYTES, before it fills the disk.

Installed first, per request, by the upload view and API: the files after it in the same request go on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

OVER_LIMIT = _("The file %(name)s is over the limit of %(limit)s.")


class EvidenceSizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.refused: list[str] = []

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.EVIDENCE_MAX_BYTES:
            self.refused.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file


def limit_upload_size(request) -> None:
    """Call before anything reads request.POST or request.FILES (hence csrf_exempt, then csrf_protect)."""
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))


def refused_uploads(request) -> list[str]:
    """Messages for the files the size limit dropped from this request."""
    limit = filesizeformat(settings.EVIDENCE_MAX_BYTES)
    return [
        OVER_LIMIT % {"name": name, "limit": limit}
        for handler in request.upload_handlers
        if isinstance(handler, EvidenceSizeLimitHandler)
        for name in handler.refused
    ]
