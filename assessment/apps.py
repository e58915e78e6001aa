from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from scoring.inputs import input_source_register

        from .inputs import period_item_inputs

        input_source_register("items", period_item_inputs)
