"""The draft report (báo cáo kết quả) as DOCX, with the sections of the official report (seed 002)
filled from the snapshot: objects assessed, method and maxima, survey counts, timeline, results by
band, heads by class, reviews and rank changes. Sections that are judgement (assessment, causes,
tasks) are left as highlighted placeholders for the officials who edit the draft."""

from __future__ import annotations

import io
from datetime import UTC, timedelta
from functools import partial

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from agencies.models import WindowKind
from parindex.formatting import format_vi, format_vi_exact

from ..models import ReportSettings
from ..selectors import BlockData, SnapshotData
from ..tables import HEAD_CLASS_VI, count_vi, date_line, head_of, rank_change_vi
from ..tables.summaries import head_floors, head_rule_classes, rules_by_block
from .archive import zip_normalize

FONT = "Times New Roman"
PLACEHOLDER = "[Nội dung do cơ quan soạn thảo bổ sung.]"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def inline(name: str) -> str:
    """A block's name inside a sentence: "Sở, ban, ngành tỉnh" → "sở, ban, ngành tỉnh"; acronyms stay (UBND)."""
    first = name.split(" ", 1)[0].rstrip(",")
    return name if first.isupper() else name[:1].lower() + name[1:]


def points_vi(value) -> str:
    """Maxima as the report writes them: 14,5 and 10, not 14,50 and 10,00."""
    text = format_vi(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def window_phrase(window, *, deadline: bool = False) -> str:
    """“từ ngày 25/12/2022 đến 24 giờ ngày 10/01/2023”: a window ending at midnight ends the day before."""
    start, end = timezone.localtime(window.starts_at), timezone.localtime(window.ends_at)
    if end.hour == 0 and end.minute == 0:
        last = end - timedelta(days=1)
        until = f"24 giờ ngày {last:%d/%m/%Y}" if deadline else f"ngày {last:%d/%m/%Y}"
    else:
        until = f"{end:%H} giờ {end:%M} ngày {end:%d/%m/%Y}"
    return f"từ ngày {start:%d/%m/%Y} đến {until}"


class _Writer:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        normal = self.document.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.first_line_indent = Cm(1)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def para(
        self,
        text: str = "",
        *,
        bold=False,
        italic=False,
        center=False,
        indent=True,
        size=None,
        placeholder=False,
    ):
        paragraph = self.document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if center or not indent:
            paragraph.paragraph_format.first_line_indent = Cm(0)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
            if placeholder:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return paragraph

    def mixed(self, *parts: tuple[str, str]):
        """A paragraph of runs: ("b", text) bold, ("i", text) italic, ("", text) plain."""
        paragraph = self.document.add_paragraph()
        for style, text in parts:
            run = paragraph.add_run(text)
            run.bold, run.italic = "b" in style, "i" in style
        return paragraph

    def heading(self, text: str):
        return self.para(text, bold=True, indent=True)

    def two_columns(self, left: list[tuple[str, str]], right: list[tuple[str, str]], widths=(7.0, 9.0)):
        """A borderless two-column block (form heads, recipients and signature)."""
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, lines, width in zip(table.rows[0].cells, (left, right), widths, strict=True):
            cell.width = Cm(width)
            first = True
            for style, text in lines:
                paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
                first = False
                paragraph.paragraph_format.first_line_indent = Cm(0)
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if "l" in style else WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(text)
                run.bold, run.italic = "b" in style, "i" in style
                run.font.size = Pt(12 if "s" in style else 13)
        return table


def _inline_names(blocks: list[BlockData]) -> str:
    """Blocks inside a sentence: "sở, ban, ngành tỉnh và UBND cấp huyện"."""
    names = [inline(block.block.name) for block in blocks]
    return names[0] if len(names) == 1 else "; ".join(names[:-1]) + " và " + names[-1]


def _floors_vi(floors) -> str:
    """One head class's floors as configured (92,5%, 90%): "chỉ số tổng hợp đạt từ 90% trở lên …"."""
    return " hoặc ".join(
        f"chỉ số tổng hợp đạt từ {format_vi_exact(index)}% trở lên so với điểm tối đa; chỉ số ở từng lĩnh vực "
        f"đạt từ {format_vi_exact(area)}% trở lên"
        for index, area in floors
    )


def _triggers_vi(block: BlockData) -> str:
    """A block's review triggers as configured: "Cải cách thủ tục hành chính (dưới 75%), …"."""
    return ", ".join(
        f"{block.area_title(t.area_code)} (dưới {format_vi_exact(t.below)}%)" for t in block.review_triggers
    )


def _names(members, *, heads=False) -> str:
    return ", ".join(head_of(r.agency) if heads else r.agency.name for r in members)


def _with_list(count: int, names: str) -> str:
    return f"Có {count_vi(count)} đơn vị (gồm: {names})." if count else "Không có."


def _table_range(block: BlockData) -> str:
    size = len(block.results)
    first, last = f"{block.prefix}1", f"{block.prefix}{size}"
    return (
        f"đối với {inline(block.block.name)} từ biểu số {first} đến {last}"
        if size > 1
        else f"đối với {inline(block.block.name)}: biểu số {first}"
    )


def _leaves_are_survey(block: BlockData, node) -> bool:
    children = [e for e in block.tree if e.node.parent_id == node.id]
    return bool(children) and all(e.is_survey for e in children)


def report_docx(data: SnapshotData, config: ReportSettings) -> bytes:
    """The draft report: its front matter, parts I–VI in order, the signature block; fixed dates, so the
    same snapshot gives the same bytes."""
    w = _Writer()
    title = _front_matter(w, data, config)
    blocks = [block for block in data.blocks if block.results]
    _organisation(w, data, blocks)
    _results_by_band(w, blocks)
    _heads_of_agencies(w, blocks)
    _reviews(w, blocks, data.year)
    _rank_changes(w, data, blocks)
    _closing(w, config)
    return _docx_bytes(w, title, data.stamp)


def _front_matter(w: _Writer, data: SnapshotData, config: ReportSettings) -> str:
    """The issuer and national motto, the report's title; returns the title."""
    year = data.year
    issuer = [("b", line) for line in (config.issuer_name,) if line]
    w.two_columns(
        [*issuer, ("", "—————"), ("", config.report_number)],
        [
            ("b", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("b", "Độc lập - Tự do - Hạnh phúc"),
            ("", "—————————————"),
            ("i", date_line(config.place_name, data.report_date)),
        ],
    )
    w.para()
    w.para("BÁO CÁO", bold=True, center=True)
    title = config.report_title.replace("{year}", str(year)).replace("{period}", data.period.name)
    w.para(title, bold=True, center=True)
    w.para("Phần thứ nhất", bold=True, center=True)
    w.para(f"KẾT QUẢ ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}", bold=True, center=True)
    return title


def _organisation(w: _Writer, data: SnapshotData, blocks: list[BlockData]) -> None:
    """I. Who was assessed, the method, the survey and the steps of the assessment."""
    w.heading("I. CÔNG TÁC TRIỂN KHAI ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH")
    w.heading("1. Đối tượng đánh giá, xác định Chỉ số CCHC")
    for block in blocks:
        w.para(f"- {block.block.name}: {count_vi(len(block.results))} cơ quan, đơn vị.")
    _method(w, blocks)
    _survey_counts(w, data, blocks)
    _process(w, data)


def _method(w: _Writer, blocks: list[BlockData]) -> None:
    """I.2. Each block's areas and points, by evidence and by survey."""
    w.heading("2. Phương pháp xác định")
    for position, block in enumerate(blocks):
        w.mixed(("b", f"{chr(ord('a') + position)}) Đối với Chỉ số CCHC của {inline(block.block.name)}"))
        total = points_vi(block.max_total)
        evidence = [n for n in block.roots if n.is_area and not _leaves_are_survey(block, n)]
        if evidence:
            subtotal = points_vi(sum((n.max_points for n in evidence), 0))
            w.mixed(
                ("", f"- Đánh giá CCHC theo {len(evidence):02d} nội dung ("),
                ("i", "thông qua các tài liệu kiểm chứng"),
                ("", "), tổng số điểm là "),
                ("b", f"{subtotal}/{total} điểm"),
                ("", ", gồm:"),
            )
            for node in evidence:
                w.para(f"+ {node.title}: {points_vi(node.max_points)} điểm.")
        for node in block.roots:
            if node in evidence or node.is_bonus:
                continue
            survey = _leaves_are_survey(block, node)
            children = [e.node for e in block.tree if e.node.parent_id == node.id]
            how = "thông qua kết quả điều tra xã hội học" if survey else "thông qua các tài liệu kiểm chứng"
            said = any(
                words in node.title.casefold() for words in ("điều tra xã hội học", "tài liệu kiểm chứng")
            )
            w.mixed(
                ("", f"- {node.title}"),
                ("i", "" if said else f" ({how})"),
                ("", ", tổng số điểm là "),
                ("b", f"{points_vi(node.max_points)}/{total} điểm"),
                ("", ", trong đó:" if children and survey else "."),
            )
            if survey:
                for child in children:
                    w.para(f"+ {child.title}: {points_vi(child.max_points)} điểm.")
        for node in block.roots:
            if node.is_bonus:
                w.para(
                    f"- {node.title}: tối đa {points_vi(node.max_points)} điểm, không tính vào tổng điểm tối đa."
                )


def _survey_counts(w: _Writer, data: SnapshotData, blocks: list[BlockData]) -> None:
    """I.3. Questionnaires collected, per block and respondent group."""
    w.heading("3. Tổ chức điều tra xã hội học")
    if data.survey.has_responses:
        total = sum(c.collected for c in data.survey.counts)
        w.mixed(
            ("", "Tổng số Phiếu điều tra là "),
            ("b", f"{format_vi(total, 0, thousands=True)} Phiếu"),
            ("", ". Cụ thể:"),
        )
        for position, block in enumerate(blocks, start=1):
            counts = [c for c in data.survey.counts if c.block_id == block.block.id]
            if not counts:
                continue
            collected = format_vi(sum(c.collected for c in counts), 0, thousands=True)
            w.para(
                f"3.{position}. Điều tra về công tác CCHC đối với {inline(block.block.name)} là {collected} phiếu, gồm:"
            )
            for count in counts:
                w.para(f"- {count.group}: {format_vi(count.collected, 0, thousands=True)} Phiếu;")
    else:
        w.para("Hệ thống chưa có số phiếu điều tra theo nhóm đối tượng của kỳ đánh giá này.", italic=True)
        w.para(PLACEHOLDER, placeholder=True)


def _process(w: _Writer, data: SnapshotData) -> None:
    """I.4. Self-assessment and appraisal, with their windows."""
    w.heading("4. Quy trình đánh giá, chấm điểm")
    windows = data.windows
    w.heading("4.1. Công tác tự đánh giá, chấm điểm của cơ quan, đơn vị")
    if WindowKind.SELF_ASSESSMENT in windows:
        phrase = window_phrase(windows[WindowKind.SELF_ASSESSMENT], deadline=True)
        w.para(
            "Các cơ quan, đơn vị tự rà soát, thu thập tài liệu kiểm chứng, tự đánh giá, chấm điểm theo từng tiêu chí, "
            f"tiêu chí thành phần và đăng tải kết quả kèm tài liệu kiểm chứng trên phần mềm {phrase}."
        )
    w.heading("4.2. Công tác thẩm định")
    for kind, text in (
        (WindowKind.APPRAISAL, "Thành viên Tổ thư ký thẩm định kết quả tự đánh giá, chấm điểm"),
        (WindowKind.EXPLANATION, "Các cơ quan, đơn vị giải trình kết quả thẩm định"),
        (WindowKind.REAPPRAISAL, "Tổ thư ký thẩm định lại các nội dung được giải trình"),
        (WindowKind.COUNCIL, "Hội đồng đánh giá, xác định Chỉ số CCHC xem xét kết quả"),
    ):
        if kind in windows:
            w.mixed(("", f"- {text} ("), ("i", window_phrase(windows[kind])), ("", ")."))


def _results_by_band(w: _Writer, blocks: list[BlockData]) -> None:
    """II. Each block's agencies by band."""
    w.heading("II. KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CCHC")
    for position, block in enumerate(blocks, start=1):
        groups = block.band_groups()
        w.heading(f"{position}. Chỉ số CCHC của {inline(block.block.name)}")
        w.para(
            f"Kết quả Chỉ số CCHC của {inline(block.block.name)} được xác định thành {len(groups):02d} nhóm điểm:"
        )
        for group in groups:
            label = group.label[:1].lower() + group.label[1:]
            w.para(
                f"- Nhóm đạt Chỉ số tổng hợp {label} so với điểm tối đa: {_with_list(len(group.members), _names(group.members))}"
            )


def _heads_of_agencies(w: _Writer, blocks: list[BlockData]) -> None:
    """III. The head-class rules and each block's heads by class."""
    w.heading("III. ĐÁNH GIÁ TRÁCH NHIỆM CỦA NGƯỜI ĐỨNG ĐẦU CƠ QUAN HÀNH CHÍNH VỀ CÔNG TÁC CCHC")
    for head_class in head_rule_classes(blocks):
        label = HEAD_CLASS_VI.get(head_class, head_class).lower()
        groups = rules_by_block(blocks, partial(head_floors, head_class=head_class))
        for members, floors in groups:
            if floors:
                named = "" if len(groups) == 1 else f" đối với {_inline_names(members)}"
                w.para(f"- Nhóm {label}{named}: {_floors_vi(floors)}.")
    without = [block for block in blocks if not block.head_rules]
    if without and len(without) < len(blocks):
        w.para(f"- Không quy định mức xếp loại đối với người đứng đầu {_inline_names(without)}.")
    for position, block in enumerate(blocks, start=1):
        w.heading(f"{position}. Đối với người đứng đầu {inline(block.block.name)}")
        for group in block.head_groups():
            label = HEAD_CLASS_VI.get(group.code, group.label).lower()
            w.para(f"- Nhóm {label}: " + _with_list(len(group.members), _names(group.members, heads=True)))
    ranges = "; ".join(_table_range(block) for block in blocks)
    w.para(
        f"(Kết quả cụ thể của từng cơ quan, đơn vị có các biểu kèm theo báo cáo, cụ thể: {ranges}.)",
        italic=True,
    )


def _reviews(w: _Writer, blocks: list[BlockData], year: int) -> None:
    """IV. Agencies that must hold a review."""
    w.heading("IV. CƠ QUAN, ĐƠN VỊ PHẢI TỔ CHỨC KIỂM ĐIỂM")
    groups = rules_by_block(blocks, _triggers_vi)
    for members, areas in groups:
        if len(groups) == 1:
            if areas:
                w.para(f"Cơ quan, đơn vị có chỉ số lĩnh vực {areas} phải tổ chức kiểm điểm.")
        elif areas:
            w.para(
                f"Đối với {_inline_names(members)}: cơ quan, đơn vị có chỉ số lĩnh vực {areas} phải tổ chức kiểm điểm."
            )
        else:
            w.para(f"Đối với {_inline_names(members)}: không quy định lĩnh vực phải tổ chức kiểm điểm.")
    reviewed = [(block, result) for block in blocks for result in block.reviews()]
    if reviewed:
        items = "; ".join(
            f"{result.agency.name} (lĩnh vực {', '.join(block.area_title(code) for code in result.review_flags)})"
            for block, result in reviewed
        )
        w.para(
            f"Năm {year} có {count_vi(len(reviewed))} cơ quan, đơn vị thuộc diện phải kiểm điểm, gồm: {items}."
        )
    else:
        w.para(f"Năm {year} không có cơ quan, đơn vị nào thuộc diện phải kiểm điểm.")


def _rank_changes(w: _Writer, data: SnapshotData, blocks: list[BlockData]) -> None:
    """V. Rises and falls against the previous period."""
    year = data.year
    previous = data.previous_period
    w.heading(f"V. THAY ĐỔI THỨ HẠNG SO VỚI NĂM {previous.year if previous else year - 1}")
    if previous is None:
        w.para("Kỳ đánh giá này không có kết quả năm trước để so sánh.")
    for block in blocks if previous else []:
        rises, falls = block.rank_rises(), block.rank_falls()
        w.mixed(("b", f"- {block.block.name}:"))
        w.para(
            "+ Tăng bậc: "
            + ("; ".join(f"{r.agency.name} ({rank_change_vi(r.rank_change)})" for r in rises) or "không có")
            + "."
        )
        w.para(
            "+ Giảm bậc: "
            + ("; ".join(f"{r.agency.name} ({rank_change_vi(r.rank_change)})" for r in falls) or "không có")
            + "."
        )


def _closing(w: _Writer, config: ReportSettings) -> None:
    """VI. What the officials write, part two, recipients and signature."""
    w.heading("VI. NHẬN XÉT CHUNG")
    for heading in ("1. Ưu điểm", "2. Tồn tại, hạn chế", "3. Nguyên nhân của tồn tại, hạn chế"):
        w.heading(heading)
        w.para(PLACEHOLDER, placeholder=True)
    w.para("Phần thứ hai", bold=True, center=True)
    w.para("MỘT SỐ NHIỆM VỤ VÀ GIẢI PHÁP TRONG THỜI GIAN TỚI", bold=True, center=True)
    w.para(PLACEHOLDER, placeholder=True)
    w.para()
    recipients = [("bil", "Nơi nhận:")] + [
        ("ls", line) for line in config.recipients.splitlines() if line.strip()
    ]
    signer = [("b", line) for line in (config.signer_authority, config.signer_title) if line]
    w.two_columns(
        recipients, [*signer, ("", ""), ("", ""), ("", ""), ("b", config.signer_name)], widths=(8.0, 8.0)
    )


def _docx_bytes(w: _Writer, title: str, stamp) -> bytes:
    """The document with fixed properties and zip dates (the snapshot's stamp)."""
    properties = w.document.core_properties
    moment = stamp.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    properties.author = properties.last_modified_by = "ParIndex"
    properties.title = title
    properties.created = properties.modified = properties.last_printed = moment
    properties.revision = 1
    buffer = io.BytesIO()
    w.document.save(buffer)
    return zip_normalize(buffer.getvalue(), stamp.replace(microsecond=0))
