"""Head-class rules and review triggers are configured per criteria set, i.e. per block (domain.md §4:
"configurable"; CriteriaSet.head_rules). The summary tables (TH) and the draft report (DOCX, parts III
and IV) state each block's own rules: once when every block has the same, otherwise naming the block.
Thresholds are printed as configured (a floor of 92.5 is "92,5%", not "93%": an agency at 92,50 meets
it; 90 stays "90%")."""

import io
from decimal import ROUND_DOWN, Decimal

import docx
import pytest
from django.core.cache import cache
from django.urls import reverse

from parindex.formatting import format_vi_exact
from reports.selectors import report_data, report_settings_get
from reports.services import draft_report_file
from reports.tables import table_specs
from scoring.models import CriteriaSet, HeadClassRule, ReviewTrigger
from scoring.services import period_compute
from tests.public.builders import approved_province, published, ranked_province

pytestmark = pytest.mark.django_db

HEADS = "Đánh giá trách nhiệm người đứng đầu về công tác CCHC"
REVIEWS = "Cơ quan, đơn vị phải tổ chức kiểm điểm"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def two_blocks():
    """A period with two blocks of three agencies on the same criteria document (the same rules), the
    departments first (I) and the districts second (II)."""
    period, _ = ranked_province(3, block_code="so-nganh")
    ranked_province(3, block_code="ubnd-huyen")
    for position, code in enumerate(("so-nganh", "ubnd-huyen"), start=1):
        block = CriteriaSet.objects.get(period=period, block__code=code).block
        block.position = position
        block.save()
    first = CriteriaSet.objects.get(period=period, block__code="so-nganh")
    second = CriteriaSet.objects.get(period=period, block__code="ubnd-huyen")
    return period, first, second


def notes_of(snapshot, label: str) -> list[str]:
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.label == label)
    return spec.build(data, report_settings_get()).notes


def docx_text(snapshot) -> str:
    report = draft_report_file(report_data(snapshot), report_settings_get())
    return "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("92.50", "92,5"), ("90.00", "90"), ("90", "90"), ("100", "100"), ("0.00", "0"), ("74.99", "74,99")],
)
def test_a_threshold_is_printed_as_configured(value, shown):
    assert format_vi_exact(Decimal(value)) == shown


def test_heads_table_states_each_blocks_own_floors():
    period, first, second = two_blocks()
    HeadClassRule.objects.filter(criteria_set=second, head_class="excellent").update(min_index=Decimal("95"))
    notes = notes_of(period_compute(period=period), HEADS)
    one, two = f"I. {first.block.name}", f"II. {second.block.name}"
    assert notes == [
        f"Hoàn thành xuất sắc nhiệm vụ ({one}): Chỉ số từ 90% trở lên và chỉ số từng lĩnh vực từ 80% trở lên.",
        f"Hoàn thành xuất sắc nhiệm vụ ({two}): Chỉ số từ 95% trở lên và chỉ số từng lĩnh vực từ 80% trở lên.",
        # the classes whose floors the blocks share: stated once, naming no block
        "Hoàn thành tốt nhiệm vụ: Chỉ số từ 80% trở lên và chỉ số từng lĩnh vực từ 70% trở lên.",
        "Hoàn thành nhiệm vụ: Chỉ số từ 65% trở lên và chỉ số từng lĩnh vực từ 50% trở lên.",
    ], notes


def test_heads_table_states_shared_floors_once():
    period, _first, _second = two_blocks()
    notes = notes_of(period_compute(period=period), HEADS)
    assert notes == [
        "Hoàn thành xuất sắc nhiệm vụ: Chỉ số từ 90% trở lên và chỉ số từng lĩnh vực từ 80% trở lên.",
        "Hoàn thành tốt nhiệm vụ: Chỉ số từ 80% trở lên và chỉ số từng lĩnh vực từ 70% trở lên.",
        "Hoàn thành nhiệm vụ: Chỉ số từ 65% trở lên và chỉ số từng lĩnh vực từ 50% trở lên.",
    ], notes


def test_heads_table_prints_a_fractional_floor_as_configured():
    """A floor of 92.5 (INDEX field, 2 decimals) was printed with 0 decimals, half up: "từ 93% trở lên",
    although an agency at 92.50 is classed excellent."""
    period, _ = ranked_province(3, block_code="so-nganh")
    HeadClassRule.objects.filter(criteria_set__period=period, head_class="excellent").update(
        min_index=Decimal("92.5"), min_area_index=Decimal("80.25")
    )
    notes = " ".join(notes_of(period_compute(period=period), HEADS))
    assert "93%" not in notes, notes
    assert "Chỉ số từ 92,5% trở lên và chỉ số từng lĩnh vực từ 80,25% trở lên" in notes, notes
    assert ",00" not in notes and "90%" not in notes  # 80 prints as 80%, not 80,00%


def test_reviews_table_states_each_blocks_own_triggers():
    period, first, second = two_blocks()
    ReviewTrigger.objects.filter(criteria_set=second, area_code="3").update(below=Decimal("72.5"))
    notes = notes_of(period_compute(period=period), REVIEWS)
    assert len(notes) == 2, notes
    assert (
        notes[0].startswith(f"Phải tổ chức kiểm điểm (I. {first.block.name}): ") and "dưới 75%; " in notes[0]
    )
    assert notes[1].startswith(f"Phải tổ chức kiểm điểm (II. {second.block.name}): ")
    assert "lĩnh vực 3 (" in notes[1] and ") dưới 72,5%; lĩnh vực 7 (" in notes[1] and "73%" not in notes[1]


def test_reviews_table_states_shared_triggers_once_and_a_block_without_any():
    period, first, second = two_blocks()
    notes = notes_of(period_compute(period=period), REVIEWS)
    assert len(notes) == 1 and notes[0].startswith(
        "Phải tổ chức kiểm điểm: cơ quan, đơn vị có chỉ số lĩnh vực 3 ("
    )
    ReviewTrigger.objects.filter(criteria_set=second).delete()
    notes = notes_of(period_compute(period=period), REVIEWS)
    assert notes[0].startswith(f"Phải tổ chức kiểm điểm (I. {first.block.name}): ")
    assert notes[1] == f"Không quy định lĩnh vực phải tổ chức kiểm điểm (II. {second.block.name}).", notes


def test_draft_report_states_each_blocks_own_rules():
    period, first, second = two_blocks()
    HeadClassRule.objects.filter(criteria_set=second, head_class="excellent").update(
        min_index=Decimal("92.5")
    )
    ReviewTrigger.objects.filter(criteria_set=second, area_code="7").update(below=Decimal("70"))
    text = docx_text(period_compute(period=period))
    one, two = (
        first.block.name[:1].lower() + first.block.name[1:],
        second.block.name[:1].lower() + second.block.name[1:],
    )
    assert (
        f"- Nhóm hoàn thành xuất sắc nhiệm vụ đối với {one}: chỉ số tổng hợp đạt từ 90% trở lên so với điểm tối đa; "
        "chỉ số ở từng lĩnh vực đạt từ 80% trở lên." in text
    ), text
    assert (
        f"- Nhóm hoàn thành xuất sắc nhiệm vụ đối với {two}: chỉ số tổng hợp đạt từ 92,5% trở lên so với điểm tối đa; "
        "chỉ số ở từng lĩnh vực đạt từ 80% trở lên." in text
    ), text
    assert text.count("- Nhóm hoàn thành tốt nhiệm vụ: chỉ số tổng hợp đạt từ 80% trở lên") == 1
    assert "93%" not in text
    review_rules = [line for line in text.splitlines() if line.endswith("phải tổ chức kiểm điểm.")]
    assert len(review_rules) == 2, review_rules
    assert review_rules[0].startswith(f"Đối với {one}: ") and "(dưới 75%)" in review_rules[0]
    assert review_rules[1].startswith(f"Đối với {two}: ") and "(dưới 70%)" in review_rules[1]


def test_draft_report_states_shared_rules_once():
    period, _first, _second = two_blocks()
    text = docx_text(period_compute(period=period))
    assert text.count("- Nhóm hoàn thành xuất sắc nhiệm vụ: chỉ số tổng hợp đạt từ 90% trở lên") == 1
    assert "- Nhóm hoàn thành xuất sắc nhiệm vụ đối với" not in text
    review_rules = [line for line in text.splitlines() if line.endswith("phải tổ chức kiểm điểm.")]
    assert len(review_rules) == 1 and review_rules[0].startswith("Cơ quan, đơn vị có chỉ số lĩnh vực "), (
        review_rules
    )


def test_method_page_prints_thresholds_as_configured(client):
    period, _ = approved_province(2)
    HeadClassRule.objects.filter(criteria_set__period=period, head_class="excellent").update(
        min_index=Decimal("92.5")
    )
    published(period)
    html = client.get(reverse("public:method", args=[period.code])).content.decode()
    assert "≥ 92,5 " in html and "≥ 80 " in html, html
    assert "92,50" not in html and "90,00" not in html and "80,00" not in html


def test_an_agencys_detail_table_notes_a_fractional_review_floor_as_configured():
    """The review note beside a flagged area in A1…An prints the trigger's floor as configured: an area
    flagged below 72,5 % reads "Dưới 72,5%", not "Dưới 73%" (72,5 itself is not below it)."""
    period, first, _ = two_blocks()
    area_index = Decimal(period_compute(period=period).agency_results.first().area_indices["3"])
    floor = (area_index + 1).to_integral_value(rounding=ROUND_DOWN) + Decimal("0.5")  # x,5 above the index
    ReviewTrigger.objects.filter(criteria_set=first, area_code="3").update(below=floor)
    snapshot = period_compute(period=period)
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.is_detail and "3" in s.result.review_flags)
    notes = [row.cells[-1] for row in spec.build(data, report_settings_get()).rows if row.cells[-1]]
    assert f"Dưới {format_vi_exact(floor)}%: phải kiểm điểm" in notes, notes
    assert floor != floor.to_integral_value()  # so a floor printed rounded would read otherwise
