"""The files officials download: XLSX opened with openpyxl, PDF read with pdftotext/pdftoppm, DOCX with
python-docx; numbers and names checked against the snapshot and the published 2022 facts."""

import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from reports.models import ReportSettings
from reports.selectors import report_settings_get
from reports.services import draft_report_file, table_file, workbook_file
from reports.tables import table_specs
from scoring.engine import publish_round

ROOT = Path(__file__).resolve().parents[2]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def spec_of(data, name):
    return next(spec for spec in table_specs(data) if spec.label == name)


def rows_of(ws):
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_xlsx_detail_table_of_so_giao_thong_van_tai(data, config):
    """A1: sheet "A1", Vietnamese title, every node, index 90.3 stored as a number shown with 2 decimals."""
    report = table_file(spec_of(data, "Sở Giao thông vận tải"), data, config, "xlsx")
    assert report.name == "2022_A01_so-giao-thong-van-tai.xlsx"
    workbook = load_workbook(io.BytesIO(report.content))
    assert workbook.sheetnames == ["A1"]
    ws = workbook["A1"]
    texts = [value for row in rows_of(ws) for value in row if isinstance(value, str)]
    assert "Sở Giao thông vận tải" in texts and "Biểu số A1" in texts
    assert "KẾT QUẢ ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022" in texts
    total_row = next(row for row in ws.iter_rows() if row[1].value == "Tổng cộng")
    index_cell = total_row[6]
    assert index_cell.value == Decimal("90.30") or index_cell.value == pytest.approx(90.3)
    assert index_cell.number_format == "#,##0.00"
    assert isinstance(index_cell.value, int | float | Decimal)
    fact = next(row for row in ws.iter_rows() if row[0].value == "Chỉ số CCHC (%)")
    assert fact[2].value == pytest.approx(90.3) and fact[2].number_format == "#,##0.00"
    # every node's code, in tree order, with its final points as numbers
    block, result = (
        spec_of(data, "Sở Giao thông vận tải").block,
        spec_of(data, "Sở Giao thông vận tải").result,
    )
    codes = [entry.node.code for entry in block.tree]
    header = next(i for i, row in enumerate(ws.iter_rows(values_only=True)) if row[0] == "TT")
    body = list(ws.iter_rows(min_row=header + 2, max_row=header + 1 + len(codes), values_only=True))
    assert [row[0] for row in body] == codes
    points = {row[0]: row[5] for row in body}
    assert sum(Decimal(str(points[node.code])) for node in block.roots) == publish_round(result.points)
    # print set-up: A4 landscape, one page wide, header row repeated
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header + 1}:${header + 1}"


def test_xlsx_workbook_of_all_tables(data, config):
    report = workbook_file(data, config, "rank")
    workbook = load_workbook(io.BytesIO(report.content))
    assert workbook.sheetnames[:3] == ["A1", "A2", "A3"] and "B12" in workbook.sheetnames
    assert len(workbook.sheetnames) == len(table_specs(data))
    ranking = workbook["TH1"]
    rows = rows_of(ranking)
    header = next(i for i, row in enumerate(rows) if row[0] == "Xếp hạng")
    body = rows[header + 2 : header + 2 + 18]  # two header rows: the area indices are grouped
    assert [row[1] for row in body] == [r.agency.name for r in data.blocks[0].results]
    assert body[0][4] == pytest.approx(90.3) and body[-1][4] == pytest.approx(72.93)
    assert ranking.cell(row=header + 3, column=5).number_format == "#,##0.00"
    assert ranking.print_title_rows == f"${header + 1}:${header + 2}"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "table.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_poppler
def test_pdf_detail_table_text_and_fonts(data, config, tmp_path):
    """The PDF says 90,30 and Sở Giao thông vận tải, numbers its pages, and embeds its fonts."""
    report = table_file(spec_of(data, "Sở Giao thông vận tải"), data, config, "pdf")
    assert report.name == "2022_A01_so-giao-thong-van-tai.pdf" and report.content.startswith(b"%PDF")
    text = pdf_text(report.content, tmp_path)
    assert "Sở Giao thông vận tải" in text and "90,30" in text and "90.30" not in text
    assert "Biểu số A1" in text and "Trang 1/" in text
    assert "Hoàn thành xuất sắc nhiệm vụ" in text and "Từ 90% trở lên" in text
    pages = int(text.count("\f")) or 1
    assert text.count("Nội dung đánh giá") >= pages  # the header row repeats on every page
    fonts = subprocess.run(["pdffonts", str(tmp_path / "table.pdf")], capture_output=True, text=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all(" yes " in line for line in lines)  # every font embedded


@needs_poppler
def test_pdf_summary_tables_match_the_published_facts(data, config, tmp_path):
    specs = {spec.exporter.identifier: spec for spec in table_specs(data) if not spec.is_detail}
    bands = pdf_text(table_file(specs["bands"], data, config, "pdf").content, tmp_path)
    assert "Nhóm đạt Chỉ số từ 90% trở lên: 03 đơn vị" in bands
    assert "Nhóm đạt Chỉ số từ 80% đến dưới 90%: 14 đơn vị" in bands
    assert "Nhóm đạt Chỉ số từ 70% đến dưới 80%: 01 đơn vị" in bands
    assert bands.count("UBND huyện Kim Thành") == 1
    heads = pdf_text(table_file(specs["heads"], data, config, "pdf").content, tmp_path)
    assert "Giám đốc Sở Y tế" in heads and "Chủ tịch UBND huyện Thanh Hà" in heads
    assert (
        "Nhóm hoàn thành tốt nhiệm vụ: 13 đơn vị" in heads
        and "Nhóm hoàn thành tốt nhiệm vụ: 08 đơn vị" in heads
    )


@needs_poppler
def test_pdf_page_image(data, tmp_path):
    """A page of A1 with the province's settings, rendered to PNG (kept in docs/screenshots/ with
    SAVE_SCREENSHOTS=1); the settings' issuer, place and signer are printed."""
    config = ReportSettings.objects.create(
        issuer_name="ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG",
        place_name="Hải Dương",
        table_signer_right_name="Nguyễn Văn A",
    )
    report = table_file(spec_of(data, "Sở Giao thông vận tải"), data, report_settings_get(), "pdf")
    assert config.pk and "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG" in pdf_text(report.content, tmp_path)
    pdf = tmp_path / "a1.pdf"
    pdf.write_bytes(report.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = (tmp_path / "page.png").read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 20_000
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots" / "report-page.png"
        target.write_bytes(image)


def test_docx_draft_report(data, config):
    """The draft lists the bands, heads, reviews and rank changes with names, from the snapshot."""
    report = draft_report_file(data, config)
    assert report.name == "2022_bao-cao-ket-qua.docx"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert "Có 03 đơn vị (gồm: Sở Giao thông vận tải, Sở Nội vụ, Sở Khoa học và Công nghệ)" in text
    assert "dưới 80% so với điểm tối đa: Có 01 đơn vị (gồm: Sở Y tế)" in text
    assert "Có 02 đơn vị (gồm: UBND huyện Nam Sách, UBND huyện Kim Thành)" in text
    assert text.count("UBND huyện Kim Thành") == 3  # band, head class, rank change: once each
    assert (
        "Nhóm hoàn thành nhiệm vụ: Có 02 đơn vị (gồm: Trưởng Ban Quản lý các khu công nghiệp tỉnh, Giám đốc Sở Y tế)"
        in text
    )
    assert "từ biểu số A1 đến A18" in text and "từ biểu số B1 đến B12" in text
    assert "từ ngày 25/12/2022 đến 24 giờ ngày 10/01/2023" in text
    assert "từ ngày 11/01/2023 đến ngày 16/01/2023" in text
    assert "71,5/100 điểm" in text and "14,5 điểm" in text and "28,5/100 điểm" in text
    assert "có 06 cơ quan, đơn vị thuộc diện phải kiểm điểm" in text
    assert "Sở Giáo dục và Đào tạo (tăng 07 bậc)" in text and "UBND thành phố Hải Dương (giảm 07 bậc)" in text


def test_same_snapshot_same_bytes(data, config):
    """Rendering again gives identical XLSX, DOCX and PDF bytes (fixed dates, no timestamps)."""
    spec = spec_of(data, "Sở Y tế")
    for fmt in ("xlsx", "pdf"):
        assert table_file(spec, data, config, fmt).content == table_file(spec, data, config, fmt).content
    assert workbook_file(data, config, "rank").content == workbook_file(data, config, "rank").content
    assert draft_report_file(data, config).content == draft_report_file(data, config).content
    with zipfile.ZipFile(io.BytesIO(table_file(spec, data, config, "xlsx").content)) as archive:
        stamp = data.stamp
        assert {info.date_time[:3] for info in archive.infolist()} == {(stamp.year, stamp.month, stamp.day)}


@pytest.mark.parametrize("count", [1, 2, 3, 4, 9])
def test_xlsx_form_fits_any_number_of_columns(count):
    """The form's head and signature blocks are laid out for narrow tables too (no overlapping merges)."""
    from datetime import datetime

    from reports.tables import INDEX, Column, Row, Signature, Table
    from reports.writers.xlsx import workbook_bytes

    table = Table(
        key="TH1",
        file_stem="x",
        issuer=["ỦY BAN NHÂN DÂN TỈNH", "HỘI ĐỒNG"],
        titles=["TIÊU ĐỀ"],
        subtitles=["phụ đề"],
        columns=[Column(f"C{i}", INDEX, 8) for i in range(count)],
        rows=[Row([Decimal("90.30")] * count)],
        notes=["ghi chú"],
        signature=Signature(
            "NGƯỜI LẬP BIỂU", "Ngày 01 tháng 03 năm 2023", "TM. HỘI ĐỒNG", "CHỦ TỊCH", "Nguyễn Văn A"
        ),
    )
    workbook = load_workbook(io.BytesIO(workbook_bytes([table], stamp=datetime(2023, 3, 1, 8, 0))))
    values = [v for row in workbook["TH1"].iter_rows(values_only=True) for v in row if v is not None]
    assert "Biểu số TH1" in values and "Nguyễn Văn A" in values and "NGƯỜI LẬP BIỂU" in values or count == 1
