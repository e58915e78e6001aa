"""`manage.py render_reports --period 2022 --out DIR [--format xlsx,pdf,docx] [--numbering rank|list]`:
writes every report file of a period's snapshot (the same files, under the same names, as the ZIP),
one after the other in this process: the files go to a local directory, which Celery workers on other
machines could not write into (a bundle spread over workers is the page's ZIP, reports/fanout.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Period
from reports.models import Numbering
from reports.services import FORMATS, files_write, formats_parse


class Command(BaseCommand):
    help = "Writes the report tables (XLSX, PDF) and the draft report (DOCX) of a period's snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Period code, e.g. 2022.")
        parser.add_argument("--out", required=True, help="Directory to write into (created if missing).")
        parser.add_argument("--format", default=",".join(FORMATS), help="Comma-separated: xlsx,pdf,docx.")
        parser.add_argument("--numbering", default=Numbering.RANK, choices=Numbering.values)
        parser.add_argument("--snapshot", type=int, help="Snapshot version (default: the latest).")

    def handle(self, *args, **options):
        period = Period.objects.filter(code=options["period"]).first()
        if period is None:
            raise CommandError(f"No period {options['period']!r}.")
        snapshots = period.snapshots.order_by("-version")
        if options["snapshot"]:
            snapshots = snapshots.filter(version=options["snapshot"])
        snapshot = snapshots.first()
        if snapshot is None:
            raise CommandError(f"Period {period.code} has no computed results (snapshot) to report.")
        formats = formats_parse(options["format"])
        if not formats:
            raise CommandError("--format takes xlsx, pdf and/or docx.")
        started = time.perf_counter()
        written = files_write(
            snapshot,
            Path(options["out"]),
            numbering=options["numbering"],
            formats=formats,
        )
        self.stdout.write(
            f"{len(written)} files of {period.code} v{snapshot.version} written to {options['out']} "
            f"in {time.perf_counter() - started:.1f} s."
        )
