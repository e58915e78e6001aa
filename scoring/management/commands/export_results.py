import sys

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from scoring.exports import results_csv, results_json, results_rows
from scoring.selectors import latest_snapshot, snapshot_get
from scoring.services import snapshot_current_published

LATEST = "latest"
PUBLISHED = "published"


class Command(BaseCommand):
    help = (
        "Writes a period's results as JSON or CSV (standard output unless --output): by default its latest "
        "snapshot, published or not (what compute_index just stored); --snapshot published for the results "
        "the public site shows, or --snapshot N for version N. Standard error names the snapshot written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--block", help="block code; all blocks when omitted")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="file to write instead of standard output")
        parser.add_argument(
            "--snapshot",
            default=LATEST,
            help="'latest' (the default: the last computation, published or not), 'published' (the "
            "results currently published) or a version number",
        )

    def handle(self, *args, period, block, format, output, snapshot, **options):
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        chosen = self.chosen_snapshot(period_obj, snapshot)
        rows = results_rows(chosen, block)
        if block and not rows:
            raise CommandError(f"No results for block {block!r} in {period}.")
        text = results_json(rows) if format == "json" else results_csv(rows)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
        self.stderr.write(self.describe(period_obj, chosen))

    def chosen_snapshot(self, period: Period, choice: str):
        if choice == LATEST:
            chosen = latest_snapshot(period)
            if chosen is None:
                raise CommandError(
                    f"{period.code} has no results yet: run compute_index --period {period.code} first."
                )
            return chosen
        if choice == PUBLISHED:
            chosen = snapshot_current_published(period)
            if chosen is None:
                raise CommandError(f"{period.code} is not published yet: no published results to export.")
            return chosen
        if not choice.isdigit() or int(choice) < 1:
            raise CommandError(f"--snapshot takes 'latest', 'published' or a version number, not {choice!r}.")
        chosen = snapshot_get(period, int(choice))
        if chosen is None:
            raise CommandError(f"{period.code} has no snapshot v{choice}.")
        return chosen

    @staticmethod
    def describe(period: Period, chosen) -> str:
        current = snapshot_current_published(period)
        written = f"{period.code} v{chosen.version} written"
        if current is None:
            return f"{written} (not published; {period.code} has no published results)."
        if current.pk == chosen.pk:
            return f"{written} (the published results)."
        return (
            f"{written} (not the published results: those are v{current.version}; "
            f"--snapshot published exports them)."
        )
