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

surveys/response_rows.py reads a file as checked rows; surveys/response_template.py writes the empty
workbook to fill.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone

from agencies.policy import period_inputs_refusal
from parindex.jobs import JobStatus

from .models import (
    Answer,
    ImportBatch,
    Questionnaire,
    Response,
    ResponseSource,
    SurveyToken,
)
from .printing import SERIAL_PREFIX, link_serial, serial_link_id
from .problems import M, Problem, SurveyFileError, gettext_noop, location
from .response_rows import (
    Columns,
    Problems,
    QuestionnaireCodes,
    ResponseFile,
    ResponseRow,
    data_rows,
    row_parse,
)
from .response_template import responses_template_xlsx as responses_template_xlsx

CHECK_BATCH = 5000  # rows checked against stored serials per query
STORE_BATCH = 2000  # responses inserted per round trip, with their answers (COPY, or ANSWER_BATCH rows)
ANSWER_BATCH = 5000
PROBLEMS_KEPT = 1000  # kept on a refused batch, for the page to show after a background import
CHECKED_SHARE = 60  # percent of the progress bar for the first pass (checking), the rest for storing
PROGRESS_EVERY = 1.0  # seconds between two progress reports at most

Progress = Callable[[int], None]  # called with the percent done, 0…100


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
    to a temporary file (one pickle record per row) so memory stays flat and the second pass stores
    exactly what was checked, without reading the file again."""

    spool: BinaryIO
    rows: int = 0
    new: int = 0  # rows to store
    skipped: int = 0  # rows already stored with the same answers


def _check(file: ResponseFile, known: QuestionnaireCodes, spool: BinaryIO, reporter: _Reporter) -> _Scan:
    """First pass: every problem of every row; rows not stored yet go to the spool."""
    problems = Problems()
    columns, rows = data_rows(file, known, problems)
    scan = _Scan(spool)
    if columns is None:
        raise SurveyFileError(problems.all())
    first_row: dict[str, int] = {}  # the only state kept per row: serial → row, to name duplicates
    batch: list[ResponseRow] = []

    def flush():
        identical = _compare_with_stored(batch, columns, known, problems)
        scan.skipped += len(identical)
        if not problems:  # once the file is refused, nothing more needs spooling
            for row in batch:
                if row.serial not in identical:
                    pickle.dump(
                        (row.serial, row.group_id, row.agency_id, row.answers), spool, pickle.HIGHEST_PROTOCOL
                    )
                    scan.new += 1
        batch.clear()
        reporter.checked(scan.rows)

    for number, values in rows:
        scan.rows += 1
        row = row_parse(number, values, columns, known, problems)
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
    batch: list[ResponseRow], columns: Columns, known: QuestionnaireCodes, problems: Problems
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


def _store(known: QuestionnaireCodes, scan: _Scan, batch: ImportBatch, reporter: _Reporter) -> None:
    """Second pass: streams the spooled rows into the database in batches of STORE_BATCH responses."""
    scan.spool.seek(0)
    pending: list[tuple] = []
    reporter.new = scan.new
    done = 0

    def flush():
        response_ids = responses_store(pending, known, batch)
        answers_store(
            (response_id, question_id, option_id)
            for response_id, (_, _, _, answers) in zip(response_ids, pending, strict=True)
            for question_id, option_id in answers
        )
        nonlocal done
        done += len(pending)
        pending.clear()
        reporter.stored(done)

    for _ in range(scan.new):
        pending.append(pickle.load(scan.spool))
        if len(pending) >= STORE_BATCH:
            flush()
    if pending:
        flush()


LINK_BATCH = 500  # links looked up and marked per statement (SQLite's limit on a statement's parameters)


def _printed_links_use(known: QuestionnaireCodes) -> None:
    """The one-time links whose printed forms are stored are used up, as by a form typed on the page: the
    link then refuses an online answer and is left out of the forms printed again. Every stored response
    of the questionnaire is looked at, so an import stored before links were used up by imports is
    mended by the next one."""
    stored = Response.objects.filter(  # not yet the response of a link (one link per response)
        questionnaire=known.questionnaire, serial__istartswith=SERIAL_PREFIX, token__isnull=True
    ).values_list("serial", "id")
    response_of: dict[int, int] = {}
    for serial, response_id in stored.iterator():
        link_id = serial_link_id(serial)
        # a form stored twice (as printed and as typed, see printing.printed_serials_mend): the printed one
        if link_id in known.links and (link_id not in response_of or serial == link_serial(link_id)):
            response_of[link_id] = response_id
    now, links = timezone.now(), sorted(response_of)
    for start in range(0, len(links), LINK_BATCH):
        unused = SurveyToken.objects.select_for_update().filter(  # an online answer may be using one now
            pk__in=links[start : start + LINK_BATCH], used_at__isnull=True
        )
        used = [
            SurveyToken(pk=link_id, used_at=now, response_id=response_of[link_id])
            for link_id in unused.values_list("id", flat=True)
        ]
        SurveyToken.objects.bulk_update(used, ["used_at", "response"], batch_size=LINK_BATCH)


RESPONSE_COLUMNS = (
    "id",
    "questionnaire_id",
    "serial",
    "group_id",
    "agency_id",
    "source",
    "import_batch_id",
    "created_at",
)


def responses_store(
    rows: list[tuple[str, int, int, tuple]], known: QuestionnaireCodes, batch: ImportBatch
) -> list[int]:
    """Stores checked (serial, group id, agency id, answers) rows as imported responses of the batch and
    returns their ids, in the rows' order. On PostgreSQL: the ids are drawn from the table's sequence in
    one query, then the rows go in by COPY (no model instances, no INSERT statement to build); elsewhere
    bulk_create."""
    if connection.vendor != "postgresql":
        return [
            response.pk
            for response in Response.objects.bulk_create(
                Response(
                    questionnaire=known.questionnaire,
                    serial=serial,
                    group_id=group_id,
                    agency_id=agency_id,
                    source=ResponseSource.IMPORTED,
                    import_batch=batch,
                )
                for serial, group_id, agency_id, _ in rows
            )
        ]
    table = connection.ops.quote_name(Response._meta.db_table)
    questionnaire_id, now = known.questionnaire.pk, timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Response._meta.db_table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as copy:
            for pk, (serial, group_id, agency_id, _) in zip(ids, rows, strict=True):
                copy.write_row(
                    (
                        pk,
                        questionnaire_id,
                        serial,
                        group_id,
                        agency_id,
                        ResponseSource.IMPORTED,
                        batch.pk,
                        now,
                    )
                )
    return ids


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
    source = ResponseFile(file)
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
            known = QuestionnaireCodes(questionnaire)
            scan = _check(source, known, spool, reporter)
            if batch is None:
                batch = ImportBatch.objects.create(status=JobStatus.RUNNING, **outcome)
            _store(known, scan, batch, reporter)
            _printed_links_use(known)
            _batch_save(
                batch,
                outcome,
                rows=scan.rows,
                added=scan.new,
                skipped=scan.skipped,
                problems=0,
                problem_list=[],
                status=JobStatus.STORED if scan.new else JobStatus.UNCHANGED,
            )
    except SurveyFileError as error:
        fields = {"problems": len(error.problems), "problem_list": problems_data(error.problems)}
        if batch is None:
            ImportBatch.objects.create(
                status=JobStatus.REFUSED, finished_at=timezone.now(), **outcome, **fields
            )
        else:
            _batch_save(batch, outcome, status=JobStatus.REFUSED, rows=0, added=0, skipped=0, **fields)
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
