"""Responses from XLSX or CSV files: checked whole in a first streamed pass, stored all-or-nothing in a
second, idempotent by serial number.

A file has one header row, then one row per filled-in questionnaire: the serial number, the respondent
group's code, the assessed agency's code, then one column per question (headed by its number) holding
the key of the option ticked; an empty cell is no answer.

The file is read once, as a stream (openpyxl read-only, or the csv module): every row is checked, in
batches of CHECK_BATCH against the responses already stored, and the rows to add are spooled to a
temporary file as ids. Only when no row has a problem does the second pass stream the spool into the
database, in batches of STORE_BATCH, inside the same transaction. Memory does not grow with the file
beyond one entry per serial (to name duplicates).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import marshal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.models import Agency
from agencies.policy import period_inputs_refusal
from parindex.safe_files import (
    FileRefused,
    csv_rows_capped,
    csv_size_check,
    file_limits,
    sheet_rows,
    source_size,
    xlsx_keep_text,
    xlsx_open,
    zip_check,
)

from .formats import _text
from .models import (
    Answer,
    AnswerOption,
    ImportBatch,
    ImportStatus,
    Questionnaire,
    Response,
    ResponseSource,
)
from .problems import M, Problem, SurveyFileError, cell, gettext_noop, location

SERIAL, GROUP, AGENCY = "serial", "group", "agency"
HEADERS = {SERIAL: "Số phiếu", GROUP: "Mã nhóm", AGENCY: "Mã cơ quan"}
ALIASES = {
    **{alias: SERIAL for alias in ("serial", "số phiếu", "so phieu", "so_phieu", "số seri", "seri")},
    **{alias: GROUP for alias in ("group", "nhóm", "nhom", "mã nhóm", "ma nhom", "ma_nhom")},
    **{alias: AGENCY for alias in ("agency", "cơ quan", "co quan", "mã cơ quan", "ma co quan", "ma_co_quan")},
}
QUESTION_PREFIXES = ("câu ", "cau ", "câu", "q")
RESPONSES_SHEET = "Phiếu"
CHECK_BATCH = 5000  # rows checked against stored serials per query
STORE_BATCH = 2000  # responses inserted per round trip, with their answers (COPY, or ANSWER_BATCH rows)
ANSWER_BATCH = 5000
MAX_PROBLEMS = 10_000  # listed; beyond that only counted, so a wrong file cannot exhaust memory
PROBLEMS_KEPT = 1000  # kept on a refused batch, for the page to show after a background import
CHECKED_SHARE = 60  # percent of the progress bar for the first pass (checking), the rest for storing
PROGRESS_EVERY = 1.0  # seconds between two progress reports at most

Progress = Callable[[int], None]  # called with the percent done, 0…100


# --- reading a file as a stream of rows -----------------------------------------------------------


class _File:
    """A response file that can be read more than once: a path, bytes or a seekable binary file."""

    def __init__(self, source: str | Path | bytes | BinaryIO):
        self.source = source
        self.limits = file_limits("responses")
        with self.open() as handle:
            start = handle.read(4)
        self.kind = "xlsx" if start == b"PK\x03\x04" else "csv"

    def check(self) -> None:
        """Refuses, before any parsing, a file over the limits (parindex.safe_files): a CSV by its size,
        an XLSX by its ZIP directory (parts, expanded sizes, compression ratio)."""
        try:
            if self.kind == "csv":
                csv_size_check(source_size(self.source), self.limits)
            else:
                with self.open() as handle:
                    zip_check(handle, self.limits)
        except FileRefused as refused:
            raise _refusal(refused) from None

    def _workbook_sheet(self, handle):
        workbook = xlsx_open(handle, self.limits)
        sheet = (
            workbook[RESPONSES_SHEET] if RESPONSES_SHEET in workbook.sheetnames else workbook.worksheets[0]
        )
        return workbook, sheet

    def open(self) -> BinaryIO:
        if isinstance(self.source, str | Path):
            return open(self.source, "rb")  # noqa: SIM115 - closed by the caller's with
        if isinstance(self.source, bytes | bytearray):
            return io.BytesIO(self.source)
        self.source.seek(0)
        return _Unclosed(self.source)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def rows_estimate(self) -> int:
        """About how many rows the file has, header included, to show progress: the line count of a CSV
        file, the dimension an XLSX sheet declares (0 when it declares none)."""
        if self.kind == "csv":
            lines = last = 0
            with self.open() as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    lines += chunk.count(b"\n")
                    last = chunk[-1]
            return lines + (last not in (0, 10))
        with self.open() as handle:
            try:
                workbook, sheet = self._workbook_sheet(handle)
            except FileRefused:  # named by the first pass
                return 0
            try:
                return sheet.max_row or 0
            finally:
                workbook.close()

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number as a spreadsheet shows it, cell values), header row included."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self):
        with self.open() as handle:
            try:
                workbook, sheet = self._workbook_sheet(handle)
            except FileRefused as refused:
                raise _refusal(refused) from None
            try:
                yield from enumerate(sheet_rows(sheet, self.limits), start=1)
            except FileRefused as refused:
                raise _refusal(refused) from None
            finally:
                workbook.close()

    def _csv_rows(self):
        with self.open() as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            number = 0
            try:
                first = text.readline()
                if not first:
                    return
                # Excel set to Vietnamese writes ";" between values, since "," is the decimal mark.
                delimiter = ";" if first.count(";") > first.count(",") else ","
                for number, values in csv_rows_capped(
                    enumerate(csv.reader(_chain([first], text), delimiter=delimiter), start=1), self.limits
                ):
                    yield number, values
            except UnicodeDecodeError:
                raise SurveyFileError(
                    [
                        cell(
                            number + 1,
                            None,
                            M(gettext_noop("the file is neither an XLSX workbook nor UTF-8 CSV text")),
                        )
                    ]
                ) from None
            except csv.Error as error:
                raise SurveyFileError(
                    [cell(number + 1, None, M(gettext_noop("unreadable CSV: %(error)s"), error=str(error)))]
                ) from None
            except FileRefused as refused:
                raise _refusal(refused) from None
            finally:
                text.detach()


def _refusal(refused: FileRefused) -> SurveyFileError:
    return SurveyFileError([cell(None, None, refused.message)])


def responses_file_check(file: str | Path | bytes | BinaryIO) -> None:
    """Refuses a response file over the limits before it is stored or parsed: SurveyFileError naming
    the limit (the rows are capped again while the import streams them)."""
    _File(file).check()


def _chain(first, rest):
    yield from first
    # Not `yield from rest`: closing this generator early (a refused file) would close the text wrapper,
    # whose buffer is detached by then.
    for line in rest:  # noqa: UP028
        yield line


class _Unclosed(io.BufferedIOBase):
    """A caller's file object lent to a `with` block without being closed by it."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw

    def read(self, size: int | None = -1) -> bytes:
        return self._raw.read(size)

    def read1(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


# --- what a file may contain ----------------------------------------------------------------------


class _Questionnaire:
    """Codes and keys of one questionnaire, read once: a handful of queries, whatever the file size."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.groups = dict(questionnaire.groups.values_list("code", "id"))
        self.group_codes = {v: k for k, v in self.groups.items()}
        self.questions = dict(questionnaire.questions.values_list("number", "id"))
        self.numbers = {v: k for k, v in self.questions.items()}
        self.options: dict[int, dict[str, int]] = {}
        self.option_keys: dict[int, str] = {}
        for option_id, question_id, key in (
            AnswerOption.objects.filter(question__questionnaire=questionnaire)
            .order_by("position", "id")
            .values_list("id", "question_id", "key")
        ):
            self.options.setdefault(question_id, {})[key] = option_id
            self.option_keys[option_id] = key
        self.agencies = {
            code: (pk, block_id)
            for code, pk, block_id in Agency.objects.values_list("code", "id", "block_id")
        }
        self.agency_codes = {pk: code for code, (pk, _) in self.agencies.items()}
        self.active = set(
            questionnaire.period.agencies().filter(block=questionnaire.block_id).values_list("id", flat=True)
        )


@dataclass(frozen=True)
class _Columns:
    headers: tuple[str, ...]  # as written, to name a column in a problem
    serial: int
    group: int
    agency: int
    questions: tuple[tuple[int, int], ...]  # (column index, question id)


@dataclass(frozen=True)
class _Row:
    number: int
    serial: str
    group_id: int
    agency_id: int
    answers: tuple[tuple[int, int], ...]  # (question id, option id), in question order


class _Problems:
    def __init__(self):
        self.listed: list[Problem] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, template: str, /, **params) -> None:
        if len(self.listed) < MAX_PROBLEMS:
            self.listed.append(cell(row, column, M(template, **params)))
        else:
            self.more += 1

    def __bool__(self):
        return bool(self.listed)

    def __len__(self):
        return len(self.listed) + self.more

    def all(self) -> list[Problem]:
        if not self.more:
            return self.listed
        return [
            *self.listed,
            cell(None, None, M(gettext_noop("… and %(count)s more problems not listed"), count=self.more)),
        ]


def _columns(header: tuple, known: _Questionnaire, problems: _Problems) -> _Columns | None:
    texts = tuple(_text(value) for value in header)
    found: dict[str, int] = {}
    questions: dict[int, int] = {}
    for index, text in enumerate(texts):
        if not text:
            continue
        key = ALIASES.get(text.lower())
        question_id = known.questions.get(text) or known.questions.get(_strip_prefix(text))
        if key is not None:
            if key in found:
                problems.add(1, text, gettext_noop("the column appears twice"))
            found[key] = index
        elif question_id is not None:
            if question_id in questions.values():
                problems.add(1, text, gettext_noop("the column appears twice"))
            questions[index] = question_id
        else:
            problems.add(
                1,
                text,
                gettext_noop(
                    "unknown column %(header)s: expected %(serial)s, %(group)s, %(agency)s "
                    "or a question number of questionnaire %(code)s"
                ),
                header=text,
                code=known.questionnaire.code,
                **HEADERS,
            )
    for key in (SERIAL, GROUP, AGENCY):
        if key not in found:
            problems.add(1, None, gettext_noop("the column %(column)s is missing"), column=HEADERS[key])
    if problems:
        return None
    return _Columns(
        texts,
        found[SERIAL],
        found[GROUP],
        found[AGENCY],
        tuple(sorted(questions.items())),
    )


def _strip_prefix(text: str) -> str:
    lowered = text.lower()
    for prefix in QUESTION_PREFIXES:
        if lowered.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


def _parse(
    number: int, values: tuple, columns: _Columns, known: _Questionnaire, problems: _Problems
) -> _Row | None:
    """One data row as ids, or None with its problems added (every problem of the row, not the first)."""
    width = len(values)

    def value(index: int) -> str:
        if index >= width:
            return ""
        cell_value = values[index]
        # CSV cells are always text; only XLSX cells need converting (numbers, dates).
        return cell_value.strip() if cell_value.__class__ is str else _text(cell_value)

    headers = columns.headers
    before = len(problems)
    serial = value(columns.serial)
    if not serial:
        problems.add(number, headers[columns.serial], gettext_noop("the serial number is missing"))
    elif len(serial) > 40:
        problems.add(
            number, headers[columns.serial], gettext_noop("the serial number is longer than 40 characters")
        )
    group_code = value(columns.group)
    group_id = known.groups.get(group_code)
    if group_id is None:
        problems.add(
            number,
            headers[columns.group],
            gettext_noop("unknown respondent group %(group)s (expected %(expected)s)")
            if group_code
            else gettext_noop("the respondent group is missing (expected %(expected)s)"),
            group=group_code,
            expected=", ".join(known.groups),
        )
    agency_code = value(columns.agency)
    agency = known.agencies.get(agency_code)
    if agency is None:
        problems.add(
            number,
            headers[columns.agency],
            gettext_noop("unknown agency %(agency)s")
            if agency_code
            else gettext_noop("the agency is missing"),
            agency=agency_code,
        )
    elif agency[1] != known.questionnaire.block_id:
        problems.add(
            number,
            headers[columns.agency],
            gettext_noop("agency %(agency)s is not in the block this questionnaire assesses"),
            agency=agency_code,
        )
    elif agency[0] not in known.active:
        problems.add(
            number,
            headers[columns.agency],
            gettext_noop("agency %(agency)s is not active in period %(period)s"),
            agency=agency_code,
            period=known.questionnaire.period.code,
        )
    answers = []
    for index, question_id in columns.questions:
        key = value(index)
        if not key:
            continue
        option_id = known.options.get(question_id, {}).get(key)
        if option_id is None:
            problems.add(
                number,
                headers[index],
                gettext_noop("%(value)s is not an option of question %(number)s (options: %(options)s)"),
                value=key,
                number=known.numbers[question_id],
                options=", ".join(known.options.get(question_id, {})),
            )
            continue
        answers.append((question_id, option_id))
    used = {columns.serial, columns.group, columns.agency, *(index for index, _ in columns.questions)}
    for index in range(width):
        if index not in used and _text(values[index]):
            problems.add(
                number,
                get_column_letter(index + 1),
                gettext_noop("a value in a column without a known header"),
            )
            break
    if len(problems) != before:
        return None
    return _Row(number, serial, group_id, agency[0], tuple(answers))


def _data_rows(file: _File, known: _Questionnaire, problems: _Problems):
    """(columns, iterator of (row number, values)) for the non-empty rows under the header."""
    rows = file.rows()
    header = next(rows, None)
    if header is None:
        problems.add(None, None, gettext_noop("the file is empty"))
        return None, iter(())
    columns = _columns(header[1], known, problems)
    return columns, ((number, values) for number, values in rows if any(v not in (None, "") for v in values))


# --- the two passes -------------------------------------------------------------------------------


class _Reporter:
    """Turns rows checked and responses stored into a percent for the caller's callback, at most once a
    second and only when it changes."""

    def __init__(self, callback: Progress | None, rows: int):
        self.callback, self.rows = callback, max(rows - 1, 1)
        self.sent, self.at = -1, 0.0
        self.new = 1

    def _send(self, percent: int) -> None:
        percent = min(max(percent, 0), 100)
        now = time.monotonic()
        if (
            self.callback is None
            or percent == self.sent
            or (now - self.at < PROGRESS_EVERY and percent < 100)
        ):
            return
        self.sent, self.at = percent, now
        self.callback(percent)

    def checked(self, rows: int) -> None:
        self._send(min(rows * CHECKED_SHARE // self.rows, CHECKED_SHARE - 1))

    def stored(self, responses: int) -> None:
        self._send(CHECKED_SHARE + responses * (100 - CHECKED_SHARE) // max(self.new, 1))

    def finished(self) -> None:
        self._send(100)


@dataclass
class _Scan:
    """What the first pass leaves for the second: counts, and the checked rows still to store, spooled
    to a temporary file (one marshal record per row) so memory stays flat and the second pass stores
    exactly what was checked, without reading the file again."""

    spool: BinaryIO
    rows: int = 0
    new: int = 0  # rows to store
    skipped: int = 0  # rows already stored with the same answers


def _check(file: _File, known: _Questionnaire, spool: BinaryIO, reporter: _Reporter) -> _Scan:
    """First pass: every problem of every row; rows not stored yet go to the spool."""
    problems = _Problems()
    columns, rows = _data_rows(file, known, problems)
    scan = _Scan(spool)
    if columns is None:
        raise SurveyFileError(problems.all())
    first_row: dict[str, int] = {}  # the only state kept per row: serial → row, to name duplicates
    batch: list[_Row] = []

    def flush():
        identical = _compare_with_stored(batch, columns, known, problems)
        scan.skipped += len(identical)
        if not problems:  # once the file is refused, nothing more needs spooling
            for row in batch:
                if row.serial not in identical:
                    marshal.dump((row.serial, row.group_id, row.agency_id, row.answers), spool)
                    scan.new += 1
        batch.clear()
        reporter.checked(scan.rows)

    for number, values in rows:
        scan.rows += 1
        row = _parse(number, values, columns, known, problems)
        if row is None:
            continue
        if row.serial in first_row:
            problems.add(
                number,
                columns.headers[columns.serial],
                gettext_noop("serial %(serial)s is repeated (first on row %(row)s)"),
                serial=row.serial,
                row=first_row[row.serial],
            )
            continue
        first_row[row.serial] = number
        batch.append(row)
        if len(batch) >= CHECK_BATCH:
            flush()
    if batch:
        flush()
    if not scan.rows:
        problems.add(None, None, gettext_noop("the file has no response rows under the header"))
    if problems:
        raise SurveyFileError(problems.all())
    return scan


def _compare_with_stored(
    batch: list[_Row], columns: _Columns, known: _Questionnaire, problems: _Problems
) -> set[str]:
    """Serials of the batch already stored with identical answers; a stored serial whose group, agency
    or any answer differs is a conflict, named at each differing cell."""
    stored = {
        serial: (pk, group_id, agency_id)
        for serial, pk, group_id, agency_id in Response.objects.filter(
            questionnaire=known.questionnaire, serial__in=[row.serial for row in batch]
        ).values_list("serial", "id", "group_id", "agency_id")
    }
    if not stored:
        return set()
    answers: dict[int, dict[int, int]] = {}
    for response_id, question_id, option_id in Answer.objects.filter(
        response_id__in=[pk for pk, _, _ in stored.values()]
    ).values_list("response_id", "question_id", "option_id"):
        answers.setdefault(response_id, {})[question_id] = option_id
    identical = set()
    column_of = {question_id: index for index, question_id in columns.questions}
    for row in batch:
        if row.serial not in stored:
            continue
        pk, group_id, agency_id = stored[row.serial]
        differences = []
        if group_id != row.group_id:
            differences.append((columns.headers[columns.group], known.group_codes[group_id]))
        if agency_id != row.agency_id:
            differences.append((columns.headers[columns.agency], known.agency_codes.get(agency_id, "")))
        in_file = dict(row.answers)
        kept = answers.get(pk, {})
        for question_id in sorted(set(in_file) | set(kept), key=lambda q: column_of.get(q, -1)):
            if in_file.get(question_id) != kept.get(question_id):
                header = (
                    columns.headers[column_of[question_id]]
                    if question_id in column_of
                    else known.numbers[question_id]
                )
                differences.append((header, known.option_keys.get(kept.get(question_id), "")))
        if not differences:
            identical.add(row.serial)
        for header, was in differences:
            problems.add(
                row.number,
                header,
                gettext_noop(
                    "serial %(serial)s is already stored with a different value here (stored: %(stored)s)"
                ),
                serial=row.serial,
                stored=was or "—",
            )
    return identical


def _store(known: _Questionnaire, scan: _Scan, batch: ImportBatch, reporter: _Reporter) -> None:
    """Second pass: streams the spooled rows into the database in batches of STORE_BATCH responses."""
    scan.spool.seek(0)
    pending: list[tuple] = []
    reporter.new = scan.new
    done = 0

    def flush():
        responses = Response.objects.bulk_create(
            Response(
                questionnaire=known.questionnaire,
                serial=serial,
                group_id=group_id,
                agency_id=agency_id,
                source=ResponseSource.IMPORTED,
                import_batch=batch,
            )
            for serial, group_id, agency_id, _ in pending
        )
        answers_store(
            (response.pk, question_id, option_id)
            for response, (_, _, _, answers) in zip(responses, pending, strict=True)
            for question_id, option_id in answers
        )
        nonlocal done
        done += len(pending)
        pending.clear()
        reporter.stored(done)

    for _ in range(scan.new):
        pending.append(marshal.load(scan.spool))
        if len(pending) >= STORE_BATCH:
            flush()
    if pending:
        flush()


ANSWER_COLUMNS = ("response_id", "question_id", "option_id")


def answers_store(rows: Iterable[tuple[int, int, int]]) -> None:
    """Stores (response id, question id, option id) rows: twenty-odd answers per response. COPY on
    PostgreSQL (several times faster than INSERT batches, as for scoring's node results), one prepared
    INSERT run over the rows in batches elsewhere (no model instances)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Answer._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    table = connection.ops.quote_name(Answer._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(ANSWER_COLUMNS)}) VALUES (%s, %s, %s)"
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(rows, ANSWER_BATCH)):
            cursor.executemany(sql, chunk)


def problems_data(problems: list[Problem]) -> list[dict]:
    """Problems as JSON for ImportBatch.problem_list: templates and parameters, translated when shown."""
    return [
        {
            "where": [problem.where.template, dict(problem.where.params)],
            "message": [problem.message.template, dict(problem.message.params)],
        }
        for problem in problems[:PROBLEMS_KEPT]
    ]


def problems_from_data(data: list[dict]) -> list[Problem]:
    return [
        Problem(M(item["where"][0], **item["where"][1]), M(item["message"][0], **item["message"][1]))
        for item in data
    ]


def responses_import(
    *,
    questionnaire: Questionnaire,
    file: str | Path | bytes | BinaryIO,
    file_name: str = "",
    acting_user=None,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Imports a response file whole or not at all.

    Every row is checked first; any problem refuses the file, raising SurveyFileError with every problem
    named by row and column (a refused batch is recorded, no response is stored). A serial already
    stored with the same group, agency and answers is skipped, so importing a file twice stores it once;
    one stored with a different value is a conflict and refuses the file.

    `batch`: the job row of a background import, filled in at the end (else a batch is created).
    `progress`: called with the percent done, at most once a second, while the import runs; the batch
    row is not touched before the rows are stored, so the callback may update it from another connection.
    """
    source = _File(file)
    if not file_name and isinstance(file, str | Path):
        file_name = Path(file).name
    digest = source.sha256()
    outcome = {"questionnaire": questionnaire, "file_name": file_name[:255], "sha256": digest}
    if acting_user is not None or batch is None:
        outcome["created_by"] = acting_user
    try:
        source.check()  # the limits first: a refused file is never parsed
        reporter = _Reporter(progress, source.rows_estimate() if progress else 1)
        with transaction.atomic(), tempfile.TemporaryFile() as spool:
            # One import at a time per questionnaire, so the check still holds when the rows go in.
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
            _inputs_open(questionnaire)
            known = _Questionnaire(questionnaire)
            scan = _check(source, known, spool, reporter)
            if batch is None:
                batch = ImportBatch.objects.create(status=ImportStatus.RUNNING, **outcome)
            _store(known, scan, batch, reporter)
            _batch_save(
                batch,
                outcome,
                rows=scan.rows,
                added=scan.new,
                skipped=scan.skipped,
                problems=0,
                problem_list=[],
                status=ImportStatus.STORED if scan.new else ImportStatus.UNCHANGED,
            )
    except SurveyFileError as error:
        fields = {"problems": len(error.problems), "problem_list": problems_data(error.problems)}
        if batch is None:
            ImportBatch.objects.create(
                status=ImportStatus.REFUSED, finished_at=timezone.now(), **outcome, **fields
            )
        else:
            _batch_save(batch, outcome, status=ImportStatus.REFUSED, rows=0, added=0, skipped=0, **fields)
        raise
    reporter.finished()
    return batch


# The same text as agencies.policy.period_inputs_refusal, as a Message for the file's problem list.
FROZEN = gettext_noop("The results of %(period)s are approved: its inputs can no longer change.")


def _inputs_open(questionnaire: Questionnaire) -> None:
    """Approval freezes the period's survey inputs (agencies.policy): the file is refused whole."""
    period = type(questionnaire.period).objects.get(pk=questionnaire.period_id)  # the state now
    if period_inputs_refusal(period):
        raise SurveyFileError([Problem(location(None), M(FROZEN, period=period.name))])


def _batch_save(batch: ImportBatch, outcome: dict, **fields) -> None:
    for name, value in {**outcome, **fields, "progress": 100, "finished_at": timezone.now()}.items():
        setattr(batch, name, value)
    batch.save()


# --- the template -------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def responses_template_xlsx(questionnaire: Questionnaire) -> bytes:
    """An empty response workbook for the questionnaire: the sheet to fill (serial, group, agency, one
    column per question number, with drop-down lists), and sheets listing the questions with their
    options, the groups and the agencies."""
    questions = list(questionnaire.questions.order_by("position", "id"))
    options: dict[int, list[AnswerOption]] = {}
    for option in AnswerOption.objects.filter(question__questionnaire=questionnaire).order_by(
        "position", "id"
    ):
        options.setdefault(option.question_id, []).append(option)
    groups = list(questionnaire.groups.order_by("position", "id"))
    agencies = list(
        questionnaire.period.agencies().filter(block=questionnaire.block_id).order_by("position", "code")
    )

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = RESPONSES_SHEET
    headers = [HEADERS[SERIAL], HEADERS[GROUP], HEADERS[AGENCY], *(q.number for q in questions)]
    sheet.append(headers)
    for index, _header in enumerate(headers, start=1):
        header_cell = sheet.cell(row=1, column=index)
        header_cell.font = Font(bold=True)
        header_cell.fill = HEADER_FILL
        header_cell.alignment = Alignment(horizontal="center")
        header_cell.number_format = "@"
        sheet.column_dimensions[get_column_letter(index)].width = 14 if index <= 3 else 7
    sheet.freeze_panes = "D2"
    last = 5001

    def listed(title: str, rows: list[tuple], widths: tuple[int, ...], header: tuple[str, ...]):
        listing = workbook.create_sheet(title)
        listing.append(header)
        for index, width in enumerate(widths, start=1):
            listing.column_dimensions[get_column_letter(index)].width = width
            listing.cell(row=1, column=index).font = Font(bold=True)
            listing.cell(row=1, column=index).fill = HEADER_FILL
        for row in rows:
            listing.append(row)
        return listing

    listed("Nhóm", [(g.code, g.name) for g in groups], (16, 60), ("Mã nhóm", "Tên nhóm đối tượng"))
    listed("Cơ quan", [(a.code, a.name) for a in agencies], (24, 60), ("Mã cơ quan", "Tên cơ quan"))
    listed(
        "Câu hỏi",
        [
            (
                q.number,
                q.text,
                "; ".join(f"{o.key} = {o.label}" for o in options.get(q.id, [])),
            )
            for q in questions
        ],
        (10, 70, 70),
        ("Số câu", "Nội dung câu hỏi", "Phương án trả lời (mã = nội dung)"),
    )
    for column, title, count in ((2, "Nhóm", len(groups)), (3, "Cơ quan", len(agencies))):
        if count:
            choice = DataValidation(
                type="list", formula1=f"{quote_sheetname(title)}!$A$2:$A${count + 1}", allow_blank=True
            )
            sheet.add_data_validation(choice)
            letter = get_column_letter(column)
            choice.add(f"{letter}2:{letter}{last}")
    for index, question in enumerate(questions, start=4):
        keys = ",".join(o.key for o in options.get(question.id, []))
        if keys and len(keys) < 250:
            choice = DataValidation(type="list", formula1=f'"{keys}"', allow_blank=True)
            sheet.add_data_validation(choice)
            letter = get_column_letter(index)
            choice.add(f"{letter}2:{letter}{last}")
    xlsx_keep_text(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
