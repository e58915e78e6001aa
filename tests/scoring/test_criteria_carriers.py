"""Criteria sets through the database and the workbook, field by field and cell by cell.

One document uses every field and option; storing it and reading it back, or writing it to a workbook
and reading that back, must give exactly the expected document, rows and cells. Hand-made workbooks
check what an official may type (see `make mutate`, docs/testing.md).
"""

import copy
import io
import zipfile

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from scoring.formats import CriteriaFileError, criteria_set_from_document, criteria_set_to_document
from scoring.formats.xlsx import (
    BANDS,
    HEADS,
    INFO,
    OPTIONS,
    TREE,
    TRIGGERS,
    document_to_xlsx,
    xlsx_to_document,
)
from scoring.models import CriteriaNode, CriteriaSet
from scoring.services import CriteriaImportRefused, criteria_set_copy
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def full_document() -> dict:
    """Every field and rule option once; bands and triggers deliberately out of order; as exported."""
    return {
        "format": "parindex-criteria/1",
        "name": "Bộ đủ",
        "tie_rule": "exact",
        "bands": [
            {"code": "A", "label": "Từ 90%", "min_index": "90"},
            {"code": "B", "label": "Từ 80,5%", "min_index": "80.5"},
            {"code": "C", "label": "Dưới 80,5%", "min_index": "0"},
        ],
        "head_rules": [
            {"head_class": "excellent", "min_index": "90", "min_area_index": "80"},
            {"head_class": "good", "min_index": "80", "min_area_index": "70.5"},
        ],
        "review_triggers": [{"area_code": "1", "below": "75"}, {"area_code": "2", "below": "70.5"}],
        "unranked": ["bql-kcn", "so-y-te"],  # sorted, as exported
        "nodes": [
            {
                "code": "1",
                "title": "Chỉ đạo",
                "max_points": "6",
                "guidance": "Xem kế hoạch",
                "is_area": True,
                "children": [
                    {
                        "code": "1.1",
                        "title": "Kế hoạch",
                        "max_points": "2",
                        "guidance": "Có kế hoạch",
                        "evidence_expected": "Quyết định",
                        "source": "evidence",
                        "rule": "manual",
                        "params": {"step": "0.5"},
                    },
                    {
                        "code": "1.2",
                        "title": "Báo cáo",
                        "max_points": "2",
                        "source": "evidence",
                        "rule": "levels",
                        "params": {
                            "levels": [
                                {"key": "dung", "label": "Đúng hạn", "points": "2"},
                                {"key": "tre", "points": "0.5"},
                            ]
                        },
                    },
                    {
                        "code": "1.10",  # sorts before 1.2 as text: the stored position keeps it last
                        "title": "Vi phạm",
                        "max_points": "2",
                        "source": "evidence",
                        "rule": "deduction",
                        "params": {"penalty": "0.25"},
                    },
                ],
            },
            {
                "code": "2",
                "title": "TTHC",
                "max_points": "4.5",
                "is_area": True,
                "children": [
                    {
                        "code": "2.1",
                        "title": "Đúng hạn",
                        "max_points": "2",
                        "source": "data",
                        "rule": "threshold",
                        "params": {
                            "bands": [
                                {"min": None, "max": "90", "max_inclusive": True, "points": "0"},
                                {"min": "90", "max": None, "min_inclusive": False, "points": "2"},
                            ]
                        },
                    },
                    {
                        "code": "2.2",
                        "title": "Số hoá",
                        "max_points": "1.5",
                        "source": "data",
                        "rule": "proportional",
                        "params": {"target": "80"},
                    },
                    {
                        "code": "2.3",
                        "title": "Khảo sát",
                        "max_points": "1",
                        "source": "survey",
                        "rule": "survey",
                    },
                ],
            },
            {
                "code": "9",
                "title": "Thưởng",
                "max_points": "1",
                "is_bonus": True,
                "children": [
                    {
                        "code": "9.1",
                        "title": "Sáng kiến",
                        "max_points": "1",
                        "source": "evidence",
                        "rule": "manual",
                    }
                ],
            },
        ],
    }


@pytest.fixture
def place(db):
    block = BlockFactory(code="so-nganh", name="Sở, ngành")
    for code in ("so-y-te", "bql-kcn"):  # the agencies full_document() keeps out of the ranking
        AgencyFactory(code=code, block=block)
    return PeriodFactory(year=2022), block


# --- the database ---------------------------------------------------------------------------------------


def test_a_stored_set_reads_back_as_exactly_its_document(place):
    period, block = place
    document = full_document()
    document["bands"].reverse()  # stored bands come back highest first
    document["review_triggers"].reverse()  # triggers by area code
    del document["nodes"][2]["children"][0]["source"]  # a leaf's source defaults to evidence
    document["nodes"][0]["children"][1]["params"]["levels"][1]["points"] = "0.50"
    stored = criteria_set_from_document(period=period, block=block, document=document)
    assert criteria_set_to_document(stored) == {**full_document(), "period": "2022", "block": "so-nganh"}
    assert (stored.name, stored.tie_rule) == ("Bộ đủ", "exact")
    parent = CriteriaNode.objects.get(code="1")
    assert (parent.source, parent.rule, parent.rule_params, parent.parent) == ("", "", {}, None)
    assert [n.code for n in CriteriaNode.objects.filter(parent=parent).order_by("position")] == [
        "1.1",
        "1.2",
        "1.10",
    ]
    assert [r.position for r in stored.head_rules.order_by("position")] == [1, 2]


def test_a_set_takes_defaults_for_name_and_tie_rule_and_trims_text(place):
    period, block = place
    document = full_document()
    del document["name"], document["tie_rule"]
    document["nodes"][0]["children"][0].update(code=" 1.1 ", title=" Kế hoạch ")
    stored = criteria_set_from_document(period=period, block=block, document=document)
    assert (stored.name, stored.tie_rule) == ("Sở, ngành 2022", "shared")
    assert CriteriaNode.objects.filter(code="1.1", title="Kế hoạch").exists()


def test_an_existing_set_is_replaced_only_when_asked_and_never_once_frozen(place):
    period, block = place
    first = criteria_set_from_document(period=period, block=block, document=full_document())
    with pytest.raises(CriteriaFileError) as refused:
        criteria_set_from_document(period=period, block=block, document=full_document())
    assert [str(p) for p in refused.value.problems] == [
        "criteria set: 2022/so-nganh already has a criteria set (use replace)"
    ]
    second = criteria_set_from_document(period=period, block=block, document=full_document(), replace=True)
    assert not CriteriaSet.objects.filter(pk=first.pk).exists()
    second.frozen_at = timezone.now()
    second.save()
    with pytest.raises(CriteriaFileError) as refused:
        criteria_set_from_document(period=period, block=block, document=full_document(), replace=True)
    assert [str(p) for p in refused.value.problems] == [
        "criteria set: the criteria set of 2022/so-nganh is frozen"
    ]
    with pytest.raises(CriteriaFileError) as refused:
        criteria_set_from_document(period=period, block=block, document=full_document())
    assert len(refused.value.problems) == 2
    assert CriteriaSet.objects.get() == second


def test_a_copy_records_its_source_and_can_replace(place):
    period, block = place
    source = criteria_set_from_document(period=period, block=block, document=full_document())
    later = PeriodFactory(year=2023)
    copied = criteria_set_copy(source=source, period=later, acting_user=None)
    copied.refresh_from_db()
    assert (copied.period, copied.block, copied.copied_from) == (later, block, source)
    assert criteria_set_to_document(copied) == {**full_document(), "period": "2023", "block": "so-nganh"}
    with pytest.raises(CriteriaImportRefused, match="already has a criteria set"):
        criteria_set_copy(source=source, period=later, acting_user=None)
    replaced = criteria_set_copy(source=source, period=later, acting_user=None, replace=True)
    assert replaced.copied_from == source


# --- the workbook ---------------------------------------------------------------------------------------


def rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_a_workbook_has_every_field_in_its_cell():
    workbook = load_workbook(io.BytesIO(document_to_xlsx({**full_document(), "period": "2022"})))
    assert workbook.sheetnames == [INFO, TREE, OPTIONS, BANDS, HEADS, TRIGGERS]
    assert rows(workbook, INFO) == [
        ["Định dạng", "parindex-criteria/1", "format"],
        ["Tên bộ tiêu chí", "Bộ đủ", "name"],
        ["Quy tắc đồng hạng (shared / exact)", "exact", "tie_rule"],
        ["Kỳ đánh giá", "2022", "period"],
        ["Khối", None, "block"],
        ["Cơ quan không xếp hạng (mã, cách nhau bởi dấu phẩy)", "bql-kcn, so-y-te", "unranked"],
    ]
    assert rows(workbook, TREE) == [
        [
            "Mã",
            "Mã cha",
            "Nội dung",
            "Điểm tối đa",
            "Lĩnh vực (x)",
            "Điểm thưởng (x)",
            "Nguồn",
            "Quy tắc chấm",
        ]
        + ["Bước điểm", "Chỉ tiêu", "Mức trừ mỗi lần", "Hướng dẫn chấm", "Tài liệu kiểm chứng"],
        ["1", None, "Chỉ đạo", 6, "x", None, None, None, None, None, None, "Xem kế hoạch", None],
        [
            "1.1",
            "1",
            "Kế hoạch",
            2,
            None,
            None,
            "evidence",
            "manual",
            0.5,
            None,
            None,
            "Có kế hoạch",
            "Quyết định",
        ],
        ["1.2", "1", "Báo cáo", 2, None, None, "evidence", "levels", None, None, None, None, None],
        ["1.10", "1", "Vi phạm", 2, None, None, "evidence", "deduction", None, None, 0.25, None, None],
        ["2", None, "TTHC", 4.5, "x", None, None, None, None, None, None, None, None],
        ["2.1", "2", "Đúng hạn", 2, None, None, "data", "threshold", None, None, None, None, None],
        ["2.2", "2", "Số hoá", 1.5, None, None, "data", "proportional", None, 80, None, None, None],
        ["2.3", "2", "Khảo sát", 1, None, None, "survey", "survey", None, None, None, None, None],
        ["9", None, "Thưởng", 1, None, "x", None, None, None, None, None, None, None],
        ["9.1", "9", "Sáng kiến", 1, None, None, "evidence", "manual", None, None, None, None, None],
    ]
    assert rows(workbook, OPTIONS) == [
        ["Mã tiêu chí", "Mã mức", "Tên mức", "Từ", "Đến", "Gồm cận dưới (x)", "Gồm cận trên (x)", "Điểm"],
        ["1.2", "dung", "Đúng hạn", None, None, None, None, 2],
        ["1.2", "tre", None, None, None, None, None, 0.5],
        ["2.1", None, None, None, 90, None, "x", 0],
        ["2.1", None, None, 90, None, "không", None, 2],
    ]
    assert rows(workbook, BANDS) == [
        ["Mã nhóm", "Tên nhóm", "Chỉ số từ (%)"],
        ["A", "Từ 90%", 90],
        ["B", "Từ 80,5%", 80.5],
        ["C", "Dưới 80,5%", 0],
    ]
    assert rows(workbook, HEADS) == [
        ["Xếp loại", "Chỉ số từ (%)", "Mọi lĩnh vực từ (%)"],
        ["excellent", 90, 80],
        ["good", 80, 70.5],
    ]
    assert rows(workbook, TRIGGERS) == [["Mã lĩnh vực", "Chỉ số dưới (%)"], ["1", 75], ["2", 70.5]]
    assert type(workbook[TREE]["D2"].value) is int and type(workbook[TREE]["D6"].value) is float


def test_a_workbook_is_laid_out_for_an_official():
    workbook = load_workbook(io.BytesIO(document_to_xlsx(full_document())))
    info, tree = workbook[INFO], workbook[TREE]
    assert (info.column_dimensions["A"].width, info.column_dimensions["B"].width) == (36, 70)
    assert [tree.column_dimensions[c].width for c in "ABCDEFGHIJKLM"] == [
        10,
        10,
        60,
        12,
        12,
        14,
        12,
        14,
        11,
        11,
        15,
        50,
        40,
    ]
    assert [workbook[BANDS].column_dimensions[c].width for c in "ABC"] == [12, 30, 14]
    for title in (TREE, OPTIONS, BANDS, HEADS, TRIGGERS):
        sheet = workbook[title]
        assert sheet.freeze_panes == "A2"
        header = sheet["A1"]
        assert header.font.bold is True
        assert header.fill.fill_type == "solid" and header.fill.fgColor.rgb == "00DDE6F0"
        assert (header.alignment.wrap_text, header.alignment.vertical) == (True, "center")
    assert {tree.cell(row=r, column=4).number_format for r in range(2, 12)} == {"0.00##"}
    assert tree["D1"].number_format == "General"
    validations = {
        str(v.sqref): (v.type, v.formula1, v.allow_blank) for v in tree.data_validations.dataValidation
    }
    assert validations == {
        "H2:H2000": ("list", '"manual,levels,threshold,proportional,deduction,survey"', True),
        "G2:G2000": ("list", '"evidence,survey,data"', True),
    }


def test_a_minimal_document_makes_a_workbook_with_defaults():
    document = {"nodes": [{"code": "1", "title": "t", "max_points": "1"}]}
    workbook = load_workbook(io.BytesIO(document_to_xlsx(document)))
    assert [row[1] for row in rows(workbook, INFO)] == [
        "parindex-criteria/1",
        None,
        "shared",
        None,
        None,
        None,
    ]
    assert rows(workbook, BANDS)[1:] == rows(workbook, HEADS)[1:] == rows(workbook, TRIGGERS)[1:] == []


def test_a_workbook_reads_back_as_exactly_its_document():
    document = full_document()
    parsed, locations = xlsx_to_document(document_to_xlsx(document))
    assert parsed == document
    assert {code: str(where) for code, where in locations.items()} == {
        code: f"sheet Tiêu chí, row {row}"
        for row, code in enumerate(["1", "1.1", "1.2", "1.10", "2", "2.1", "2.2", "2.3", "9", "9.1"], start=2)
    }


def edited(change) -> bytes:
    workbook = load_workbook(io.BytesIO(document_to_xlsx(full_document())))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(data) -> list[str]:
    with pytest.raises(CriteriaFileError) as error:
        xlsx_to_document(data)
    return [str(problem) for problem in error.value.problems]


@pytest.mark.parametrize("yes", ["x", "X", " x ", "1", "true", "TRUE", "có", "co", "yes"])
def test_flags_an_official_may_type(yes):
    def change(workbook):
        workbook[TREE]["E2"] = yes  # area
        workbook[TREE]["F10"] = yes  # bonus
        workbook[OPTIONS]["G4"] = yes  # max inclusive

    document, _ = xlsx_to_document(edited(change))
    assert document == full_document()


@pytest.mark.parametrize("no", ["", "không", "-", "no", "0", "false"])
def test_flags_left_off(no):
    def change(workbook):
        workbook[TREE]["E2"] = no
        workbook[OPTIONS]["G4"] = no

    document, _ = xlsx_to_document(edited(change))
    assert "is_area" not in document["nodes"][0]
    assert "max_inclusive" not in document["nodes"][1]["children"][0]["params"]["bands"][0]


@pytest.mark.parametrize(
    ("text", "exclusive"),
    [("không", True), ("Khong", True), ("NO", True), ("0", True), ("false", True), ("x", False), ("", False)],
)
def test_a_lower_bound_is_left_out_only_when_said_so(text, exclusive):
    def change(workbook):
        workbook[OPTIONS]["F5"] = text

    document, _ = xlsx_to_document(edited(change))
    band = document["nodes"][1]["children"][0]["params"]["bands"][1]
    assert ("min_inclusive" in band) is exclusive


def test_numbers_text_and_blank_rows_as_typed():
    def change(workbook):
        tree = workbook[TREE]
        tree["D3"] = " 2,0 "
        tree["I3"] = "0,5"
        tree["C3"] = "  Kế hoạch  "
        tree["A3"] = " 1.1 "
        tree.insert_rows(4)  # an empty row between criteria
        workbook[INFO]["B2"] = "  Bộ đủ "
        workbook[INFO].append(["Ghi chú", "bỏ qua", "note"])  # unknown keys are ignored
        workbook[INFO].append(["Trống", None, "name"])  # an empty value keeps the earlier one
        workbook[INFO]["B6"] = " bql-kcn ;so-y-te, ,"  # either separator, spaces and empty codes dropped
        workbook[BANDS].append([None, None, None])

    document, locations = xlsx_to_document(edited(change))
    assert document == full_document()
    assert str(locations["1.2"]) == "sheet Tiêu chí, row 5"


def test_unreadable_cells_are_named_by_sheet_row_and_column():
    def change(workbook):
        workbook[TREE]["D3"] = None
        workbook[TREE]["J8"] = "tám mươi"
        workbook[TREE]["B10"] = "8"
        workbook[OPTIONS]["A2"] = "7.7"
        workbook[OPTIONS]["H3"] = None
        workbook[OPTIONS].append(["1.1", "a", None, None, None, None, None, 1])
        workbook[BANDS]["C2"] = "chín mươi"
        workbook[HEADS]["C2"] = None
        workbook[TRIGGERS]["B2"] = "x"

    assert refused(edited(change)) == [
        "sheet Tiêu chí, row 3, column Điểm tối đa: a number is required",
        "sheet Tiêu chí, row 8, column Chỉ tiêu: tám mươi is not a number",
        "sheet Tiêu chí, row 10, column Mã cha: parent 8 is not on a row above",
        "sheet Mức và ngưỡng, row 2, column Mã tiêu chí: no criterion 7.7 in the tree sheet",
        "sheet Mức và ngưỡng, row 3, column Điểm: a number is required",
        "sheet Mức và ngưỡng, row 6, column Mã tiêu chí: criterion 1.1 has rule manual, which takes no levels or bands",
        "sheet Nhóm, row 2, column Chỉ số từ (%): chín mươi is not a number",
        "sheet Người đứng đầu, row 2, column Mọi lĩnh vực từ (%): a number is required",
        "sheet Kiểm điểm, row 2, column Chỉ số dưới (%): x is not a number",
    ]


def test_missing_sheets_are_named_and_info_is_optional():
    def change(workbook):
        del workbook[OPTIONS]
        del workbook[HEADS]

    assert refused(edited(change)) == [
        "sheet Mức và ngưỡng: the sheet is missing",
        "sheet Người đứng đầu: the sheet is missing",
    ]

    def without_info(workbook):
        del workbook[INFO]

    document, _ = xlsx_to_document(edited(without_info))
    expected = {**full_document(), "tie_rule": "shared"}
    del expected["name"], expected["unranked"]  # without the sheet, no agency is kept out
    assert document == expected


def test_a_repeated_code_keeps_its_first_row_for_children_and_location():
    def change(workbook):
        workbook[TREE]["A5"] = "1.1"  # 1.10 becomes a second 1.1
        workbook[TREE].append(["1.1.1", "1.1", "con", 1])

    document, locations = xlsx_to_document(edited(change))
    first, _, second = document["nodes"][0]["children"]
    assert [c["code"] for c in first["children"]] == ["1.1.1"]
    assert "children" not in second and second["params"] == {"penalty": "0.25"}
    assert str(locations["1.1"]) == "sheet Tiêu chí, row 3"
    assert "params" not in first


def test_short_rows_and_unknown_info_rows_are_read_as_empty():
    def change(workbook):
        info = workbook[INFO]
        info.append(["chỉ hai ô", "x"])
        workbook[TRIGGERS].append(["3"])
        workbook[TRIGGERS]["B4"] = None

    with pytest.raises(CriteriaFileError) as error:
        xlsx_to_document(edited(change))
    assert [str(p) for p in error.value.problems] == [
        "sheet Kiểm điểm, row 4, column Chỉ số dưới (%): a number is required"
    ]


def test_documents_are_not_changed_by_writing_a_workbook():
    document = full_document()
    before = copy.deepcopy(document)
    document_to_xlsx(document)
    assert document == before


def test_a_file_that_is_not_a_workbook_is_refused_in_one_problem():
    assert refused(b"PK\x03\x04 not really a zip") == ["file: the file is not an XLSX workbook"]


def test_a_formula_is_never_evaluated_nor_read_as_its_text():
    """Workbooks are read for their stored values: a formula (without a cached value) is an empty cell."""

    def change(workbook):
        workbook[TREE]["D3"] = "=1+1"

    assert refused(edited(change)) == ["sheet Tiêu chí, row 3, column Điểm tối đa: a number is required"]


def test_a_workbook_keeps_format_period_and_block():
    document = {**full_document(), "period": "2022", "block": "so-nganh"}
    assert xlsx_to_document(document_to_xlsx(document))[0] == document

    def change(workbook):
        workbook[INFO]["B1"] = "parindex-criteria/2"

    assert xlsx_to_document(edited(change))[0]["format"] == "parindex-criteria/2"


def test_a_sheet_narrower_than_its_columns_reads_the_missing_cells_as_empty():
    def change(workbook):
        workbook[TRIGGERS].delete_cols(2)

    assert refused(edited(change)) == [
        "sheet Kiểm điểm, row 2, column Chỉ số dưới (%): a number is required",
        "sheet Kiểm điểm, row 3, column Chỉ số dưới (%): a number is required",
    ]


def test_unreadable_band_cells_are_named_by_their_row():
    def change(workbook):
        options = workbook[OPTIONS]
        options["E4"] = "chín mươi"
        options["D5"] = "y"
        options["H5"] = None

    assert refused(edited(change)) == [
        "sheet Mức và ngưỡng, row 4, column Đến: chín mươi is not a number",
        "sheet Mức và ngưỡng, row 5, column Từ: y is not a number",
        "sheet Mức và ngưỡng, row 5, column Điểm: a number is required",
    ]


def test_a_workbook_problem_keeps_its_sheet_and_row_when_stored(place):
    period, block = place
    document = full_document()
    document["nodes"][0]["children"][0]["rule"] = "guess"
    parsed, locations = xlsx_to_document(document_to_xlsx(document))
    with pytest.raises(CriteriaFileError) as error:
        criteria_set_from_document(period=period, block=block, document=parsed, locations=locations)
    assert [str(p) for p in error.value.problems] == [
        "sheet Tiêu chí, row 3: unknown rule guess (expected one of: manual, levels, threshold, proportional,"
        " deduction, survey)"
    ]


def test_each_block_of_a_period_has_its_own_set(place):
    period, block = place
    criteria_set_from_document(period=period, block=block, document=full_document())
    document = {**full_document(), "unranked": []}  # full_document's unranked agencies are of block so-nganh
    other = criteria_set_from_document(period=period, block=BlockFactory(code="xa"), document=document)
    assert other.block.code == "xa"
    assert CriteriaSet.objects.filter(period=period).count() == 2


def test_only_the_agencies_named_are_kept_out_and_each_stranger_is_named(place):
    period, block = place
    AgencyFactory(code="so-tu-phap", block=block)  # of the block, not named: stays ranked
    AgencyFactory(code="xa-1", block=BlockFactory(code="xa"))  # active in the period, another block
    stored = criteria_set_from_document(
        period=period, block=block, document={**full_document(), "unranked": ["so-y-te"]}
    )
    assert [agency.code for agency in stored.unranked_agencies.all()] == ["so-y-te"]
    with pytest.raises(CriteriaFileError) as refusal:
        criteria_set_from_document(
            period=period,
            block=block,
            document={**full_document(), "unranked": ["so-y-te", "xa-1", "khong-co"]},
            replace=True,
        )
    assert [str(p) for p in refusal.value.problems] == [
        "agencies not ranked: xa-1 is not an agency of block so-nganh active in period 2022",
        "agencies not ranked: khong-co is not an agency of block so-nganh active in period 2022",
    ]
    assert [agency.code for agency in CriteriaSet.objects.get().unranked_agencies.all()] == ["so-y-te"]


def test_a_workbook_with_no_agency_kept_out_reads_back_an_empty_list():
    document = {**full_document(), "unranked": []}
    assert rows(load_workbook(io.BytesIO(document_to_xlsx(document))), INFO)[5][1] is None
    assert xlsx_to_document(document_to_xlsx(document))[0] == document


def test_a_workbook_carries_the_format_of_its_document():
    """Whatever the document says, so that importing the workbook refuses a format it does not know."""
    document = {**full_document(), "format": "parindex-criteria/2"}
    assert xlsx_to_document(document_to_xlsx(document))[0]["format"] == "parindex-criteria/2"


def test_unreadable_head_rule_cells_are_named_by_their_row():
    def change(workbook):
        workbook[HEADS]["B3"] = "tám mươi"

    assert refused(edited(change)) == [
        "sheet Người đứng đầu, row 3, column Chỉ số từ (%): tám mươi is not a number"
    ]


def test_every_row_of_the_information_sheet_counts_against_the_row_limit(settings):
    """The information sheet has no header row: at a limit of 10 rows it may have 10, not 11 (the tree
    sheet's 10 criteria under its header are within the same limit)."""
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "list_rows": 10}

    def info_rows(count):
        def change(workbook):
            while workbook[INFO].max_row < count:
                workbook[INFO].append(["Ghi chú", "bỏ qua", "note"])

        return change

    assert xlsx_to_document(edited(info_rows(10)))[0] == full_document()
    assert refused(edited(info_rows(11))) == [
        "file: the sheet Thông tin declares 11 rows; at most 10 are accepted"
    ]


def with_empty_text(data: bytes, marker: str) -> bytes:
    """The workbook with every cell holding `marker` turned into an empty text, as another program may
    save it (openpyxl writes "" as an empty cell, but reads an empty text as "")."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    found = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                found += content.count(f"<t>{marker}</t>".encode())
                content = content.replace(f"<t>{marker}</t>".encode(), b"<t></t>")
            target.writestr(item, content)
    assert found
    return out.getvalue()


def test_an_empty_text_cell_from_another_program_is_an_empty_cell():
    def change(workbook):
        workbook[INFO]["B1"] = "EMPTY-TEXT"  # format: the default stays
        workbook[INFO]["B3"] = "EMPTY-TEXT"  # tie rule: the default stays

    document, _ = xlsx_to_document(with_empty_text(edited(change), "EMPTY-TEXT"))
    assert document == {**full_document(), "tie_rule": "shared"}

    def number(workbook):
        workbook[HEADS]["C2"] = "EMPTY-TEXT"

    assert refused(with_empty_text(edited(number), "EMPTY-TEXT")) == [
        "sheet Người đứng đầu, row 2, column Mọi lĩnh vực từ (%): a number is required"
    ]
