"""The report tables of one snapshot, as plain data every writer (HTML/PDF, XLSX) renders the same way.

Each kind of table is an exporter class (like pretix's exporters): `identifier`, `verbose_name`, the
tables it offers for a snapshot (`specs`, cheap) and how one is built (`build`, the rows). Everything
printed comes from `reports.selectors.SnapshotData`, i.e. from one snapshot; the lists come from the
partitions computed there. Official headings are Vietnamese: they are the province's form, not UI.

The package: table.py (a table as data), wording.py (Vietnamese phrases), exporter.py (the exporter
base), detail.py and summaries.py (each kind of table), and here the print order of every table.
"""

from __future__ import annotations

from ..models import Numbering
from ..selectors import SnapshotData
from .detail import AgencyDetailExporter
from .exporter import ReportExporter, TableSpec
from .summaries import (
    BandsExporter,
    HeadClassesExporter,
    RankChangesExporter,
    RankingExporter,
    ReviewsExporter,
    SummaryExporter,
    SurveyCountsExporter,
    SurveyScoresExporter,
)
from .table import CHANGE, CODE, INDEX, INT, POINTS, RANK, TEXT, Column, Row, Signature, Table, format_cell
from .wording import HEAD_CLASS_VI, ascii_slug, count_vi, date_line, head_of, rank_change_vi

__all__ = [
    "CHANGE", "CODE", "EXPORTERS", "HEAD_CLASS_VI", "INDEX", "INT", "POINTS", "RANK", "TEXT", "Column",
    "ReportExporter", "Row", "Signature", "Table", "TableSpec", "ascii_slug", "count_vi", "date_line",
    "format_cell", "head_of", "rank_change_vi", "table_spec_get", "table_specs",
]  # fmt: skip

DETAIL = AgencyDetailExporter()
SUMMARIES: list[SummaryExporter] = [
    RankingExporter(),
    BandsExporter(),
    HeadClassesExporter(),
    ReviewsExporter(),
    RankChangesExporter(),
    SurveyCountsExporter(),
    SurveyScoresExporter(),
]
EXPORTERS: list[ReportExporter] = [DETAIL, *SUMMARIES]


def table_specs(data: SnapshotData, numbering: str = Numbering.RANK) -> list[TableSpec]:
    """Every table of the snapshot in print order: A1…An, B1…Bm, then the summaries TH1, TH2, …"""
    specs = DETAIL.specs(data, numbering)
    number = 0
    for exporter in SUMMARIES:
        for spec in exporter.specs(data, numbering):
            number += 1
            key = f"TH{number}"
            stem = f"{data.period.code}_{key}_{ascii_slug(spec.label)}"
            specs.append(TableSpec(key, stem, spec.label, exporter, spec.block))
    return specs


def table_spec_get(data: SnapshotData, key: str, numbering: str = Numbering.RANK) -> TableSpec | None:
    return next((spec for spec in table_specs(data, numbering) if spec.key == key), None)
