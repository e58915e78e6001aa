"""An agency's rank change must read the same in the snapshot, the API/export, the public pages
and the report tables.

Rule (docs/formats.md, "Rank change of merged agencies"): an agency with two or more predecessors has no
rank change (`rank_change: null`) and its predecessors are listed instead. The computation
(scoring.inputs.previous_ranks_for → agencies.lineage.carried_key) looks at the agency's own previous
result first, while the reports and the export (scoring.inputs.merged_predecessors) call it merged from
the predecessors alone. An agency that kept its code and absorbed two others has both."""

from datetime import date

import pytest
from django.urls import reverse

from assessment.models import AssessmentItem
from reports.selectors import report_data, report_settings_get
from reports.tables import table_specs
from reports.tables.wording import rank_change_vi
from scoring.exports import results_rows
from scoring.models import CriteriaNode
from tests.factories import AgencyFactory
from tests.public.builders import approved_province, published

pytestmark = pytest.mark.django_db


def _two_years():
    """2021: agencies a0 > a1 > a2 published. 2022: a2 keeps its code, absorbs a0 and a1 (both end in
    2021) and ranks first among a2, b1, b2."""
    last, (a0, a1, a2) = approved_province(3, year=2021)
    published(last)
    period, _ = approved_province(0)
    for former in (a0, a1):
        former.active_to = date(2021, 12, 31)
        former.save()
    b1 = AgencyFactory(block=a2.block, code="so-b1", name="Sở B1")
    b2 = AgencyFactory(block=a2.block, code="so-b2", name="Sở B2")
    leaves = list(
        CriteriaNode.objects.filter(criteria_set__period=period, rule="manual").order_by("position", "id")
    )
    items = []
    for lost, agency in ((0, a2), (1, b1), (2, b2)):
        for position, leaf in enumerate(leaves):
            points = "0" if position < lost else str(leaf.max_points)
            items.append(AssessmentItem(agency=agency, node=leaf, appraised_input={"points": points}))
    AssessmentItem.objects.bulk_create(items)
    return period, a0, a1, a2


def _detail_change(snapshot, agency) -> str:
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.is_detail and s.result.agency_id == agency.id)
    table = spec.build(data, report_settings_get())
    return next(
        row.cells[1] for row in table.rows if row.style == "fact" and row.cells[0].startswith("Tăng, giảm")
    )


def test_agency_with_own_result_and_two_predecessors_rank_change_is_one_thing_everywhere():
    period, a0, a1, a2 = _two_years()
    a2.predecessors.add(a0, a1)
    snapshot = published(period)
    stored = snapshot.agency_results.get(agency=a2)
    row = next(r for r in results_rows(snapshot) if r["agency_code"] == a2.code)
    # The snapshot (and the public ranking, which prints it) says "up 2"; the export/API lists the
    # predecessors that, by the documented rule, mean "no rank change"; the A-table prints "Không tính".
    shown = (stored.rank_change, bool(row["predecessors"]), _detail_change(snapshot, a2))
    assert shown in {
        (None, True, _detail_change(snapshot, a2)),
        (stored.rank_change, False, rank_change_vi(stored.rank_change)),
    }, shown


def test_rank_change_printed_for_a_published_snapshot_does_not_change_when_predecessors_are_edited():
    """Published with 'tăng 02 bậc' in its A-table; linking two predecessors in the admin afterwards (reference
    data, editable at any time) turns the same published table into 'Không tính…' and the export's
    predecessors list fills in, with no new publication."""
    period, a0, a1, a2 = _two_years()
    snapshot = published(period)
    before = (
        _detail_change(snapshot, a2),
        next(r["predecessors"] for r in results_rows(snapshot) if r["agency_code"] == a2.code),
    )
    a2.predecessors.add(a0, a1)
    after = (
        _detail_change(snapshot, a2),
        next(r["predecessors"] for r in results_rows(snapshot) if r["agency_code"] == a2.code),
    )
    assert after == before


def test_rank_changes_table_lists_an_agency_once():
    """TH 'Thay đổi thứ hạng': a2 (own result, two predecessors) is listed under 'Tăng bậc' and again
    under 'Hình thành sau hợp nhất, không tính tăng, giảm bậc'."""
    period, a0, a1, a2 = _two_years()
    a2.predecessors.add(a0, a1)
    snapshot = published(period)
    data = report_data(snapshot)
    spec = next(s for s in table_specs(data) if s.label == "Thay đổi thứ hạng so với năm trước")
    table = spec.build(data, report_settings_get())
    names = [row.cells[1] for row in table.rows if row.style != "section"]
    assert names.count(a2.name) == 1, [row.cells for row in table.rows]


def test_public_ranking_prints_the_merged_agency_as_stored(client):
    """The public ranking shows the stored decision: no rank change, 'merged, formerly' with the former
    agencies' ranks, its own previous rank among them (it kept its code); unchanged when the links are
    removed after publication."""
    from django.core.cache import cache

    period, a0, a1, a2 = _two_years()
    a2.predecessors.add(a0, a1)
    snapshot = published(period)
    stored = snapshot.agency_results.get(agency=a2)
    assert stored.rank_change is None and stored.compared_with_id is None
    assert [p["agency_code"] for p in stored.predecessors] == [a0.code, a1.code, a2.code]  # best rank first
    cache.clear()
    before = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    assert "predecessors" in before
    a2.predecessors.clear()
    cache.clear()
    after = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    assert after == before


def test_an_agency_with_one_predecessor_and_a_result_of_its_own_compares_with_its_own():
    period, a0, _, a2 = _two_years()
    a2.predecessors.add(a0)
    snapshot = published(period)
    stored = snapshot.agency_results.get(agency=a2)
    assert (stored.compared_with_id, stored.rank_change, stored.predecessors) == (a2.id, 2, [])
