from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "agency__block")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role in the PAR Index"), {"fields": ("role", "agency")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role in the PAR Index"), {"fields": ("role", "agency")}),
    )
    autocomplete_fields = ("agency",)
