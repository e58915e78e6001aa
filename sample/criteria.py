"""Hải Dương's criteria sets for 2021 and 2022 as documents (docs/formats.md).

Area maxima are the published 2022 ones (seed 002); sub-criteria are realistic but made up, chosen to use
every rule kind. 2021 lacks the digitisation criterion that 2022 introduced (seed 002, "Ưu điểm").
"""

from __future__ import annotations

from copy import deepcopy
from decimal import Decimal

FORMAT = "parindex-criteria/1"


def manual(code, title, max_points, step="0.25", **extra):
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "evidence",
        "rule": "manual",
        "params": {"step": step},
        **extra,
    }


def levels(code, title, max_points, options, **extra):
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "evidence",
        "rule": "levels",
        "params": {"levels": [{"key": k, "label": label, "points": p} for k, label, p in options]},
        **extra,
    }


def threshold(code, title, max_points, bands, **extra):
    """bands: (min, max, points) with min inclusive and max exclusive, or a full band dict; None is open."""
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "data",
        "rule": "threshold",
        "params": {
            "bands": [b if isinstance(b, dict) else {"min": b[0], "max": b[1], "points": b[2]} for b in bands]
        },
        **extra,
    }


def proportional(code, title, max_points, target="100", **extra):
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "data",
        "rule": "proportional",
        "params": {"target": target},
        **extra,
    }


def deduction(code, title, max_points, penalty, **extra):
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "evidence",
        "rule": "deduction",
        "params": {"penalty": penalty},
        **extra,
    }


def survey(code, title, max_points):
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "survey",
        "rule": "survey",
        "params": {},
    }


def area(code, title, max_points, children):
    return {"code": code, "title": title, "max_points": max_points, "is_area": True, "children": children}


ON_TIME = [
    ("dung-han", "Ban hành đúng thời hạn", "1"),
    ("cham", "Ban hành chậm", "0.5"),
    ("khong", "Không ban hành", "0"),
]


def scaled(options, factor):
    return [(k, label, str(Decimal(p) * Decimal(factor))) for k, label, p in options]


def _direction(max_total, local):
    children = [
        {
            "code": "1.1",
            "title": "Kế hoạch cải cách hành chính năm",
            "max_points": "2",
            "children": [
                levels(
                    "1.1.1",
                    "Ban hành kế hoạch CCHC năm kịp thời",
                    "1",
                    ON_TIME,
                    guidance="Kế hoạch ban hành trước ngày 31/12 năm trước: 1; chậm: 0,5; không ban hành: 0.",
                    evidence_expected="Kế hoạch CCHC năm của cơ quan, đơn vị.",
                ),
                threshold(
                    "1.1.2",
                    "Mức độ hoàn thành kế hoạch CCHC (% nhiệm vụ hoàn thành)",
                    "1",
                    [(None, "80", "0"), ("80", "100", "0.5"), ("100", None, "1")],
                    evidence_expected="Báo cáo kết quả thực hiện kế hoạch CCHC năm.",
                ),
            ],
        },
        levels(
            "1.2",
            "Thực hiện chế độ báo cáo CCHC định kỳ",
            "1",
            [
                ("day-du", "Đầy đủ, đúng hạn", "1"),
                ("cham", "Đầy đủ nhưng có báo cáo chậm", "0.5"),
                ("thieu", "Thiếu báo cáo", "0"),
            ],
            evidence_expected="Các báo cáo quý, 6 tháng, năm.",
        ),
        threshold(
            "1.3",
            "Kiểm tra công tác CCHC đối với đơn vị trực thuộc (% đơn vị được kiểm tra)",
            "2",
            [(None, "20", "0"), ("20", "30", "1"), ("30", None, "2")],
            guidance="Không áp dụng với cơ quan không có đơn vị trực thuộc.",
        ),
        manual("1.4", "Công tác tuyên truyền cải cách hành chính", "2"),
        manual("1.5", "Sáng kiến, giải pháp mới trong thực hiện CCHC", "2", step="0.25"),
        threshold(
            "1.6",
            "Thực hiện nhiệm vụ UBND tỉnh giao (% nhiệm vụ quá hạn)",
            "3",
            [
                {"min": None, "max": "0", "max_inclusive": True, "points": "3"},
                {"min": "0", "min_inclusive": False, "max": "5", "max_inclusive": True, "points": "1.5"},
                {"min": "5", "min_inclusive": False, "max": None, "points": "0"},
            ],
            guidance="Không có nhiệm vụ quá hạn: 3; từ trên 0% đến 5%: 1,5; trên 5%: 0.",
        ),
        manual("1.7", "Khắc phục tồn tại, hạn chế sau kiểm tra, tự kiểm điểm", "1.5"),
        manual("1.8", "Tự kiểm tra, đánh giá công tác CCHC của cơ quan", "1"),
    ]
    if local:
        children.append(manual("1.9", "Chỉ đạo, hướng dẫn công tác CCHC đối với UBND cấp xã", "1"))
    return area("1", "Công tác chỉ đạo, điều hành cải cách hành chính", max_total, children)


def _institutions(max_total, local):
    return area(
        "2",
        "Cải cách thể chế",
        max_total,
        [
            levels(
                "2.1",
                "Tham mưu ban hành văn bản quy phạm pháp luật theo kế hoạch",
                "1.5" if local else "3",
                scaled(
                    [
                        ("dung-han", "Đúng kế hoạch", "1"),
                        ("cham", "Chậm so với kế hoạch", "0.5"),
                        ("khong", "Không thực hiện", "0"),
                    ],
                    "1.5" if local else "3",
                ),
            ),
            manual("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", "1" if local else "2"),
            manual("2.3", "Theo dõi tình hình thi hành pháp luật", "1" if local else "2"),
            deduction(
                "2.4",
                "Kiểm tra, xử lý văn bản (trừ điểm mỗi văn bản trái pháp luật bị phát hiện)",
                "1" if local else "1.5",
                "0.5",
            ),
            threshold(
                "2.5",
                "Thực hiện kế hoạch phổ biến, giáo dục pháp luật (% hoàn thành)",
                "1" if local else "1.5",
                [
                    (None, "80", "0"),
                    ("80", "100", "0.5" if local else "0.75"),
                    ("100", None, "1" if local else "1.5"),
                ],
            ),
        ],
    )


def _procedures(max_total, local, with_digitisation):
    children = [
        levels(
            "3.1",
            "Công bố, công khai thủ tục hành chính",
            "2",
            [
                ("day-du", "Đầy đủ, kịp thời", "2"),
                ("chua-day-du", "Chưa đầy đủ hoặc chậm", "1"),
                ("khong", "Không thực hiện", "0"),
            ],
        ),
        manual("3.2", "Rà soát, đơn giản hóa thủ tục hành chính", "1.5" if local else "2"),
        threshold(
            "3.3",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn (%)",
            "4",
            [(None, "90", "0"), ("90", "95", "1"), ("95", "98", "2"), ("98", "100", "3"), ("100", None, "4")],
        ),
        proportional("3.4", "Số hóa hồ sơ, kết quả giải quyết TTHC (% so với chỉ tiêu)", "2"),
        manual("3.5", "Thực hiện cơ chế một cửa, một cửa liên thông", "2"),
        levels(
            "3.6",
            "Thực hiện xin lỗi người dân, doanh nghiệp khi giải quyết hồ sơ trễ hẹn",
            "1",
            [
                ("day-du", "Xin lỗi đầy đủ", "1"),
                ("chua-day-du", "Chưa đầy đủ", "0.5"),
                ("khong", "Không thực hiện", "0"),
            ],
        ),
        deduction("3.7", "Tiếp nhận, xử lý phản ánh, kiến nghị (trừ mỗi phản ánh xử lý quá hạn)", "2", "0.5"),
        threshold(
            "3.8",
            "Tỷ lệ hồ sơ tạm dừng, yêu cầu bổ sung (%)",
            "1",
            [(None, "2", "1"), ("2", "5", "0.5"), ("5", None, "0")],
        ),
    ]
    if (
        not with_digitisation
    ):  # the 2021 set had no digitisation criterion; its points sat with simplification
        children = [c for c in children if c["code"] != "3.4"]
        children[1] = manual("3.2", "Rà soát, đơn giản hóa thủ tục hành chính", "3.5" if local else "4")
    return area("3", "Cải cách thủ tục hành chính", max_total, children)


def _organisation(max_total, local):
    children = [
        levels(
            "4.1",
            "Sắp xếp tổ chức bên trong theo quy định",
            "2",
            [
                ("hoan-thanh", "Hoàn thành", "2"),
                ("dang-thuc-hien", "Đang thực hiện đúng lộ trình", "1"),
                ("chua", "Chưa thực hiện", "0"),
            ],
        ),
        manual("4.2", "Thực hiện quy định về quản lý biên chế", "2"),
        manual("4.3", "Thực hiện phân cấp, ủy quyền quản lý", "1.5"),
        manual("4.4", "Kiểm tra tình hình tổ chức, hoạt động của đơn vị trực thuộc", "1"),
    ]
    if local:
        children.append(manual("4.5", "Quản lý tổ chức, hoạt động của UBND cấp xã", "2"))
    return area("4", "Cải cách tổ chức bộ máy hành chính nhà nước", max_total, children)


def _civil_service(max_total, local):
    children = [
        levels(
            "5.1",
            "Xác định và thực hiện vị trí việc làm",
            "2",
            [
                ("dung", "Được phê duyệt và bố trí đúng", "2"),
                ("mot-phan", "Bố trí chưa đúng một số vị trí", "1"),
                ("khong", "Chưa thực hiện", "0"),
            ],
        ),
        manual("5.2", "Tuyển dụng, bố trí, sử dụng công chức, viên chức", "2"),
        manual("5.3", "Đánh giá, xếp loại cán bộ, công chức, viên chức", "1.5"),
        proportional("5.4", "Đào tạo, bồi dưỡng (% kế hoạch)", "1.5"),
        deduction("5.5", "Chấp hành kỷ luật, kỷ cương hành chính (trừ mỗi người bị kỷ luật)", "2.5", "0.5"),
    ]
    if local:
        children.append(proportional("5.6", "Cán bộ, công chức cấp xã đạt chuẩn (%)", "2"))
    return area("5", "Cải cách chế độ công vụ", max_total, children)


def _finance(max_total, local):
    children = [
        threshold(
            "6.1",
            "Giải ngân vốn đầu tư công (% kế hoạch)",
            "2",
            [(None, "80", "0"), ("80", "95", "1"), ("95", None, "2")],
        ),
        manual("6.2", "Thực hiện cơ chế tự chủ tài chính", "1.5"),
        levels(
            "6.3",
            "Công khai ngân sách",
            "1",
            [
                ("day-du", "Đầy đủ, đúng hạn", "1"),
                ("cham", "Chậm hoặc chưa đầy đủ", "0.5"),
                ("khong", "Không công khai", "0"),
            ],
        ),
        manual("6.4", "Thực hiện kiến nghị của thanh tra, kiểm toán", "1.5"),
    ]
    if local:
        children.append(manual("6.5", "Quản lý, sử dụng tài sản công", "1"))
    return area("6", "Cải cách tài chính công", max_total, children)


def _digital(max_total, year):
    title = (
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
        if year >= 2022
        else "Hiện đại hóa hành chính"
    )
    return area(
        "7",
        title,
        max_total,
        [
            proportional(
                "7.1", "Dịch vụ công trực tuyến toàn trình phát sinh hồ sơ (% so với chỉ tiêu)", "2"
            ),
            threshold(
                "7.2",
                "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến (%)",
                "2",
                [(None, "30", "0"), ("30", "50", "1"), ("50", None, "2")],
            ),
            manual("7.3", "Ứng dụng chữ ký số, văn bản điện tử trong điều hành", "2"),
            manual("7.4", "Cập nhật, đồng bộ dữ liệu lên Hệ thống thông tin giải quyết TTHC", "1.5"),
            levels(
                "7.5",
                "Bảo đảm an toàn thông tin mạng",
                "1.5",
                [
                    ("dat", "Đạt yêu cầu", "1.5"),
                    ("mot-phan", "Đạt một phần", "0.75"),
                    ("khong", "Không đạt", "0"),
                ],
            ),
        ],
    )


def _bonus(code):
    return {
        "code": code,
        "title": "Điểm thưởng",
        "max_points": "1",
        "is_bonus": True,
        "children": [
            manual(f"{code}.1", "Sáng kiến CCHC được UBND tỉnh công nhận", "1", step="0.5"),
        ],
    }


# The four bands of the local committees' sets (districts then, communes now).
LOCAL_BANDS = [
    {"code": "tu-90", "label": "Từ 90% trở lên", "min_index": "90"},
    {"code": "80-90", "label": "Từ 80% đến dưới 90%", "min_index": "80"},
    {"code": "70-80", "label": "Từ 70% đến dưới 80%", "min_index": "70"},
    {"code": "duoi-70", "label": "Dưới 70%", "min_index": "0"},
]
HEAD_RULES = [
    {"head_class": "excellent", "min_index": "90", "min_area_index": "80"},
    {"head_class": "good", "min_index": "80", "min_area_index": "70"},
    {"head_class": "completed", "min_index": "65", "min_area_index": "50"},
]
REVIEW_TRIGGERS = [{"area_code": "3", "below": "75"}, {"area_code": "7", "below": "75"}]


def departments(year: int) -> dict:
    nodes = [
        _direction("14.5", local=False),
        _institutions("10", local=False),
        _procedures("16", local=False, with_digitisation=year >= 2022),
        _organisation("6.5", local=False),
        _civil_service("9.5", local=False),
        _finance("6", local=False),
        _digital("9", year),
        {
            "code": "8",
            "title": "Đánh giá qua điều tra xã hội học",
            "max_points": "28.5",
            "children": [
                survey("8.1", "Ý kiến đánh giá của các tổ chức đối với CCHC của sở, ban, ngành", "18.5"),
                survey("8.2", "Mức độ hài lòng của người dân, doanh nghiệp (SIPAS)", "10"),
            ],
        },
        _bonus("9"),
    ]
    return {
        "format": FORMAT,
        "name": f"Bộ tiêu chí Chỉ số CCHC các sở, ban, ngành năm {year}",
        "tie_rule": "shared",
        "bands": [
            {"code": "tu-90", "label": "Từ 90% trở lên", "min_index": "90"},
            {"code": "80-90", "label": "Từ 80% đến dưới 90%", "min_index": "80"},
            {"code": "duoi-80", "label": "Dưới 80%", "min_index": "0"},
        ],
        "head_rules": deepcopy(HEAD_RULES),
        "review_triggers": deepcopy(REVIEW_TRIGGERS),
        "nodes": nodes,
    }


def districts(year: int) -> dict:
    nodes = [
        _direction("15.5", local=True),
        _institutions("5.5", local=True),
        _procedures("15.5", local=True, with_digitisation=year >= 2022),
        _organisation("8.5", local=True),
        _civil_service("11.5", local=True),
        _finance("7", local=True),
        _digital("9", year),
        area(
            "8",
            "Tác động của CCHC đến phát triển kinh tế - xã hội",
            "6.5",
            [
                threshold(
                    "8.1",
                    "Thu hút đầu tư so với kế hoạch (%)",
                    "2.5",
                    [(None, "90", "0.5"), ("90", "100", "1.5"), ("100", None, "2.5")],
                ),
                manual("8.2", "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội", "2"),
                levels(
                    "8.3",
                    "Xếp hạng Chỉ số năng lực cạnh tranh cấp sở, ngành, địa phương (DDCI)",
                    "2",
                    [
                        ("top-3", "Nhóm 3 đơn vị dẫn đầu", "2"),
                        ("giua", "Từ hạng 4 đến hạng 8", "1"),
                        ("cuoi", "Các hạng còn lại", "0.5"),
                    ],
                ),
            ],
        ),
        {
            "code": "9",
            "title": "Đánh giá qua điều tra xã hội học",
            "max_points": "21",
            "children": [
                survey(
                    "9.1", "Ý kiến đánh giá của các tổ chức cấp tỉnh đối với CCHC của UBND cấp huyện", "11"
                ),
                survey("9.2", "Mức độ hài lòng của người dân, doanh nghiệp (SIPAS)", "10"),
            ],
        },
        _bonus("10"),
    ]
    return {
        "format": FORMAT,
        "name": f"Bộ tiêu chí Chỉ số CCHC UBND các huyện, thị xã, thành phố năm {year}",
        "tie_rule": "shared",
        "bands": deepcopy(LOCAL_BANDS),
        "head_rules": deepcopy(HEAD_RULES),
        "review_triggers": deepcopy(REVIEW_TRIGGERS),
        "nodes": nodes,
    }
