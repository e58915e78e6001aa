"""manage.py import_measures FILE --period P [--user U] [--source S --source-date D] [--dry-run]"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from agencies.models import Period
from measures.services import MeasuresRefused, measures_check, measures_import


class Command(BaseCommand):
    help = (
        "Imports measured data and survey values of a period from an XLSX or CSV file (docs/formats.md), "
        "all or nothing; --dry-run shows what would change and stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--period", required=True, help="period code, e.g. 2022")
        parser.add_argument("--user", help="username recorded as the importer (needs the import permission)")
        parser.add_argument("--source", default="", help="source document for rows that name none")
        parser.add_argument("--source-date", help="its date, YYYY-MM-DD or DD/MM/YYYY")
        parser.add_argument("--dry-run", action="store_true", help="check and show the changes only")
        parser.add_argument("--language", default="vi", choices=["vi", "en"], help="language of the messages")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            return self._handle(options)

    def _handle(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        period = Period.objects.filter(code=options["period"]).first()
        if period is None:
            raise CommandError(f"no period {options['period']}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['user']}")
        source_date = _date(options["source_date"]) if options["source_date"] else None
        content = path.read_bytes()
        if options["dry_run"]:
            plan = measures_check(
                period=period,
                content=content,
                default_source=options["source"],
                default_source_date=source_date,
            )
            if plan.problems:
                self._problems(plan.problems)
                raise CommandError(f"{len(plan.problems)} problems; nothing stored")
            for change in plan.changes:
                mark = "*" if change["changed"] else " "
                self.stdout.write(
                    f"{mark} {change['row']:>5}  {change['agency']:<16} {change['criterion']:<10} "
                    f"{change['old'] or '–':>14} → {change['new']:<14} {change['source']}, {change['source_date']}"
                )
            self.stdout.write(
                f"dry run: {plan.changed} of {len(plan.changes)} values would change; nothing stored"
            )
            return
        try:
            stored = measures_import(
                period=period,
                content=content,
                file_name=path.name,
                acting_user=user,
                default_source=options["source"],
                default_source_date=source_date,
                via="command",
            )
        except MeasuresRefused as refused:
            self._problems(refused.problems)
            raise CommandError(refused.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{stored.values} values stored from {stored.file_name} (sha256 {stored.sha256})"
            )
        )

    def _problems(self, problems):
        for problem in problems:
            self.stderr.write(str(problem))


def _date(text: str) -> date:
    for parse in (date.fromisoformat, lambda t: date(*reversed([int(p) for p in t.split("/")]))):
        try:
            return parse(text)
        except (ValueError, TypeError):
            continue
    raise CommandError(f"{text}: not a date")
