"""Reads for the measured-data page: the period's data/survey leaves per agency, the values stored, the
imports, and the template workbook. Fixed query counts."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from agencies.models import Agency, Period
from assessment.models import AssessmentItem
from parindex.formatting import number_text
from scoring.models import CriteriaNode, Source
from surveys.models import SurveyValue, shown_value

from .models import MeasureImport, MeasureValue
from .services import HEADERS, _plain_decimal


@dataclass
class Cell:
    """One agency × data/survey leaf as the page and the template show it."""

    agency: Agency
    node: CriteriaNode
    current: str  # the value stored now, as the file would write it ("" when none)
    measure: MeasureValue | None


def measured_leaves(period: Period) -> list[CriteriaNode]:
    """The period's leaves that Home Affairs fills: source `data` or `survey` (1 query)."""
    return list(
        CriteriaNode.objects.filter(criteria_set__period=period, children__isnull=True)
        .filter(Q(source=Source.DATA) | Q(source=Source.SURVEY))
        .select_related("criteria_set__block")
        .order_by("criteria_set__block__position", "position")
    )


def measure_cells(*, period: Period, agency_code: str = "") -> list[Cell]:
    """Every agency of the period × the data/survey leaves of its block, with what is stored (5 queries)."""
    leaves = measured_leaves(period)
    by_block: dict[int, list[CriteriaNode]] = {}
    for leaf in leaves:
        by_block.setdefault(leaf.criteria_set.block_id, []).append(leaf)
    agencies = period.agencies().filter(block_id__in=list(by_block)).select_related("block")
    if agency_code:
        agencies = agencies.filter(code=agency_code)
    agencies = list(agencies.order_by("block__position", "position", "code"))
    ids = [a.pk for a in agencies]
    leaf_ids = [leaf.pk for leaf in leaves]
    items = {
        (i["agency_id"], i["node_id"]): i
        for i in AssessmentItem.objects.filter(agency_id__in=ids, node_id__in=leaf_ids).values(
            "agency_id", "node_id", "applicable", "appraised_input", "reappraised_input"
        )
    }
    surveys = dict(
        ((agency_id, node_id), value)
        for agency_id, node_id, value in SurveyValue.objects.filter(
            agency_id__in=ids, node_id__in=leaf_ids
        ).values_list("agency_id", "node_id", "value")
    )
    measures = {
        (m.agency_id, m.node_id): m
        for m in MeasureValue.objects.filter(agency_id__in=ids, node_id__in=leaf_ids).select_related(
            "measure_import"
        )
    }
    cells = []
    for agency in agencies:
        for leaf in by_block.get(agency.block_id, []):
            key = (agency.pk, leaf.pk)
            if leaf.source == Source.SURVEY:
                current = _plain_decimal(shown_value(surveys[key])) if key in surveys else ""
            else:
                item = items.get(key)
                final = (item["reappraised_input"] or item["appraised_input"] or {}) if item else {}
                if item and not item["applicable"]:
                    current = "KAD"
                else:
                    number = final.get("value", final.get("points"))
                    current = _plain_decimal(Decimal(number)) if number not in (None, "") else ""
                    if final.get("target") not in (None, ""):
                        current += " / " + _plain_decimal(Decimal(final["target"]))
            cells.append(Cell(agency, leaf, current, measures.get(key)))
    return cells


def period_imports(period: Period, limit: int = 50) -> list[MeasureImport]:
    return list(
        MeasureImport.objects.filter(period=period)
        .select_related("created_by", "stored_by")
        .defer("content")
        .order_by("-created_at", "-pk")[:limit]
    )


TEMPLATE_COLUMNS = (
    ("agency", HEADERS["agency"], 14),
    ("agency_name", "Tên cơ quan", 34),
    ("criterion", HEADERS["criterion"], 12),
    ("title", "Tên tiêu chí", 50),
    ("kind", "Loại", 16),
    ("rule", "Quy tắc", 30),
    ("current", "Giá trị hiện tại", 14),
    ("value", HEADERS["value"], 12),
    ("target", HEADERS["target"], 10),
    ("source", HEADERS["source"], 36),
    ("source_date", HEADERS["source_date"], 14),
    ("note", HEADERS["note"], 30),
)


def _rule_hint(node: CriteriaNode) -> str:
    if node.source == Source.SURVEY:
        return _("survey value 0…1 (or %)")
    if node.rule == "proportional":
        target = node.rule_params.get("target")
        return (
            _("achieved, target %(target)s") % {"target": number_text(target)}
            if target
            else _("achieved; give the target")
        )
    if node.rule == "deduction":
        return _("number of cases")
    if node.rule == "manual":
        return _("points 0…%(max)s") % {"max": number_text(node.max_points)}
    return _("measured value (threshold bands)")


def template_xlsx(*, period: Period) -> bytes:
    """A workbook to fill in: one row per agency × data/survey leaf of its block, codes and names, the
    current value; the value, target, source and date columns are left empty."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    sheet.append([title for _key, title, _width in TEMPLATE_COLUMNS])
    fill = PatternFill("solid", fgColor="FFF2CC")
    for index, (key, _title, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if key in ("value", "target", "source", "source_date", "note"):
            cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = width
    kinds = {Source.DATA: _("measured data"), Source.SURVEY: _("survey")}
    for row, cell_data in enumerate(measure_cells(period=period), start=2):
        values = {
            "agency": cell_data.agency.code,
            "agency_name": cell_data.agency.name,
            "criterion": cell_data.node.code,
            "title": cell_data.node.title,
            "kind": str(kinds[cell_data.node.source]),
            "rule": _rule_hint(cell_data.node),
            "current": cell_data.current,
        }
        for column, (key, _title, _width) in enumerate(TEMPLATE_COLUMNS, start=1):
            if key in values:
                target = sheet.cell(row=row, column=column, value=values[key])
                target.data_type = "s"  # text stays text: a name starting with "=" is no formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
