"""Benchmark: the full report bundle (every table as XLSX and PDF, in one ZIP) of a generated province
of 200 agencies × 150 leaves (20 departments "A", 180 communes "B"; bench/compute_large_province.py's
generator), computed once. Prints the time and peak memory of the bundle, in this process and (--celery) on
Celery workers. Runs on PostgreSQL in a database of its own (default `parindex_bench_reports`,
recreated each run):

    python -m bench.report_bundle [--agencies 200 --leaves 150]
    python -m bench.report_bundle --agencies 60 --skip-sequential --celery 1,2

`--celery 1,2`: the bundle job as production runs it (issue 17): queued with report_bundle_start and
rendered by that many Celery worker processes (`celery worker -P solo`, one file per task, on Redis
BENCH_REDIS_URL, default database 14), timed from the request to the stored ZIP, beside the same bundle
written in this process (`bundle_write`, one process: the bare baseline of the same run).

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--celery", default="", help="worker counts for the Celery runs, e.g. 1,2")
    parser.add_argument(
        "--period",
        help="use the latest snapshot of this period in BENCH_REPORTS_DATABASE_URL as it is (e.g. the "
        "reformed sample province: load_sample --province van-son, period 2025) instead of generating one",
    )
    options = parser.parse_args()

    if not options.period:
        _recreate_database(BENCH_DB)
    _setup_django(BENCH_DB)
    from django.core.management import call_command

    from agencies.models import Block
    from reports.selectors import report_data, report_settings_get
    from reports.services import bundle_write
    from reports.tables import table_specs
    from scoring.models import NodeResult, ResultSnapshot
    from scoring.services import period_compute

    if options.period:
        snapshot = ResultSnapshot.objects.filter(period__code=options.period).order_by("-version").first()
        print(f"snapshot {snapshot} ({NodeResult.objects.filter(snapshot=snapshot).count()} node results)")
    else:
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
    for _ in [] if options.skip_sequential else [1]:
        for formats in (["xlsx"], ["pdf"], ["xlsx", "pdf"]):
            with tempfile.TemporaryFile() as target:
                started = time.perf_counter()
                count = bundle_write(snapshot, target, formats=formats)
                seconds = time.perf_counter() - started
                size = target.tell()
            print(
                f"bundle {'+'.join(formats):9} in this process: {seconds:6.1f} s, {count} files, "
                f"ZIP {size / 2**20:.1f} MB"
            )
    if options.celery:
        with tempfile.TemporaryFile() as target:
            started = time.perf_counter()
            count = bundle_write(snapshot, target, formats=["xlsx", "pdf"])
            print(
                f"bundle xlsx+pdf   in this process (baseline): {time.perf_counter() - started:6.1f} s, {count} files"
            )
    for workers in [int(n) for n in options.celery.split(",") if n]:
        seconds, count = celery_bundle(snapshot, workers, ["xlsx", "pdf"])
        print(
            f"bundle xlsx+pdf   Celery workers={workers}: {seconds:6.1f} s, {count} files (job queued → ZIP stored)"
        )
    print(
        f"max RSS: this process {max_rss_mb():.0f} MB (before the bundles {rss_before:.0f} MB); "
        f"largest child {max_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


def celery_bundle(snapshot, workers: int, formats: list[str]) -> tuple[float, int]:
    """Starts `workers` Celery worker processes on a fresh queue, queues the bundle, waits for it."""
    from django.conf import settings

    from parindex.celery import app
    from parindex.jobs import JobStatus
    from reports.models import ReportBundle
    from reports.services import report_bundle_start

    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    media = Path(tempfile.mkdtemp(prefix="bench_reports_media_"))
    env = {**os.environ, "DATABASE_URL": BENCH_DB, "REDIS_URL": redis_url, "MEDIA_ROOT": str(media),
           "CELERY_TASK_ALWAYS_EAGER": "false", "DEBUG": "1"}  # fmt: skip
    logs = [media / f"worker-{n}.log" for n in range(workers)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "parindex",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
                "-n",
                f"{queue}-{n}@%h",
            ],
            env=env,
            stdout=open(log, "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for n, log in enumerate(logs)
    ]
    try:
        time.sleep(8)  # the workers start (Django set up, connected to Redis)
        settings.MEDIA_ROOT = str(media)
        app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
        app._pool = None
        app.amqp._producer_pool = None
        ReportBundle.objects.filter(snapshot=snapshot).delete()
        started = time.perf_counter()
        bundle = report_bundle_start(snapshot=snapshot, acting_user=None, formats=formats)
        while bundle.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            time.sleep(0.2)
            bundle.refresh_from_db()
        seconds = time.perf_counter() - started
        if bundle.status != JobStatus.SUCCEEDED:
            raise SystemExit(f"the bundle failed: {bundle.message}")
        return seconds, bundle.files_total
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
