"""Benchmark: a file of measured data and survey values at the row cap (FILE_LIMITS "measures_rows",
20,000 rows: 6,667 agencies × 3 leaves), timed in its parts: the request's envelope check, the job's
check and preview, and the confirmation that stores every value (row by row, with its history).

Runs in one transaction rolled back at the end, in the database of DATABASE_URL (use one of your own):

    DEBUG=1 DATABASE_URL=postgres://…/parindex_bench python manage.py migrate
    DEBUG=1 DATABASE_URL=postgres://…/parindex_bench python -m bench.measures_import [--rows 20000]

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import io
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    rows_wanted = parser.parse_args().rows
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()
    from django.db import transaction
    from openpyxl import Workbook

    from agencies.models import Agency
    from measures.models import MeasureValue
    from measures.reading import envelope_check
    from measures.services import measures_check, measures_confirm, measures_preview
    from tests.worlds import self_assessment_world

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            world = self_assessment_world(measured=True)
            agencies = -(-rows_wanted // 3)
            Agency.objects.bulk_create(
                Agency(code=f"bench-{n}", name=f"Cơ quan {n}", block=world.agency.block)
                for n in range(agencies)
            )
            book = Workbook(write_only=True)
            sheet = book.create_sheet("Số liệu")
            sheet.append(
                ["Mã cơ quan", "Mã tiêu chí", "Giá trị", "Chỉ tiêu", "Văn bản nguồn", "Ngày văn bản"]
            )
            written = 0
            for n in range(agencies):
                for code, value, target in (("2.1", 95.5, None), ("2.2", 80, 100), ("2.3", "0,9", None)):
                    if written < rows_wanted:
                        sheet.append([f"bench-{n}", code, value, target, "Báo cáo 12/BC", "05/01/2023"])
                        written += 1
            out = io.BytesIO()
            book.save(out)
            content = out.getvalue()
            user = world.users["home_affairs"]
            timings = {}
            started = time.perf_counter()
            envelope_check(content)
            timings["envelope (request)"] = time.perf_counter() - started
            started = time.perf_counter()
            plan = measures_check(period=world.period, content=content)
            timings["check + preview (job)"] = time.perf_counter() - started
            assert not plan.problems, plan.problems[:3]
            measure_import, _plan = measures_preview(
                period=world.period, content=content, file_name="bench.xlsx", acting_user=user
            )
            started = time.perf_counter()
            measures_confirm(measure_import=measure_import, acting_user=user)
            timings["confirm (store)"] = time.perf_counter() - started
            stored = MeasureValue.objects.count()
            print(f"{written} rows, {len(content) / 1024:.0f} KB XLSX, {stored} values stored")
            for name, seconds in timings.items():
                print(f"{name:>24}: {seconds:8.3f} s")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
