"""Small criteria documents for tests."""

from sample import criteria


def small_document(measured: bool = False) -> dict:
    """Two areas, every rule once, bands, head rules and a trigger: valid as it stands.

    The threshold (2.1) and proportional (2.2) leaves are self-scored from evidence, unless `measured`:
    then they are measured data, which Home Affairs enters (measures app) and agencies cannot score.
    """
    source = "data" if measured else "evidence"
    return {
        "format": "parindex-criteria/1",
        "name": "Bộ nhỏ",
        "tie_rule": "shared",
        "bands": [
            {"code": "A", "label": "Từ 90%", "min_index": "90"},
            {"code": "B", "label": "Từ 80% đến dưới 90%", "min_index": "80"},
            {"code": "C", "label": "Dưới 80%", "min_index": "0"},
        ],
        "head_rules": [{"head_class": "excellent", "min_index": "90", "min_area_index": "80"}],
        "review_triggers": [{"area_code": "2", "below": "75"}],
        "nodes": [
            criteria.area(
                "1",
                "Công tác chỉ đạo",
                "6",
                [
                    criteria.manual("1.1", "Kế hoạch", "2"),
                    criteria.levels(
                        "1.2",
                        "Báo cáo",
                        "2",
                        [("dung_han", "Đúng hạn", "2"), ("tre_han", "Trễ hạn", "1"), ("khong", "Không", "0")],
                    ),
                    criteria.deduction("1.3", "Vi phạm", "2", penalty="0.5"),
                ],
            ),
            criteria.area(
                "2",
                "Thủ tục hành chính",
                "6",
                [
                    criteria.threshold(
                        "2.1",
                        "Hồ sơ đúng hạn",
                        "2",
                        [(None, "90", "0"), ("90", "100", "1"), ("100", None, "2")],
                        source=source,
                    ),
                    criteria.proportional("2.2", "Tỷ lệ số hoá", "2", source=source),
                    criteria.survey("2.3", "Khảo sát", "2"),
                ],
            ),
        ],
    }
