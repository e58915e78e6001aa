"""The report tables of one snapshot, as plain data every writer (HTML/PDF, XLSX) renders the same way.

Each kind of table is an exporter class (like pretix's exporters): `identifier`, `verbose_name`, the
tables it offers for a snapshot (`specs`, cheap) and how one is built (`build`, the rows). Everything
printed comes from `reports.selectors.SnapshotData`, i.e. from one snapshot; the lists come from the
partitions computed there. Official headings are Vietnamese: they are the province's form, not UI.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from parindex.formatting import format_vi
from scoring.engine import publish_round
from scoring.models import AgencyResult, HeadClass

from .models import Numbering, ReportSettings
from .selectors import BlockData, SnapshotData

HUNDRED = Decimal(100)

HEAD_CLASS_VI = {
    HeadClass.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    HeadClass.GOOD: "Hoàn thành tốt nhiệm vụ",
    HeadClass.COMPLETED: "Hoàn thành nhiệm vụ",
    HeadClass.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}

# Cell kinds: how a value is shown (HTML) and formatted (XLSX number formats in writers/xlsx.py).
TEXT, CODE, POINTS, INDEX, INT, CHANGE, RANK = "text", "code", "points", "index", "int", "change", "rank"


def ascii_slug(text: str) -> str:
    """ASCII file-name part: "Sở Giao thông vận tải" → "so-giao-thong-van-tai" (đ → d, unlike slugify)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def count_vi(count: int) -> str:
    """Counts as official reports write them: 03, 14; none is "Không có"."""
    return f"{count:02d}" if count else "Không có"


def units_vi(count: int) -> str:
    """ "03 đơn vị", or "không có" for none (headings of the summary tables)."""
    return f"{count:02d} đơn vị" if count else "không có"


def rank_change_vi(change: int | None) -> str:
    if change is None:
        return "–"
    if change > 0:
        return f"tăng {change:02d} bậc"
    if change < 0:
        return f"giảm {-change:02d} bậc"
    return "giữ nguyên"


def head_of(agency) -> str:
    """The head's title joined to the agency's name without repeating the words they share:
    "Giám đốc Sở" + "Sở Y tế" → "Giám đốc Sở Y tế"; "Chủ tịch UBND" + "UBND huyện Tứ Kỳ"."""
    title, name = agency.head_title.split(), agency.name.split()
    if not title:
        return f"Thủ trưởng {agency.name}"
    for size in range(min(len(title), len(name)), 0, -1):
        if [w.casefold() for w in title[-size:]] == [w.casefold() for w in name[:size]]:
            return " ".join(title + name[size:])
    return " ".join(title + name)


def computed_vi(data: SnapshotData) -> str:
    return f"kết quả tính ngày {data.computed_on:%d/%m/%Y} (lần tính thứ {data.snapshot.version})"


def date_line(place: str, moment) -> str:
    day = f"ngày {moment.day:02d} tháng {moment.month:02d} năm {moment.year}"
    return f"{place}, {day}" if place else day.capitalize()


# The table as data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: float = 10  # in characters (XLSX); the HTML uses the shares of the total
    group: str = ""  # columns sharing a group get a spanning first header row


@dataclass
class Row:
    cells: list
    style: str = ""  # "" | "area" | "group" | "total" | "section" | "fact" | "muted"
    depth: int = 0  # indentation of the text column
    kinds: list | None = None  # per-cell kinds overriding the columns' (fact rows)


@dataclass(frozen=True)
class Signature:
    left_caption: str
    date_line: str
    right_caption: str
    right_title: str
    right_name: str


@dataclass
class Table:
    key: str  # "A1", "B12", "TH3": the number printed ("Biểu số A1") and the sheet name
    file_stem: str  # "2022_A01_so-giao-thong-van-tai"
    issuer: list[str]
    titles: list[str]
    subtitles: list[str]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature: Signature | None = None
    empty_message: str = ""
    text_column: int = 1  # the column indented by depth

    @property
    def caption(self) -> str:
        return f"Biểu số {self.key}"

    @property
    def sheet_name(self) -> str:
        return self.key[:31]

    @property
    def grouped_header(self) -> bool:
        return any(column.group for column in self.columns)

    def header_rows(self) -> list[list[dict]]:
        """One or two header rows as cells with colspan/rowspan (groups span, ungrouped columns stand)."""
        if not self.grouped_header:
            return [
                [
                    {"label": c.label, "colspan": 1, "rowspan": 1, "index": i}
                    for i, c in enumerate(self.columns)
                ]
            ]
        top, bottom = [], []
        i = 0
        while i < len(self.columns):
            column = self.columns[i]
            if not column.group:
                top.append({"label": column.label, "colspan": 1, "rowspan": 2, "index": i})
                i += 1
                continue
            span = 1
            while i + span < len(self.columns) and self.columns[i + span].group == column.group:
                span += 1
            top.append({"label": column.group, "colspan": span, "rowspan": 1, "index": i})
            bottom.extend(
                {"label": c.label, "colspan": 1, "rowspan": 1, "index": i + k}
                for k, c in enumerate(self.columns[i : i + span])
            )
            i += span
        return [top, bottom]

    def widths_percent(self) -> list[str]:
        total = sum(c.width for c in self.columns)
        return [f"{c.width * 100 / total:.2f}" for c in self.columns]

    def display_rows(self) -> list[dict]:
        """Rows as the HTML prints them: text already formatted (90,30), spans for section and fact rows."""
        out = []
        count = len(self.columns)
        for row in self.rows:
            if row.style == "section":
                out.append(
                    {"style": "section", "cells": [{"text": row.cells[0], "colspan": count, "css": ""}]}
                )
                continue
            if row.style == "fact":
                label, value = row.cells
                kind = row.kinds[1] if row.kinds else TEXT
                out.append(
                    {
                        "style": "fact",
                        "cells": [
                            {"text": label, "colspan": 2, "css": "fact-label"},
                            {"text": format_cell(value, kind), "colspan": count - 2, "css": "fact-value"},
                        ],
                    }
                )
                continue
            cells = []
            for i, (value, column) in enumerate(zip(row.cells, self.columns, strict=True)):
                kind = row.kinds[i] if row.kinds else column.kind
                css = "num" if kind in (POINTS, INDEX, INT, CHANGE) else kind
                if i == self.text_column and row.depth:
                    css += f" depth-{min(row.depth, 4)}"
                cells.append({"text": format_cell(value, kind), "colspan": 1, "css": css})
            out.append({"style": row.style, "cells": cells})
        return out


def format_cell(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind in (POINTS, INDEX):
        return format_vi(value, 2)
    if kind == CHANGE:
        return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")
    if kind == INT:
        return format_vi(value, 0, thousands=True)
    return str(value)


# Exporters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """What a table is called before it is built: the list pages and the bundle enumerate these."""

    key: str
    file_stem: str
    label: str  # the agency or the summary's name
    exporter: ReportExporter
    block: BlockData | None = None
    result: AgencyResult | None = None

    @property
    def is_detail(self) -> bool:
        return self.result is not None

    def build(self, data: SnapshotData, config: ReportSettings) -> Table:
        return self.exporter.build(self, data, config)


class ReportExporter(ABC):
    identifier = ""
    verbose_name = ""

    @abstractmethod
    def specs(self, data: SnapshotData, numbering: str) -> list[TableSpec]:
        """The tables this exporter makes from one snapshot, numbered."""

    @abstractmethod
    def build(self, spec: TableSpec, data: SnapshotData, config: ReportSettings) -> Table:
        """One table's rows and columns."""

    # shared parts of the form

    def issuer(self, config: ReportSettings) -> list[str]:
        return [line for line in (config.issuer_name, config.council_name) if line]

    def signature(self, data: SnapshotData, config: ReportSettings) -> Signature:
        return Signature(
            config.table_signer_left,
            date_line(config.place_name, data.report_date),
            config.table_signer_right,
            config.table_signer_right_title,
            config.table_signer_right_name,
        )

    def title(self, data: SnapshotData, config: ReportSettings) -> str:
        return config.detail_title.replace("{year}", str(data.year)).replace("{period}", data.period.name)


class AgencyDetailExporter(ReportExporter):
    """A1…An, B1…Bm: every node of the agency's tree, its totals and the decisions on it."""

    identifier = "detail"
    verbose_name = _("Detail table of an agency")

    def specs(self, data: SnapshotData, numbering: str) -> list[TableSpec]:
        specs = []
        for block in data.blocks:
            for number, result in block.numbered(numbering):
                key = f"{block.prefix}{number}"
                stem = f"{data.period.code}_{block.prefix}{number:02d}_{ascii_slug(result.agency.name)}"
                specs.append(TableSpec(key, stem, result.agency.name, self, block, result))
        return specs

    COLUMNS = [
        Column("TT", CODE, 7),
        Column("Nội dung đánh giá", TEXT, 66),
        Column("Điểm tối đa", POINTS, 9),
        Column("Điểm tự đánh giá", POINTS, 10),
        Column("Điểm thẩm định", POINTS, 10),
        Column("Điểm đạt được", POINTS, 10),
        Column("Chỉ số thành phần (%)", INDEX, 11),
        Column("Ghi chú", TEXT, 17),
    ]

    def build(self, spec: TableSpec, data: SnapshotData, config: ReportSettings) -> Table:
        block, result = spec.block, spec.result
        triggers = {t.area_code: t.below for t in block.review_triggers}
        rows = []
        for entry, points in block.lines(result):
            node = entry.node
            applicable = points is not None and points.applicable
            notes = []
            if points is not None and not points.applicable:
                notes.append("Không áp dụng")
            if node.is_bonus and entry.depth == 0:
                notes.append("Điểm thưởng, không tính vào điểm tối đa")
            if entry.is_survey and not entry.has_children:
                notes.append("Điều tra xã hội học")
            area_index = None
            if node.is_area:
                raw = result.area_indices.get(node.code)
                area_index = Decimal(raw) if raw not in (None, "") else None
                if node.code in result.review_flags:
                    notes.append(f"Dưới {format_vi(triggers.get(node.code), 0)}%: phải kiểm điểm")
            style = "area" if entry.depth == 0 else ("group" if entry.has_children else "")
            if not applicable and points is not None:
                style = (style + " muted").strip()
            rows.append(
                Row(
                    [
                        node.code,
                        node.title,
                        node.max_points,
                        _published(points.self_points) if applicable else None,
                        _published(points.appraised_points) if applicable else None,
                        _published(points.final_points) if applicable else None,
                        area_index,
                        "; ".join(notes),
                    ],
                    style=style,
                    depth=entry.depth,
                )
            )
        totals = block.totals(result)
        rows.append(
            Row(
                [
                    "",
                    "Tổng cộng",
                    totals["max"],
                    _published(totals["self"]),
                    _published(totals["appraised"]),
                    _published(totals["final"]),
                    result.index,
                    "",
                ],
                style="total",
            )
        )
        block_size = len(block.ranked_results)
        reviews = (
            "Có: " + "; ".join(f"lĩnh vực {code} ({block.area_title(code)})" for code in result.review_flags)
            if result.review_flags
            else "Không"
        )
        rows += [
            Row(["Chỉ số CCHC (%)", result.index], "fact", kinds=[TEXT, INDEX]),
            Row(["Chỉ số tự đánh giá (%)", result.self_index], "fact", kinds=[TEXT, INDEX]),
            Row(["Xếp hạng", f"{result.rank}/{block_size}" if result.ranked else NOT_RANKED_VI], "fact"),
            Row(["Tăng, giảm bậc so với năm trước", rank_change_vi(result.rank_change)], "fact"),
            Row(["Nhóm xếp loại", result.band_label or "–"], "fact"),
            Row(["Người đứng đầu", HEAD_CLASS_VI.get(result.head_class, result.head_class)], "fact"),
            Row(["Phải tổ chức kiểm điểm", reviews], "fact"),
        ]
        notes = []
        if result.max_points != block.max_total:
            notes.append(
                f"Điểm tối đa áp dụng: {format_vi(result.max_points)} (không tính các tiêu chí không áp dụng; "
                f"điểm tối đa của bộ tiêu chí là {format_vi(block.max_total)})."
            )
        notes.append(
            "Chỉ số CCHC = Tổng điểm đạt được ÷ Điểm tối đa áp dụng × 100, làm tròn đến 2 chữ số thập phân."
        )
        return Table(
            key=spec.key,
            file_stem=spec.file_stem,
            issuer=self.issuer(config),
            titles=[self.title(data, config), result.agency.name],
            subtitles=[f"{block.block.name} — {computed_vi(data)}"],
            columns=self.COLUMNS,
            rows=rows,
            notes=notes,
            signature=self.signature(data, config),
        )


class SummaryExporter(ReportExporter):
    """A summary table over one block (`per_block`) or over all blocks, numbered TH1, TH2, … in order."""

    per_block = False
    slug = ""

    @abstractmethod
    def name(self, block: BlockData | None) -> str:
        """The summary's Vietnamese title."""

    def specs(self, data: SnapshotData, numbering: str) -> list[TableSpec]:
        blocks = data.blocks if self.per_block else [None]
        return [
            TableSpec("", "", self.name(block), self, block)
            for block in blocks
            if block is None or block.results
        ]

    def table(self, spec, data, config, columns, rows, notes=None, empty="") -> Table:
        return Table(
            key=spec.key,
            file_stem=spec.file_stem,
            issuer=self.issuer(config),
            titles=[spec.label.upper(), f"Chỉ số cải cách hành chính năm {data.year}"],
            subtitles=[computed_vi(data).capitalize()],
            columns=columns,
            rows=rows,
            notes=notes or [],
            signature=self.signature(data, config),
            empty_message=empty,
        )


def _block_heading(position: int, block: BlockData) -> str:
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    number = roman[position] if position < len(roman) else str(position + 1)
    return f"{number}. {block.block.name}"


class RankingExporter(SummaryExporter):
    identifier = "ranking"
    verbose_name = _("Ranking of a block with area indices")
    per_block = True

    def name(self, block):
        return f"Xếp hạng Chỉ số CCHC {block.block.name}"

    def build(self, spec, data, config):
        block = spec.block
        areas = block.areas
        columns = [
            Column("Xếp hạng", RANK, 7),
            Column("Cơ quan, đơn vị", TEXT, 32),
            Column("Tổng điểm đạt được", POINTS, 9),
            Column("Điểm tối đa áp dụng", POINTS, 9),
            Column("Chỉ số CCHC (%)", INDEX, 9),
            *[Column(area.code, INDEX, 7, group="Chỉ số thành phần theo lĩnh vực (%)") for area in areas],
            Column("Nhóm", TEXT, 15),
            Column("Người đứng đầu", TEXT, 17),
            Column("Tăng (+), giảm (−) bậc", CHANGE, 9),
        ]
        rows = []
        for result in block.ranked_results:
            rows.append(
                Row(
                    [
                        result.rank,
                        result.agency.name,
                        _published(result.points),
                        result.max_points,
                        result.index,
                        *[_area(result, area.code) for area in areas],
                        result.band_label,
                        HEAD_CLASS_VI.get(result.head_class, result.head_class),
                        result.rank_change,
                    ]
                )
            )
        notes = ["Lĩnh vực: " + "; ".join(f"{area.code}. {area.title}" for area in areas) + "."]
        if block.unranked_results:
            notes.append(
                "Không xếp hạng (được đánh giá, công bố chỉ số nhưng không xếp hạng): "
                + "; ".join(f"{r.agency.name} ({format_vi(r.index)}%)" for r in block.unranked_results)
                + "."
            )
        return self.table(spec, data, config, columns, rows, notes)


NOT_RANKED_VI = "Không xếp hạng"


def _published(value: Decimal | None) -> Decimal | None:
    """Points as published: the exact stored value rounded once, half up, to 2 decimals."""
    return None if value is None else publish_round(value)


def _area(result: AgencyResult, code: str) -> Decimal | None:
    raw = result.area_indices.get(code)
    return Decimal(raw) if raw not in (None, "") else None


class BandsExporter(SummaryExporter):
    identifier = "bands"
    verbose_name = _("Bands with their members")

    def name(self, block):
        return "Kết quả xếp nhóm Chỉ số CCHC"

    def build(self, spec, data, config):
        columns = [
            Column("TT", RANK, 6),
            Column("Cơ quan, đơn vị", TEXT, 50),
            Column("Chỉ số CCHC (%)", INDEX, 12),
            Column("Xếp hạng", RANK, 10),
        ]
        rows = []
        for position, block in enumerate(b for b in data.blocks if b.results):
            rows.append(Row([_block_heading(position, block)], "section"))
            for group in block.band_groups():
                label = group.label[:1].lower() + group.label[1:]
                rows.append(Row([f"Nhóm đạt Chỉ số {label}: {units_vi(len(group.members))}"], "section"))
                for number, result in enumerate(group.members, start=1):
                    rows.append(Row([number, result.agency.name, result.index, result.rank]))
        return self.table(spec, data, config, columns, rows)


class HeadClassesExporter(SummaryExporter):
    identifier = "heads"
    verbose_name = _("Heads of agencies by class")

    def name(self, block):
        return "Đánh giá trách nhiệm người đứng đầu về công tác CCHC"

    def build(self, spec, data, config):
        columns = [
            Column("TT", RANK, 6),
            Column("Người đứng đầu", TEXT, 44),
            Column("Chỉ số CCHC (%)", INDEX, 11),
            Column("Chỉ số lĩnh vực thấp nhất (%)", INDEX, 12),
        ]
        rows = []
        for position, block in enumerate(b for b in data.blocks if b.results):
            rows.append(Row([_block_heading(position, block)], "section"))
            for group in block.head_groups():
                label = HEAD_CLASS_VI.get(group.code, group.label)
                rows.append(
                    Row(
                        [f"Nhóm {label[:1].lower()}{label[1:]}: {units_vi(len(group.members))}"],
                        "section",
                    )
                )
                for number, result in enumerate(group.members, start=1):
                    areas = [v for v in (_area(result, a.code) for a in block.areas) if v is not None]
                    rows.append(
                        Row([number, head_of(result.agency), result.index, min(areas) if areas else None])
                    )
        notes = []
        for block in data.blocks[:1]:
            for rule in block.head_rules:
                notes.append(
                    f"{HEAD_CLASS_VI.get(rule.head_class, rule.head_class)}: Chỉ số từ {format_vi(rule.min_index, 0)}% "
                    f"trở lên và chỉ số từng lĩnh vực từ {format_vi(rule.min_area_index, 0)}% trở lên."
                )
        return self.table(spec, data, config, columns, rows, notes)


class ReviewsExporter(SummaryExporter):
    identifier = "reviews"
    verbose_name = _("Agencies that must hold a review")

    def name(self, block):
        return "Cơ quan, đơn vị phải tổ chức kiểm điểm"

    def build(self, spec, data, config):
        columns = [
            Column("TT", RANK, 6),
            Column("Cơ quan, đơn vị", TEXT, 36),
            Column("Lĩnh vực có chỉ số dưới ngưỡng", TEXT, 44),
            Column("Chỉ số CCHC (%)", INDEX, 11),
        ]
        rows = []
        for position, block in enumerate(b for b in data.blocks if b.results):
            reviews = block.reviews()
            rows.append(Row([f"{_block_heading(position, block)}: {units_vi(len(reviews))}"], "section"))
            for number, result in enumerate(reviews, start=1):
                areas = "; ".join(
                    f"{code}. {block.area_title(code)}: {format_vi(_area(result, code))}%"
                    for code in result.review_flags
                )
                rows.append(Row([number, result.agency.name, areas, result.index]))
        notes = []
        for block in data.blocks[:1]:
            if block.review_triggers:
                notes.append(
                    "Phải tổ chức kiểm điểm: cơ quan, đơn vị có chỉ số "
                    + "; ".join(
                        f"lĩnh vực {t.area_code} ({block.area_title(t.area_code)}) dưới {format_vi(t.below, 0)}%"
                        for t in block.review_triggers
                    )
                    + "."
                )
        return self.table(spec, data, config, columns, rows, notes)


class RankChangesExporter(SummaryExporter):
    identifier = "rank_changes"
    verbose_name = _("Rank changes against the previous period")

    def name(self, block):
        return "Thay đổi thứ hạng so với năm trước"

    def build(self, spec, data, config):
        previous = data.previous_period
        columns = [
            Column("TT", RANK, 6),
            Column("Cơ quan, đơn vị", TEXT, 44),
            Column(f"Xếp hạng {previous.year}" if previous else "Xếp hạng năm trước", RANK, 11),
            Column(f"Xếp hạng {data.year}", RANK, 11),
            Column("Tăng (+), giảm (−) bậc", CHANGE, 11),
        ]
        rows = []
        for position, block in enumerate(b for b in data.blocks if b.results):
            rows.append(Row([_block_heading(position, block)], "section"))
            for heading, members in (("Tăng bậc", block.rank_rises()), ("Giảm bậc", block.rank_falls())):
                rows.append(Row([f"{heading}: {units_vi(len(members))}"], "section"))
                for number, result in enumerate(members, start=1):
                    rows.append(
                        Row(
                            [
                                number,
                                result.agency.name,
                                result.rank + result.rank_change,
                                result.rank,
                                result.rank_change,
                            ]
                        )
                    )
        empty = "" if previous else "Kỳ đánh giá này không có kết quả năm trước để so sánh."
        return self.table(spec, data, config, columns, rows, empty=empty)


class SurveyCountsExporter(SummaryExporter):
    identifier = "survey_counts"
    verbose_name = _("Survey questionnaires per respondent group against the plan")

    def name(self, block):
        return "Số phiếu điều tra xã hội học theo nhóm đối tượng"

    def build(self, spec, data, config):
        columns = [
            Column("TT", RANK, 6),
            Column("Nhóm đối tượng lấy ý kiến", TEXT, 50),
            Column("Số phiếu thu về", INT, 11),
            Column("Số phiếu theo kế hoạch", INT, 11),
            Column("Tỷ lệ so với kế hoạch (%)", INDEX, 11),
        ]
        rows = []
        if data.survey.has_responses:
            total_collected = 0
            for position, block in enumerate(data.blocks):
                counts = [c for c in data.survey.counts if c.block_id == block.block.id]
                if not counts:
                    continue
                collected = sum(c.collected for c in counts)
                total_collected += collected
                rows.append(
                    Row(
                        [
                            f"{_block_heading(position, block)}: {format_vi(collected, 0, thousands=True)} phiếu"
                        ],
                        "section",
                    )
                )
                for number, count in enumerate(counts, start=1):
                    share = (Decimal(count.collected) * HUNDRED / count.planned) if count.planned else None
                    rows.append(Row([number, count.group, count.collected, count.planned, share]))
            planned = [c.planned for c in data.survey.counts if c.planned is not None]
            total_planned = sum(planned) if planned else None
            share = Decimal(total_collected) * HUNDRED / total_planned if total_planned else None
            rows.append(Row(["", "Tổng số phiếu", total_collected, total_planned, share], "total"))
        empty = (
            ""
            if rows
            else "Chưa có dữ liệu phiếu điều tra xã hội học (phiếu thu về, kế hoạch) cho kỳ đánh giá này."
        )
        return self.table(spec, data, config, columns, rows, empty=empty)


class SurveyScoresExporter(SummaryExporter):
    identifier = "survey_scores"
    verbose_name = _("Survey points and SIPAS satisfaction per agency")
    per_block = True

    def name(self, block):
        return f"Điểm điều tra xã hội học và SIPAS, {block.block.name}"

    def build(self, spec, data, config):
        block = spec.block
        leaves = [entry.node for entry in block.tree if entry.is_survey and not entry.has_children]
        sipas_leaves = [leaf for leaf in leaves if "sipas" in leaf.title.casefold()]
        columns = [Column("Xếp hạng", RANK, 7), Column("Cơ quan, đơn vị", TEXT, 36)]
        for leaf in leaves:
            group = f"{leaf.code}. {leaf.title} (tối đa {format_vi(leaf.max_points)})"
            columns += [Column("Điểm", POINTS, 8, group=group), Column("Số phiếu", INT, 8, group=group)]
        columns.append(Column("Tỷ lệ hài lòng SIPAS (%)", INDEX, 10))
        rows = []
        from_points = False
        for result in block.results:
            points = block.node_points.get(result.agency_id, {})
            respondents = data.survey.respondents.get(result.agency_id, {})
            cells = [result.rank, result.agency.name]
            for leaf in leaves:
                value = points.get(leaf.id)
                cells += [
                    value.final_points if value and value.applicable else None,
                    respondents.get(leaf.id),
                ]
            satisfied = data.survey.sipas.get(result.agency_id)
            share = None
            if satisfied and satisfied[1]:
                share = Decimal(satisfied[0]) * HUNDRED / satisfied[1]
            elif sipas_leaves:
                value = points.get(sipas_leaves[0].id)
                if value and value.applicable and value.applicable_max:
                    share = value.final_points * HUNDRED / value.applicable_max
                    from_points = True
            rows.append(Row([*cells, share]))
        notes = []
        if from_points:
            notes.append("Tỷ lệ hài lòng SIPAS tính từ điểm SIPAS: điểm đạt được ÷ điểm tối đa × 100.")
        empty = (
            "" if leaves else "Bộ tiêu chí của khối này không có tiêu chí đánh giá qua điều tra xã hội học."
        )
        return self.table(spec, data, config, columns, rows if leaves else [], notes, empty)


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
