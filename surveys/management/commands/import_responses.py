"""manage.py import_responses FILE --period 2022 [--questionnaire CODE]: responses from XLSX or CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from surveys.imports import responses_import
from surveys.models import Questionnaire
from surveys.problems import SurveyFileError


class Command(BaseCommand):
    help = (
        "Imports survey responses from XLSX or CSV (serial, group, agency, one column per question). "
        "A file with any problem is refused whole, every problem on stderr; a serial already stored "
        "with the same answers is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True, help="period code, e.g. 2022")
        parser.add_argument(
            "--questionnaire",
            help="questionnaire code; needed when the period has several and none is named like the file",
        )

    def handle(self, *args, file, period, questionnaire=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            period_obj = Period.objects.get(code=period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {period!r}.") from None
        target = self._questionnaire(period_obj, questionnaire, path)
        try:
            batch = responses_import(questionnaire=target, file=path)
        except SurveyFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: refused, {len(error.problems)} problem(s); no response was stored."
            ) from None
        self.stdout.write(
            f"{file} → {target.code} ({target.title}): {batch.rows} rows, {batch.added} responses added, "
            f"{batch.skipped} already stored with the same answers."
        )

    def _questionnaire(self, period: Period, code: str | None, path: Path) -> Questionnaire:
        questionnaires = {q.code: q for q in Questionnaire.objects.filter(period=period)}
        if code is not None:
            if code not in questionnaires:
                raise CommandError(
                    f"Period {period.code} has no questionnaire {code!r} "
                    f"(it has: {', '.join(sorted(questionnaires)) or 'none'})."
                )
            return questionnaires[code]
        if len(questionnaires) == 1:
            return next(iter(questionnaires.values()))
        if path.stem in questionnaires:
            return questionnaires[path.stem]
        raise CommandError(
            f"Name the questionnaire with --questionnaire; period {period.code} has: "
            f"{', '.join(sorted(questionnaires)) or 'none'}."
        )
