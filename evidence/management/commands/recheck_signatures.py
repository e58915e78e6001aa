"""manage.py recheck_signatures: every signed file's check queued again (after an upgrade that judges
signatures differently, e.g. by their timestamp authority's time)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from evidence.checks import signed_files_recheck


class Command(BaseCommand):
    help = "Queues the check of every signed evidence file again; the workers judge them anew."

    def handle(self, *args, **options):
        with transaction.atomic():  # the jobs are sent on commit
            queued = signed_files_recheck()
        self.stdout.write(f"{queued} signed files queued for a new check.")
