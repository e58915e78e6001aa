import time

from django.core.management.base import BaseCommand, CommandError

from sample.loader import load_sample
from sample.province import DEMO_PASSWORD
from sample.reform import STATES, SampleKept, load_reformed_province
from sample.reform_names import PROVINCE_CODE

PROVINCES = ("hai-duong", PROVINCE_CODE)


class Command(BaseCommand):
    help = (
        "Loads the sample province (Hải Dương 2021–2022), computes its results and prints the demo accounts; "
        "--province van-son loads the made-up reformed province (2025–2026) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-compute", action="store_true", help="load the data without computing results"
        )
        parser.add_argument(
            "--province",
            choices=PROVINCES,
            default="hai-duong",
            help="hai-duong (default) or van-son: the made-up province after the 2025 reform",
        )
        parser.add_argument(
            "--state",
            choices=[str(state) for state in STATES],
            default=str(STATES[0]),
            help="van-son only: the 2026 period's state (its items are at the stages this state implies)",
        )
        parser.add_argument(
            "--focal-points",
            type=int,
            default=1,
            help="van-son only: focal-point accounts per agency (the first named like the agency's code)",
        )

    def handle(self, *args, no_compute, province, state, focal_points, **options):
        if province == PROVINCE_CODE:
            return self._reformed(state=state, compute=not no_compute, focal_points=focal_points)
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

    def _reformed(self, *, state, compute, focal_points):
        if focal_points < 1:
            raise CommandError("--focal-points must be at least 1")
        started = time.monotonic()
        try:
            loaded = load_reformed_province(state=state, compute=compute, focal_points=focal_points)
        except SampleKept as refusal:
            raise CommandError(str(refusal)) from None
        if loaded["kept"]:
            self.stdout.write("vs-2025 is already published; kept as is. vs-2026 reloaded.")
        for snapshot in loaded["snapshots"]:
            self.stdout.write(
                f"{snapshot.period.code}: v{snapshot.version}, {snapshot.agency_results.count()} agencies"
            )
        stages = ", ".join(f"{stage} {count}" for stage, count in sorted(loaded["stages"].items()))
        self.stdout.write(f"vs-2026 ({state}): agencies by stage: {stages}")
        staff = [a for a in loaded["accounts"] if not a[0].startswith(("vs-x-", "vs-p-", "ct-"))]
        self.stdout.write(
            f"{len(loaded['accounts'])} accounts (password '{DEMO_PASSWORD}'); focal points are named like "
            "their agency's code (vs-x-…, vs-p-…, vs-so-…), heads ct-<agency code>. Staff:"
        )
        for username, role in staff[:12]:
            self.stdout.write(f"  {username:<24} {role}")
        self.stdout.write(f"Loaded in {time.monotonic() - started:.1f} s.")
