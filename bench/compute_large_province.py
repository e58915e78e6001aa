"""Benchmark: compute a generated post-2025 province (20 departments + 180 communes, 150 leaves each).

Prints the time of `period_compute` split into read / engine / write, beside bare SQL over the same
rows: one GROUP BY of the appraised points per agency (the floor any computation pays to read), and
an INSERT … SELECT of per-agency, per-leaf rows (the floor to write a snapshot of the same size).
Runs on PostgreSQL, in a database of its own (default `parindex_bench`, recreated each run):

    make bench            # or: python -m bench.compute_large_province [--agencies 200 --leaves 150]

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
import tracemalloc
from datetime import date
from decimal import Decimal

BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parindex_bench")


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()


def criteria_document(leaves: int) -> dict:
    """Seven areas sharing `leaves` manual leaves (step 0.25), each leaf worth 0.5 to 2 points."""
    rng = random.Random(7)
    areas = []
    per_area = [leaves // 7 + (1 if i < leaves % 7 else 0) for i in range(7)]
    for area_number, count in enumerate(per_area, start=1):
        children = []
        for leaf_number in range(1, count + 1):
            max_points = Decimal(rng.choice(["0.5", "1", "1.5", "2"]))
            children.append(
                {
                    "code": f"{area_number}.{leaf_number}",
                    "title": f"Tiêu chí thành phần {area_number}.{leaf_number}",
                    "max_points": str(max_points),
                    "rule": "manual",
                    "params": {"step": "0.25"},
                }
            )
        total = sum(Decimal(c["max_points"]) for c in children)
        areas.append(
            {
                "code": str(area_number),
                "title": f"Lĩnh vực {area_number}",
                "max_points": str(total),
                "is_area": True,
                "children": children,
            }
        )
    return {
        "tie_rule": "shared",
        "bands": [
            {"code": "A", "label": "Từ 90%", "min_index": "90"},
            {"code": "B", "label": "Từ 80% đến dưới 90%", "min_index": "80"},
            {"code": "C", "label": "Dưới 80%", "min_index": "0"},
        ],
        "head_rules": [
            {"head_class": "excellent", "min_index": "90", "min_area_index": "80"},
            {"head_class": "good", "min_index": "80", "min_area_index": "70"},
            {"head_class": "completed", "min_index": "50", "min_area_index": "0"},
        ],
        "review_triggers": [{"area_code": "3", "below": "75"}, {"area_code": "7", "below": "75"}],
        "nodes": areas,
    }


def generate(agency_count: int, leaves: int):
    from agencies.models import Agency, Block, Period
    from assessment.models import AssessmentItem
    from scoring.formats import criteria_set_from_document

    rng = random.Random(2026)
    period = Period.objects.create(
        code="bench", name="Bench", year=2026, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    departments = max(1, agency_count // 10)
    blocks = [
        (Block.objects.create(code="so-nganh", name="Sở, ban, ngành", position=1), departments),
        (Block.objects.create(code="ubnd-xa", name="UBND xã", position=2), agency_count - departments),
    ]
    document = criteria_document(leaves)
    for block, count in blocks:
        criteria_set = criteria_set_from_document(period=period, block=block, document=document)
        nodes = [n for n in criteria_set.nodes.all() if n.rule]
        agencies = Agency.objects.bulk_create(
            Agency(code=f"{block.code}-{i}", name=f"{block.name} {i}", block=block, position=i)
            for i in range(1, count + 1)
        )
        items = []
        for agency in agencies:
            skill = rng.uniform(0.6, 1.0)
            for node in nodes:
                quarters = int(node.max_points * 4)
                self_points = Decimal(min(quarters, round(quarters * min(1.0, skill + 0.1)))) / 4
                appraised = Decimal(round(quarters * skill * rng.uniform(0.9, 1.0))) / 4
                items.append(
                    AssessmentItem(
                        agency=agency,
                        node=node,
                        applicable=rng.random() > 0.01,
                        self_input={"points": str(self_points)},
                        appraised_input={"points": str(appraised)},
                        status="appraised",
                    )
                )
        AssessmentItem.objects.bulk_create(items, batch_size=5000)
    return period


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def best_of(runs: int, function, *args, **kwargs):
    results = [timed(function, *args, **kwargs) for _ in range(runs)]
    return results[-1][0], min(seconds for _, seconds in results)


def bare_aggregate(period_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.agency_id, n.criteria_set_id,
                   SUM(CASE WHEN i.applicable THEN (i.appraised_input->>'points')::numeric ELSE 0 END),
                   SUM(CASE WHEN i.applicable THEN n.max_points ELSE 0 END)
            FROM assessment_assessmentitem i
            JOIN scoring_criterianode n ON n.id = i.node_id
            JOIN scoring_criteriaset s ON s.id = n.criteria_set_id
            WHERE s.period_id = %s
            GROUP BY i.agency_id, n.criteria_set_id
            """,
            [period_id],
        )
        return len(cursor.fetchall())


def bare_insert_select(period_id: int) -> int:
    """Writes one row per agency × leaf into a scratch table: the floor of storing a snapshot."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_rows (agency_id bigint, node_id bigint, p numeric)"
        )
        cursor.execute("TRUNCATE bench_rows")
        cursor.execute(
            """
            INSERT INTO bench_rows
            SELECT i.agency_id, i.node_id, (i.appraised_input->>'points')::numeric
            FROM assessment_assessmentitem i
            JOIN scoring_criterianode n ON n.id = i.node_id
            JOIN scoring_criteriaset s ON s.id = n.criteria_set_id
            WHERE s.period_id = %s
            """,
            [period_id],
        )
        return cursor.rowcount


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    _recreate_database(BENCH_DB)
    _setup_django(BENCH_DB)
    from django.core.management import call_command
    from django.db import connection

    from scoring import engine
    from scoring.inputs import period_inputs
    from scoring.models import NodeResult
    from scoring.services import period_compute

    call_command("migrate", verbosity=0)
    period, seconds = timed(generate, options.agencies, options.leaves)
    print(f"generated {options.agencies} agencies × {options.leaves} leaves in {seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    inputs, read_s = best_of(options.runs, period_inputs, period)

    def run_engine():
        for block in inputs.blocks:
            for stage in ("self", "appraised"):
                for agency in block.stage_inputs[stage]:
                    engine.compute_agency(block.tree, agency)
            engine.compute_block(block.tree, block.rules, block.stage_inputs["final"], inputs.previous_ranks)

    _, engine_s = best_of(options.runs, run_engine)
    tracemalloc.start()
    snapshot, total_s = timed(period_compute, period=period)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    totals = [timed(period_compute, period=period)[1] for _ in range(options.runs - 1)]
    total_s = min([total_s, *totals])
    rows = NodeResult.objects.filter(snapshot=snapshot).count()
    aggregate_rows, aggregate_s = best_of(options.runs, bare_aggregate, period.id)
    inserted, insert_s = best_of(options.runs, bare_insert_select, period.id)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"period_compute (best of {options.runs}):  {total_s:.2f} s  ({rows} node results stored)")
    print(f"  read inputs:                 {read_s:.2f} s")
    print(f"  engine (3 stages, ranking):  {engine_s:.2f} s")
    print(f"  write snapshot (remainder):  {max(0.0, total_s - read_s - engine_s):.2f} s")
    print(f"bare SQL GROUP BY ({aggregate_rows} agency totals):     {aggregate_s:.3f} s")
    print(f"bare SQL INSERT … SELECT ({inserted} rows):        {insert_s:.3f} s")
    print(f"ratio compute / bare GROUP BY:                  {total_s / aggregate_s:.1f}×")
    print(f"ratio compute / (GROUP BY + INSERT … SELECT):   {total_s / (aggregate_s + insert_s):.1f}×")
    print(f"peak Python memory during compute: {peak / 2**20:.0f} MB; process max RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
