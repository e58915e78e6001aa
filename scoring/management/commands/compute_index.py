from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from scoring import engine
from scoring.services import period_compute


class Command(BaseCommand):
    help = "Computes a period's PAR Index into a new result snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code, e.g. 2022")

    def handle(self, *args, period, **options):
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        try:
            snapshot = period_compute(period=period_obj)
        except engine.EngineError as error:
            raise CommandError(f"Cannot compute {period}: {error}") from error
        count = snapshot.agency_results.count()
        self.stdout.write(
            f"{period}: snapshot v{snapshot.version}, {count} agencies, fingerprint {snapshot.fingerprint[:16]}…"
        )
