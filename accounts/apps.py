from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .models import User
        from .roles import history_skip_last_login, history_skip_reset, role_groups_sync, user_role_group_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="accounts.role_groups_sync")
        pre_save.connect(
            history_skip_last_login, sender=User, dispatch_uid="accounts.history_skip_last_login"
        )
        post_save.connect(history_skip_reset, sender=User, dispatch_uid="accounts.history_skip_reset")
        post_save.connect(user_role_group_sync, sender=User, dispatch_uid="accounts.user_role_group_sync")
