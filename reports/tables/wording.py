"""The Vietnamese phrases of the report forms: head classes, counts, rank changes, dates, file names."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from parindex.formatting import format_vi
from scoring.models import HeadClass

from ..selectors import SnapshotData

HUNDRED = Decimal(100)

HEAD_CLASS_VI = {
    HeadClass.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    HeadClass.GOOD: "Hoàn thành tốt nhiệm vụ",
    HeadClass.COMPLETED: "Hoàn thành nhiệm vụ",
    HeadClass.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}


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


MERGED_CHANGE_VI = "Không tính (đơn vị hình thành sau hợp nhất từ nhiều đơn vị)"


def predecessors_vi(former, with_index: bool = True) -> str:
    """ "Xã A: hạng 12 (85,20%); Xã B: không xếp hạng": the former agencies of a merged one."""
    parts = []
    for p in former:
        rank = f"hạng {p.rank}" if p.rank is not None else "không xếp hạng"
        index = f" ({format_vi(p.index)}%)" if with_index and p.index is not None else ""
        parts.append(f"{p.name}: {rank}{index}")
    return "; ".join(parts)


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
