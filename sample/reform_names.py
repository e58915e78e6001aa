"""Names of the made-up reformed province (tỉnh Vân Sơn): its departments, its communes and wards since
1 July 2025 and the former communes each was merged from. Generated from a fixed seed, so every load
gives the same names, codes and mergers (docs/sample-data.md)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

PROVINCE_CODE = "van-son"
PROVINCE_NAME = "Vân Sơn"
SEED = "van-son-2025"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short_name: str
    head_title: str
    predecessors: tuple[str, ...] = field(default=())  # codes of the former units it was merged from


# Departments after the March 2025 reorganisation (14 departments, the office, the inspectorate, the
# economic-zone authority), and four central agencies in the province that are scored but not ranked.
DEPARTMENTS = [
    Unit("vs-vp-ubnd", "Văn phòng UBND tỉnh", "VP UBND tỉnh", "Chánh Văn phòng"),
    Unit("vs-so-noi-vu", "Sở Nội vụ", "Sở Nội vụ", "Giám đốc Sở"),
    Unit("vs-so-tai-chinh", "Sở Tài chính", "Sở Tài chính", "Giám đốc Sở"),
    Unit("vs-so-tu-phap", "Sở Tư pháp", "Sở Tư pháp", "Giám đốc Sở"),
    Unit("vs-so-cong-thuong", "Sở Công Thương", "Sở Công Thương", "Giám đốc Sở"),
    Unit("vs-so-xay-dung", "Sở Xây dựng", "Sở Xây dựng", "Giám đốc Sở"),
    Unit("vs-so-nn-mt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", "Giám đốc Sở"),
    Unit("vs-so-kh-cn", "Sở Khoa học và Công nghệ", "Sở KH&CN", "Giám đốc Sở"),
    Unit("vs-so-gd-dt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Giám đốc Sở"),
    Unit("vs-so-y-te", "Sở Y tế", "Sở Y tế", "Giám đốc Sở"),
    Unit("vs-so-vh-tt-dl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL", "Giám đốc Sở"),
    Unit("vs-so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", "Giám đốc Sở"),
    Unit("vs-so-ngoai-vu", "Sở Ngoại vụ", "Sở Ngoại vụ", "Giám đốc Sở"),
    Unit("vs-so-du-lich", "Sở Du lịch", "Sở Du lịch", "Giám đốc Sở"),
    Unit("vs-thanh-tra", "Thanh tra tỉnh", "Thanh tra tỉnh", "Chánh Thanh tra"),
    Unit("vs-bql-kkt", "Ban Quản lý Khu kinh tế tỉnh", "BQL KKT", "Trưởng ban"),
    Unit("vs-cong-an", "Công an tỉnh", "Công an tỉnh", "Giám đốc Công an tỉnh"),
    Unit("vs-bhxh", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh", "Giám đốc"),
    Unit("vs-thue", "Thuế tỉnh", "Thuế tỉnh", "Trưởng Thuế tỉnh"),
    Unit("vs-kho-bac", "Kho bạc Nhà nước khu vực", "KBNN khu vực", "Giám đốc"),
]
UNRANKED = ("vs-cong-an", "vs-bhxh", "vs-thue", "vs-kho-bac")
NO_UNITS = {"vs-vp-ubnd": ("1.3",), "vs-thanh-tra": ("1.3",)}

FIRST = [
    "An",
    "Bình",
    "Cẩm",
    "Đại",
    "Đông",
    "Đồng",
    "Gia",
    "Hà",
    "Hải",
    "Hòa",
    "Hồng",
    "Hưng",
    "Hương",
    "Kim",
    "Lạc",
    "Lam",
    "Liên",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Nhân",
    "Phú",
    "Phúc",
    "Phong",
    "Quang",
    "Quảng",
    "Sơn",
    "Tân",
    "Thái",
    "Thanh",
    "Thạch",
    "Thiện",
    "Thịnh",
    "Thuận",
    "Tiên",
    "Trung",
    "Trường",
    "Văn",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Đức",
    "Bảo",
    "Cao",
    "Châu",
    "Hiệp",
    "Khánh",
    "Lương",
    "Mỹ",
    "Quỳnh",
    "Tam",
    "Thượng",
    "Vạn",
    "Việt",
    "Hoàng",
    "Kỳ",
    "Lộc",
    "Tường",
]
SECOND = [
    "An",
    "Bình",
    "Cường",
    "Châu",
    "Dương",
    "Đạo",
    "Điền",
    "Đoài",
    "Đông",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hồng",
    "Hợp",
    "Hưng",
    "Khê",
    "Lạc",
    "Lâm",
    "Lập",
    "Lễ",
    "Lợi",
    "Long",
    "Lộc",
    "Minh",
    "Mỹ",
    "Nghĩa",
    "Ninh",
    "Phong",
    "Phú",
    "Phúc",
    "Quang",
    "Sơn",
    "Tân",
    "Thành",
    "Thịnh",
    "Thọ",
    "Thuận",
    "Thủy",
    "Tiến",
    "Trạch",
    "Trung",
    "Tường",
    "Vinh",
    "Xá",
    "Xuyên",
    "Yên",
    "Kiều",
    "Lãng",
    "Liêu",
    "Hiển",
    "Sơn",
    "Định",
    "Nguyên",
    "Tài",
    "Phượng",
]

COMMUNES = 120
WARDS = 22  # of the 120, the first ones are wards (phường)
KEPT = (57, 98)  # two mountain communes kept their boundaries: one predecessor each (renamed unit)


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def _names(rng: random.Random, count: int) -> list[str]:
    pairs = sorted({slug(f"{a} {b}"): f"{a} {b}" for a in FIRST for b in SECOND if a != b}.values())
    rng.shuffle(pairs)
    return pairs[:count]


def _unit(prefix: str, kind: str, name: str) -> Unit:
    head = "Chủ tịch UBND " + kind
    return Unit(
        f"{prefix}{kind[0] if kind != 'thị trấn' else 'tt'}-{slug(name)}",
        f"UBND {kind} {name}",
        f"{kind.capitalize()} {name}",
        head,
    )


def communes(count: int = COMMUNES) -> tuple[list[Unit], list[Unit]]:
    """(the 120 communes and wards since 1 July 2025, the former communes, wards and towns before it).

    A smaller `count` gives a small province of the same shape (the query-count tests compare both)."""
    rng = random.Random(SEED)
    sizes = [
        1 if position in KEPT else rng.choices((2, 3, 4), weights=(35, 45, 20))[0]
        for position in range(count)
    ]
    names = _names(rng, count + sum(sizes))
    new_names, former_names = names[:count], names[count:]
    new, former = [], []
    cursor = 0
    for position, size in enumerate(sizes):
        kind = "phường" if position < WARDS * count // COMMUNES else "xã"
        group = []
        for offset in range(size):
            former_kind = kind if offset else ("thị trấn" if kind == "xã" and rng.random() < 0.15 else kind)
            if kind == "phường" and offset and rng.random() < 0.3:
                former_kind = "xã"  # wards often absorbed neighbouring rural communes
            unit = _unit("vs-cu-", former_kind, former_names[cursor])
            cursor += 1
            group.append(unit)
        former.extend(group)
        # A commune kept as it was takes its own name again; a merged one takes a new name.
        name = group[0].short_name.split(" ", 1)[1] if size == 1 else new_names[position]
        unit = _unit("vs-", kind, name)
        new.append(Unit(unit.code, unit.name, unit.short_name, unit.head_title, tuple(u.code for u in group)))
    return new, former
