"""The A/B tables: one agency's detail (every criterion: max, self, appraised, final, area index)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from parindex.formatting import format_vi, format_vi_exact

from ..models import ReportSettings
from ..selectors import SnapshotData
from .exporter import ReportExporter, TableSpec
from .summaries import NOT_RANKED_VI, _published
from .table import CODE, INDEX, POINTS, TEXT, Column, Row, Table
from .wording import HEAD_CLASS_VI, MERGED_CHANGE_VI, ascii_slug, computed_vi, predecessors_vi, rank_change_vi

ROUNDED_PARTS_VI = (
    "Điểm của từng dòng và dòng tổng đều làm tròn một lần từ điểm chính xác, đến 2 chữ số thập phân, "
    "nên cộng các dòng có thể chênh 0,01 với dòng tổng."
)
POINT_COLUMNS = (3, 4, 5)  # self-assessed, appraised, final


def _printed_parts_add_up(tree, rows: list[Row]) -> bool:
    """Whether, in each points column, every printed node's points are the sum of its children's printed
    points and the total row the sum of the top-level rows'. `rows` are the tree's rows, in its order, then
    the total row. A bonus node is capped at its max, so its children are not summed; a node not
    applicable prints nothing and adds nothing."""
    cells = {entry.node.id: row.cells for entry, row in zip(tree, rows, strict=False)}
    children: dict[int | None, list[int]] = {}
    bonus = set()
    for entry in tree:
        children.setdefault(entry.node.parent_id, []).append(entry.node.id)
        if entry.node.is_bonus:
            bonus.add(entry.node.id)
    for parent_id, child_ids in children.items():
        if parent_id in bonus:
            continue
        parent = rows[len(tree)].cells if parent_id is None else cells[parent_id]
        for column in POINT_COLUMNS:
            if parent[column] is None:
                continue
            if sum((cells[c][column] or Decimal(0) for c in child_ids), Decimal(0)) != parent[column]:
                return False
    return True


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
            elif (
                points is not None
                and entry.has_children
                and not node.is_bonus
                and points.applicable_max != node.max_points
            ):
                # Some criterion under it is not applicable: its points and index are out of this max.
                notes.append(f"Điểm tối đa áp dụng: {format_vi(points.applicable_max)}")
            if node.is_bonus and entry.depth == 0:
                notes.append("Điểm thưởng, không tính vào điểm tối đa")
            if entry.is_survey and not entry.has_children:
                notes.append("Điều tra xã hội học")
            area_index = None
            if node.is_area:
                raw = result.area_indices.get(node.code)
                area_index = Decimal(raw) if raw not in (None, "") else None
                if node.code in result.review_flags:
                    notes.append(f"Dưới {format_vi_exact(triggers.get(node.code))}%: phải kiểm điểm")
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
        former = data.merged.get(result.agency_id, [])
        change = MERGED_CHANGE_VI if former else rank_change_vi(result.rank_change)
        reviews = (
            "Có: " + "; ".join(f"lĩnh vực {code} ({block.area_title(code)})" for code in result.review_flags)
            if result.review_flags
            else "Không"
        )
        rows += [
            Row(["Chỉ số CCHC (%)", result.index], "fact", kinds=[TEXT, INDEX]),
            Row(["Chỉ số tự đánh giá (%)", result.self_index], "fact", kinds=[TEXT, INDEX]),
            Row(["Xếp hạng", f"{result.rank}/{block_size}" if result.ranked else NOT_RANKED_VI], "fact"),
            Row(["Tăng, giảm bậc so với năm trước", change], "fact"),
            *(
                [Row(["Xếp hạng năm trước của các đơn vị trước hợp nhất", predecessors_vi(former)], "fact")]
                if former
                else []
            ),
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
        if not _printed_parts_add_up(block.tree, rows):
            notes.append(ROUNDED_PARTS_VI)
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
