import json
import sys

from django.core.management.base import BaseCommand, CommandError

from scoring.formats import criteria_set_to_document
from scoring.formats.xlsx import document_to_xlsx
from scoring.models import CriteriaSet


class Command(BaseCommand):
    help = "Exports a criteria set as JSON (standard output unless --output) or XLSX (needs --output)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--block", required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output")

    def handle(self, *args, period, block, format, output, **options):
        try:
            criteria_set = CriteriaSet.objects.get(period__code=period, block__code=block)
        except CriteriaSet.DoesNotExist:
            raise CommandError(f"No criteria set for period {period!r} and block {block!r}.") from None
        document = criteria_set_to_document(criteria_set)
        if format == "xlsx":
            if not output:
                raise CommandError("--output FILE is required for XLSX.")
            with open(output, "wb") as handle:
                handle.write(document_to_xlsx(document))
            return
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
