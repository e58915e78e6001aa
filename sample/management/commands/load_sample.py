from django.core.management.base import BaseCommand

from sample.loader import load_sample
from sample.province import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Loads the sample province (Hải Dương 2021–2022), computes its results and prints the demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-compute", action="store_true", help="load the data without computing results"
        )

    def handle(self, *args, no_compute, **options):
        loaded = load_sample(compute=not no_compute)
        if loaded.get("kept"):
            self.stdout.write(
                "The sample province is already loaded and its 2021 results are published; kept as is."
            )
        for snapshot in loaded["snapshots"]:
            self.stdout.write(
                f"{snapshot.period}: v{snapshot.version}, {snapshot.agency_results.count()} agencies"
            )
        self.stdout.write(f"Demo accounts (password '{DEMO_PASSWORD}'):")
        for username, role in loaded["accounts"]:
            self.stdout.write(f"  {username:<10} {role}")
