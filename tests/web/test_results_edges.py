"""Pages, report tables and public pages at the edges (issue 12): an agency scored but not ranked, and
leaves without a final input listed before publishing."""

import pytest
from django.urls import reverse

from assessment.models import AssessmentItem
from parindex.jobs import JobStatus
from reports.selectors import report_data, report_settings_get
from reports.tables import table_specs
from scoring.models import ComputeJob, CriteriaSet
from scoring.services import period_compute
from tests.public.builders import approved_province, official, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Four agencies; the best (agencies[0]) is not ranked; agencies[1] has no final input on one leaf."""
    period, agencies = approved_province(4)
    CriteriaSet.objects.get(period=period).unranked_agencies.add(agencies[0])
    item = (
        AssessmentItem.objects.filter(agency=agencies[1], node__rule="manual")
        .select_related("node")
        .exclude(node__parent__is_bonus=True)
        .order_by("-node__position")
        .first()
    )
    item.appraised_input = None
    item.save()
    return period, agencies, item.node.code


def english(client, user=None):
    client.force_login(user or official())
    client.cookies["django_language"] = "en"
    return client


def row_of(html: str, name: str) -> str:
    start = html.index(name)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_staff_ranking_shows_not_ranked_in_place_of_the_rank(client, world):
    period, agencies, _ = world
    snapshot = period_compute(period=period)
    html = (
        english(client)
        .get(reverse("results:ranking", args=[period.code]) + f"?v={snapshot.version}")
        .content.decode()
    )
    special = row_of(html, agencies[0].name)
    assert "not ranked" in special and "tier-0" in special
    assert [r.agency_id for r in snapshot.agency_results.filter(ranked=True).order_by("rank")] == [
        a.id for a in agencies[1:]
    ]
    assert ">1</td>" in row_of(html, agencies[1].name) and "not ranked" not in row_of(html, agencies[1].name)
    assert html.index(agencies[1].name) < html.index(agencies[0].name)  # ranked first, then the others


def test_staff_agency_page_says_not_ranked_and_lists_leaves_without_input(client, world):
    period, agencies, code = world
    snapshot = period_compute(period=period)
    client = english(client)
    special = client.get(reverse("results:agency", args=[period.code, agencies[0].code])).content.decode()
    assert "not ranked" in special
    page = client.get(reverse("results:agency", args=[period.code, agencies[1].code])).content.decode()
    listed = page[page.index('id="unscored"') :]
    listed = listed[listed.index("</strong>") + len("</strong>") : listed.index("</div>")].split(", ")
    assert [each.strip() for each in listed] == snapshot.agency_results.get(agency=agencies[1]).unscored
    assert code in [each.strip() for each in listed]
    assert "1/3" in page  # ranked among the three ranked agencies


def test_the_finished_job_lists_the_leaves_without_input_per_agency(client, world):
    period, agencies, code = world
    snapshot = period_compute(period=period)
    job = ComputeJob.objects.create(
        period=period, status=JobStatus.SUCCEEDED, progress=100, snapshot=snapshot
    )
    html = english(client).get(reverse("results:job", args=[period.code, job.pk])).content.decode()
    assert "data-unscored" in html

    def listed(agency):
        start = html.index(f"{agency.name}</a>: ") + len(f"{agency.name}</a>: ")
        return html[start : html.index("</li>", start)].split(", ")

    assert code in listed(agencies[1]) and code not in listed(agencies[2])
    assert listed(agencies[2]) == snapshot.agency_results.get(agency=agencies[2]).unscored


def test_public_pages_mark_the_agency_not_ranked(client, world):
    period, agencies, _ = world
    published(period)
    client.cookies["django_language"] = "en"
    ranking = client.get(reverse("public:ranking", args=[period.code])).content.decode()
    assert "not ranked" in row_of(ranking, agencies[0].name)
    page = client.get(reverse("public:agency", args=[period.code, agencies[0].code])).content.decode()
    assert "not ranked" in page


def test_report_tables_keep_the_agency_out_of_ranks_and_bands(world):
    period, agencies, _ = world
    snapshot = period_compute(period=period)
    data, config = report_data(snapshot), report_settings_get()
    specs = table_specs(data)
    detail = next(spec for spec in specs if spec.is_detail and spec.result.agency_id == agencies[0].id)
    facts = {row.cells[0]: row.cells[1] for row in detail.build(data, config).rows if row.style == "fact"}
    assert facts["Xếp hạng"] == "Không xếp hạng" and facts["Nhóm xếp loại"] == "–"
    assert facts["Người đứng đầu"]  # classified all the same
    other = next(spec for spec in specs if spec.is_detail and spec.result.agency_id == agencies[1].id)
    assert {row.cells[0]: row.cells[1] for row in other.build(data, config).rows}["Xếp hạng"] == "1/3"
    by_id = {spec.exporter.identifier: spec for spec in specs if not spec.is_detail}
    ranking = by_id["ranking"].build(data, config)
    assert agencies[0].name not in [row.cells[1] for row in ranking.rows]
    assert any("Không xếp hạng" in note and agencies[0].name in note for note in ranking.notes)
    bands = by_id["bands"].build(data, config)
    assert agencies[0].name not in [row.cells[1] for row in bands.rows if row.style != "section"]
    heads = by_id["heads"].build(data, config)
    assert any(agencies[0].name in row.cells[1] for row in heads.rows if row.style != "section")


def test_the_flag_is_shown_in_the_admin_and_frozen_with_the_approved_set(client, world):
    """Criteria set: the agencies not ranked; agency: the periods in which it is not ranked. Approved, the
    set (flag included) is read-only, for a superuser too (tests/web/test_admin_policy.py: the draft)."""
    period, agencies, _ = world
    admin_user = official("quantri")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    criteria_set = CriteriaSet.objects.get(period=period)
    page = client.get(reverse("admin:scoring_criteriaset_change", args=[criteria_set.pk]))
    assert page.status_code == 200 and 'name="unranked_agencies"' not in page.content.decode()
    assert agencies[0].name in page.content.decode()
    agency_page = client.get(reverse("admin:agencies_agency_change", args=[agencies[0].pk]))
    assert agency_page.status_code == 200 and "CriteriaSet_unranked_agencies" in agency_page.content.decode()


def test_the_method_page_says_a_band_of_one_value_in_words():
    from django.utils import translation

    from public.method import _range

    with translation.override("en"):
        assert _range({"min": "0", "max": "0", "max_inclusive": True}) == "exactly 0"
        assert _range({"min": "0", "max": "5", "max_inclusive": True}) == "from 0 to 5"
