"""Hải Dương's agencies and the targets the sample data is calibrated to.

Published (seeds 000, 002): the names, both 2022 rank orders, the indices 90,30 / 90,06 / 90,04 / 72,93 /
90,89 / 79,06, the bands, head classes, review flags and rank changes. Everything else (other indices,
area profiles, 2021 indices, leaf inputs, survey values) is made up to agree with them: docs/sample-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEPARTMENTS_BLOCK = ("so-nganh", "Sở, ban, ngành tỉnh", "A")
DISTRICTS_BLOCK = ("ubnd-huyen", "UBND các huyện, thị xã, thành phố", "B")


@dataclass(frozen=True)
class Target:
    """One agency-year: the index to reproduce, area fractions forced (others follow), bonus, rank sought."""

    index: str
    areas: dict[str, str] = field(default_factory=dict)
    bonus: str = "0"


@dataclass(frozen=True)
class SampleAgency:
    code: str
    name: str
    short_name: str
    head_title: str
    not_applicable: tuple[str, ...]
    y2021: Target
    y2022: Target


NO_UNITS = ("1.3",)  # no subordinate units to inspect

# Official list order (position); 2022 targets in the published rank order, 2021 chosen so the published
# rank changes follow (2021 ranks: GTVT 1, KH&CN 2, TT&TT 3, VP 4, NV 5, NN 6, CT 7, VH 8, TC 9, XD 10,
# TT 11, KH&ĐT 12, TN&MT 13, TP 14, LĐ 15, GD 16, BQL 17, YT 18).
DEPARTMENTS = [
    SampleAgency(
        "vp-ubnd",
        "Văn phòng UBND tỉnh",
        "VP UBND tỉnh",
        "Chánh Văn phòng",
        NO_UNITS,
        Target("87.33"),
        Target("88.74"),
    ),
    SampleAgency(
        "so-noi-vu",
        "Sở Nội vụ",
        "Sở Nội vụ",
        "Giám đốc Sở",
        (),
        Target("86.90"),
        Target("90.06", bonus="0.5"),
    ),
    SampleAgency(
        "so-tu-phap", "Sở Tư pháp", "Sở Tư pháp", "Giám đốc Sở", (), Target("81.50"), Target("81.27")
    ),
    SampleAgency(
        "so-khdt",
        "Sở Kế hoạch và Đầu tư",
        "Sở KH&ĐT",
        "Giám đốc Sở",
        (),
        Target("82.90"),
        Target("81.93", areas={"3": "0.71875"}),
    ),
    SampleAgency(
        "so-tai-chinh", "Sở Tài chính", "Sở Tài chính", "Giám đốc Sở", (), Target("84.60"), Target("84.02")
    ),
    SampleAgency(
        "so-cong-thuong",
        "Sở Công Thương",
        "Sở Công Thương",
        "Giám đốc Sở",
        (),
        Target("85.70"),
        Target("86.91"),
    ),
    SampleAgency(
        "so-nn-ptnt",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        "Giám đốc Sở",
        (),
        Target("86.20"),
        Target("88.12"),
    ),
    SampleAgency(
        "so-gtvt",
        "Sở Giao thông vận tải",
        "Sở GTVT",
        "Giám đốc Sở",
        (),
        Target("89.12", bonus="0.5"),
        Target("90.30", bonus="0.5"),
    ),
    SampleAgency(
        "so-xay-dung", "Sở Xây dựng", "Sở Xây dựng", "Giám đốc Sở", (), Target("84.00"), Target("86.23")
    ),
    SampleAgency(
        "so-tn-mt",
        "Sở Tài nguyên và Môi trường",
        "Sở TN&MT",
        "Giám đốc Sở",
        (),
        Target("82.20"),
        Target("82.64"),
    ),
    SampleAgency(
        "so-tt-tt",
        "Sở Thông tin và Truyền thông",
        "Sở TT&TT",
        "Giám đốc Sở",
        (),
        Target("88.01"),
        Target("87.45"),
    ),
    SampleAgency(
        "so-ldtbxh",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở LĐ-TB&XH",
        "Giám đốc Sở",
        (),
        Target("80.70"),
        Target("83.18", areas={"7": "0.72"}),
    ),
    SampleAgency(
        "so-vhttdl",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VH-TT&DL",
        "Giám đốc Sở",
        (),
        Target("85.10"),
        Target("85.07"),
    ),
    SampleAgency(
        "so-khcn", "Sở Khoa học và Công nghệ", "Sở KH&CN", "Giám đốc Sở", (), Target("88.45"), Target("90.04")
    ),
    SampleAgency(
        "so-gd-dt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Giám đốc Sở", (), Target("79.80"), Target("85.61")
    ),
    SampleAgency(
        "so-y-te",
        "Sở Y tế",
        "Sở Y tế",
        "Giám đốc Sở",
        (),
        Target("74.10", areas={"3": "0.65", "7": "0.70"}),
        Target("72.93", areas={"3": "0.625", "7": "0.61"}),
    ),
    SampleAgency(
        "thanh-tra",
        "Thanh tra tỉnh",
        "Thanh tra tỉnh",
        "Chánh Thanh tra",
        NO_UNITS,
        Target("83.40"),
        Target("84.55"),
    ),
    SampleAgency(
        "bql-kcn",
        "Ban Quản lý các khu công nghiệp tỉnh",
        "BQL các KCN",
        "Trưởng Ban",
        (),
        Target("78.40", areas={"3": "0.70"}),
        Target("80.58", areas={"3": "0.6875"}),
    ),
]

# 2021 ranks: TP HD 1, Nam Sách 2, Chí Linh 3, Kinh Môn 4, Gia Lộc 5, Tứ Kỳ 6, Thanh Miện 7, Thanh Hà 8,
# Cẩm Giàng 9, Kim Thành 10, Bình Giang 11, Ninh Giang 12 (no district head excellent in 2021).
DISTRICTS = [
    SampleAgency(
        "tp-hai-duong",
        "UBND thành phố Hải Dương",
        "TP. Hải Dương",
        "Chủ tịch UBND",
        (),
        Target("88.76"),
        Target("85.42"),
    ),
    SampleAgency(
        "chi-linh",
        "UBND thành phố Chí Linh",
        "TP. Chí Linh",
        "Chủ tịch UBND",
        (),
        Target("87.40"),
        Target("88.95"),
    ),
    SampleAgency(
        "kinh-mon",
        "UBND thị xã Kinh Môn",
        "TX. Kinh Môn",
        "Chủ tịch UBND",
        (),
        Target("86.80"),
        Target("88.21"),
    ),
    SampleAgency(
        "nam-sach",
        "UBND huyện Nam Sách",
        "Nam Sách",
        "Chủ tịch UBND",
        (),
        Target("88.10"),
        Target("90.89", bonus="1"),
    ),
    SampleAgency(
        "kim-thanh",
        "UBND huyện Kim Thành",
        "Kim Thành",
        "Chủ tịch UBND",
        (),
        Target("82.60"),
        Target("90.21", bonus="0.5"),
    ),
    SampleAgency(
        "thanh-ha",
        "UBND huyện Thanh Hà",
        "Thanh Hà",
        "Chủ tịch UBND",
        (),
        Target("84.20"),
        Target("79.06", areas={"3": "0.64516", "7": "0.6667"}),
    ),
    SampleAgency(
        "tu-ky",
        "UBND huyện Tứ Kỳ",
        "Tứ Kỳ",
        "Chủ tịch UBND",
        (),
        Target("85.50"),
        Target("81.70", areas={"3": "0.67742"}),
    ),
    SampleAgency(
        "gia-loc", "UBND huyện Gia Lộc", "Gia Lộc", "Chủ tịch UBND", (), Target("86.10"), Target("87.48")
    ),
    SampleAgency(
        "thanh-mien",
        "UBND huyện Thanh Miện",
        "Thanh Miện",
        "Chủ tịch UBND",
        (),
        Target("84.90"),
        Target("86.73"),
    ),
    SampleAgency(
        "cam-giang",
        "UBND huyện Cẩm Giàng",
        "Cẩm Giàng",
        "Chủ tịch UBND",
        (),
        Target("83.50"),
        Target("85.93"),
    ),
    SampleAgency(
        "binh-giang",
        "UBND huyện Bình Giang",
        "Bình Giang",
        "Chủ tịch UBND",
        (),
        Target("81.90"),
        Target("83.84"),
    ),
    SampleAgency(
        "ninh-giang",
        "UBND huyện Ninh Giang",
        "Ninh Giang",
        "Chủ tịch UBND",
        (),
        Target("80.80"),
        Target("84.62"),
    ),
]

# Respondents per survey leaf (seed 002): departments 20 + 4 + 96 organisational, 640 citizens in all;
# districts 20 + 4 + 72 organisational, 1,620 citizens in all.
RESPONDENTS = {
    "so-nganh": {"8.1": 120, "8.2": 640},
    "ubnd-huyen": {"9.1": 96, "9.2": 1620},
}
# The survey leaves of each block: (organisations' questionnaire, SIPAS), as sample.criteria codes them.
SURVEY_LEAVES = {"so-nganh": ("8.1", "8.2"), "ubnd-huyen": ("9.1", "9.2")}
# The organisations' respondents (council delegates, Fatherland Front leaders, leaders of the other
# level); each fills one form about every agency of the block (sample/surveys.py).
ORGANISATION_RESPONDENTS = {"so-nganh": (20, 4, 96), "ubnd-huyen": (20, 4, 72)}

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, role, agency code, full name
    ("admin", "", None, "Quản trị hệ thống"),
    ("noivu", "home_affairs", None, "Phòng CCHC, Sở Nội vụ"),
    ("thuky1", "secretariat_lead", None, "Thành viên Tổ thư ký 1 (Tổ trưởng)"),
    ("thuky2", "appraiser", None, "Thành viên Tổ thư ký 2"),
    ("hoidong", "council", None, "Thành viên Hội đồng"),
    ("so-gtvt", "focal_point", "so-gtvt", "Cán bộ đầu mối CCHC, Sở GTVT"),
    ("so-yte", "focal_point", "so-y-te", "Cán bộ đầu mối CCHC, Sở Y tế"),
    ("gd-so-gtvt", "agency_head", "so-gtvt", "Giám đốc Sở GTVT"),
    ("nam-sach", "focal_point", "nam-sach", "Cán bộ đầu mối CCHC, UBND huyện Nam Sách"),
    ("khaosat", "survey_operator", None, "Nhân viên nhập phiếu, Bưu điện tỉnh"),
    # Double entry needs a second operator: a form is typed again, blind, by someone else.
    ("khaosat2", "survey_operator", None, "Nhân viên nhập phiếu 2, Bưu điện tỉnh"),
]
