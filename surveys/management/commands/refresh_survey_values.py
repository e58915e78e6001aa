"""manage.py refresh_survey_values --period 2022: survey values from the period's responses."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from surveys.services import survey_values_refresh


class Command(BaseCommand):
    help = "Aggregates the period's survey responses into the survey values the index computation reads."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)

    def handle(self, *args, period, **options):
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        try:
            written = survey_values_refresh(period=period_obj)
        except ValidationError as error:  # approved: the policy freezes the survey values
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{period_obj}: {written} survey values written.")
