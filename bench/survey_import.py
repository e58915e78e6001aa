"""Benchmark: import 100,000 survey responses × 20 questions from CSV and from XLSX, then aggregate.

Prints the import time and the growth of peak memory (each import runs in a fresh interpreter, so
ru_maxrss measures that import alone; a 10,000-row import shows memory does not grow with the file),
a re-import of the same file (every serial already stored: nothing added), two baselines per import (the
same reader, then COPY into a bare table, or into copies of the two tables with their indexes and foreign
keys), and `survey_values_refresh` beside bare SQL GROUP BYs over the same answer rows. Runs on
PostgreSQL, in a database of its own
(`parindex_bench_surveys`, or BENCH_SURVEYS_DB; created when missing; survey rows are emptied each run):

    python -m bench.survey_import [--rows 100000 --questions 20]

Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_SURVEYS_DB", "parindex_bench_surveys")
BENCH_DB = f"{SERVER}/{DB_NAME}"
FILES = Path(os.environ.get("BENCH_FILES", "/tmp/parindex_bench_surveys"))
AGENCIES = 40
GROUPS = [("hdnd", "Đại biểu HĐND tỉnh", "1"), ("mttq", "Lãnh đạo MTTQ", "1"), ("huyen", "Lãnh đạo UBND cấp huyện", "2"), ("dan", "Người dân, doanh nghiệp", "3")]  # fmt: skip
AGREEMENT = [("1", "Rất tốt", "1"), ("2", "Tốt", "0.75"), ("3", "Khá", "0.5"), ("4", "Kém", "0"), ("9", "Không biết", None)]  # fmt: skip
SATISFACTION = [("1", "Rất không hài lòng", "0"), ("2", "Không hài lòng", "0.25"), ("3", "Bình thường", "0.5"), ("4", "Hài lòng", "0.75"), ("5", "Rất hài lòng", "1"), ("9", "Không biết", None)]  # fmt: skip
SIPAS_ELEMENTS = ["Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức giải quyết", "Kết quả"]


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    # As in production: with DEBUG on, Django keeps every query's SQL in memory.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# --- data -------------------------------------------------------------------------------------------


def questionnaire_document(code: str, questions: int) -> dict:
    """Questions 1…⅗n score 8.1 (agreement scale), the rest are SIPAS questions scoring 8.2."""
    scored = questions * 3 // 5
    items = []
    for number in range(1, questions + 1):
        sipas = number > scored
        scale = SATISFACTION if sipas else AGREEMENT
        items.append(
            {
                "number": str(number),
                "text": f"Câu hỏi {number}",
                "criterion": "8.2" if sipas else "8.1",
                "sipas": sipas,
                "sipas_element": SIPAS_ELEMENTS[number % len(SIPAS_ELEMENTS)] if sipas else "",
                "options": [
                    {"key": k, "label": label, "coefficient": c, "satisfied": sipas and k in ("4", "5")}
                    for k, label, c in scale
                ],
            }
        )
    return {
        "code": code,
        "title": f"Phiếu {code}",
        "groups": [{"code": c, "name": n} for c, n, _ in GROUPS],
        "questions": items,
        "weights": [{"criterion": "8.1", "group": c, "weight": w} for c, _, w in GROUPS],
        "sample_plan": [
            {"agency": f"bench-so-{a:02}", "group": c, "planned": 500}
            for a in range(AGENCIES)
            for c, _, _ in GROUPS
        ],
    }


def _prepare(questions: int) -> None:
    """Empties the survey rows, then makes sure each period has its block, agencies, criteria set and
    questionnaire."""
    from django.core.management import call_command
    from django.db import connection

    from agencies.models import Agency, Block, Period
    from sample import criteria
    from scoring.formats import criteria_set_from_document
    from scoring.models import CriteriaSet
    from surveys.formats import questionnaire_from_document
    from surveys.models import Questionnaire

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE surveys_answer, surveys_response, surveys_importbatch, surveys_surveyvalue CASCADE"
        )
    block, _ = Block.objects.get_or_create(code="bench-so", defaults={"name": "Sở, ban, ngành"})
    for n in range(AGENCIES):
        Agency.objects.get_or_create(
            code=f"bench-so-{n:02}", defaults={"name": f"Sở {n}", "block": block, "position": n}
        )
    for code in ("bench-csv", "bench-xlsx", "bench-small"):
        period, _ = Period.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "year": 2022,
                "starts_on": date(2022, 1, 1),
                "ends_on": date(2022, 12, 31),
            },
        )
        if not CriteriaSet.objects.filter(period=period, block=block).exists():
            criteria_set_from_document(
                period=period,
                block=block,
                document={
                    "name": "Bộ khảo sát",
                    "bands": [{"code": "A", "label": "Mọi mức", "min_index": "0"}],
                    "head_rules": [],
                    "nodes": [
                        criteria.area("1", "Chỉ đạo", "71.5", [criteria.manual("1.1", "Kế hoạch", "71.5")]),
                        criteria.area(
                            "8",
                            "Điều tra xã hội học",
                            "28.5",
                            [
                                criteria.survey("8.1", "Tổ chức", "18.5"),
                                criteria.survey("8.2", "SIPAS", "10"),
                            ],
                        ),
                    ],
                },
            )
        if not Questionnaire.objects.filter(period=period, code=code).exists():
            questionnaire_from_document(
                period=period, block=block, document=questionnaire_document(code, questions)
            )


def _rows(count: int, questions: int, seed: int):
    rng = random.Random(seed)
    scored = questions * 3 // 5
    agreement = ["1", "2", "3", "4", "9", ""]
    satisfaction = ["1", "2", "3", "4", "4", "5", "5", "9", ""]
    for serial in range(1, count + 1):
        yield [
            f"S{serial:07}",
            rng.choice(GROUPS)[0],
            f"bench-so-{rng.randrange(AGENCIES):02}",
            *(rng.choice(agreement if q <= scored else satisfaction) for q in range(1, questions + 1)),
        ]


def _header(questions: int) -> list[str]:
    return ["Số phiếu", "Mã nhóm", "Mã cơ quan", *(str(q) for q in range(1, questions + 1))]


def _write_csv(path: Path, rows: int, questions: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_header(questions))
        writer.writerows(_rows(rows, questions, seed=rows))


def _write_xlsx(path: Path, rows: int, questions: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Phiếu")
    sheet.append(_header(questions))
    for row in _rows(rows, questions, seed=rows):
        sheet.append([value or None for value in row])
    workbook.save(path)


# --- measured steps (each in a fresh interpreter) ---------------------------------------------------


def _step_import(period: str, path: str) -> dict:
    from surveys.imports import responses_import
    from surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.select_related("period", "block").get(period__code=period)
    baseline_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    baseline = _rss_kb()
    started = time.perf_counter()
    batch = responses_import(questionnaire=questionnaire, file=Path(path))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "rows": batch.rows,
        "added": batch.added,
        "skipped": batch.skipped,
        "rss_before_mb": baseline / 1024,
        # How far the process's peak rose above its peak before the import (Django set up, models loaded).
        "peak_growth_mb": (peak - baseline_peak) / 1024,
        "peak_mb": peak / 1024,
    }


def _baseline_rows(path: str):
    """The file's rows with the reader the import uses: the csv module, or for XLSX `xlsx_sheet_rows`
    (the ZIP and dimension checks, the scan of the sheet's XML, then calamine)."""
    if path.endswith(".xlsx"):
        from parindex.safe_files import file_limits, xlsx_open, xlsx_sheet_rows

        limits = file_limits("responses")
        workbook = xlsx_open(path, limits)
        return xlsx_sheet_rows(path, workbook.worksheets[0], limits)
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - read to the end below
    return csv.reader(handle)


def _step_baseline(path: str) -> dict:
    """The bare floor of an import, in the same run: read the same file with the same reader and COPY the
    same answer rows (row number, question, option: a dict lookup per cell) into a plain table without
    index or constraint."""
    from django.db import connection

    baseline_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rows = iter(_baseline_rows(path))
    header = next(rows)
    questions = [(index, int(name)) for index, name in enumerate(header) if str(name).isdigit()]
    options = {key: int(key) for key, _, _ in SATISFACTION}
    answers = count = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bare_answer (response_id integer, question_id integer, option_id integer)"
        )
        with cursor.cursor.copy("COPY bare_answer FROM STDIN") as copy:
            for count, row in enumerate(rows, start=1):
                for index, question in questions:
                    key = row[index] if index < len(row) else None  # XLSX rows stop at their last value
                    if key not in (None, ""):
                        copy.write_row((count, question, options[str(key)]))
                        answers += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": count,
        "answers": answers,
        "peak_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline_peak) / 1024,
    }


def _step_baseline_keyed(period: str, path: str) -> dict:
    """The floor with the database's own share: read the same file with the same reader, COPY the
    responses and their answers (real ids: a dict lookup per cell) into copies of
    surveys_response and surveys_answer with the same indexes and the same deferred foreign keys, and
    commit (when the keys are checked). No check against the questionnaire or the stored serials."""
    from django.db import connection, transaction

    from surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.get(period__code=period)
    groups = dict(questionnaire.groups.values_list("code", "id"))
    question_ids = dict(questionnaire.questions.values_list("number", "id"))
    options = {
        (question_id, key): pk
        for pk, question_id, key in questionnaire.questions.values_list("options__id", "id", "options__key")
    }
    from agencies.models import Agency

    agencies = dict(Agency.objects.values_list("code", "id"))
    deferred = "DEFERRABLE INITIALLY DEFERRED"
    drop = "DROP TABLE IF EXISTS keyed_answer, keyed_response"
    with connection.cursor() as cursor:
        cursor.execute(drop)
    started = time.perf_counter()
    rows = iter(_baseline_rows(path))
    header = next(rows)
    questions = [(index, question_ids[str(name)]) for index, name in enumerate(header) if str(name).isdigit()]
    answers = count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TABLE keyed_response (LIKE surveys_response INCLUDING ALL);
            ALTER TABLE keyed_response
                ADD FOREIGN KEY (questionnaire_id) REFERENCES surveys_questionnaire (id) {deferred},
                ADD FOREIGN KEY (group_id) REFERENCES surveys_respondentgroup (id) {deferred},
                ADD FOREIGN KEY (agency_id) REFERENCES agencies_agency (id) {deferred},
                ADD FOREIGN KEY (import_batch_id) REFERENCES surveys_importbatch (id) {deferred},
                ADD FOREIGN KEY (entered_by_id) REFERENCES accounts_user (id) {deferred};
            CREATE TABLE keyed_answer (LIKE surveys_answer INCLUDING ALL);
            ALTER TABLE keyed_answer
                ADD FOREIGN KEY (response_id) REFERENCES keyed_response (id) {deferred},
                ADD FOREIGN KEY (question_id) REFERENCES surveys_question (id) {deferred},
                ADD FOREIGN KEY (option_id) REFERENCES surveys_answeroption (id) {deferred};
        """)
        now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
        pending = []
        with cursor.cursor.copy(
            "COPY keyed_response (id, questionnaire_id, serial, group_id, agency_id, source, created_at) "
            "FROM STDIN"
        ) as copy:
            for count, row in enumerate(rows, start=1):
                copy.write_row(
                    (count, questionnaire.pk, row[0], groups[row[1]], agencies[row[2]], "imported", now)
                )
                for index, question in questions:
                    key = row[index] if index < len(row) else None
                    if key not in (None, ""):
                        pending.append((count, question, options[question, str(key)]))
        with cursor.cursor.copy("COPY keyed_answer (response_id, question_id, option_id) FROM STDIN") as copy:
            for answer in pending:
                copy.write_row(answer)
        answers = len(pending)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(drop)
    return {"seconds": seconds, "rows": count, "answers": answers}


def _step_aggregate(period_code: str) -> dict:
    from django.db import connection

    from agencies.models import Period
    from surveys.selectors import sipas_satisfaction
    from surveys.services import survey_values_refresh

    period = Period.objects.get(code=period_code)
    bare_simple = """
        SELECT r.agency_id, q.node_id, r.group_id, SUM(o.coefficient), COUNT(*)
        FROM surveys_answer a
        JOIN surveys_response r ON r.id = a.response_id
        JOIN surveys_questionnaire qn ON qn.id = r.questionnaire_id
        JOIN surveys_question q ON q.id = a.question_id
        JOIN surveys_answeroption o ON o.id = a.option_id
        WHERE qn.period_id = %s AND o.coefficient IS NOT NULL AND q.node_id IS NOT NULL
        GROUP BY 1, 2, 3"""
    bare_same = """
        SELECT r.agency_id, q.node_id, r.group_id,
               SUM(CASE WHEN q.is_sipas AND o.satisfied THEN 1 WHEN q.is_sipas THEN 0 ELSE o.coefficient END),
               COUNT(*), COUNT(DISTINCT a.response_id)
        FROM surveys_answer a
        JOIN surveys_response r ON r.id = a.response_id
        JOIN surveys_questionnaire qn ON qn.id = r.questionnaire_id
        JOIN surveys_question q ON q.id = a.question_id
        JOIN surveys_answeroption o ON o.id = a.option_id
        WHERE qn.period_id = %s AND o.coefficient IS NOT NULL AND q.node_id IS NOT NULL
        GROUP BY 1, 2, 3"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id "
                       "JOIN surveys_questionnaire qn ON qn.id = r.questionnaire_id WHERE qn.period_id = %s", [period.id])  # fmt: skip
        answers = cursor.fetchone()[0]
        cursor.execute("ANALYZE surveys_answer, surveys_response")

    def timed(run, repeat=3):
        times = []
        result = None
        for _ in range(repeat):
            started = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - started)
        return min(times), statistics.median(times), result

    def bare(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [period.id])
                return len(cursor.fetchall())

        return run

    refresh = timed(lambda: survey_values_refresh(period=period))
    simple = timed(bare(bare_simple))
    same = timed(bare(bare_same))
    sipas = timed(lambda: len(sipas_satisfaction(period=period)))
    return {
        "answers": answers,
        "refresh": refresh[:2],
        "values_written": refresh[2],
        "bare_simple": simple[:2],
        "bare_same": same[:2],
        "groups_rows": same[2],
        "sipas": sipas[:2],
    }


def _run_step(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.survey_import", "--step", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"step {args} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        _setup_django()
        kind, *rest = args.step
        steps = {
            "import": _step_import,
            "baseline": _step_baseline,
            "keyed": _step_baseline_keyed,
            "aggregate": _step_aggregate,
        }
        result = steps[kind](*rest)
        print(json.dumps(result))
        return

    _ensure_database()
    _setup_django()
    _prepare(args.questions)
    FILES.mkdir(parents=True, exist_ok=True)
    small_rows = max(args.rows // 10, 1)
    paths = {
        "csv": FILES / f"responses_{args.rows}x{args.questions}.csv",
        "xlsx": FILES / f"responses_{args.rows}x{args.questions}.xlsx",
        "small": FILES / f"responses_{small_rows}x{args.questions}.csv",
    }
    for kind, path in paths.items():
        if not path.exists():
            started = time.perf_counter()
            rows = small_rows if kind == "small" else args.rows
            (_write_xlsx if kind == "xlsx" else _write_csv)(path, rows, args.questions)
            print(
                f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
            )

    from django.db import connections

    connections.close_all()
    figures = {
        "small": _run_step("import", "bench-small", str(paths["small"])),
        "csv": _run_step("import", "bench-csv", str(paths["csv"])),
        "csv_again": _run_step("import", "bench-csv", str(paths["csv"])),
        "xlsx": _run_step("import", "bench-xlsx", str(paths["xlsx"])),
        "bare_csv": _run_step("baseline", str(paths["csv"])),
        "bare_xlsx": _run_step("baseline", str(paths["xlsx"])),
        "keyed_csv": _run_step("keyed", "bench-csv", str(paths["csv"])),
        "keyed_xlsx": _run_step("keyed", "bench-xlsx", str(paths["xlsx"])),
    }
    aggregate = _run_step("aggregate", "bench-csv")

    print(f"\nSurvey import, {args.questions} questions per response, PostgreSQL (best of 1; imports)")
    print(
        f"{'step':44} {'rows':>8} {'added':>8} {'time':>9} {'rows/s':>8} {'peak +MB':>9} {'bare':>7} {'÷ bare':>7}"
    )
    for label, key, bare in (
        (f"CSV {small_rows:,} rows", "small", None),
        (f"CSV {args.rows:,} rows", "csv", "bare_csv"),
        (f"CSV {args.rows:,} rows again (all stored)", "csv_again", None),
        (f"XLSX {args.rows:,} rows", "xlsx", "bare_xlsx"),
    ):
        f = figures[key]
        floor = (
            f"{figures[bare]['seconds']:>6.1f}s {f['seconds'] / figures[bare]['seconds']:>6.1f}×"
            if bare
            else ""
        )
        print(
            f"{label:44} {f['rows']:>8,} {f['added']:>8,} {f['seconds']:>8.1f}s "
            f"{f['rows'] / f['seconds']:>8,.0f} {f['peak_growth_mb']:>9.1f} {floor}"
        )
    for kind in ("csv", "xlsx"):
        b = figures[f"bare_{kind}"]
        k = figures[f"keyed_{kind}"]
        f = figures[kind]
        print(
            f"  bare {kind.upper()}: read the file and COPY its {b['answers']:,} answers into a plain table: "
            f"{b['seconds']:.1f} s, peak +{b['peak_growth_mb']:.1f} MB"
        )
        print(
            f"  same indexes and FKs {kind.upper()}: read, COPY {k['rows']:,} responses and {k['answers']:,} answers "
            f"into copies of the two tables, commit: {k['seconds']:.1f} s; import ÷ it: {f['seconds'] / k['seconds']:.1f}×"
        )
    a = aggregate
    print(
        f"\nAggregation over {a['answers']:,} answers ({a['groups_rows']} agency × leaf × group rows), best / median of 3"
    )
    print(
        f"  survey_values_refresh ({a['values_written']} values)     {a['refresh'][0]:.3f} s / {a['refresh'][1]:.3f} s"
    )
    print(
        f"  bare SQL GROUP BY, SUM + COUNT               {a['bare_simple'][0]:.3f} s / {a['bare_simple'][1]:.3f} s"
    )
    print(
        f"  bare SQL GROUP BY, same CASE + COUNT DISTINCT {a['bare_same'][0]:.3f} s / {a['bare_same'][1]:.3f} s"
    )
    print(f"  sipas_satisfaction (2 queries)                {a['sipas'][0]:.3f} s / {a['sipas'][1]:.3f} s")
    print(
        f"  refresh ÷ bare simple: {a['refresh'][0] / a['bare_simple'][0]:.2f}×; ÷ same SQL: {a['refresh'][0] / a['bare_same'][0]:.2f}×"
    )


if __name__ == "__main__":
    main()
