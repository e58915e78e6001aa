"""Admin pages that show inputs of the index without changing them.

Scores, responses and survey values change only through the services (self-assessment, appraisal,
Home Affairs' audited correction, survey entry and import, measured data), which ask agencies.policy
and write the audit; an admin form would bypass both, even for a superuser.
"""

import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy, ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin


class InputsReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # not even "delete selected"


class InputsReadOnlyInline(InputsReadOnlyMixin, admin.TabularInline):
    pass


# The admin's change form asks for its error note as a plural message; Django's Vietnamese catalog has
# only the old singular one, so the note stood in English above our Vietnamese reason. Declared here so
# the project's catalog (read before Django's) carries it.
ADMIN_ERROR_NOTE = ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1)


# C0 control characters but tab, line feed and carriage return: no workbook (XML 1.0) can hold them, so a
# name or title holding one (Word's line break U+000B, pasted) would fail every XLSX export showing it;
# PostgreSQL stores no U+0000 (Django's forms refuse that one already).
CONTROL_CHARACTERS = RegexValidator(
    re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]"),
    gettext_lazy("The text holds a control character (often pasted from a document); remove it."),
    inverse_match=True,
)


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, with its history pages for reading only.

    Its "revert" form saves whatever is posted to it for anyone who may *view* the object (it asks
    neither the change permission nor, here, the policy; django-simple-history issue 1362 shows its
    fields editable), so a posted old version would overwrite a frozen input. A change goes through the
    change form, which asks the policy, or through the services."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Every text field of the editable admins refuses control characters (CONTROL_CHARACTERS)."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.CharField | models.TextField):
            formfield.validators.append(CONTROL_CHARACTERS)
        return formfield

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
