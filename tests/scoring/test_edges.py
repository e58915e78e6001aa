"""Results at the edges (issue 12), through the database: points published once, leaves without input
listed, one-value bands imported, agencies scored but not ranked."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import AssessmentItem
from sample import criteria
from scoring.exports import detail_rows, results_csv, results_rows
from scoring.formats import CriteriaFileError, criteria_set_from_document, criteria_set_to_document
from scoring.formats.xlsx import document_to_xlsx, xlsx_to_document
from scoring.models import AgencyResult, NodeResult
from scoring.services import period_compute
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def hundred_points_document() -> dict:
    """One area of 100 points in one manual leaf, so points and index are the same number."""
    document = small_document()
    document["review_triggers"] = []
    document["nodes"] = [
        criteria.area("1", "Toàn bộ", "100", [criteria.manual("1.1", "Điểm", "100", step="0.000001")])
    ]
    return document


def compute_points(raw_points: list[str], document=None, unranked=()):
    period = PeriodFactory(year=2022)
    block = BlockFactory(code="so-nganh")
    agencies = [AgencyFactory(block=block, code=f"co-quan-{n}") for n in range(len(raw_points))]
    document = document or hundred_points_document()
    document["unranked"] = list(unranked)
    criteria_set = criteria_set_from_document(period=period, block=block, document=document)
    leaf = criteria_set.nodes.get(code="1.1")
    AssessmentItem.objects.bulk_create(
        AssessmentItem(agency=agency, node=leaf, self_input={"points": raw}, appraised_input={"points": raw})
        for agency, raw in zip(agencies, raw_points, strict=True)
    )
    return period_compute(period=period), agencies


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ("89.994999", "89.99"),
        ("88.125", "88.13"),
        ("89.995", "90.00"),
        ("0.005", "0.01"),
        ("88.135", "88.14"),
    ],
)
def test_exported_points_are_rounded_once_half_up_like_the_index(raw, published):
    """A raw 89,994999 of 100 publishes as points 89,99 beside index 89,99 (not 90,00), 88,125 as 88,13."""
    snapshot, _ = compute_points([raw])
    row = results_rows(snapshot)[0]
    assert (row["points"], row["index"]) == (published, published)
    details = {r["node_code"]: r for r in detail_rows(snapshot)}
    assert details["1.1"]["final_points"] == details["1"]["final_points"] == published
    assert details["1.1"]["self_points"] == published


def test_exact_points_are_stored_with_every_digit():
    """The snapshot keeps the exact points (not 4 places), so any later rounding is the only one."""
    snapshot, (agency,) = compute_points(["88.124999"])
    assert AgencyResult.objects.get(snapshot=snapshot).points == D("88.124999")
    assert NodeResult.objects.get(snapshot=snapshot, node__code="1.1").final_points == D("88.124999")


# --- leaves without input --------------------------------------------------------------------------------


def test_leaves_without_final_input_score_zero_and_are_listed_per_agency():
    """An agency with inputs on two leaves: the other four (deduction included) score 0 and are listed
    in tree order in the snapshot, the JSON and the CSV."""
    period = PeriodFactory(year=2022)
    block = BlockFactory(code="so-nganh")
    agency = AgencyFactory(block=block)
    criteria_set = criteria_set_from_document(period=period, block=block, document=small_document())
    nodes = {node.code: node for node in criteria_set.nodes.all()}
    AssessmentItem.objects.create(agency=agency, node=nodes["1.1"], appraised_input={"points": "2"})
    AssessmentItem.objects.create(
        agency=agency, node=nodes["2.2"], appraised_input={"value": "50", "target": "100"}
    )
    AssessmentItem.objects.create(agency=agency, node=nodes["1.3"], self_input={"value": "0"})  # self only
    snapshot = period_compute(period=period)
    result = AgencyResult.objects.get(snapshot=snapshot)
    assert result.unscored == ["1.2", "1.3", "2.1", "2.3"]
    assert NodeResult.objects.get(snapshot=snapshot, node=nodes["1.3"]).final_points == 0
    assert result.points == D(3)
    row = results_rows(snapshot)[0]
    assert row["unscored"] == ["1.2", "1.3", "2.1", "2.3"]
    csv_row = next(csv.DictReader(io.StringIO(results_csv([row]))))
    assert csv_row["unscored"] == "1.2;1.3;2.1;2.3"


# --- a threshold band of one value ---------------------------------------------------------------------


def one_value_document(first_band: dict) -> dict:
    document = small_document()
    document["nodes"][1]["children"][0]["params"]["bands"] = [
        first_band,
        {"min": "0", "min_inclusive": False, "max": "5", "max_inclusive": True, "points": "1"},
        {"min": "5", "min_inclusive": False, "max": None, "points": "0"},
    ]
    return document


def test_a_band_of_one_value_imports_and_round_trips():
    """[0, 0] with both bounds included imports, exports and imports back (JSON and XLSX) unchanged."""
    period, block = PeriodFactory(year=2022), BlockFactory(code="so-nganh")
    band = {"min": "0", "max": "0", "max_inclusive": True, "points": "2"}
    criteria_set = criteria_set_from_document(period=period, block=block, document=one_value_document(band))
    exported = criteria_set_to_document(criteria_set)
    assert exported["nodes"][1]["children"][0]["params"]["bands"][0] == band
    through_xlsx, _ = xlsx_to_document(document_to_xlsx(exported))
    again = criteria_set_from_document(period=period, block=block, document=through_xlsx, replace=True)
    assert criteria_set_to_document(again) == exported


@pytest.mark.parametrize(
    "band",
    [
        {"min": "0", "max": "0", "points": "2"},
        {"min": "0", "min_inclusive": False, "max": "0", "max_inclusive": True, "points": "2"},
        {"min": "1", "max": "0", "max_inclusive": True, "points": "2"},
    ],
)
def test_an_empty_band_is_still_refused(band):
    period, block = PeriodFactory(year=2022), BlockFactory(code="so-nganh")
    with translation.override("en"), pytest.raises(CriteriaFileError, match="must be below max"):
        criteria_set_from_document(period=period, block=block, document=one_value_document(band))


# --- agencies scored but not ranked ---------------------------------------------------------------------


def test_an_agency_not_ranked_keeps_its_index_and_class_but_no_rank_or_band():
    """The document's `unranked` keeps co-quan-1 (the best) out: the others rank 1, 2; it is exported
    with ranked false, no rank, no band, and its index and head class."""
    snapshot, agencies = compute_points(["85", "95", "91"], unranked=["co-quan-1"])
    rows = {row["agency_code"]: row for row in results_rows(snapshot)}
    assert [(code, rows[code]["rank"], rows[code]["band"]) for code in ("co-quan-2", "co-quan-0")] == [
        ("co-quan-2", 1, "A"),
        ("co-quan-0", 2, "B"),
    ]
    special = rows["co-quan-1"]
    assert (special["ranked"], special["rank"], special["band"], special["rank_change"]) == (
        False,
        None,
        "",
        None,
    )
    assert (special["index"], special["head_class"]) == ("95.00", "excellent")
    assert [row["agency_code"] for row in results_rows(snapshot)] == ["co-quan-2", "co-quan-0", "co-quan-1"]
    csv_rows = list(csv.DictReader(io.StringIO(results_csv(results_rows(snapshot)))))
    assert [(r["ranked"], r["rank"]) for r in csv_rows] == [("1", "1"), ("1", "2"), ("0", "")]


def test_the_flag_round_trips_through_the_criteria_files_and_refuses_strangers():
    period, block = PeriodFactory(year=2022), BlockFactory(code="so-nganh")
    agency = AgencyFactory(block=block, code="bql-kcn")
    other = AgencyFactory(code="khac")
    document = small_document()
    document["unranked"] = ["bql-kcn"]
    criteria_set = criteria_set_from_document(period=period, block=block, document=document)
    assert list(criteria_set.unranked_agencies.all()) == [agency]
    exported = criteria_set_to_document(criteria_set)
    assert exported["unranked"] == ["bql-kcn"]
    through_xlsx, _ = xlsx_to_document(document_to_xlsx(exported))
    assert through_xlsx["unranked"] == ["bql-kcn"]
    document["unranked"] = [other.code, "khong-co"]
    with (
        translation.override("en"),
        pytest.raises(CriteriaFileError, match="khac is not an agency of block so-nganh") as refusal,
    ):
        criteria_set_from_document(period=period, block=block, document=document, replace=True)
    assert len(refusal.value.problems) == 2


def test_an_agency_not_ranked_last_period_has_no_rank_change():
    """Unranked in 2021, ranked in 2022: no previous rank to compare with."""
    compute_points(["95", "91"], unranked=["co-quan-0"])
    from agencies.models import Period

    period_2021 = Period.objects.get(code="2022")
    period_2021.code, period_2021.year = "2021", 2021
    period_2021.save()
    period = PeriodFactory(year=2022)
    block = BlockFactory(code="so-nganh")
    document = hundred_points_document()
    criteria_set = criteria_set_from_document(period=period, block=block, document=document)
    leaf = criteria_set.nodes.get(code="1.1")
    for agency in block.agencies.all():
        AssessmentItem.objects.create(agency=agency, node=leaf, appraised_input={"points": "90"})
    snapshot = period_compute(period=period)
    changes = {row["agency_code"]: row["rank_change"] for row in results_rows(snapshot)}
    assert changes == {"co-quan-0": None, "co-quan-1": 0}


def test_the_admin_shows_points_as_published(client):
    """The read-only result pages show 88,13 for an exact 88,125, not 30 stored decimals."""
    from tests.factories import UserFactory

    snapshot, (agency,) = compute_points(["88.125"])
    admin_user = UserFactory(username="quantri", role="home_affairs", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    result = AgencyResult.objects.get(snapshot=snapshot)
    node = NodeResult.objects.get(snapshot=snapshot, node__code="1.1")
    for url in (
        reverse("admin:scoring_agencyresult_change", args=[result.pk]),
        reverse("admin:scoring_noderesult_change", args=[node.pk]),
        reverse("admin:scoring_agencyresult_changelist"),
        reverse("admin:scoring_resultsnapshot_change", args=[snapshot.pk]),
    ):
        html = client.get(url).content.decode()
        assert "88,13" in html and "12500000000" not in html, url  # the unrounded index has 6 places
