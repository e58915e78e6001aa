"""Benchmark: the largest imports the default file limits allow (parindex.safe_files), and how fast the
limits refuse what is over them. Each import runs in a fresh interpreter under /usr/bin/time -v, so its
wall time and peak memory (maximum resident set size) are its own.

    python -m bench.file_limits [--questions 25]

Steps: responses XLSX and CSV at the row cap (FILE_LIMITS["responses_rows"], 100,000 by default) with as
many questions as the member-size cap leaves room for; an account list at the list cap (5,000 rows);
a 200 MB zip bomb (under 1 MB on the wire) and a 100,001-row file, both refused. PostgreSQL, in a
database of its own (`parindex_files_bench`, created when missing; emptied each run). Record the figures
in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "parindex_files_bench"
FILES = Path(os.environ.get("BENCH_FILES", "/tmp/parindex_files_bench"))


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def _step(kind: str, path: str) -> dict:
    """One import in this interpreter; what it stored or why it was refused."""
    _setup_django()
    started = time.perf_counter()
    if kind == "accounts":
        from accounts.imports import AccountsFileError, accounts_import

        try:
            outcome = f"{len(accounts_import(data=Path(path).read_bytes()))} accounts created"
        except AccountsFileError as error:
            outcome = f"refused: {error.problems[0]}"
    else:
        from surveys.imports import responses_import
        from surveys.models import Questionnaire
        from surveys.problems import SurveyFileError

        questionnaire = Questionnaire.objects.get(period__code=kind)
        try:
            batch = responses_import(questionnaire=questionnaire, file=Path(path))
            outcome = f"{batch.added} responses added"
        except SurveyFileError as error:
            outcome = f"refused: {error.problems[0]}"
    return {"seconds": round(time.perf_counter() - started, 2), "outcome": outcome}


def _timed(kind: str, path: Path) -> dict:
    """The step under /usr/bin/time -v: its result, and the interpreter's wall time and peak memory."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "bench.file_limits", "--step", kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"step {kind} {path} failed")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", result.stderr)
    figures["peak_mb"] = round(int(peak.group(1)) / 1024) if peak else None
    figures["wall"] = wall.group(1) if wall else None
    return figures


def _accounts_file(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tài khoản")
    sheet.append(["Tên đăng nhập", "Họ và tên", "Email", "Vai trò", "Mã cơ quan"])
    for n in range(rows):
        sheet.append([f"bench-{n:05}", f"Cán bộ {n}", f"cb{n}@bench.gov.vn", "appraiser", None])
    workbook.save(path)


def _lying_file(path: Path, rows: int, questions: int) -> None:
    """`rows` data rows under a sheet that declares one row only: refused while streaming."""
    import zipfile

    from bench.survey_import import _write_xlsx

    _write_xlsx(path.with_suffix(".tmp.xlsx"), rows, questions)
    with (
        zipfile.ZipFile(path.with_suffix(".tmp.xlsx")) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data, count=1)
            target.writestr(entry, data)
    path.with_suffix(".tmp.xlsx").unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=25)
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(*args.step)))
        return

    _ensure_database()
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    from bench import survey_import

    survey_import.BENCH_DB = f"{SERVER}/{DB_NAME}"
    _setup_django()
    survey_import._prepare(args.questions)
    from django.db import connection

    from parindex.safe_files import file_limits, zip_check
    from tests.files.hostile import zip_bomb

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'bench-%%'")
    limits = file_limits("responses")
    rows = limits.rows
    FILES.mkdir(parents=True, exist_ok=True)
    paths = {
        "xlsx": FILES / f"responses_{rows}x{args.questions}.xlsx",
        "csv": FILES / f"responses_{rows}x{args.questions}.csv",
        "over": FILES / f"responses_{rows + 1}x{args.questions}_lying.xlsx",
        "bomb": FILES / "bomb_200mb.xlsx",
        "accounts": FILES / f"accounts_{file_limits('list').rows}.xlsx",
    }
    makers = {
        "xlsx": lambda p: survey_import._write_xlsx(p, rows, args.questions),
        "csv": lambda p: survey_import._write_csv(p, rows, args.questions),
        "over": lambda p: _lying_file(p, rows + 1, args.questions),
        "bomb": lambda p: p.write_bytes(zip_bomb(200)),
        "accounts": lambda p: _accounts_file(p, file_limits("list").rows),
    }
    for key, path in paths.items():
        if not path.exists():
            makers[key](path)
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB", flush=True)
    zip_check(paths["xlsx"], limits)  # the largest workbook allowed must pass the ZIP check
    from django.db import connections

    connections.close_all()
    steps = [
        ("XLSX at the row cap", "bench-xlsx", paths["xlsx"]),
        ("CSV at the row cap", "bench-csv", paths["csv"]),
        ("XLSX one row over, dimension lying", "bench-small", paths["over"]),
        ("zip bomb, 200 MB expanded", "bench-small", paths["bomb"]),
        ("accounts at the list cap", "accounts", paths["accounts"]),
    ]
    print(f"\n{'step':40} {'time':>8} {'wall':>8} {'peak MB':>8}  outcome")
    for label, kind, path in steps:
        f = _timed(kind, path)
        print(f"{label:40} {f['seconds']:>7}s {f['wall']:>8} {f['peak_mb']:>8}  {f['outcome']}", flush=True)


if __name__ == "__main__":
    main()
