import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Block, Period
from scoring.formats import CriteriaFileError
from scoring.formats.xlsx import xlsx_to_document
from scoring.services import CriteriaImportRefused, criteria_set_import


class Command(BaseCommand):
    help = (
        "Imports a criteria set from JSON or XLSX; a bad file is refused whole, with every problem on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True)
        parser.add_argument("--block", required=True)
        parser.add_argument(
            "--replace", action="store_true", help="replace the period's existing set for the block"
        )

    def handle(self, *args, file, period, block, replace, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            if path.suffix.lower() == ".xlsx":
                document, locations = xlsx_to_document(path.read_bytes())
            else:
                try:
                    document, locations = json.loads(path.read_text(encoding="utf-8")), None
                except (json.JSONDecodeError, UnicodeDecodeError) as error:
                    raise CommandError(f"{file}: not valid UTF-8 JSON: {error}") from None
            try:
                period_obj = Period.objects.get(code=period)
                block_obj = Block.objects.get(code=block)
            except (Period.DoesNotExist, Block.DoesNotExist):
                raise CommandError(f"No period {period!r} or no block {block!r}.") from None
            # The operator at the server (no person): audited as the command, held to the period's state.
            criteria_set = criteria_set_import(
                document,
                period=period_obj,
                block=block_obj,
                acting_user=None,
                replace=replace,
                locations=locations,
                via="command",
            )
        except CriteriaImportRefused as refusal:
            raise CommandError(f"{file}: refused: {refusal.message}") from None
        except CriteriaFileError as error:
            for problem in error.problems:
                sys.stderr.write(f"{problem}\n")
            raise CommandError(
                f"{file}: refused, {len(error.problems)} problem(s); nothing was stored."
            ) from None
        self.stdout.write(f"{criteria_set}: {criteria_set.nodes.count()} criteria imported.")
