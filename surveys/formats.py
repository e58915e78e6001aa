"""Questionnaires as files (docs/formats.md): a document (plain dict) ⇄ database, with JSON and XLSX
carriers. A file is validated whole and refused with every problem named, or stored whole."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from agencies.models import Block, Period
from parindex.safe_files import (
    FileRefused,
    columns_sheet,
    file_limits,
    keyed_rows,
    number_cell,
    sheet_rows,
    xlsx_keep_text,
    xlsx_open,
)
from scoring.formats.document import plain_decimal
from scoring.models import CriteriaNode, Rule

from .models import (
    AnswerOption,
    GroupWeight,
    Question,
    Questionnaire,
    RespondentGroup,
    SamplePlan,
)
from .problems import M, Problem, SurveyFileError, gettext_noop, location

FORMAT = "parindex-questionnaire/1"

INFO, GROUPS, QUESTIONS, OPTIONS, WEIGHTS, PLAN = (
    "Thông tin",
    "Nhóm đối tượng",
    "Câu hỏi",
    "Phương án trả lời",
    "Trọng số",
    "Kế hoạch mẫu",
)
INFO_ROWS = [
    ("format", "Định dạng"),
    ("code", "Mã phiếu"),
    ("title", "Tên phiếu"),
    ("period", "Kỳ đánh giá"),
    ("block", "Khối được đánh giá"),
]
GROUP_COLUMNS = [("code", "Mã nhóm", 16), ("name", "Tên nhóm đối tượng", 60)]
QUESTION_COLUMNS = [
    ("number", "Số câu", 10), ("text", "Nội dung câu hỏi", 70), ("criterion", "Mã tiêu chí", 12),
    ("sipas", "SIPAS (x)", 10), ("sipas_element", "Yếu tố SIPAS", 30),
]  # fmt: skip
OPTION_COLUMNS = [
    ("number", "Số câu", 10), ("key", "Mã phương án", 14), ("label", "Nội dung phương án", 40),
    ("coefficient", "Hệ số (trống = không biết)", 22), ("satisfied", "Hài lòng (x)", 14),
]  # fmt: skip
WEIGHT_COLUMNS = [("criterion", "Mã tiêu chí", 12), ("group", "Mã nhóm", 16), ("weight", "Trọng số", 12)]
PLAN_COLUMNS = [("agency", "Mã cơ quan", 24), ("group", "Mã nhóm", 16), ("planned", "Số phiếu dự kiến", 16)]
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
YES = {"x", "1", "true", "có", "co", "yes"}


def _text(value) -> str:
    """Cell or JSON value as text; whole numbers typed into a cell (1, 1.0) read as "1"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decimal(value) -> Decimal | None:
    """A number from JSON or a cell (0.75, "0,75"); None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- validation -----------------------------------------------------------------------------------


class _Context:
    """What a questionnaire may refer to: the survey leaves of the period × block criteria set, and
    the agencies of the block active in the period. Read once, in two queries."""

    def __init__(self, period: Period, block: Block):
        self.period, self.block = period, block
        nodes = list(CriteriaNode.objects.filter(criteria_set__period=period, criteria_set__block=block))
        self.has_set = bool(nodes)
        parents = {node.parent_id for node in nodes}
        self.leaves: dict[str, CriteriaNode] = {
            node.code: node for node in nodes if node.rule == Rule.SURVEY and node.id not in parents
        }
        self.agencies: dict[str, int] = dict(period.agencies().filter(block=block).values_list("code", "id"))


def validate_questionnaire(
    document: Mapping, context: _Context, locations: Mapping[tuple, object] | None = None
) -> tuple[list[Problem], dict]:
    """Every problem of a document, and its canonical form (what an export of the stored questionnaire
    gives back). `locations` maps ("question", number), ("option", number, key), ("group", code),
    ("weight", criterion, group) and ("plan", agency, group) to where the entry came from."""
    locations = locations or {}
    problems: list[Problem] = []

    def add(where, template: str, **params):
        problems.append(Problem(where, M(template, **params)))

    if not isinstance(document, Mapping):
        add(M(gettext_noop("file")), gettext_noop("the document must be an object"))
        return problems, {}
    if document.get("format", FORMAT) != FORMAT:
        add(
            M(gettext_noop("format")),
            gettext_noop("unknown format %(format)s, expected %(expected)s"),
            format=document.get("format"),
            expected=FORMAT,
        )
    code, title = _text(document.get("code")), _text(document.get("title"))
    if not code:
        add(M(gettext_noop("questionnaire")), gettext_noop("the questionnaire has no code"))
    elif not code.replace("-", "").replace("_", "").isalnum() or not code.isascii() or len(code) > 40:
        add(
            M(gettext_noop("questionnaire")),
            gettext_noop("code %(code)s must be up to 40 Latin letters, digits, - or _"),
            code=code,
        )
    if not title:
        add(M(gettext_noop("questionnaire")), gettext_noop("the questionnaire has no title"))
    canonical: dict = {
        "format": FORMAT,
        "code": code,
        "title": title,
        "period": context.period.code,
        "block": context.block.code,
        "groups": [],
        "questions": [],
        "weights": [],
        "sample_plan": [],
    }

    # Groups.
    groups = _list(document, "groups", M(gettext_noop("respondent groups")), problems)
    if not groups:
        add(M(gettext_noop("respondent groups")), gettext_noop("the questionnaire has no respondent group"))
    group_codes: set[str] = set()
    for position, group in enumerate(groups, start=1):
        if not isinstance(group, Mapping):
            add(M(gettext_noop("group %(position)s"), position=position), gettext_noop("must be an object"))
            continue
        group_code = _text(group.get("code"))
        where = locations.get(("group", group_code)) or (
            M(gettext_noop("group %(code)s"), code=group_code)
            if group_code
            else M(gettext_noop("group %(position)s"), position=position)
        )
        if not group_code:
            add(where, gettext_noop("the group has no code"))
        elif group_code in group_codes:
            add(where, gettext_noop("duplicate group code %(code)s"), code=group_code)
        elif len(group_code) > 40 or not group_code.isascii() or " " in group_code:
            add(
                where,
                gettext_noop("code %(code)s must be up to 40 Latin letters, digits, - or _"),
                code=group_code,
            )
        group_codes.add(group_code)
        name = _text(group.get("name"))
        if not name:
            add(where, gettext_noop("the group has no name"))
        canonical["groups"].append({"code": group_code, "name": name})

    # Questions and their options.
    questions = _list(document, "questions", M(gettext_noop("questions")), problems)
    if not questions:
        add(M(gettext_noop("questions")), gettext_noop("the questionnaire has no question"))
    numbers: set[str] = set()
    criteria_asked: set[str] = set()
    for position, question in enumerate(questions, start=1):
        if not isinstance(question, Mapping):
            add(
                M(gettext_noop("question at position %(position)s"), position=position),
                gettext_noop("must be an object"),
            )
            continue
        number = _text(question.get("number"))
        where = locations.get(("question", number)) or (
            M(gettext_noop("question %(number)s"), number=number)
            if number
            else M(gettext_noop("question at position %(position)s"), position=position)
        )
        if not number:
            add(where, gettext_noop("the question has no number"))
        elif number in numbers:
            add(where, gettext_noop("duplicate question number %(number)s"), number=number)
        elif len(number) > 16:
            add(where, gettext_noop("question number %(number)s is longer than 16 characters"), number=number)
        numbers.add(number)
        text = _text(question.get("text"))
        if not text:
            add(where, gettext_noop("the question has no text"))
        criterion = _text(question.get("criterion")) or None
        if criterion is not None:
            if criterion not in context.leaves:
                if not context.has_set:
                    add(
                        where,
                        gettext_noop(
                            "criterion %(code)s: %(period)s has no criteria set for block %(block)s"
                        ),
                        code=criterion,
                        period=context.period.code,
                        block=context.block.code,
                    )
                else:
                    add(
                        where,
                        gettext_noop(
                            "%(code)s is not a survey criterion (a leaf with the rule survey) of the set"
                        ),
                        code=criterion,
                    )
            criteria_asked.add(criterion)
        sipas = _flag(question.get("sipas"))
        element = _text(question.get("sipas_element"))
        if element and not sipas:
            add(where, gettext_noop("only a SIPAS question has a SIPAS element"))
        entry = {
            "number": number,
            "text": text,
            "criterion": criterion,
            "sipas": sipas,
            "sipas_element": element,
            "options": [],
        }
        options = question.get("options")
        if not isinstance(options, list) or len(options) < 2:
            add(where, gettext_noop("a question needs at least two answer options"))
            options = options if isinstance(options, list) else []
        keys: set[str] = set()
        scored = satisfied_any = False
        for option_position, option in enumerate(options, start=1):
            if not isinstance(option, Mapping):
                add(where, gettext_noop("option %(position)s must be an object"), position=option_position)
                continue
            key = _text(option.get("key"))
            option_where = locations.get(("option", number, key)) or where
            if not key:
                add(option_where, gettext_noop("option %(position)s has no key"), position=option_position)
            elif key in keys:
                add(option_where, gettext_noop("duplicate option key %(key)s"), key=key)
            elif len(key) > 16:
                add(option_where, gettext_noop("option key %(key)s is longer than 16 characters"), key=key)
            keys.add(key)
            label = _text(option.get("label"))
            if not label:
                add(option_where, gettext_noop("option %(key)s has no label"), key=key)
            raw = option.get("coefficient")
            coefficient = None
            if raw not in (None, ""):
                coefficient = _decimal(raw)
                if coefficient is None:
                    add(
                        option_where,
                        gettext_noop("coefficient of option %(key)s: %(value)s is not a number"),
                        key=key,
                        value=raw,
                    )
                elif not 0 <= coefficient <= 1 or coefficient != coefficient.quantize(Decimal("0.0001")):
                    add(
                        option_where,
                        gettext_noop(
                            "coefficient of option %(key)s (%(value)s) must lie within 0…1, "
                            "with at most 4 decimals"
                        ),
                        key=key,
                        value=raw,
                    )
                    coefficient = None
                else:
                    scored = True
            satisfied = _flag(option.get("satisfied"))
            if satisfied:
                if not sipas:
                    add(option_where, gettext_noop("only an option of a SIPAS question counts as satisfied"))
                elif raw in (None, ""):
                    add(option_where, gettext_noop("a “don't know” option cannot count as satisfied"))
                satisfied_any = True
            entry["options"].append(
                {
                    "key": key,
                    "label": label,
                    "coefficient": None if coefficient is None else plain_decimal(coefficient),
                    "satisfied": satisfied,
                }
            )
        if options and not scored:
            add(where, gettext_noop("no option has a coefficient: every answer would be “don't know”"))
        if sipas and options and not satisfied_any:
            add(where, gettext_noop("a SIPAS question needs at least one option that counts as satisfied"))
        canonical["questions"].append(entry)

    # Group weights per survey leaf.
    weights = _list(document, "weights", M(gettext_noop("weights")), problems, required=False)
    seen_weights: set[tuple[str, str]] = set()
    totals: dict[str, Decimal] = {}
    for position, weight in enumerate(weights, start=1):
        if not isinstance(weight, Mapping):
            add(M(gettext_noop("weight %(position)s"), position=position), gettext_noop("must be an object"))
            continue
        criterion, group_code = _text(weight.get("criterion")), _text(weight.get("group"))
        where = locations.get(("weight", criterion, group_code)) or M(
            gettext_noop("weight of group %(group)s for criterion %(code)s"), group=group_code, code=criterion
        )
        if criterion not in criteria_asked:
            add(where, gettext_noop("no question scores criterion %(code)s"), code=criterion)
        if group_code not in group_codes:
            add(where, gettext_noop("unknown respondent group %(group)s"), group=group_code)
        if (criterion, group_code) in seen_weights:
            add(where, gettext_noop("the weight is given twice"))
        seen_weights.add((criterion, group_code))
        value = _decimal(weight.get("weight"))
        if value is None:
            add(where, gettext_noop("%(value)s is not a number"), value=weight.get("weight"))
        elif value < 0 or value != value.quantize(Decimal("0.0001")) or value >= 10**5:
            add(
                where,
                gettext_noop("weight %(value)s must be 0 or more, below 100000, with at most 4 decimals"),
                value=weight.get("weight"),
            )
            value = None
        else:
            totals[criterion] = totals.get(criterion, Decimal(0)) + value
        canonical["weights"].append(
            {
                "criterion": criterion,
                "group": group_code,
                "weight": None if value is None else plain_decimal(value),
            }
        )
    for criterion, total in totals.items():
        if total == 0 and criterion in criteria_asked:
            add(
                M(gettext_noop("criterion %(code)s"), code=criterion),
                gettext_noop("the group weights of criterion %(code)s sum to 0"),
                code=criterion,
            )

    # Sample plan.
    plans = _list(document, "sample_plan", M(gettext_noop("sample plan")), problems, required=False)
    seen_plans: set[tuple[str, str]] = set()
    for position, plan in enumerate(plans, start=1):
        if not isinstance(plan, Mapping):
            add(
                M(gettext_noop("sample plan %(position)s"), position=position),
                gettext_noop("must be an object"),
            )
            continue
        agency, group_code = _text(plan.get("agency")), _text(plan.get("group"))
        where = locations.get(("plan", agency, group_code)) or M(
            gettext_noop("sample plan for %(agency)s, group %(group)s"), agency=agency, group=group_code
        )
        if agency not in context.agencies:
            add(
                where,
                gettext_noop("%(agency)s is not an agency of block %(block)s active in %(period)s"),
                agency=agency,
                block=context.block.code,
                period=context.period.code,
            )
        if group_code not in group_codes:
            add(where, gettext_noop("unknown respondent group %(group)s"), group=group_code)
        if (agency, group_code) in seen_plans:
            add(where, gettext_noop("the planned count is given twice"))
        seen_plans.add((agency, group_code))
        planned = _decimal(plan.get("planned"))
        if planned is None or planned < 0 or planned != planned.to_integral_value() or planned > 10**9:
            add(
                where,
                gettext_noop("planned count %(value)s must be a whole number, 0 or more"),
                value=plan.get("planned"),
            )
            planned = None
        canonical["sample_plan"].append(
            {"agency": agency, "group": group_code, "planned": None if planned is None else int(planned)}
        )
    return problems, canonical


def _list(document: Mapping, key: str, where, problems: list[Problem], required: bool = True) -> list:
    value = document.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        if value is not None:
            problems.append(Problem(where, M(gettext_noop("must be a list"))))
        return []
    return value


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in YES


# --- database ⇄ document --------------------------------------------------------------------------


def questionnaire_from_document(
    *,
    period: Period,
    block: Block,
    document: Mapping,
    locations: Mapping[tuple, object] | None = None,
    replace: bool = False,
) -> Questionnaire:
    """Validates the whole document, then stores it in one transaction; raises SurveyFileError listing
    every problem. An existing questionnaire with the same code is replaced only when asked and only
    while it has no responses."""
    context = _Context(period, block)
    problems, canonical = validate_questionnaire(document, context, locations)
    existing = Questionnaire.objects.filter(period=period, code=canonical.get("code")).first()
    if existing is not None:
        if not replace:
            problems.append(
                Problem(
                    M(gettext_noop("questionnaire")),
                    M(
                        gettext_noop("%(period)s already has a questionnaire %(code)s (use replace)"),
                        period=period.code,
                        code=existing.code,
                    ),
                )
            )
        elif existing.responses.exists():
            problems.append(
                Problem(
                    M(gettext_noop("questionnaire")),
                    M(
                        gettext_noop("questionnaire %(code)s already has responses and cannot be replaced"),
                        code=existing.code,
                    ),
                )
            )
    if problems:
        raise SurveyFileError(problems)
    with transaction.atomic():
        if existing is not None:
            existing.import_batches.all().delete()
            existing.delete()
        questionnaire = Questionnaire.objects.create(
            period=period, block=block, code=canonical["code"], title=canonical["title"]
        )
        groups = RespondentGroup.objects.bulk_create(
            RespondentGroup(questionnaire=questionnaire, code=g["code"], name=g["name"], position=position)
            for position, g in enumerate(canonical["groups"], start=1)
        )
        group_ids = {group.code: group.id for group in groups}
        questions = Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                number=q["number"],
                text=q["text"],
                node=context.leaves[q["criterion"]] if q["criterion"] else None,
                is_sipas=q["sipas"],
                sipas_element=q["sipas_element"],
                position=position,
            )
            for position, q in enumerate(canonical["questions"], start=1)
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(
                question=question,
                key=o["key"],
                label=o["label"],
                coefficient=None if o["coefficient"] is None else Decimal(o["coefficient"]),
                satisfied=o["satisfied"],
                position=position,
            )
            for question, q in zip(questions, canonical["questions"], strict=True)
            for position, o in enumerate(q["options"], start=1)
        )
        GroupWeight.objects.bulk_create(
            GroupWeight(
                questionnaire=questionnaire,
                node=context.leaves[w["criterion"]],
                group_id=group_ids[w["group"]],
                weight=Decimal(w["weight"]),
            )
            for w in canonical["weights"]
        )
        SamplePlan.objects.bulk_create(
            SamplePlan(
                questionnaire=questionnaire,
                agency_id=context.agencies[p["agency"]],
                group_id=group_ids[p["group"]],
                planned=p["planned"],
            )
            for p in canonical["sample_plan"]
        )
    return questionnaire


questionnaire_import = questionnaire_from_document


def questionnaire_to_document(questionnaire: Questionnaire) -> dict:
    """The questionnaire as a document that imports back to the same questionnaire (round trip)."""
    groups = list(questionnaire.groups.order_by("position", "id"))
    group_codes = {group.id: group.code for group in groups}
    questions = list(questionnaire.questions.select_related("node").order_by("position", "id"))
    options: dict[int, list[AnswerOption]] = {}
    for option in AnswerOption.objects.filter(question__questionnaire=questionnaire).order_by(
        "position", "id"
    ):
        options.setdefault(option.question_id, []).append(option)
    return {
        "format": FORMAT,
        "code": questionnaire.code,
        "title": questionnaire.title,
        "period": questionnaire.period.code,
        "block": questionnaire.block.code,
        "groups": [{"code": g.code, "name": g.name} for g in groups],
        "questions": [
            {
                "number": q.number,
                "text": q.text,
                "criterion": q.node.code if q.node_id else None,
                "sipas": q.is_sipas,
                "sipas_element": q.sipas_element,
                "options": [
                    {
                        "key": o.key,
                        "label": o.label,
                        "coefficient": None if o.coefficient is None else plain_decimal(o.coefficient),
                        "satisfied": o.satisfied,
                    }
                    for o in options.get(q.id, [])
                ],
            }
            for q in questions
        ],
        "weights": [
            {"criterion": w.node.code, "group": group_codes[w.group_id], "weight": plain_decimal(w.weight)}
            for w in questionnaire.weights.select_related("node").order_by("id")
        ],
        "sample_plan": [
            {"agency": p.agency.code, "group": group_codes[p.group_id], "planned": p.planned}
            for p in questionnaire.sample_plans.select_related("agency").order_by("id")
        ],
    }


# --- XLSX carrier ---------------------------------------------------------------------------------


_number_cell = number_cell
# Question numbers and option keys are text: "01" must not become 1.
TEXT_KEYS = ("number", "key", "code", "group", "agency", "criterion")


def _sheet(workbook: Workbook, title: str, columns, rows):
    return columns_sheet(workbook, title, columns, rows, fill=HEADER_FILL, text_keys=TEXT_KEYS)


def questionnaire_to_xlsx(document: dict) -> bytes:
    """The document as a workbook an official can read and fill; headers are Vietnamese."""
    workbook = Workbook()
    info = workbook.active
    info.title = INFO
    for key, label in INFO_ROWS:
        info.append([label, document.get(key, FORMAT if key == "format" else ""), key])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 70
    _sheet(workbook, GROUPS, GROUP_COLUMNS, document.get("groups", []))
    question_rows, option_rows = [], []
    for question in document.get("questions", []):
        question_rows.append({**question, "sipas": "x" if question.get("sipas") else None})
        for option in question.get("options", []):
            option_rows.append(
                {
                    "number": question["number"],
                    "key": option["key"],
                    "label": option["label"],
                    "coefficient": _number_cell(option.get("coefficient")),
                    "satisfied": "x" if option.get("satisfied") else None,
                }
            )
    _sheet(workbook, QUESTIONS, QUESTION_COLUMNS, question_rows)
    _sheet(workbook, OPTIONS, OPTION_COLUMNS, option_rows)
    _sheet(
        workbook,
        WEIGHTS,
        WEIGHT_COLUMNS,
        [{**w, "weight": _number_cell(w["weight"])} for w in document.get("weights", [])],
    )
    _sheet(workbook, PLAN, PLAN_COLUMNS, document.get("sample_plan", []))
    xlsx_keep_text(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Reader:
    """Rows of one sheet by column key; a missing sheet is a problem, an empty row is skipped."""

    def __init__(self, workbook, title: str, columns, problems: list[Problem], limits, required: bool = True):
        self.title, self.columns, self.problems, self.limits = title, columns, problems, limits
        self.sheet = workbook[title] if title in workbook.sheetnames else None
        if self.sheet is None and required:
            problems.append(
                Problem(
                    M(gettext_noop("sheet %(sheet)s"), sheet=title), M(gettext_noop("the sheet is missing"))
                )
            )

    def where(self, row: int, key: str | None = None):
        header = next((h for k, h, _ in self.columns if k == key), None)
        return location(row, header, sheet=self.title)

    def rows(self):
        if self.sheet is None:
            return
        yield from keyed_rows(self.sheet, self.columns, self.limits)

    def number(self, number: int, row: dict, key: str, required: bool = False) -> str | None:
        """A number cell as the document's text form; a cell that is not a number is a problem here."""
        value = row.get(key)
        if value in (None, ""):
            if required:
                self.problems.append(
                    Problem(self.where(number, key), M(gettext_noop("a number is required")))
                )
            return None
        parsed = _decimal(value)
        if parsed is None:
            self.problems.append(
                Problem(self.where(number, key), M(gettext_noop("%(value)s is not a number"), value=value))
            )
            return None
        return plain_decimal(parsed)


def xlsx_to_questionnaire(data: bytes) -> tuple[dict, dict]:
    """The document in a workbook and where each entry came from; raises SurveyFileError naming sheet,
    row and column for every cell it cannot read, or the limit a file exceeds (parindex.safe_files:
    measured before it is parsed)."""
    limits = file_limits("list")
    try:
        workbook = xlsx_open(data, limits)
        try:
            return _read_questionnaire(workbook, limits)
        finally:
            workbook.close()
    except FileRefused as refused:
        raise SurveyFileError([Problem(M(gettext_noop("file")), refused.message)]) from None


def _read_questionnaire(workbook, limits) -> tuple[dict, dict]:
    problems: list[Problem] = []
    document: dict = {"format": FORMAT}
    if INFO in workbook.sheetnames:
        keys = {key for key, _ in INFO_ROWS}
        for values in sheet_rows(workbook[INFO], limits, header_rows=0):
            if len(values) >= 3 and values[2] in keys and values[1] not in (None, ""):
                document[values[2]] = _text(values[1])
    locations: dict[tuple, object] = {}

    groups = _Reader(workbook, GROUPS, GROUP_COLUMNS, problems, limits)
    document["groups"] = []
    for number, row in groups.rows():
        document["groups"].append({"code": _text(row["code"]), "name": _text(row["name"])})
        locations.setdefault(("group", _text(row["code"])), groups.where(number))

    questions = _Reader(workbook, QUESTIONS, QUESTION_COLUMNS, problems, limits)
    document["questions"] = []
    by_number: dict[str, dict] = {}
    for number, row in questions.rows():
        question = {
            "number": _text(row["number"]),
            "text": _text(row["text"]),
            "criterion": _text(row["criterion"]) or None,
            "sipas": _flag(row["sipas"]),
            "sipas_element": _text(row["sipas_element"]),
            "options": [],
        }
        document["questions"].append(question)
        by_number.setdefault(question["number"], question)
        locations.setdefault(("question", question["number"]), questions.where(number))

    options = _Reader(workbook, OPTIONS, OPTION_COLUMNS, problems, limits)
    for number, row in options.rows():
        question = by_number.get(_text(row["number"]))
        if question is None:
            problems.append(
                Problem(
                    options.where(number, "number"),
                    M(
                        gettext_noop("no question %(number)s in the sheet %(sheet)s"),
                        number=_text(row["number"]),
                        sheet=QUESTIONS,
                    ),
                )
            )
            continue
        key = _text(row["key"])
        question["options"].append(
            {
                "key": key,
                "label": _text(row["label"]),
                "coefficient": options.number(number, row, "coefficient"),
                "satisfied": _flag(row["satisfied"]),
            }
        )
        locations.setdefault(("option", question["number"], key), options.where(number))

    weights = _Reader(workbook, WEIGHTS, WEIGHT_COLUMNS, problems, limits, required=False)
    document["weights"] = []
    for number, row in weights.rows():
        entry = {
            "criterion": _text(row["criterion"]),
            "group": _text(row["group"]),
            "weight": weights.number(number, row, "weight", required=True),
        }
        document["weights"].append(entry)
        locations.setdefault(("weight", entry["criterion"], entry["group"]), weights.where(number))

    plan = _Reader(workbook, PLAN, PLAN_COLUMNS, problems, limits, required=False)
    document["sample_plan"] = []
    for number, row in plan.rows():
        planned = plan.number(number, row, "planned", required=True)
        entry = {
            "agency": _text(row["agency"]),
            "group": _text(row["group"]),
            # Whole numbers as integers, like JSON; anything else is left for validation to name.
            "planned": int(planned) if planned is not None and planned.isdigit() else planned,
        }
        document["sample_plan"].append(entry)
        locations.setdefault(("plan", entry["agency"], entry["group"]), plan.where(number))
    if problems:
        raise SurveyFileError(problems)
    return document, locations
