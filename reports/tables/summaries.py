"""The summary tables (TH…): ranking, bands, head classes, reviews, rank changes, survey counts and scores."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Hashable
from decimal import Decimal
from functools import partial

from django.utils.translation import gettext_lazy as _

from parindex.formatting import format_vi, format_vi_exact
from scoring.engine import publish_round, published_index
from scoring.models import AgencyResult, HeadClass

from ..selectors import BlockData, SnapshotData
from .exporter import ReportExporter, TableSpec
from .table import CHANGE, INDEX, INT, POINTS, RANK, TEXT, Column, Row, Table
from .wording import HEAD_CLASS_VI, HUNDRED, computed_vi, head_of, predecessors_vi, units_vi


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


def rules_by_block(
    blocks: list[BlockData], rules_of: Callable[[BlockData], Hashable]
) -> list[tuple[list[BlockData], Hashable]]:
    """The blocks grouped by their rules as `rules_of` states them (e.g. the sentences a report prints),
    in block order: one group when every block has the same rules (print them once, naming no block),
    otherwise one group per distinct statement, with the blocks it applies to (name them)."""
    groups: dict[Hashable, list[BlockData]] = {}
    for block in blocks:
        groups.setdefault(rules_of(block), []).append(block)
    return [(members, rules) for rules, members in groups.items()]


def head_rule_classes(blocks: list[BlockData]) -> list[str]:
    """The head classes that some block has a rule for, in the classes' order (best first)."""
    present = {rule.head_class for block in blocks for rule in block.head_rules}
    return [code for code, _label in HeadClass.choices if code in present]


def _listed_blocks(data: SnapshotData) -> list[BlockData]:
    """The blocks a summary table lists (those with results), numbered I, II, … in this order."""
    return [block for block in data.blocks if block.results]


def _headings_vi(blocks: list[BlockData], listed: list[BlockData]) -> str:
    """The blocks as the table's section rows name them: "I. Sở, ban, ngành tỉnh và II. UBND cấp huyện"."""
    names = [_block_heading(listed.index(block), block) for block in blocks]
    return names[0] if len(names) == 1 else "; ".join(names[:-1]) + " và " + names[-1]


def head_floors(block: BlockData, head_class: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """A block's floors (index, every area's index) for one head class, in rule order (usually one)."""
    return tuple((r.min_index, r.min_area_index) for r in block.head_rules if r.head_class == head_class)


def _floors_vi(floors: tuple[tuple[Decimal, Decimal], ...]) -> str:
    return " hoặc ".join(
        f"Chỉ số từ {format_vi_exact(index)}% trở lên và chỉ số từng lĩnh vực từ {format_vi_exact(area)}% trở lên"
        for index, area in floors
    )


def _triggers_vi(block: BlockData) -> str:
    return "; ".join(
        f"lĩnh vực {t.area_code} ({block.area_title(t.area_code)}) dưới {format_vi_exact(t.below)}%"
        for t in block.review_triggers
    )


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
        if any(r.agency_id in data.merged for r in block.results):
            notes.append(
                "Đơn vị hình thành sau hợp nhất từ hai đơn vị trở lên không tính tăng, giảm bậc; xếp hạng năm "
                "trước của các đơn vị trước hợp nhất ở bảng thay đổi thứ hạng và bảng chi tiết của đơn vị."
            )
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
        return self.table(spec, data, config, columns, rows, self.rule_notes(data))

    @staticmethod
    def rule_notes(data: SnapshotData) -> list[str]:
        """Each class's floors, once when every listed block has the same, otherwise per block, naming it."""
        listed = _listed_blocks(data)
        notes = []
        for head_class in head_rule_classes(listed):
            label = HEAD_CLASS_VI.get(head_class, head_class)
            groups = rules_by_block(listed, partial(head_floors, head_class=head_class))
            for blocks, floors in groups:
                if not floors:
                    continue  # these blocks have no rule for the class: the other groups name their own blocks
                named = "" if len(groups) == 1 else f" ({_headings_vi(blocks, listed)})"
                notes.append(f"{label}{named}: {_floors_vi(floors)}.")
        without = [block for block in listed if not block.head_rules]
        if notes and without:
            notes.append(f"Không quy định ngưỡng xếp loại người đứng đầu ({_headings_vi(without, listed)}).")
        return notes


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
        return self.table(spec, data, config, columns, rows, self.trigger_notes(data))

    @staticmethod
    def trigger_notes(data: SnapshotData) -> list[str]:
        """The review triggers, once when every listed block has the same, otherwise per block, naming it."""
        listed = _listed_blocks(data)
        groups = rules_by_block(listed, _triggers_vi)
        notes = []
        for blocks, triggers in groups:
            named = "" if len(groups) == 1 else f" ({_headings_vi(blocks, listed)})"
            if triggers:
                notes.append(f"Phải tổ chức kiểm điểm{named}: cơ quan, đơn vị có chỉ số {triggers}.")
            elif named:
                notes.append(f"Không quy định lĩnh vực phải tổ chức kiểm điểm{named}.")
        return notes


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
            merged = [r for r in block.ranked_results if r.agency_id in data.merged]
            for heading, members in (("Tăng bậc", block.rank_rises()), ("Giảm bậc", block.rank_falls())):
                if merged and not members:
                    continue  # a block of merged agencies only: no empty rises and falls
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
            if merged:
                rows.append(
                    Row(
                        [f"Hình thành sau hợp nhất, không tính tăng, giảm bậc: {units_vi(len(merged))}"],
                        "section",
                    )
                )
                for number, result in enumerate(merged, start=1):
                    rows.append(
                        Row(
                            [number, result.agency.name, predecessors_vi(data.merged[result.agency_id], False),
                             result.rank, None],
                            kinds=[RANK, TEXT, TEXT, RANK, CHANGE],
                        )
                    )  # fmt: skip
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
                    share = (
                        publish_round(Decimal(count.collected) * HUNDRED / count.planned)
                        if count.planned
                        else None
                    )
                    rows.append(Row([number, count.group, count.collected, count.planned, share]))
            planned = [c.planned for c in data.survey.counts if c.planned is not None]
            total_planned = sum(planned) if planned else None
            share = (
                publish_round(Decimal(total_collected) * HUNDRED / total_planned) if total_planned else None
            )
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
                    _published(value.final_points) if value and value.applicable else None,
                    respondents.get(leaf.id),
                ]
            # Published figures only, as every other table: points rounded once, the share rounded half up
            # to 2 decimals (from the published points when it comes from them, as an index does).
            satisfied = data.survey.sipas.get(result.agency_id)
            share = None
            if satisfied and satisfied[1]:
                share = publish_round(Decimal(satisfied[0]) * HUNDRED / satisfied[1])
            elif sipas_leaves:
                value = points.get(sipas_leaves[0].id)
                if value and value.applicable and value.applicable_max:
                    share = published_index(value.final_points, value.applicable_max)
                    from_points = True
            rows.append(Row([*cells, share]))
        notes = []
        if from_points:
            notes.append("Tỷ lệ hài lòng SIPAS tính từ điểm SIPAS: điểm đạt được ÷ điểm tối đa × 100.")
        empty = (
            "" if leaves else "Bộ tiêu chí của khối này không có tiêu chí đánh giá qua điều tra xã hội học."
        )
        return self.table(spec, data, config, columns, rows if leaves else [], notes, empty)
