"""The empty response workbook of a questionnaire, to fill and import (surveys.imports)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.safe_files import (
    workbook_bytes,
)
from scoring.formats.workbook import HEADER_FILL

from .models import (
    AnswerOption,
    Questionnaire,
)
from .response_rows import AGENCY, GROUP, HEADERS, RESPONSES_SHEET, SERIAL


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
    return workbook_bytes(workbook)
