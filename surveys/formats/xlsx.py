"""The XLSX carrier of questionnaires: a workbook an official can read and fill (Vietnamese headers)."""

from __future__ import annotations

from openpyxl import Workbook

from parindex.safe_files import sheet_rows
from scoring.formats.workbook import SheetReader, header_sheet, number_cell, workbook_bytes, workbook_read

from ..problems import M, Problem, SurveyFileError, gettext_noop
from .common import FORMAT, cell_flag, cell_text

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


_number_cell = number_cell
# Question numbers and option keys are text: "01" must not become 1.
TEXT_KEYS = ("number", "key", "code", "group", "agency", "criterion")


def _sheet(workbook: Workbook, title: str, columns, rows):
    return header_sheet(workbook, title, columns, rows, text_keys=TEXT_KEYS)


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
    return workbook_bytes(workbook)


class _Reader(SheetReader):
    NUMBER_REQUIRED = False


def xlsx_to_questionnaire(data: bytes) -> tuple[dict, dict]:
    """The document in a workbook and where each entry came from; raises SurveyFileError naming sheet,
    row and column for every cell it cannot read, or the limit a file exceeds (parindex.safe_files:
    measured before it is parsed)."""
    return workbook_read(data, _read_questionnaire, SurveyFileError)


def _read_questionnaire(workbook, limits) -> tuple[dict, dict]:
    problems: list[Problem] = []
    document: dict = {"format": FORMAT}
    if INFO in workbook.sheetnames:
        keys = {key for key, _ in INFO_ROWS}
        for values in sheet_rows(workbook[INFO], limits, header_rows=0):
            if len(values) >= 3 and values[2] in keys and values[1] not in (None, ""):
                document[values[2]] = cell_text(values[1])
    locations: dict[tuple, object] = {}

    groups = _Reader(workbook, GROUPS, GROUP_COLUMNS, problems, limits)
    document["groups"] = []
    for number, row in groups.rows():
        document["groups"].append({"code": cell_text(row["code"]), "name": cell_text(row["name"])})
        locations.setdefault(("group", cell_text(row["code"])), groups.where(number))

    questions = _Reader(workbook, QUESTIONS, QUESTION_COLUMNS, problems, limits)
    document["questions"] = []
    by_number: dict[str, dict] = {}
    for number, row in questions.rows():
        question = {
            "number": cell_text(row["number"]),
            "text": cell_text(row["text"]),
            "criterion": cell_text(row["criterion"]) or None,
            "sipas": cell_flag(row["sipas"]),
            "sipas_element": cell_text(row["sipas_element"]),
            "options": [],
        }
        document["questions"].append(question)
        by_number.setdefault(question["number"], question)
        locations.setdefault(("question", question["number"]), questions.where(number))

    options = _Reader(workbook, OPTIONS, OPTION_COLUMNS, problems, limits)
    for number, row in options.rows():
        question = by_number.get(cell_text(row["number"]))
        if question is None:
            problems.append(
                Problem(
                    options.where(number, "number"),
                    M(
                        gettext_noop("no question %(number)s in the sheet %(sheet)s"),
                        number=cell_text(row["number"]),
                        sheet=QUESTIONS,
                    ),
                )
            )
            continue
        key = cell_text(row["key"])
        question["options"].append(
            {
                "key": key,
                "label": cell_text(row["label"]),
                "coefficient": options.number(number, row, "coefficient"),
                "satisfied": cell_flag(row["satisfied"]),
            }
        )
        locations.setdefault(("option", question["number"], key), options.where(number))

    weights = _Reader(workbook, WEIGHTS, WEIGHT_COLUMNS, problems, limits, required=False)
    document["weights"] = []
    for number, row in weights.rows():
        entry = {
            "criterion": cell_text(row["criterion"]),
            "group": cell_text(row["group"]),
            "weight": weights.number(number, row, "weight", required=True),
        }
        document["weights"].append(entry)
        locations.setdefault(("weight", entry["criterion"], entry["group"]), weights.where(number))

    plan = _Reader(workbook, PLAN, PLAN_COLUMNS, problems, limits, required=False)
    document["sample_plan"] = []
    for number, row in plan.rows():
        planned = plan.number(number, row, "planned", required=True)
        entry = {
            "agency": cell_text(row["agency"]),
            "group": cell_text(row["group"]),
            # Whole numbers as integers, like JSON; anything else is left for validation to name.
            "planned": int(planned) if planned is not None and planned.isdigit() else planned,
        }
        document["sample_plan"].append(entry)
        locations.setdefault(("plan", entry["agency"], entry["group"]), plan.where(number))
    if problems:
        raise SurveyFileError(problems)
    return document, locations
