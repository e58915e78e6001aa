"""Home Affairs enters measured data and survey values from one file: checked whole (every problem named
by row and column), previewed as old → new per agency × criterion, then stored all-or-nothing.

A `data` leaf's value is its rule's measured input (threshold/proportional/deduction value, a target for
proportional): it is written to the assessment item as the self, appraised and final input at once, so
the computation reads it and no appraiser step follows. A `survey` leaf's value (0…1) overrides the
aggregated survey value. Approval freezes both (agencies.policy.period_inputs_refusal).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Period, PeriodState
from agencies.policy import period_inputs_refusal
from assessment.models import AssessmentItem, ItemStatus
from parindex.formatting import decimal_scale, message_text
from parindex.jobs import JobStatus
from parindex.refusals import Refused
from parindex.safe_files import FileRefused
from scoring import engine
from scoring.engine.model import Message, gettext_noop
from scoring.models import CriteriaNode, Source
from scoring.nodes import leaf_input
from surveys.models import SurveyValue, SurveyValueSource, shown_value, stored_value

from .models import MeasureImport, MeasureValue
from .reading import read_rows

# Columns, by key: the Vietnamese header the template writes, and the headers accepted for it.
AGENCY, CRITERION, VALUE, TARGET, SOURCE, SOURCE_DATE, NOTE = (
    "agency", "criterion", "value", "target", "source", "source_date", "note",
)  # fmt: skip
HEADERS = {
    AGENCY: "Mã cơ quan",
    CRITERION: "Mã tiêu chí",
    VALUE: "Giá trị",
    TARGET: "Chỉ tiêu",
    SOURCE: "Văn bản nguồn",
    SOURCE_DATE: "Ngày văn bản",
    NOTE: "Ghi chú",
}
ALIASES = {
    AGENCY: ("agency", "agency code", "ma co quan", "co quan", "ma don vi"),
    CRITERION: ("criterion", "criterion code", "ma tieu chi", "tieu chi"),
    VALUE: ("value", "gia tri", "so lieu"),
    TARGET: ("target", "chi tieu"),
    SOURCE: ("source", "source document", "van ban nguon", "nguon", "nguon so lieu"),
    SOURCE_DATE: ("source date", "date", "ngay van ban", "ngay"),
    NOTE: ("note", "ghi chu", "ly do"),
}
# Columns the template adds for people to read; ignored when read back.
INFORMATION = (
    "ten co quan", "agency name", "ten tieu chi", "criterion title", "title", "quy tac", "rule",
    "nguon tieu chi", "kind", "loai", "gia tri hien tai", "current value", "diem toi da", "max points",
)  # fmt: skip
NOT_APPLICABLE = ("kad", "n/a", "na", "khong ap dung", "not applicable")
REQUIRED = (AGENCY, CRITERION, VALUE)
DATA_RULES = ("threshold", "proportional", "deduction", "manual")

NOT_ALLOWED = gettext_lazy("Only Home Affairs imports measured data and survey values.")
EMPTY_FILE = gettext_noop("The file has no value to import.")
NO_HEADER = gettext_noop("The first row must name the columns (Mã cơ quan, Mã tiêu chí, Giá trị…).")
MISSING_COLUMN = gettext_noop("The column %(column)s is missing.")
UNKNOWN_COLUMN = gettext_noop("Unknown column %(column)s.")
REPEATED_COLUMN = gettext_noop("The column %(column)s appears twice.")
MISSING_CELL = gettext_noop("Empty: the %(column)s is required.")
UNKNOWN_AGENCY = gettext_noop("Unknown agency code %(code)s.")
INACTIVE_AGENCY = gettext_noop("%(agency)s is not assessed in this period.")
UNKNOWN_CRITERION = gettext_noop("No criterion %(code)s in the criteria sets of this period.")
OTHER_BLOCK = gettext_noop("Criterion %(code)s does not exist in the block of %(agency)s (block: %(block)s).")
NOT_A_LEAF = gettext_noop("Criterion %(code)s has sub-criteria: values are entered on its leaves.")
NOT_MEASURED = gettext_noop(
    "Criterion %(code)s is scored from evidence, not from measured data or the survey: the agency self-scores it."
)
NOT_A_NUMBER = gettext_noop("%(value)s is not a number.")
TOO_LARGE = gettext_noop("%(value)s is too large.")
TOO_PRECISE = gettext_noop("%(value)s has more than %(places)s decimal places.")
NUL_CELL = gettext_noop("The cell holds the character U+0000 (NUL).")
NUL_SOURCE = gettext_lazy("The source document cannot contain the character U+0000 (NUL).")
# As an item's measured input is bounded when typed (assessment.services.INPUT_PLACES, INPUT_DIGITS).
VALUE_PLACES, VALUE_DIGITS = 6, 12
NOT_WHOLE = gettext_noop("The number of cases must be a whole number.")
SURVEY_RANGE = gettext_noop("A survey value is between 0 and 1 (or 0%% and 100%%); %(value)s is not.")
RULE_REFUSES = gettext_noop("The rule of criterion %(code)s refuses this value: %(reason)s.")
TARGET_NOT_USED = gettext_noop("Only a proportional criterion takes a target; %(code)s does not.")
SURVEY_NOT_APPLICABLE = gettext_noop("A survey criterion cannot be marked not applicable.")
REASON_NEEDED = gettext_noop("Give the reason why the criterion does not apply in the note.")
DUPLICATE = gettext_noop("%(agency)s × %(code)s is already given on row %(row)s.")
NO_SOURCE = gettext_noop("Name the source document (in this column or for the whole file).")
NO_SOURCE_DATE = gettext_noop("Give the date of the source document (in this column or for the whole file).")
BAD_DATE = gettext_noop("%(value)s is not a date (dd/mm/yyyy).")
TOO_LONG = gettext_noop("At most %(max)s characters.")
NOT_PREVIEWED = gettext_lazy("This file has already been stored or discarded.")
CHANGED_SINCE = gettext_noop(
    "Values changed since the preview (another import or an appraisal): check the file again."
)
MEASURED_COMMENT = gettext_lazy("Measured data: %(source)s, %(date)s.")
FROZEN = gettext_noop("The results of %(period)s are approved: its inputs can no longer change.")


class MeasuresRefused(Refused):
    """The file or the action is refused (parindex.refusals); `problems` name every row and column."""

    def __init__(self, message: str, problems: list[Problem] | None = None, text: Message | None = None):
        super().__init__(str(message), problems)
        self.problems = self.details
        self.text = text  # the message as a template, for a job's page read in another language

    def problem_list(self) -> list[Problem]:
        """What a job records: the problems, or the refusal itself."""
        return self.problems or [Problem(None, None, self.text or Message(self.message))]


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None  # "C (Giá trị)": the letter and the header as the file has it
    text: Message  # translated when shown: a job's problems are read in the reader's language

    @property
    def message(self) -> str:
        return _render(self.text)

    def as_data(self) -> list:
        return [self.row, self.column, _message_data(self.text)]

    @classmethod
    def from_data(cls, data: list) -> Problem:
        row, column, text = data
        return cls(row, column, _message_from_data(text))

    @property
    def where(self) -> str:
        if self.row is None and self.column is None:
            return _("file")
        if self.row is None:
            return _("column %(column)s") % {"column": self.column}
        if self.column is None:
            return _("row %(row)s") % {"row": self.row}
        return _("row %(row)s, column %(column)s") % {"row": self.row, "column": self.column}

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _render(message: Message) -> str:
    """The message in the current language, its message parameters too (a rule's reason), its
    numbers written as people read them."""
    return message_text(message)


def _message_data(message: Message) -> dict:
    params = {k: _message_data(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    return {"template": message.template, "params": params}


def _message_from_data(data: dict) -> Message:
    params = {
        k: _message_from_data(v) if isinstance(v, dict) and "template" in v else v
        for k, v in data["params"].items()
    }
    return Message(data["template"], params)


@dataclass
class Entry:
    """One checked row: what will be stored for agency × leaf."""

    row: int
    agency: Agency
    node: CriteriaNode
    applicable: bool
    value: Decimal | None
    target: Decimal | None
    note: str
    source: str
    source_date: date

    @property
    def kind(self) -> str:
        return Source.SURVEY if self.node.source == Source.SURVEY else Source.DATA


@dataclass
class Plan:
    entries: list[Entry] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # one per entry, JSON-able, for the preview
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(1 for change in self.changes if change["changed"])


# --- reading cells --------------------------------------------------------------------------------------


def _plain(text) -> str:
    """Lower case, no diacritics, single spaces: how headers and markers are compared."""
    text = unicodedata.normalize("NFD", str(text or "").strip().lower().replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[\s_]+", " ", text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value) -> Decimal:
    """A decimal from a cell: 95,5 / 95.5 / 1.234,5 (Vietnamese) / a number cell; raises ValueError."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:  # 1.234,5: dots group thousands
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _plain_decimal(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- checking a file ------------------------------------------------------------------------------------


def _columns(header: tuple, problems: list[Problem]) -> dict[str, tuple[int, str]]:
    """key → (index, "C (Giá trị)") from the header row."""
    lookup = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
    lookup.update({_plain(header_text): key for key, header_text in HEADERS.items()})
    columns: dict[str, tuple[int, str]] = {}
    for index, cell_value in enumerate(header):
        title = _text(cell_value)
        if not title:
            continue
        label = f"{_letter(index)} ({title})"
        key = lookup.get(_plain(title))
        if key is None:
            if _plain(title) not in INFORMATION:
                problems.append(Problem(None, label, Message(UNKNOWN_COLUMN, {"column": title})))
            continue
        if key in columns:
            problems.append(Problem(None, label, Message(REPEATED_COLUMN, {"column": title})))
            continue
        columns[key] = (index, label)
    for key in REQUIRED:
        if key not in columns:
            problems.append(Problem(None, None, Message(MISSING_COLUMN, {"column": HEADERS[key]})))
    return columns


def _period_lookup(period: Period):
    agencies = {a.code: a for a in Agency.objects.select_related("block")}
    active = set(period.agencies().values_list("pk", flat=True))
    nodes = list(
        CriteriaNode.objects.filter(criteria_set__period=period).select_related("criteria_set__block")
    )
    parents = {node.parent_id for node in nodes if node.parent_id}
    by_block_code = {(node.criteria_set.block_id, node.code): node for node in nodes}
    codes = {node.code for node in nodes}
    return agencies, active, by_block_code, codes, parents


def measures_check(
    *,
    period: Period,
    content: bytes,
    default_source: str = "",
    default_source_date: date | None = None,
    progress: Callable[[int], object] | None = None,
) -> Plan:
    """Every problem of the file, and what each row would change (reads only); `progress` is told the
    percent done (a job's progress bar)."""
    plan = Plan()
    problems = plan.problems
    try:
        rows = read_rows(content)
    except FileRefused as refused:
        problems.append(Problem(None, None, refused.message))
        return plan
    if progress is not None:
        progress(40)  # reading the file is most of the time; checking the rows the rest
    rows = [(number, values) for number, values in rows if any(_text(v) for v in values)]
    if not rows:
        problems.append(Problem(None, None, Message(EMPTY_FILE)))
        return plan
    header_number, header = rows[0]
    columns = _columns(header, problems)
    if any(key not in columns for key in REQUIRED):
        if not columns:
            problems.append(Problem(header_number, None, Message(NO_HEADER)))
        return plan

    agencies, active, by_block_code, codes, parents = _period_lookup(period)
    seen: dict[tuple[int, int], int] = {}
    for number, values in rows[1:]:

        def cell(key, values=values):
            if key not in columns:
                return None
            index = columns[key][0]
            return values[index] if index < len(values) else None

        def add(key, template, number=number, **params):
            problems.append(
                Problem(number, columns[key][1] if key in columns else None, Message(template, params))
            )

        raw_value = cell(VALUE)
        if not _text(raw_value):
            continue  # a template row left empty: nothing to change
        for key in (SOURCE, NOTE):  # the texts stored (PostgreSQL stores no U+0000)
            if "\x00" in _text(cell(key)):
                add(key, NUL_CELL)
        agency_code, criterion_code = _text(cell(AGENCY)), _text(cell(CRITERION))
        agency = node = None
        if not agency_code:
            add(AGENCY, MISSING_CELL, column=HEADERS[AGENCY])
        elif agency_code not in agencies:
            add(AGENCY, UNKNOWN_AGENCY, code=agency_code)
        elif agencies[agency_code].pk not in active:
            add(AGENCY, INACTIVE_AGENCY, agency=agency_code)
        else:
            agency = agencies[agency_code]
        if not criterion_code:
            add(CRITERION, MISSING_CELL, column=HEADERS[CRITERION])
        elif criterion_code not in codes:
            add(CRITERION, UNKNOWN_CRITERION, code=criterion_code)
        elif agency is not None:
            node = by_block_code.get((agency.block_id, criterion_code))
            if node is None:
                add(CRITERION, OTHER_BLOCK, code=criterion_code, agency=agency.code, block=agency.block.name)
            elif node.id in parents:
                add(CRITERION, NOT_A_LEAF, code=criterion_code)
                node = None
            elif node.source not in (Source.DATA, Source.SURVEY) or (
                node.source == Source.DATA and node.rule not in DATA_RULES
            ):
                add(CRITERION, NOT_MEASURED, code=criterion_code)
                node = None

        source = _text(cell(SOURCE)) or default_source.strip()
        if not source:
            add(SOURCE, NO_SOURCE)
        elif len(source) > 255:
            add(SOURCE, TOO_LONG, max=255)
        source_date = default_source_date
        if _text(cell(SOURCE_DATE)):
            try:
                source_date = _date(cell(SOURCE_DATE))
            except ValueError:
                add(SOURCE_DATE, BAD_DATE, value=_text(cell(SOURCE_DATE)))
                source_date = False
        if source_date is None:
            add(SOURCE_DATE, NO_SOURCE_DATE)
        note = _text(cell(NOTE))

        if node is None:
            continue
        key = (agency.pk, node.pk)
        if key in seen:
            add(CRITERION, DUPLICATE, agency=agency.code, code=node.code, row=seen[key])
            continue
        seen[key] = number
        checked = _check_value(node, raw_value, cell(TARGET), note, add)
        if checked is None or not source or not source_date:
            continue
        applicable, value, target = checked
        plan.entries.append(
            Entry(number, agency, node, applicable, value, target, note, source[:255], source_date)
        )
    if not plan.entries and not problems:
        problems.append(Problem(None, None, Message(EMPTY_FILE)))
    problems.sort(key=_reading_order)
    if progress is not None:
        progress(80)
    if not problems:
        plan.changes = _changes(plan.entries)
    return plan


def _reading_order(problem: Problem) -> tuple:
    """File-wide problems first, then by row, then left to right (column letters: A … Z, AA …)."""
    letters = (problem.column or "").split(" ", 1)[0]
    return (problem.row or 0, len(letters), letters)


def _bounded(number: Decimal, text: str, column: str, add) -> bool:
    """Whether the number fits an item's input; if not, its cell is named (before anything writes it
    out or computes with it)."""
    places, digits = decimal_scale(number)
    if digits > VALUE_DIGITS:
        add(column, TOO_LARGE, value=text)
        return False
    if places > VALUE_PLACES:
        add(column, TOO_PRECISE, value=text, places=VALUE_PLACES)
        return False
    return True


def _check_value(node: CriteriaNode, raw_value, raw_target, note: str, add):
    """(applicable, value, target) for the leaf's rule, or None after naming the problem."""
    if _plain(raw_value) in NOT_APPLICABLE:
        if node.source == Source.SURVEY:
            add(VALUE, SURVEY_NOT_APPLICABLE)
            return None
        if not note:
            add(NOTE, REASON_NEEDED)
            return None
        return False, None, None
    text = _text(raw_value)
    percent = isinstance(raw_value, str) and text.endswith("%")
    try:
        value = _number(text.rstrip("%").strip() if percent else raw_value)
    except ValueError:
        add(VALUE, NOT_A_NUMBER, value=text)
        return None
    if not _bounded(value, text, VALUE, add):
        return None
    target = None
    if _text(raw_target):
        if node.rule != "proportional":
            add(TARGET, TARGET_NOT_USED, code=node.code)
            return None
        try:
            target = _number(
                _text(raw_target).rstrip("%").strip() if isinstance(raw_target, str) else raw_target
            )
        except ValueError:
            add(TARGET, NOT_A_NUMBER, value=_text(raw_target))
            return None
        if not _bounded(target, _text(raw_target), TARGET, add):
            return None
    if node.source == Source.SURVEY:
        value = value / 100 if percent else value
        if not Decimal(0) <= value <= Decimal(1):
            add(VALUE, SURVEY_RANGE, value=text)
            return None
        return True, value, None
    if node.rule == "deduction" and value != value.to_integral_value():
        add(VALUE, NOT_WHOLE)
        return None
    data = _input(value, target, node.rule)
    try:
        engine.leaf_points(
            engine.Node(
                code=node.code, title=node.title, max_points=node.max_points, rule=node.rule,
                params=node.rule_params,
            ),
            leaf_input(True, data),
        )  # fmt: skip
    except engine.EngineError as error:
        add(TARGET if target is not None and "target" in error.message.template else VALUE,
            RULE_REFUSES, code=node.code, reason=error.message)  # fmt: skip
        return None
    return True, value, target


def _input(value: Decimal, target: Decimal | None, rule: str) -> dict:
    """The item input the rule reads (assessment.services.INPUT_KEYS)."""
    key = "points" if rule == "manual" else "value"
    data = {key: _plain_decimal(value)}
    if target is not None:
        data["target"] = _plain_decimal(target)
    return data


def _shown(applicable: bool, value, target=None) -> str:
    if not applicable:
        return _("not applicable")
    if value is None:
        return ""
    text = _plain_decimal(Decimal(str(value)))
    if target is not None:
        text += " / " + _plain_decimal(Decimal(str(target)))
    return text


def _changes(entries: list[Entry]) -> list[dict]:
    """Old → new for each entry, from what is stored now (3 queries)."""
    agency_ids = {e.agency.pk for e in entries}
    node_ids = {e.node.pk for e in entries}
    items = {
        (i.agency_id, i.node_id): i
        for i in AssessmentItem.objects.filter(agency_id__in=agency_ids, node_id__in=node_ids)
    }
    surveys = {
        (s.agency_id, s.node_id): s
        for s in SurveyValue.objects.filter(agency_id__in=agency_ids, node_id__in=node_ids)
    }
    measures = {
        (m.agency_id, m.node_id): m
        for m in MeasureValue.objects.filter(agency_id__in=agency_ids, node_id__in=node_ids)
    }
    changes = []
    for entry in entries:
        key = (entry.agency.pk, entry.node.pk)
        if entry.kind == Source.SURVEY:
            stored = surveys.get(key)
            old = _shown(True, shown_value(stored.value)) if stored else ""
            new = _shown(True, shown_value(stored_value(entry.value)))
        else:
            item = items.get(key)
            final = (item.final_input or {}) if item else {}
            old = (
                _shown(item.applicable, final.get("value", final.get("points")), final.get("target"))
                if item and (final or not item.applicable)
                else ""
            )
            new = _shown(entry.applicable, entry.value, entry.target)
        measure = measures.get(key)
        old_source = (measure.source_document, measure.source_date.isoformat()) if measure else None
        changes.append(
            {
                "row": entry.row,
                "agency": entry.agency.code,
                "agency_name": entry.agency.name,
                "criterion": entry.node.code,
                "title": entry.node.title,
                "kind": str(entry.kind),
                "old": old,
                "new": new,
                "source": entry.source,
                "source_date": entry.source_date.isoformat(),
                "changed": old != new or old_source != (entry.source, entry.source_date.isoformat()),
            }
        )
    return changes


# --- storing --------------------------------------------------------------------------------------------


def _require_importer(acting_user) -> None:
    """A person must hold the permission; None is the operator at the server (command, sample loader)."""
    if acting_user is not None and not acting_user.has_perm("measures.import_measures"):
        raise MeasuresRefused(NOT_ALLOWED)


def _require_open(period: Period) -> None:
    refusal = period_inputs_refusal(period)
    if refusal:
        raise MeasuresRefused(refusal, text=Message(FROZEN, {"period": period.name}))


@transaction.atomic
def measures_preview(
    *,
    period: Period,
    content: bytes,
    file_name: str,
    acting_user,
    default_source: str = "",
    default_source_date: date | None = None,
    via: str = "page",
) -> tuple[MeasureImport, Plan]:
    """Checks the file and keeps it, unstored, with the changes it would make; refused whole with every
    problem when any row is wrong."""
    _require_importer(acting_user)
    _require_open(period)
    plan = measures_check(
        period=period, content=content, default_source=default_source, default_source_date=default_source_date
    )
    if plan.problems:
        raise MeasuresRefused(
            _("The file was refused: %(count)s problems.") % {"count": len(plan.problems)}, plan.problems
        )
    measure_import = MeasureImport(
        period=period,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        default_source=default_source.strip()[:255],
        default_source_date=default_source_date,
        preview=plan.changes,
        created_by=acting_user,
        via=via,
    )
    measure_import._history_user = acting_user
    measure_import.save()
    return measure_import, plan


@transaction.atomic
def measures_confirm(*, measure_import: MeasureImport, acting_user, claimed: bool = False) -> MeasureImport:
    """Stores a previewed file, if nothing it changes moved since the preview; `claimed`: the store job
    holds the row (measures.jobs)."""
    _require_importer(acting_user)
    measure_import = (
        MeasureImport.objects.select_for_update().select_related("period").get(pk=measure_import.pk)
    )
    if measure_import.status != (JobStatus.STORING if claimed else JobStatus.PREVIEWED):
        raise MeasuresRefused(NOT_PREVIEWED)
    period = Period.objects.select_for_update().get(pk=measure_import.period_id)
    _require_open(period)
    plan = measures_check(
        period=period,
        content=bytes(measure_import.content),
        default_source=measure_import.default_source,
        default_source_date=measure_import.default_source_date,
    )
    if plan.problems:
        raise MeasuresRefused(
            _("The file was refused: %(count)s problems.") % {"count": len(plan.problems)}, plan.problems
        )
    if [(c["agency"], c["criterion"], c["old"]) for c in plan.changes] != [
        (c["agency"], c["criterion"], c["old"]) for c in measure_import.preview
    ]:
        raise MeasuresRefused(_(CHANGED_SINCE), text=Message(CHANGED_SINCE))
    _store(period, plan.entries, measure_import, acting_user)
    measure_import.status = JobStatus.STORED
    measure_import.stored_by = acting_user
    measure_import.stored_at = timezone.now()
    measure_import.values = len(plan.entries)
    measure_import._history_user = acting_user
    measure_import.save()
    return measure_import


@transaction.atomic
def measures_discard(*, measure_import: MeasureImport, acting_user) -> MeasureImport:
    _require_importer(acting_user)
    measure_import = (
        MeasureImport.objects.select_for_update().select_related("period").get(pk=measure_import.pk)
    )
    if measure_import.status != JobStatus.PREVIEWED:
        raise MeasuresRefused(NOT_PREVIEWED)
    _require_open(measure_import.period)  # the service refuses, whichever path asks (not only the page)
    measure_import.status = JobStatus.DISCARDED
    measure_import._history_user = acting_user
    measure_import.save()
    return measure_import


@transaction.atomic
def measures_import(
    *,
    period: Period,
    content: bytes,
    file_name: str,
    acting_user,
    default_source: str = "",
    default_source_date: date | None = None,
    via: str = "command",
) -> MeasureImport:
    """Checks and stores in one step (the command without --dry-run, the sample loader)."""
    measure_import, _plan = measures_preview(
        period=period,
        content=content,
        file_name=file_name,
        acting_user=acting_user,
        default_source=default_source,
        default_source_date=default_source_date,
        via=via,
    )
    return measures_confirm(measure_import=measure_import, acting_user=acting_user)


def _item_status(current: str, period: Period) -> str:
    """Home Affairs' value is the appraisal: an item waits for no appraiser. An explained item (giải
    trình) is answered by a new value in re-appraisal."""
    if current == ItemStatus.DISPUTED:
        return ItemStatus.REAPPRAISED if period.state == PeriodState.REAPPRAISAL else current
    if current == ItemStatus.REAPPRAISED:
        return current
    return ItemStatus.APPRAISED


def _store(period: Period, entries: list[Entry], measure_import: MeasureImport, acting_user) -> None:
    """Writes row by row so django-simple-history keeps each value's history (a file has some hundreds)."""
    now = timezone.now()
    reason = f"measured data: {measure_import.file_name}"[:100]
    data_entries = [e for e in entries if e.kind == Source.DATA]
    AssessmentItem.objects.bulk_create(
        (AssessmentItem(agency=e.agency, node=e.node) for e in data_entries), ignore_conflicts=True
    )
    items = {
        (i.agency_id, i.node_id): i
        for i in AssessmentItem.objects.select_for_update().filter(
            agency_id__in={e.agency.pk for e in data_entries}, node_id__in={e.node.pk for e in data_entries}
        )
    }
    surveys = {
        (s.agency_id, s.node_id): s
        for s in SurveyValue.objects.select_for_update().filter(
            agency_id__in={e.agency.pk for e in entries}, node_id__in={e.node.pk for e in entries}
        )
    }
    measures = {
        (m.agency_id, m.node_id): m
        for m in MeasureValue.objects.select_for_update().filter(
            agency_id__in={e.agency.pk for e in entries}, node_id__in={e.node.pk for e in entries}
        )
    }
    for entry in entries:
        key = (entry.agency.pk, entry.node.pk)
        if entry.kind == Source.DATA:
            _store_item(items[key], entry, period, acting_user, now, reason)
        else:
            survey = surveys.get(key) or SurveyValue(agency=entry.agency, node=entry.node)
            value = stored_value(entry.value)
            if survey.pk is None or survey.value != value or survey.source != SurveyValueSource.IMPORTED:
                survey.value, survey.source = value, SurveyValueSource.IMPORTED
                survey.save()
        measure = measures.get(key) or MeasureValue(agency=entry.agency, node=entry.node)
        measure.applicable = entry.applicable
        measure.value = stored_value(entry.value) if entry.kind == Source.SURVEY else entry.value
        measure.target = entry.target
        measure.note = entry.note
        measure.source_document = entry.source
        measure.source_date = entry.source_date
        measure.measure_import = measure_import
        measure._history_user = acting_user
        measure._change_reason = reason
        measure.save()


def _store_item(item: AssessmentItem, entry: Entry, period: Period, acting_user, now, reason: str) -> None:
    data = _input(entry.value, entry.target, entry.node.rule) if entry.applicable else None
    comment = str(MEASURED_COMMENT % {"source": entry.source, "date": entry.source_date.strftime("%d/%m/%Y")})
    status = _item_status(item.status, period)
    unchanged = (
        item.applicable == entry.applicable
        and item.self_input == data
        and item.appraised_input == data
        and item.reappraised_input is None
        and item.appraisal_comment == comment
        and item.status == status
    )
    if unchanged:
        return
    item.applicable = entry.applicable
    item.not_applicable_reason = "" if entry.applicable else entry.note
    item.self_input = item.appraised_input = data
    item.reappraised_input = None
    item.appraisal_comment = comment
    item.appraised_by = acting_user
    item.appraised_at = now
    item.evidence_insufficient = False
    item.status = status
    item.version += 1
    item._history_user = acting_user
    item._change_reason = reason
    item.save()
