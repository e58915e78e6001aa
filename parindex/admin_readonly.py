"""Admin pages that show inputs of the index without changing them.

Scores, responses and survey values change only through the services (self-assessment, appraisal,
Home Affairs' audited correction, survey entry and import, measured data), which ask agencies.policy
and write the audit; an admin form would bypass both, even for a superuser.
"""

from django.contrib import admin


class InputsReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InputsReadOnlyInline(InputsReadOnlyMixin, admin.TabularInline):
    pass
