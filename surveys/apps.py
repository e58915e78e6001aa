from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from scoring.inputs import input_source_register

        from .inputs import period_survey_values

        input_source_register("survey_values", period_survey_values)
