"""Users and groups in the admin: for system administrators (superusers) only.

Staff with a domain role (Home Affairs edits periods and criteria sets here) see neither model, so no
admin page can make anyone superuser or staff, hand out groups or permissions, or set a password.
Home Affairs changes agency accounts through accounts.services instead.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from parindex.admin_readonly import HistoryAdmin

from .models import User


class SuperuserOnlyMixin:
    """Every admin permission of the model answers no unless the user is an active superuser."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request, *args):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, HistoryAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "agency__block")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role in the PAR Index"), {"fields": ("role", "agency")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role in the PAR Index"), {"fields": ("role", "agency")}),
    )
    autocomplete_fields = ("agency",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyMixin, BaseGroupAdmin):
    pass
