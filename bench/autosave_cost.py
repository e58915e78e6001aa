"""Benchmark: the cost of one autosave in this process (no HTTP server, no other client): CPU ms and
queries per save through Django's full request path, on an agency of the loaded sample province.
CPU time, unlike wall time, barely depends on what else runs on a shared machine.

    DATABASE_URL=postgres://…/parindex_load python bench/autosave_cost.py [--saves 300]

Run it from another checkout (`cd ../main && PYTHONPATH=. python /path/to/bench/autosave_cost.py`) to
compare two versions of the code on the same database.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--pages", type=int, default=50, help="page opens to time (0: none)")
    parser.add_argument("--profile", metavar="FILE", help="also write a cProfile of the timed saves to FILE")
    parser.add_argument(
        "--profile-page", metavar="FILE", help="write a cProfile of the timed page opens to FILE"
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("CONN_MAX_AGE", "60")  # as in production: no new connection per request
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, User
    from agencies.models import Period, PeriodState
    from assessment.models import AssessmentItem, Submission, SubmissionStatus

    settings.ALLOWED_HOSTS = ["*"]
    period = Period.objects.filter(state=PeriodState.SELF_ASSESSMENT).order_by("-year").first()
    submitted = Submission.objects.filter(period=period, status=SubmissionStatus.SUBMITTED).values(
        "agency_id"
    )
    from django.db.models import Count

    largest = (  # the open agency with the largest tree (a commune of the reformed sample: ~150 leaves)
        AssessmentItem.objects.filter(node__criteria_set__period=period)
        .exclude(agency__in=submitted)
        .values("agency_id")
        .annotate(leaves=Count("id"))
        .order_by("-leaves", "agency_id")
        .first()
    )
    user = (
        User.objects.filter(role=Role.FOCAL_POINT, agency_id=largest["agency_id"])
        .order_by("username")
        .first()
    )
    items = list(
        AssessmentItem.objects.filter(
            agency=user.agency, node__criteria_set__period=period, node__rule="manual"
        )
        .select_related("node")
        .order_by("node__position")
    )
    leaves = AssessmentItem.objects.filter(agency=user.agency, node__criteria_set__period=period).count()
    client = Client()
    client.force_login(user)

    def save(n: int):
        item = items[n % len(items)]
        item.refresh_from_db(fields=["version"])
        url = f"/tu-danh-gia/{period.code}/{user.agency.code}/muc/{item.pk}/"
        points = "0" if n % 2 else str(item.node.max_points.normalize())
        response = client.post(url, {"version": item.version, "points": points}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"version-" in response.content, response.content[:300]

    for n in range(10):  # warm: caches, connections, templates
        save(n)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        save(0)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print("\n".join(sql[:160] for sql in queries))
    page_url = f"/tu-danh-gia/{period.code}/{user.agency.code}/"

    def open_page(n: int):
        response = client.get(page_url)
        assert response.status_code == 200 and b"points-input-" in response.content, response.status_code

    page_cpu = _cpu_per_call(open_page, options.pages, options.profile_page) if options.pages else None
    settings.ROOT_URLCONF = "bench.bare_urls"
    floor = _cpu_per_call(lambda n: client.post("/bench/bare/", {"points": "1"}, HTTP_HX_REQUEST="true"), 200)
    cpu, wall = [], []
    profiler = cProfile.Profile(time.process_time) if options.profile else None  # CPU, not wall
    if profiler:
        profiler.enable()
    for n in range(options.saves):
        c, w = time.process_time(), time.perf_counter()
        save(n)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    if profiler:
        profiler.disable()
        profiler.dump_stats(options.profile)
    print(
        f"{user.agency.code}: {leaves} leaves; {len(queries)} queries per save (item refresh excluded: "
        f"{len(queries) - 1}); CPU per save median {1000 * statistics.median(cpu):.1f} ms, mean "
        f"{1000 * statistics.mean(cpu):.1f} ms; wall median {1000 * statistics.median(wall):.1f} ms "
        f"({options.saves} saves; load average {os.getloadavg()[0]:.1f})\n"
        f"bare floor (same middleware, session and login; a view that does nothing): CPU per request "
        f"median {1000 * floor:.1f} ms"
    )
    if page_cpu is not None:
        size = len(client.get(page_url).content)
        print(f"page open ({size // 1000} KB): CPU median {1000 * page_cpu:.1f} ms ({options.pages} opens)")


def _cpu_per_call(call, times: int, profile: str | None = None) -> float:
    for n in range(10):
        call(n)
    cpu = []
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    for n in range(times):
        started = time.process_time()
        call(n)
        cpu.append(time.process_time() - started)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return statistics.median(cpu)


if __name__ == "__main__":
    main()
