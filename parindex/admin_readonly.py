"""Admin pages that show inputs of the index without changing them.

Scores, responses and survey values change only through the services (self-assessment, appraisal,
Home Affairs' audited correction, survey entry and import, measured data), which ask agencies.policy
and write the audit; an admin form would bypass both, even for a superuser.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import ngettext_lazy
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


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, with its history pages for reading only.

    Its "revert" form saves whatever is posted to it for anyone who may *view* the object (it asks
    neither the change permission nor, here, the policy; django-simple-history issue 1362 shows its
    fields editable), so a posted old version would overwrite a frozen input. A change goes through the
    change form, which asks the policy, or through the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
