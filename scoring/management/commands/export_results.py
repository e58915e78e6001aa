import sys

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from scoring.exports import results_csv, results_json, results_rows
from scoring.selectors import latest_snapshot


class Command(BaseCommand):
    help = "Writes a period's latest results as JSON or CSV (standard output unless --output)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--block", help="block code; all blocks when omitted")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="file to write instead of standard output")

    def handle(self, *args, period, block, format, output, **options):
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        snapshot = latest_snapshot(period_obj)
        if snapshot is None:
            raise CommandError(f"{period} has no results yet: run compute_index --period {period} first.")
        rows = results_rows(snapshot, block)
        if block and not rows:
            raise CommandError(f"No results for block {block!r} in {period}.")
        text = results_json(rows) if format == "json" else results_csv(rows)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
