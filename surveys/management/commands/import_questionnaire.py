"""manage.py import_questionnaire FILE --period 2022 --block so-nganh [--replace]: JSON or XLSX."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Block, Period
from surveys.formats import questionnaire_from_document, xlsx_to_questionnaire
from surveys.problems import SurveyFileError


class Command(BaseCommand):
    help = (
        "Imports a questionnaire (groups, questions, options, group weights, sample plan) from JSON or "
        "XLSX; a bad file is refused whole, with every problem on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True)
        parser.add_argument("--block", required=True, help="the block whose agencies are assessed")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace a questionnaire of the same code without responses",
        )

    def handle(self, *args, file, period, block, replace, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            period_obj = Period.objects.get(code=period)
            block_obj = Block.objects.get(code=block)
        except (Period.DoesNotExist, Block.DoesNotExist):
            raise CommandError(f"No period {period!r} or no block {block!r}.") from None
        try:
            if path.suffix.lower() == ".xlsx":
                document, locations = xlsx_to_questionnaire(path.read_bytes())
            else:
                try:
                    document, locations = json.loads(path.read_text(encoding="utf-8")), None
                except (json.JSONDecodeError, UnicodeDecodeError) as error:
                    raise CommandError(f"{file}: not valid UTF-8 JSON: {error}") from None
            questionnaire = questionnaire_from_document(
                period=period_obj,
                block=block_obj,
                document=document,
                locations=locations,
                replace=replace,
                via="command",
            )
        except SurveyFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: refused, {len(error.problems)} problem(s); nothing was stored."
            ) from None
        self.stdout.write(
            f"{questionnaire.code} ({questionnaire.title}): {questionnaire.groups.count()} groups, "
            f"{questionnaire.questions.count()} questions imported."
        )
