"""Survey values feed the engine's `survey` leaves: one value in 0…1 per agency × survey leaf."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyValueSource(models.TextChoices):
    AGGREGATED = "aggregated", _("Aggregated from responses")
    IMPORTED = "imported", _("Imported")
    MANUAL = "manual", _("Entered by hand")


class SurveyValue(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="survey_values"
    )
    node = models.ForeignKey(
        "scoring.CriteriaNode",
        verbose_name=_("survey criterion"),
        on_delete=models.PROTECT,
        related_name="survey_values",
    )
    value = models.DecimalField(_("value (0…1)"), max_digits=9, decimal_places=6)
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=SurveyValueSource.choices, default=SurveyValueSource.AGGREGATED
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "node"], name="one_survey_value_per_agency_leaf"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=1), name="survey_value_0_to_1"
            ),
        ]
        verbose_name = _("survey value")
        verbose_name_plural = _("survey values")

    def __str__(self):
        return f"{self.agency} · {self.node.code}: {self.value}"
