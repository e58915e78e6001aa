from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .models import User
        from .roles import role_groups_sync, user_role_group_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="accounts.role_groups_sync")
        post_save.connect(user_role_group_sync, sender=User, dispatch_uid="accounts.user_role_group_sync")
