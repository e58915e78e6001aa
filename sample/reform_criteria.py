"""The reformed sample province's criteria sets (made up): communes and wards in the style of Vân Đồn's
district set (seed 003: 9 content areas whose maxima mix evidence and survey points, "≤5% of tasks late →
½ point" thresholds, deductions), and the departments' set, which is Hải Dương's 2022 one renamed.

Commune leaves are all scored from evidence or the survey (no measured-data leaves): a commune reports its
own figures (tasks late, records on time) and the appraiser checks them against its evidence.
"""

from __future__ import annotations

from copy import deepcopy

from .criteria import (
    FORMAT,
    HEAD_RULES,
    LOCAL_BANDS,
    ON_TIME,
    area,
    deduction,
    departments,
    levels,
    manual,
    survey,
)


def _evidence_threshold(code, title, max_points, bands, **extra):
    """A threshold leaf the commune fills in itself (a figure from its own report), appraised on evidence."""
    return {
        "code": code,
        "title": title,
        "max_points": max_points,
        "source": "evidence",
        "rule": "threshold",
        "params": {
            "bands": [b if isinstance(b, dict) else {"min": b[0], "max": b[1], "points": b[2]} for b in bands]
        },
        **extra,
    }


def commune_document(year: int) -> dict:
    """9 areas, 100 points (evidence 78, survey 22) and a 2-point bonus; 2025's set names e-government."""
    digital = (
        "Xây dựng và phát triển chính quyền số"
        if year >= 2026
        else "Xây dựng chính quyền điện tử, chính quyền số"
    )
    nodes = [
        area(
            "1",
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            "12.5",
            [
                levels("1.1", "Ban hành kế hoạch CCHC năm của UBND xã", "1", ON_TIME),
                _evidence_threshold(
                    "1.2",
                    "Tỷ lệ nhiệm vụ trong kế hoạch CCHC hoàn thành (%)",
                    "2",
                    [(None, "80", "0"), ("80", "100", "1"), ("100", None, "2")],
                ),
                levels(
                    "1.3",
                    "Thực hiện chế độ báo cáo CCHC định kỳ",
                    "1",
                    [
                        ("du", "Đầy đủ, đúng hạn", "1"),
                        ("cham", "Có báo cáo chậm", "0.5"),
                        ("thieu", "Thiếu báo cáo", "0"),
                    ],
                ),
                manual("1.4", "Tuyên truyền CCHC đến người dân trên địa bàn", "1.5", step="0.5"),
                manual("1.5", "Kiểm tra CCHC đối với các thôn, tổ dân phố", "1.5", step="0.5"),
                manual("1.6", "Sáng kiến, giải pháp mới trong CCHC", "1.5", step="0.5"),
                manual("1.7", "Khắc phục tồn tại, hạn chế qua kiểm tra, đánh giá", "1"),
                levels(
                    "1.8",
                    "Thực hiện nhiệm vụ UBND tỉnh giao",
                    "2",
                    [
                        ("du", "Hoàn thành 100% đúng hạn", "2"),
                        ("muon", "Có nhiệm vụ hoàn thành muộn", "1"),
                        ("khong", "Có nhiệm vụ không hoàn thành", "0"),
                    ],
                ),
                _evidence_threshold(
                    "1.9",
                    "Tỷ lệ nhiệm vụ hoàn thành muộn so với tiến độ (%)",
                    "1",
                    [
                        {"min": "0", "max": "0", "points": "1", "min_inclusive": True, "max_inclusive": True},
                        {
                            "min": "0",
                            "max": "5",
                            "points": "0.5",
                            "min_inclusive": False,
                            "max_inclusive": True,
                        },
                        {"min": "5", "max": None, "points": "0", "min_inclusive": False},
                    ],
                    guidance="Không có nhiệm vụ muộn: 1; không quá 5% nhiệm vụ hoàn thành muộn: 0,5; trên 5%: 0.",
                ),
            ],
        ),
        area(
            "2",
            "Cải cách thể chế",
            "9",
            [
                manual("2.1", "Ban hành văn bản quy phạm pháp luật thuộc thẩm quyền đúng quy định", "2"),
                deduction("2.2", "Văn bản bị cơ quan có thẩm quyền đình chỉ, hủy bỏ", "1.5", "0.5"),
                manual("2.3", "Rà soát, hệ thống hóa văn bản", "1.5", step="0.5"),
                manual("2.4", "Theo dõi thi hành pháp luật trên địa bàn", "1.5", step="0.5"),
                survey("2.5", "Đánh giá của người dân về tính kịp thời, khả thi của văn bản", "2.5"),
            ],
        ),
        area(
            "3",
            "Cải cách thủ tục hành chính",
            "14",
            [
                manual("3.1", "Công khai TTHC đầy đủ, đúng quy định", "2"),
                _evidence_threshold(
                    "3.2",
                    "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn (%)",
                    "4",
                    [(None, "90", "0"), ("90", "95", "2"), ("95", "100", "3"), ("100", None, "4")],
                ),
                deduction("3.3", "Hồ sơ trễ hạn không có văn bản xin lỗi", "2", "0.25"),
                manual("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị về TTHC", "2", step="0.5"),
                _evidence_threshold(
                    "3.5",
                    "Tỷ lệ hồ sơ TTHC được số hóa kết quả giải quyết (%)",
                    "2",
                    [(None, "50", "0"), ("50", "80", "1"), ("80", None, "2")],
                ),
                manual("3.6", "Rà soát, đơn giản hóa TTHC", "2", step="0.5"),
            ],
        ),
        area(
            "4",
            "Cải cách tổ chức bộ máy hành chính",
            "8",
            [
                manual("4.1", "Sắp xếp tổ chức bộ máy sau hợp nhất xã", "2", step="0.5"),
                levels(
                    "4.2",
                    "Thực hiện quy định về vị trí việc làm",
                    "1.5",
                    [
                        ("dung", "Đúng quy định", "1.5"),
                        ("mot-phan", "Chưa đầy đủ", "0.75"),
                        ("khong", "Chưa thực hiện", "0"),
                    ],
                ),
                manual("4.3", "Quản lý, sử dụng biên chế được giao", "2"),
                survey("4.4", "Đánh giá của người dân về tổ chức bộ máy của xã", "2.5"),
            ],
        ),
        area(
            "5",
            "Cải cách chế độ công vụ",
            "12.75",
            [
                manual("5.1", "Bố trí công chức theo vị trí việc làm", "2"),
                _evidence_threshold(
                    "5.2",
                    "Tỷ lệ công chức cấp xã đạt chuẩn (%)",
                    "2",
                    [(None, "90", "0"), ("90", "100", "1"), ("100", None, "2")],
                ),
                manual("5.3", "Đào tạo, bồi dưỡng công chức", "1.5", step="0.5"),
                deduction("5.4", "Cán bộ, công chức bị kỷ luật", "2", "1"),
                manual("5.5", "Thực hiện văn hóa công vụ", "1.25"),
                survey("5.6", "Đánh giá của người dân về tinh thần, thái độ của công chức", "4"),
            ],
        ),
        area(
            "6",
            "Cải cách tài chính công",
            "8",
            [
                _evidence_threshold(
                    "6.1",
                    "Tỷ lệ thu ngân sách so với dự toán giao (%)",
                    "2",
                    [(None, "95", "0"), ("95", "100", "1"), ("100", None, "2")],
                ),
                manual("6.2", "Giải ngân vốn đầu tư công", "2", step="0.5"),
                deduction("6.3", "Sai phạm tài chính qua thanh tra, kiểm toán", "2", "0.5"),
                survey("6.4", "Đánh giá của người dân về công khai tài chính", "2"),
            ],
        ),
        area(
            "7",
            digital,
            "12",
            [
                manual("7.1", "Sử dụng hệ thống quản lý văn bản và điều hành", "2"),
                _evidence_threshold(
                    "7.2",
                    "Tỷ lệ văn bản điện tử có chữ ký số (%)",
                    "2",
                    [(None, "80", "0"), ("80", "95", "1"), ("95", None, "2")],
                ),
                _evidence_threshold(
                    "7.3",
                    "Tỷ lệ hồ sơ TTHC nộp trực tuyến (%)",
                    "3",
                    [(None, "30", "0"), ("30", "50", "1"), ("50", "80", "2"), ("80", None, "3")],
                ),
                levels(
                    "7.4",
                    "Trang thông tin điện tử của xã",
                    "1.5",
                    [
                        ("dung", "Cập nhật đầy đủ", "1.5"),
                        ("chua", "Cập nhật chưa đầy đủ", "0.75"),
                        ("khong", "Không có", "0"),
                    ],
                ),
                manual("7.5", "An toàn thông tin mạng", "2", step="0.5"),
                survey("7.6", "Đánh giá của người dân về dịch vụ công trực tuyến", "1.5"),
            ],
        ),
        area(
            "8",
            "Thực hiện cơ chế một cửa, một cửa liên thông",
            "10.75",
            [
                manual("8.1", "Bộ phận Một cửa bố trí đúng quy định", "2"),
                manual("8.2", "Niêm yết, hướng dẫn tại Bộ phận Một cửa", "1.75"),
                _evidence_threshold(
                    "8.3",
                    "Tỷ lệ hồ sơ được số hóa khi tiếp nhận (%)",
                    "3",
                    [(None, "60", "0"), ("60", "90", "1.5"), ("90", None, "3")],
                ),
                deduction("8.4", "Phản ánh về nhũng nhiễu, gây phiền hà được xác minh", "3", "1"),
                survey("8.5", "Đánh giá của người dân về Bộ phận Một cửa", "1"),
            ],
        ),
        area(
            "9",
            "Mức độ hài lòng của người dân, tổ chức (SIPAS)",
            "13",
            [
                survey("9.1", "Hài lòng về tiếp cận dịch vụ và TTHC", "6.5"),
                survey("9.2", "Hài lòng về kết quả giải quyết TTHC", "6.5"),
            ],
        ),
        {
            "code": "10",
            "title": "Điểm thưởng",
            "max_points": "2",
            "is_bonus": True,
            "children": [
                manual("10.1", "Mô hình, sáng kiến CCHC được cấp tỉnh công nhận", "1", step="0.5"),
                manual("10.2", "Khen thưởng về CCHC", "1", step="0.5"),
            ],
        },
    ]
    return {
        "format": FORMAT,
        "name": f"Bộ tiêu chí Chỉ số CCHC UBND các xã, phường năm {year}",
        "tie_rule": "shared",
        "bands": deepcopy(LOCAL_BANDS),
        "head_rules": deepcopy(HEAD_RULES),
        "review_triggers": [{"area_code": "3", "below": "75"}, {"area_code": "8", "below": "75"}],
        "nodes": nodes,
    }


def department_document(year: int, unranked: list[str]) -> dict:
    """Hải Dương's 2022 departments' set, renamed for the year; central agencies scored but not ranked."""
    document = departments(2022)
    document["name"] = f"Bộ tiêu chí Chỉ số CCHC các sở, ban, ngành tỉnh năm {year}"
    document["unranked"] = list(unranked)
    return document
