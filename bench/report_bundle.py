"""Benchmark: the full report bundle (every table as XLSX and PDF, in one ZIP) of a generated province
of 200 agencies × 150 leaves (20 departments "A", 180 communes "B"; bench/compute_large_province.py's
generator), computed once. Prints the time and peak memory of the bundle, sequential and with a pool
of PDF processes. Runs on PostgreSQL in a database of its own (default `parindex_bench_reports`,
recreated each run):

    python -m bench.report_bundle [--agencies 200 --leaves 150 --workers 2]

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

from bench.compute_large_province import _recreate_database, _setup_django, generate

BENCH_DB = os.environ.get(
    "BENCH_REPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parindex_bench_reports"
)


def max_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=150)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="PDF processes for the second run"
    )
    parser.add_argument("--skip-sequential", action="store_true")
    options = parser.parse_args()

    _recreate_database(BENCH_DB)
    _setup_django(BENCH_DB)
    from django.core.management import call_command

    from agencies.models import Block
    from reports.selectors import report_data, report_settings_get
    from reports.services import bundle_write
    from reports.tables import table_specs
    from scoring.models import NodeResult
    from scoring.services import period_compute

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    period = generate(options.agencies, options.leaves)
    Block.objects.filter(code="ubnd-xa").update(table_prefix="B")
    snapshot = period_compute(period=period)
    print(
        f"generated and computed {options.agencies} agencies × {options.leaves} leaves in "
        f"{time.perf_counter() - started:.1f} s ({NodeResult.objects.filter(snapshot=snapshot).count()} node results)"
    )

    started = time.perf_counter()
    data = report_data(snapshot)
    specs = table_specs(data)
    read_s = time.perf_counter() - started
    print(f"read the snapshot: {read_s:.2f} s; {len(specs)} tables")
    config = report_settings_get()
    started = time.perf_counter()
    for spec in specs:
        spec.build(data, config)
    print(f"build every table's rows: {time.perf_counter() - started:.2f} s")

    rss_before = max_rss_mb()
    runs = [] if options.skip_sequential else [1]
    if options.workers > 1:
        runs.append(options.workers)
    for workers in runs:
        for formats in (["xlsx"], ["pdf"], ["xlsx", "pdf"]):
            with tempfile.TemporaryFile() as target:
                started = time.perf_counter()
                count = bundle_write(snapshot, target, formats=formats, workers=workers)
                seconds = time.perf_counter() - started
                size = target.tell()
            print(
                f"bundle {'+'.join(formats):9} workers={workers}: {seconds:6.1f} s, {count} files, "
                f"ZIP {size / 2**20:.1f} MB"
            )
    print(
        f"max RSS: this process {max_rss_mb():.0f} MB (before the bundles {rss_before:.0f} MB); "
        f"largest PDF worker {max_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
