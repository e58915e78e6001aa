"""A response file (XLSX or CSV) read as a stream of checked rows: measured first (parindex.safe_files),
its header matched to the questionnaire, each row parsed with every problem named by row and column.
surveys.imports checks and stores what it yields."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl.utils import get_column_letter

from agencies.models import Agency
from parindex.safe_files import (
    FileRefused,
    csv_rows_capped,
    csv_size_check,
    file_limits,
    source_size,
    xlsx_open,
    xlsx_sheet_rows,
    zip_check,
)

from .formats.common import cell_text
from .models import (
    AnswerOption,
    Questionnaire,
    SurveyToken,
)
from .printing import link_serial, serial_link_id
from .problems import M, Problem, SurveyFileError, cell, gettext_noop

SERIAL, GROUP, AGENCY = "serial", "group", "agency"
HEADERS = {SERIAL: "Số phiếu", GROUP: "Mã nhóm", AGENCY: "Mã cơ quan"}
ALIASES = {
    **{alias: SERIAL for alias in ("serial", "số phiếu", "so phieu", "so_phieu", "số seri", "seri")},
    **{alias: GROUP for alias in ("group", "nhóm", "nhom", "mã nhóm", "ma nhom", "ma_nhom")},
    **{alias: AGENCY for alias in ("agency", "cơ quan", "co quan", "mã cơ quan", "ma co quan", "ma_co_quan")},
}
QUESTION_PREFIXES = ("câu ", "cau ", "câu", "q")
RESPONSES_SHEET = "Phiếu"
MAX_PROBLEMS = 10_000  # listed; beyond that only counted, so a wrong file cannot exhaust memory


# --- reading a file as a stream of rows -----------------------------------------------------------


class ResponseFile:
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
                yield from enumerate(xlsx_sheet_rows(handle, sheet, self.limits), start=1)
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
    ResponseFile(file).check()


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


class QuestionnaireCodes:
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
        # the one-time links printed for this questionnaire, id → (group id, agency id): a printed form's
        # serial is stored as printed (surveys.printing.link_serial) however it was typed, as a form typed
        # on the page is, and only for the group and agency it was printed for
        self.links = {
            pk: (group_id, agency_id)
            for pk, group_id, agency_id in SurveyToken.objects.filter(
                questionnaire=questionnaire
            ).values_list("id", "group_id", "agency_id")
        }


@dataclass(frozen=True)
class Columns:
    headers: tuple[str, ...]  # as written, to name a column in a problem
    serial: int
    group: int
    agency: int
    questions: tuple[tuple[int, int], ...]  # (column index, question id)


@dataclass(frozen=True)
class ResponseRow:
    number: int
    serial: str
    group_id: int
    agency_id: int
    answers: tuple[tuple[int, int], ...]  # (question id, option id), in question order


class Problems:
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


def _columns(header: tuple, known: QuestionnaireCodes, problems: Problems) -> Columns | None:
    texts = tuple(cell_text(value) for value in header)
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
    return Columns(
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


# Control and formatting characters (C0, DEL, C1, zero-width, bidirectional overrides): PostgreSQL stores
# no U+0000, and the others make a serial that prints like another, so two forms could pass as one.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def row_parse(
    number: int, values: tuple, columns: Columns, known: QuestionnaireCodes, problems: Problems
) -> ResponseRow | None:
    """One data row as ids, or None with its problems added (every problem of the row, not the first)."""
    width = len(values)

    def value(index: int) -> str:
        if index >= width:
            return ""
        cell_value = values[index]
        # CSV cells are always text; only XLSX cells need converting (numbers, dates).
        return cell_value.strip() if cell_value.__class__ is str else cell_text(cell_value)

    headers = columns.headers
    before = len(problems)
    serial = value(columns.serial)
    link_id = serial_link_id(serial)
    if not serial:
        problems.add(number, headers[columns.serial], gettext_noop("the serial number is missing"))
    elif len(serial) > 40:
        problems.add(
            number, headers[columns.serial], gettext_noop("the serial number is longer than 40 characters")
        )
    elif (hidden := INVISIBLE.search(serial)) is not None:
        problems.add(
            number,
            headers[columns.serial],
            gettext_noop("the serial number holds the invisible character U+%(char)s"),
            char=f"{ord(hidden.group()):04X}",
        )
    elif link_id in known.links:
        serial = link_serial(link_id)
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
    link = known.links.get(link_id)
    if link is not None and group_id is not None and agency is not None and link != (group_id, agency[0]):
        problems.add(
            number,
            headers[columns.serial],
            gettext_noop("serial %(serial)s was printed for %(group)s of %(agency)s, not for this row's"),
            serial=serial,
            group=known.group_codes[link[0]],
            agency=known.agency_codes[link[1]],
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
        if index not in used and cell_text(values[index]):
            problems.add(
                number,
                get_column_letter(index + 1),
                gettext_noop("a value in a column without a known header"),
            )
            break
    if len(problems) != before:
        return None
    return ResponseRow(number, serial, group_id, agency[0], tuple(answers))


def data_rows(file: ResponseFile, known: QuestionnaireCodes, problems: Problems):
    """(columns, iterator of (row number, values)) for the non-empty rows under the header."""
    rows = file.rows()
    header = next(rows, None)
    if header is None:
        problems.add(None, None, gettext_noop("the file is empty"))
        return None, iter(())
    columns = _columns(header[1], known, problems)
    return columns, ((number, values) for number, values in rows if any(v not in (None, "") for v in values))
