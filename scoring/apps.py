from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Criteria and results")

    def ready(self):
        from . import signals  # noqa: F401  (connects the revision bumps)
