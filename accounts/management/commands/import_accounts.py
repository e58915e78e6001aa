import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.imports import AccountsFileError, accounts_import


class Command(BaseCommand):
    help = "Creates agency accounts from an XLSX list; a bad list creates nothing and names every bad cell."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            users = accounts_import(data=path.read_bytes())
        except AccountsFileError as error:
            for problem in error.problems:
                sys.stderr.write(f"{problem}\n")
            raise CommandError(
                f"{file}: refused, {len(error.problems)} problem(s); no account was created."
            ) from None
        self.stdout.write(f"{len(users)} accounts created.")
