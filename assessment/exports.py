"""The self-assessment overview as XLSX (Home Affairs' download): one row per agency, shares as
percentages, the last activity in local time; text stays text (parindex.safe_files)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parindex.safe_files import xlsx_keep_text

from .models import SubmissionStatus


def overview_xlsx(rows) -> bytes:
    """The rows of selectors.self_assessment_overview as a workbook's bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Self-assessment")
    sheet.append(
        [
            _("Block"),
            _("Agency"),
            _("Status"),
            _("Criteria"),
            _("Scored"),
            _("Share scored"),
            _("With evidence"),
            _("Share with evidence"),
            _("Last activity"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    labels = {"not_started": _("Not started"), **dict(SubmissionStatus.choices)}
    for row in rows:
        sheet.append(
            [
                row.agency.block.name,
                row.agency.name,
                str(labels.get(row.status, row.status)),
                row.leaves,
                row.scored,
                row.percent_scored / 100,
                row.with_evidence,
                row.percent_with_evidence / 100,
                timezone.localtime(row.last_activity).replace(tzinfo=None) if row.last_activity else None,
            ]
        )
    for column, width in zip("ABCDEFGHI", (22, 45, 18, 10, 10, 10, 12, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2):
        cells[5].number_format = cells[7].number_format = "0%"
        cells[8].number_format = "dd/mm/yyyy hh:mm"
    xlsx_keep_text(workbook)  # an agency named "=…" stays text
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
