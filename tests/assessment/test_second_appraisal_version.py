"""The optimistic lock of an item's saves is shown to a reader only where it moves with what they may read
(agencies.policy.version_read): the blind second appraiser saves against the version of their own second
appraisal, which the first appraiser's saves never move; the agency reads no version while stages it may
not read are written (the appraisal, the re-appraisal)."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessment import appraisal
from assessment.models import SecondAppraisal
from tests.assessment import test_appraisal_visibility as visibility

pytestmark = pytest.mark.django_db
# The fixtures: both agencies submitted, the period in appraisal, appraiser2 the blind second appraiser of
# area 1 (appraiser its first); English pages.
round_world = visibility.round_world
double_world = visibility.double_world
_english = visibility._english
FIRST_COMMENT, SECOND_COMMENT = visibility.FIRST_COMMENT, visibility.SECOND_COMMENT
appraise, step = visibility.appraise, visibility.step


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def appraisal_url(world, item) -> str:
    return f"/api/v1/assessment/appraisal/{world.period.code}/items/{item.pk}/"


def form_version(html: str) -> str:
    """The version the appraisal page's form sends back."""
    return re.search(r'<input type="hidden" name="version" value="([^"]*)"', html).group(1)


def test_the_second_appraiser_saves_after_the_first_appraiser_saved_in_between(client, double_world):
    """A first appraisal between the second appraiser's read and save does not make their save stale."""
    world = double_world
    item = world.item("1.1")
    api = api_for(world.users["second"])
    read = api.get(appraisal_url(world, item)).json()
    appraise(world)
    answer = api.patch(
        appraisal_url(world, item),
        {"version": read["version"], "input": {"points": "2"}},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert SecondAppraisal.objects.get(item=item).appraised_input == {"points": "2"}
    # The page alike: the form read before the first appraiser's second save is saved.
    page = reverse("appraisal:item", args=[world.period.code, item.pk])
    client.force_login(world.users["second"])
    version = form_version(client.get(page).content.decode())
    appraise(world, points="1.5")
    answer = client.post(page, {"version": version, "points": "1.5", "comment": SECOND_COMMENT})
    assert answer.status_code == 302
    assert SecondAppraisal.objects.get(item=item).appraised_input == {"points": "1.5"}


def test_the_second_appraisers_version_does_not_move_when_the_first_appraiser_saves(client, double_world):
    world = double_world
    item = world.item("1.1")
    api = api_for(world.users["second"])
    page = reverse("appraisal:item", args=[world.period.code, item.pk])
    client.force_login(world.users["second"])
    before = api.get(appraisal_url(world, item)).json()["version"]
    before_page = form_version(client.get(page).content.decode())
    appraise(world)
    appraise(world, points="0.5")
    assert api.get(appraisal_url(world, item)).json()["version"] == before
    listed = api.get(f"/api/v1/assessment/appraisal/{world.period.code}/items/").json()["results"]
    assert {row["id"]: row["version"] for row in listed}[item.pk] == before
    assert form_version(client.get(page).content.decode()) == before_page == str(before)
    # Their own save moves it, and only theirs.
    saved = api.patch(
        appraisal_url(world, item), {"version": before, "input": {"points": "2"}}, format="json"
    )
    assert saved.status_code == 200 and saved.json()["version"] == before + 1
    appraise(world, points="1")
    assert api.get(appraisal_url(world, item)).json()["version"] == before + 1
    # The first appraiser still saves against the item's version, which the second appraisal leaves alone.
    first = api_for(world.users["appraiser"]).get(appraisal_url(world, item)).json()
    assert first["version"] == world.item("1.1").version


def test_two_stale_second_appraisal_saves_conflict(client, double_world):
    """Two tabs of the second appraiser: the later save of a stale read is refused, as item saves are; a
    retry of a save already stored is answered as saved, with no new version."""
    world = double_world
    item = world.item("1.1")
    api = api_for(world.users["second"])
    url = appraisal_url(world, item)
    read = api.get(url).json()["version"]
    first_tab = {"version": read, "input": {"points": "2"}}
    assert api.patch(url, first_tab, format="json").status_code == 200
    stored = SecondAppraisal.objects.get(item=item)
    answer = api.patch(url, {"version": read, "input": {"points": "1"}, "comment": "x"}, format="json")
    assert answer.status_code == 409
    assert answer.json() == api.get(url).json() and answer.json()["version"] == read + 1
    assert SecondAppraisal.objects.get(item=item).appraised_input == {"points": "2"}
    retry = api.patch(url, first_tab, format="json")  # the first tab's answer was lost: it sends again
    assert retry.status_code == 200 and retry.json()["version"] == read + 1
    assert SecondAppraisal.objects.get(item=item).history.count() == stored.history.count()
    # The page: a form of the stale read is shown again with a conflict, blind.
    appraise(world, comment=FIRST_COMMENT)
    page = reverse("appraisal:item", args=[world.period.code, item.pk])
    client.force_login(world.users["second"])
    html = client.post(page, {"version": read, "points": "1", "comment": SECOND_COMMENT}).content.decode()
    assert "Someone else saved this item meanwhile" in html and FIRST_COMMENT not in html
    assert form_version(html) == str(read + 1)
    assert SecondAppraisal.objects.get(item=item).appraised_input == {"points": "2"}


def test_the_agencys_api_version_does_not_move_during_appraisal(client, double_world):
    """The agency reads no version while the appraisal it may not read yet is written; from the
    explanation round, the item's version again, the one its explanation is saved against."""
    world = double_world
    item = world.item("1.1")
    api = api_for(world.users["focal"])
    url = f"/api/v1/assessment/items/{item.pk}/"
    page = reverse("assessment:page", args=[world.period.code, world.agency.code])
    progress = reverse("assessment:progress", args=[world.period.code, world.agency.code])
    client.force_login(world.users["focal"])

    def seen() -> tuple:
        html = client.get(page).content.decode()
        return (
            api.get(url).json()["version"],
            {row["id"]: row["version"] for row in api.get("/api/v1/assessment/items/").json()["results"]}[
                item.pk
            ],
            re.search(rf'name="version" value="([^"]*)" id="version-{item.pk}"', html).group(1),
            re.findall(r'data-as-of="(\d+)"', client.get(progress).content.decode()),
        )

    before = seen()
    appraise(world)
    appraise(world, points="0.5")
    assert seen() == before
    assert before[0] is None  # nothing that moves with the appraisal
    step(world, "open_explanation")
    shown = api.get(url).json()["version"]
    assert shown == world.item("1.1").version
    explained = appraisal.item_explain(
        item=world.item("1.1"), acting_user=world.users["focal"], expected_version=shown, text="Đúng hạn"
    )
    assert explained.version == shown + 1


def test_the_lead_assigned_second_saves_against_the_second_appraisals_version(client, double_world):
    """The lead reads as the lead, but where assigned second appraiser only, their save is the second
    appraisal (appraiser_role): page and API name its version, which the first appraisal does not move."""
    world = double_world
    appraisal.assignments_replace(
        period=world.period,
        cells={(None, "1"): world.users["appraiser"].pk, (None, "2"): world.users["appraiser"].pk},
        seconds={(None, "1"): world.users["second"].pk, (None, "2"): world.users["lead"].pk},
        acting_user=world.users["lead"],
    )
    item = world.item("2.1")
    api = api_for(world.users["lead"])
    read = api.get(appraisal_url(world, item)).json()["version"]
    assert read == 0
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"value": "80"}, comment=FIRST_COMMENT,
    )  # fmt: skip
    assert api.get(appraisal_url(world, item)).json()["version"] == read
    answer = api.patch(
        appraisal_url(world, item), {"version": read, "input": {"value": "90"}, "comment": "x"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert SecondAppraisal.objects.get(item=item).appraiser == world.users["lead"]
    client.force_login(world.users["lead"])
    page = reverse("appraisal:item", args=[world.period.code, item.pk])
    assert form_version(client.get(page).content.decode()) == str(read + 1)


def test_the_version_each_reader_is_shown_follows_the_stages_they_read():
    """No version that moves with a stage the reader may not read: the agency's none during the appraisal
    and the re-appraisal; the second appraiser's always their second appraisal's."""
    from agencies.models import PeriodState as S
    from agencies.policy import Audience as A
    from agencies.policy import VersionOf, version_read

    agency = {state: version_read(A.FOCAL_POINT, state) for state in S}
    assert agency == {
        S.DRAFT: VersionOf.ITEM, S.SELF_ASSESSMENT: VersionOf.ITEM, S.APPRAISAL: None,
        S.EXPLANATION: VersionOf.ITEM, S.REAPPRAISAL: None, S.COUNCIL: None,
        S.APPROVED: VersionOf.ITEM, S.PUBLISHED: VersionOf.ITEM,
    }  # fmt: skip
    assert {version_read(A.AGENCY_HEAD, state) for state in S} == set(agency.values())
    assert {version_read(A.SECOND, state) for state in S} == {VersionOf.SECOND}
    for who in (A.FIRST, A.LEAD, A.HOME_AFFAIRS, A.COUNCIL):
        assert {version_read(who, state) for state in S} == {VersionOf.ITEM}, who
        assert version_read(who, S.APPRAISAL, second_writer=True) == VersionOf.SECOND
