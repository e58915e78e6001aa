"""manage.py export_questionnaire --period 2022 --questionnaire CODE [--format json|xlsx|template]."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from surveys.formats import questionnaire_to_document, questionnaire_to_xlsx
from surveys.imports import responses_template_xlsx
from surveys.models import Questionnaire


class Command(BaseCommand):
    help = (
        "Exports a questionnaire as JSON (standard output unless --output) or XLSX, or the XLSX template "
        "its responses are imported from (--format template); XLSX needs --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--questionnaire", required=True)
        parser.add_argument("--format", choices=["json", "xlsx", "template"], default="json")
        parser.add_argument("--output")

    def handle(self, *args, period, questionnaire, format, output, **options):
        try:
            target = Questionnaire.objects.select_related("period", "block").get(
                period__code=period, code=questionnaire
            )
        except Questionnaire.DoesNotExist:
            raise CommandError(f"No questionnaire {questionnaire!r} in period {period!r}.") from None
        if format in ("xlsx", "template"):
            if not output:
                raise CommandError("--output FILE is required for XLSX.")
            data = (
                responses_template_xlsx(target)
                if format == "template"
                else questionnaire_to_xlsx(questionnaire_to_document(target))
            )
            with open(output, "wb") as handle:
                handle.write(data)
            return
        text = json.dumps(questionnaire_to_document(target), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
