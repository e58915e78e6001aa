from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from scoring import engine
from scoring.jobs import ComputeRefused, compute_job_run, compute_job_start


class Command(BaseCommand):
    help = (
        "Computes a period's PAR Index into a new result snapshot, here (default) or by a Celery worker "
        "(--enqueue). Either way it is a computation job: refused while another one of the period runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code, e.g. 2022")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the job for a Celery worker and return at once"
        )

    def handle(self, *args, period, enqueue, **options):
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        try:
            job = compute_job_start(period=period_obj, enqueue=enqueue)
        except ComputeRefused as refusal:
            raise CommandError(f"Cannot compute {period}: {refusal.message}") from None
        if enqueue:
            self.stdout.write(f"{period}: computation job {job.pk} queued.")
            return
        try:
            snapshot = compute_job_run(job_id=job.pk)
        except engine.EngineError as error:
            raise CommandError(f"Cannot compute {period}: {error}") from error
        count = snapshot.agency_results.count()
        self.stdout.write(
            f"{period}: snapshot v{snapshot.version}, {count} agencies, fingerprint {snapshot.fingerprint[:16]}…"
        )
