"""An appraiser assigned some content areas of an agency reads those areas' items, and only them.

The policy meets an appraiser whose assignments do not cover an item's area as an unassigned appraiser
(`item_audience` → APPRAISER), who reads no stage of the item and none of its evidence; every read path
must agree: the items API, evidence (download, listing, search), the item's history, and the agency's
whole self-assessment page (readable only by who reads every item of the agency).
"""

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from agencies import policy
from agencies.models import Period, PeriodState
from agencies.permissions import scope_for
from assessment.models import AppraisalAssignment
from evidence.search import evidence_search
from evidence.services import evidence_attach, evidence_link
from tests.evidence.factories import pdf_bytes
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db


def set_state(period, state):
    Period.objects.filter(pk=period.pk).update(state=state)
    period.refresh_from_db()


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    """Agency A's item 2.1 (area 2) carries a file, 1.1 (area 1) another; the appraiser is assigned
    agency A × area 1 only, in the appraisal."""
    world = self_assessment_world()
    focal = world.users["focal"]
    world.outside_item, world.inside_item = world.item("2.1"), world.item("1.1")
    world.outside_file = evidence_attach(
        item=world.outside_item,
        uploaded_file=SimpleUploadedFile("bao-cao-khu-vuc-2.pdf", pdf_bytes("khu-vuc-2")),
        acting_user=focal,
    )
    world.inside_file = evidence_attach(
        item=world.inside_item,
        uploaded_file=SimpleUploadedFile("ke-hoach-khu-vuc-1.pdf", pdf_bytes("khu-vuc-1")),
        acting_user=focal,
    )
    set_state(world.period, PeriodState.APPRAISAL)
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=world.users["appraiser"], agency=world.agency, area_code="1"
    )
    return world


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_policy_hides_an_item_outside_the_appraisers_area(world):
    """The policy itself: the appraiser meets 2.1 as an unassigned appraiser, who reads no stage of it
    and none of its evidence (so every path answers 404), and meets 1.1 as its first appraiser."""
    appraiser = world.users["appraiser"]
    who = policy.item_audience(appraiser, world.outside_item)
    assert who == policy.Audience.APPRAISER
    assert not policy.may_read(who, policy.Stage.SELF, world.period.state)
    assert not policy.may_read(who, policy.Obj.EVIDENCE, world.period.state)
    assert policy.item_audience(appraiser, world.inside_item) == policy.Audience.FIRST


def test_items_api_hides_an_item_outside_the_appraisers_area(world):
    api = api_for(world.users["appraiser"])
    answer = api.get(f"/api/v1/assessment/items/{world.outside_item.pk}/")
    assert answer.status_code == 404, answer.json()
    assert api.get(f"/api/v1/assessment/items/{world.inside_item.pk}/").status_code == 200


def test_items_api_lists_only_the_appraisers_area(world):
    answer = api_for(world.users["appraiser"]).get("/api/v1/assessment/items/")
    assert answer.status_code == 200
    assert sorted((row["agency"], row["code"]) for row in answer.json()["results"]) == [
        ("so-a", "1.1"),
        ("so-a", "1.2"),
        ("so-a", "1.3"),
    ]


def test_evidence_download_hides_a_file_of_an_item_outside_the_appraisers_area(client, world):
    client.force_login(world.users["appraiser"])
    assert client.get(reverse("evidence:download", args=[world.outside_file.pk])).status_code == 404
    assert client.get(reverse("evidence:download", args=[world.inside_file.pk])).status_code == 200


def test_a_file_linked_to_an_item_of_the_area_too_is_visible(client, world):
    """A file is visible when it supports an item the reader may read, whatever else it supports."""
    set_state(world.period, PeriodState.SELF_ASSESSMENT)
    evidence_link(item=world.inside_item, evidence=world.outside_file, acting_user=world.users["focal"])
    set_state(world.period, PeriodState.APPRAISAL)
    client.force_login(world.users["appraiser"])
    assert client.get(reverse("evidence:download", args=[world.outside_file.pk])).status_code == 200
    # …and the listing names only the items the reader may read
    answer = api_for(world.users["appraiser"]).get(f"/api/v1/evidence/files/{world.outside_file.pk}/")
    assert answer.status_code == 200
    assert answer.json()["items"] == [world.inside_item.pk]


def test_evidence_api_and_item_files_hide_the_other_areas(client, world):
    api = api_for(world.users["appraiser"])
    listed = api.get("/api/v1/evidence/files/").json()["results"]
    assert [row["id"] for row in listed] == [world.inside_file.pk]
    assert api.get(f"/api/v1/evidence/files/{world.outside_file.pk}/").status_code == 404
    client.force_login(world.users["appraiser"])
    assert client.get(reverse("evidence:item_files", args=[world.outside_item.pk])).status_code == 404
    assert client.get(reverse("evidence:item_files", args=[world.inside_item.pk])).status_code == 200


def test_self_assessment_item_history_hides_an_item_outside_the_appraisers_area(client, world):
    client.force_login(world.users["appraiser"])

    def history(item):
        return reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])

    assert client.get(history(world.outside_item)).status_code == 404
    assert client.get(history(world.inside_item)).status_code == 200


def test_item_row_and_save_hide_an_item_outside_the_appraisers_area(client, world):
    client.force_login(world.users["appraiser"])
    args = [world.period.code, world.agency.code, world.outside_item.pk]
    assert client.get(reverse("assessment:item_row", args=args)).status_code == 404
    saved = client.post(reverse("assessment:item_save", args=args), {"version": world.outside_item.version})
    assert saved.status_code == 404


def test_evidence_search_finds_only_the_files_of_the_appraisers_areas(
    world, django_capture_on_commit_callbacks
):
    phrase = "Báo cáo thủ tục hành chính về đường thủy nội địa"
    set_state(world.period, PeriodState.SELF_ASSESSMENT)
    with django_capture_on_commit_callbacks(execute=True):  # the checks read the text
        report = evidence_attach(
            item=world.outside_item,
            uploaded_file=SimpleUploadedFile(
                "thu-tuc.pdf", weasyprint.HTML(string=f"<p>{phrase}</p>").write_pdf()
            ),
            acting_user=world.users["focal"],
        )
    set_state(world.period, PeriodState.APPRAISAL)
    assert [hit.evidence for hit in evidence_search(user=world.users["lead"], query="đường thủy")] == [report]
    assert evidence_search(user=world.users["appraiser"], query="đường thủy") == []
    AppraisalAssignment.objects.create(
        period=world.period, appraiser=world.users["appraiser"], agency=None, area_code="2"
    )
    hits = evidence_search(user=world.users["appraiser"], query="đường thủy")
    assert [hit.evidence for hit in hits] == [report]
    assert [link.item for link in hits[0].links] == [world.outside_item]


# --- the agency's whole self-assessment ---------------------------------------------------------------


def test_the_whole_self_assessment_is_for_who_reads_every_area_of_the_agency(client, world):
    """The page shows every leaf of the agency with its totals and submission, its progress refreshes
    them: an appraiser assigned some areas only finds neither (404), as for an agency not theirs."""
    appraiser = world.users["appraiser"]
    client.force_login(appraiser)

    def answers(agency) -> tuple[int, int]:
        args = [world.period.code, agency.code]
        page = client.get(reverse("assessment:page", args=args))
        progress = client.get(reverse("assessment:progress", args=args), HTTP_HX_REQUEST="true")
        return page.status_code, progress.status_code

    assert answers(world.agency) == (404, 404)
    assert answers(world.other) == (404, 404)
    # area 2 of every agency besides: every item of A is theirs now, none of B's area 1
    AppraisalAssignment.objects.create(period=world.period, appraiser=appraiser, agency=None, area_code="2")
    assert answers(world.agency) == (200, 200)
    assert answers(world.other) == (404, 404)


def test_a_whole_agency_assignment_reads_the_page_as_first_or_second_appraiser(client, world):
    colleague = world.users["lead"]  # the lead is assigned as an appraiser is; reads as the lead anyway
    AppraisalAssignment.objects.filter(period=world.period).delete()
    AppraisalAssignment.objects.create(
        period=world.period,
        appraiser=colleague,
        agency=world.agency,
        second_appraiser=world.users["appraiser"],
    )
    client.force_login(world.users["appraiser"])
    page = client.get(reverse("assessment:page", args=[world.period.code, world.agency.code]))
    assert page.status_code == 200
    assert (
        client.get(reverse("assessment:page", args=[world.period.code, world.other.code])).status_code == 404
    )


def test_sees_whole_asks_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    scope = scope_for(world.users["appraiser"], world.period)
    with django_assert_max_num_queries(3):  # every agency assigned? this one? an item outside the areas?
        assert scope.sees(world.agency) and not scope.sees_whole(world.agency)
    focal = scope_for(world.users["focal"], world.period)
    with django_assert_max_num_queries(0):
        assert focal.sees_whole(world.agency) and not focal.sees_whole(world.other)


# --- the list paths' cost ------------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        answer = call()
    assert answer.status_code == 200
    return len(queries)


def test_the_lists_cost_the_same_queries_for_one_area_or_every_area(world):
    """The items and files an appraiser lists are one SQL filter: more areas, agencies and files read
    cost no more queries."""
    api = api_for(world.users["appraiser"])
    one_area = (
        _queries(lambda: api.get("/api/v1/assessment/items/")),
        _queries(lambda: api.get("/api/v1/evidence/files/")),
    )
    assert len(api.get("/api/v1/assessment/items/").json()["results"]) == 3
    AppraisalAssignment.objects.create(period=world.period, appraiser=world.users["appraiser"], agency=None)
    every_area = (
        _queries(lambda: api.get("/api/v1/assessment/items/")),
        _queries(lambda: api.get("/api/v1/evidence/files/")),
    )
    assert len(api.get("/api/v1/assessment/items/").json()["results"]) == 12
    assert every_area == one_area
