import sys

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from scoring.formats import CriteriaFileError
from scoring.models import CriteriaSet
from scoring.services import CriteriaImportRefused, criteria_set_copy


class Command(BaseCommand):
    help = "Copies criteria sets from one period to another (all blocks, or one with --block)."

    def add_arguments(self, parser):
        parser.add_argument("--from-period", required=True)
        parser.add_argument("--to-period", required=True)
        parser.add_argument("--block")
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, from_period, to_period, block, replace, **options):
        try:
            target = Period.objects.get(code=to_period)
        except Period.DoesNotExist:
            raise CommandError(f"No period {to_period!r}.") from None
        sources = CriteriaSet.objects.filter(period__code=from_period).select_related("block", "period")
        if block:
            sources = sources.filter(block__code=block)
        if not sources:
            raise CommandError(f"No criteria set to copy from {from_period!r}.")
        for source in sources:
            try:
                # The operator at the server (no person): audited as the command, held to the period's state.
                copied = criteria_set_copy(source=source, period=target, acting_user=None, replace=replace)
            except CriteriaImportRefused as refusal:
                raise CommandError(f"{source}: refused: {refusal.message}") from None
            except CriteriaFileError as error:
                for problem in error.problems:
                    sys.stderr.write(f"{problem}\n")
                raise CommandError(f"{source}: not copied.") from None
            self.stdout.write(f"{source} → {copied.period}: {copied.nodes.count()} criteria.")
