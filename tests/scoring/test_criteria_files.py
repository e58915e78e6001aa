"""Criteria sets as files: exact round trips, bad files refused whole with every problem named."""

import copy
import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from sample import criteria
from scoring.formats import CriteriaFileError, criteria_set_from_document, criteria_set_to_document
from scoring.formats.xlsx import TREE, document_to_xlsx, xlsx_to_document
from scoring.models import CriteriaNode, CriteriaSet
from scoring.services import criteria_set_copy
from tests.documents import small_document
from tests.factories import BlockFactory, PeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Problems are matched in English here; one test checks the Vietnamese text."""
    with translation.override("en"):
        yield


@pytest.fixture
def place():
    return PeriodFactory(year=2022), BlockFactory(code="so-nganh")


def problems_of(document, place, *, match: str, **kwargs) -> list[str]:
    """Every problem of a refused document; `match` is a regex of one of them (the refusal expected)."""
    period, block = place
    with pytest.raises(CriteriaFileError, match=match) as refused:
        criteria_set_from_document(period=period, block=block, document=document, **kwargs)
    assert not CriteriaSet.objects.filter(period=period, block=block).exists()
    assert not CriteriaNode.objects.exists()
    return [str(problem) for problem in refused.value.problems]


def test_the_small_document_is_valid(place):
    period, block = place
    stored = criteria_set_from_document(period=period, block=block, document=small_document())
    assert stored.nodes.count() == 8


@pytest.mark.parametrize("make", [criteria.departments, criteria.districts])
def test_json_export_imports_back_to_the_same_document(place, make):
    period, block = place
    stored = criteria_set_from_document(period=period, block=block, document=make(2022))
    exported = criteria_set_to_document(stored)
    text = json.dumps(exported, ensure_ascii=False)

    other = PeriodFactory(year=2023)
    again = criteria_set_from_document(period=other, block=block, document=json.loads(text))
    reexported = criteria_set_to_document(again)
    assert {**reexported, "period": "2022"} == exported


def test_xlsx_export_imports_back_to_the_same_document(place):
    period, block = place
    stored = criteria_set_from_document(period=period, block=block, document=criteria.departments(2022))
    exported = criteria_set_to_document(stored)
    document, locations = xlsx_to_document(document_to_xlsx(exported))
    assert document == exported
    assert str(locations["3.2"]).startswith(f"sheet {TREE}, row ")


def test_xlsx_template_is_readable_by_an_official(place):
    period, block = place
    stored = criteria_set_from_document(period=period, block=block, document=small_document())
    workbook = load_workbook(io.BytesIO(document_to_xlsx(criteria_set_to_document(stored))))
    assert workbook.sheetnames == [
        "Thông tin",
        "Tiêu chí",
        "Mức và ngưỡng",
        "Nhóm",
        "Người đứng đầu",
        "Kiểm điểm",
    ]
    tree = workbook[TREE]
    assert [cell.value for cell in tree[1]][:4] == ["Mã", "Mã cha", "Nội dung", "Điểm tối đa"]
    assert [cell.value for cell in tree[3]][:4] == ["1.1", "1", "Kế hoạch", 2]


@pytest.mark.parametrize(
    "spoil, expected",
    [
        (lambda d: d["nodes"][0]["children"][1].update(code="1.1"), "criterion 1.1: duplicate code 1.1"),
        (
            lambda d: d["nodes"][0]["children"][0].update(max_points="3"),
            "criterion 1: sub-criteria maxima sum to 7, over the criterion's max 6",
        ),
        (
            lambda d: d["nodes"][1].update(max_points="7"),
            "criterion 2: sub-criteria maxima sum to 6, under the criterion's max 7",
        ),
        (lambda d: d["nodes"][0]["children"][0].update(rule="guess"), "criterion 1.1: unknown rule guess"),
        (
            lambda d: d["nodes"][1]["children"][0]["params"]["bands"][1].update(min="85"),
            "criterion 2.1: band 1 and band 2 overlap",
        ),
        (
            lambda d: d["nodes"][1]["children"][0]["params"]["bands"][1].update(max="95"),
            "criterion 2.1: gap between band 2 and band 3",
        ),
        (lambda d: d["nodes"][0]["children"][2].update(max_points="-2"), "criterion 1.3: negative max -2"),
        (
            lambda d: d["review_triggers"][0].update(area_code="2.1"),
            "review trigger 1: 2.1 is not a content area",
        ),
        (lambda d: d["bands"][2].update(min_index="10"), "bands: the lowest band must start at 0"),
        (lambda d: d["head_rules"][0].update(head_class="gioi"), "head rule 1: unknown head class gioi"),
        (lambda d: d.update(tie_rule="coin"), "tie rule: unknown tie rule coin"),
        (
            lambda d: d["nodes"][0]["children"][1]["params"]["levels"][0].update(points="5"),
            "criterion 1.2: points of level dung_han (5) must lie within 0…2",
        ),
    ],
)
def test_a_bad_document_is_refused_whole_and_names_the_problem(place, spoil, expected):
    document = small_document()
    spoil(document)
    problems = problems_of(document, place, match=re.escape(expected))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_problem_is_named_at_once(place):
    document = small_document()
    document["nodes"][0]["children"][1]["code"] = "1.1"
    document["nodes"][0]["children"][0]["rule"] = "guess"
    document["nodes"][1]["children"][1]["max_points"] = "-1"
    problems = problems_of(document, place, match=r"duplicate code 1\.1")
    assert len(problems) >= 3
    assert any("duplicate code 1.1" in p for p in problems)
    assert any("unknown rule guess" in p for p in problems)
    assert any("negative max -1" in p for p in problems)


def test_an_existing_set_is_kept_unless_replaced(place):
    period, block = place
    criteria_set_from_document(period=period, block=block, document=small_document())
    bigger = small_document()
    bigger["nodes"].append(
        criteria.area("3", "Tổ chức bộ máy", "2", [criteria.manual("3.1", "Sắp xếp", "2")])
    )
    with pytest.raises(CriteriaFileError, match="already has a criteria set"):
        criteria_set_from_document(period=period, block=block, document=bigger)
    assert CriteriaNode.objects.count() == 8
    criteria_set_from_document(period=period, block=block, document=bigger, replace=True)
    assert CriteriaNode.objects.count() == 10


def test_a_bad_xlsx_cell_is_named_by_sheet_row_and_column(place):
    workbook = load_workbook(io.BytesIO(document_to_xlsx(small_document())))
    workbook[TREE]["D3"] = "hai điểm"  # row 3 is criterion 1.1
    workbook[TREE]["B5"] = "9"  # criterion 1.3 under a parent that does not exist
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(CriteriaFileError, match="hai điểm is not a number") as refused:
        xlsx_to_document(out.getvalue())
    problems = [str(p) for p in refused.value.problems]
    assert "sheet Tiêu chí, row 3, column Điểm tối đa: hai điểm is not a number" in problems
    assert "sheet Tiêu chí, row 5, column Mã cha: parent 9 is not on a row above" in problems


def test_an_xlsx_rule_problem_is_named_by_its_row(place):
    document = small_document()
    document["nodes"][0]["children"][0]["rule"] = "guess"
    data = document_to_xlsx(document)
    parsed, locations = xlsx_to_document(data)
    problems = problems_of(
        parsed, place, locations=locations, match=re.escape("sheet Tiêu chí, row 3: unknown rule guess")
    )
    assert any(p.startswith("sheet Tiêu chí, row 3: unknown rule guess") for p in problems), problems


def test_not_a_workbook_is_refused():
    with pytest.raises(CriteriaFileError, match="not an XLSX workbook"):
        xlsx_to_document(b"%PDF-1.7 not a workbook")


def test_problems_are_shown_in_vietnamese_and_english(place):
    document = small_document()
    document["nodes"][0]["children"][2]["max_points"] = "-2"
    period, block = place
    with pytest.raises(CriteriaFileError, match=r"criterion 1\.3: negative max -2") as refused:
        criteria_set_from_document(period=period, block=block, document=document)
    problem = next(p for p in refused.value.problems if "negative" in p.message.template)
    with translation.override("vi"):
        assert str(problem) == "tiêu chí 1.3: điểm tối đa âm -2"
    with translation.override("en"):
        assert str(problem) == "criterion 1.3: negative max -2"


def test_copy_from_last_period_keeps_the_tree_and_records_its_source(place):
    period, block = place
    source = criteria_set_from_document(period=period, block=block, document=criteria.departments(2022))
    copied = criteria_set_copy(source=source, period=PeriodFactory(year=2023), acting_user=None)
    assert copied.copied_from == source
    assert {**criteria_set_to_document(copied), "period": "2022"} == criteria_set_to_document(source)


def test_commands_import_export_and_copy(place, tmp_path, capsys):
    period, block = place
    PeriodFactory(year=2023)
    path = tmp_path / "bo.json"
    path.write_text(json.dumps(small_document(), ensure_ascii=False), encoding="utf-8")
    call_command("import_criteria", str(path), period="2022", block="so-nganh")
    imported = criteria_set_to_document(CriteriaSet.objects.get())
    xlsx = tmp_path / "bo.xlsx"
    call_command("export_criteria", period="2022", block="so-nganh", format="xlsx", output=str(xlsx))
    call_command("import_criteria", str(xlsx), period="2022", block="so-nganh", replace=True)
    call_command("copy_criteria", from_period="2022", to_period="2023")
    exported = tmp_path / "2023.json"
    call_command("export_criteria", period="2023", block="so-nganh", output=str(exported))
    assert json.loads(exported.read_text(encoding="utf-8"))["nodes"] == imported["nodes"]
    assert "8 criteria imported" in capsys.readouterr().out


def test_import_command_refuses_a_bad_file_with_problems_on_stderr(place, tmp_path, capsys):
    document = small_document()
    document["nodes"][0]["children"][1]["code"] = "1.1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="refused, 1 problem"):
        call_command("import_criteria", str(path), period="2022", block="so-nganh")
    assert "criterion 1.1: duplicate code 1.1" in capsys.readouterr().err
    assert not CriteriaSet.objects.exists()


def test_import_command_exits_with_status_1(place, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    # CommandError from the command line becomes exit status 1 (checked without a database).
    result = subprocess.run(
        [sys.executable, "manage.py", "import_criteria", str(path), "--period", "x", "--block", "y"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
    )
    assert result.returncode == 1
    assert "not valid UTF-8 JSON" in result.stderr


def test_a_document_is_not_changed_by_validation(place):
    document = small_document()
    before = copy.deepcopy(document)
    period, block = place
    criteria_set_from_document(period=period, block=block, document=document)
    assert document == before
