"""What the appraisal shows each reader is what the one policy lets them read (agencies/policy.py,
STAGE_READ): the agency reads the re-appraisal only once approved, a blind second appraiser reads
nothing of the first appraisal before the explanation round, and only the staff read the second
appraisal. Every page, partial, history and API answer (the 409 of a stale save included) follows it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from agencies import policy
from agencies.models import PeriodState
from assessment import appraisal
from assessment.models import SecondAppraisal
from tests.assessment import test_appraisal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
round_world = test_appraisal.round_world  # the fixture: both agencies submitted, the period in appraisal
step = test_appraisal.step

FIRST_COMMENT = "NHẬN-XÉT-THẨM-ĐỊNH-LẦN-ĐẦU"
REAPPRAISAL_COMMENT = "BÍ-MẬT-TÁI-THẨM-ĐỊNH"
SECOND_COMMENT = "NHẬN-XÉT-THẨM-ĐỊNH-ĐỘC-LẬP"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def double_world(round_world):
    """round_world, with appraiser2 the blind second appraiser of area 1 (appraiser stays its first)."""
    world = round_world
    second = UserFactory(username="appraiser2", role="appraiser")
    appraisal.assignments_replace(
        period=world.period,
        cells={(None, "1"): world.users["appraiser"].pk, (None, "2"): world.users["lead"].pk},
        seconds={(None, "1"): second.pk},
        acting_user=world.users["lead"],
    )
    world.users["second"] = second
    return world


def appraise(world, code="1.1", who="appraiser", points="1", comment=FIRST_COMMENT, insufficient=False):
    item = world.item(code)
    # The second appraiser saves against their second appraisal's version (agencies.policy.version_read).
    second = SecondAppraisal.objects.filter(item=item).first()
    version = appraisal.second_version(second) if who == "second" else item.version
    appraisal.item_appraise(
        item=item, acting_user=world.users[who], expected_version=version,
        data={"points": points}, comment=comment, evidence_insufficient=insufficient,
    )  # fmt: skip


def reappraised(world):
    """1.1 appraised at 1 (self-score 2), explained by the agency, re-appraised at 0.5: the period in
    re-appraisal."""
    appraise(world)
    step(world, "open_explanation")
    item = world.item("1.1")
    appraisal.item_explain(
        item=item,
        acting_user=world.users["focal"],
        expected_version=item.version,
        text="Đã ban hành đúng hạn",
    )
    step(world, "start_reappraisal")
    item = world.item("1.1")
    appraisal.item_reappraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"points": "0.5"}, comment=REAPPRAISAL_COMMENT,
    )  # fmt: skip
    return world


def history_stages(html: str) -> list[str]:
    """The stages of the entries of the history list in a page or partial, newest first."""
    listed = html.split('class="list-unstyled small mb-0 history-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"</strong> · ([^\n<]+)", listed)


def appraised_points(html: str, item) -> str:
    """The 'Appraised' points of one item's card on the explanation page."""
    card = html.split(f'id="item-{item.pk}"', 1)[1].split('class="card mb-2', 1)[0]
    return re.search(r"Appraised <strong>([^<]*)</strong>", card).group(1)


# --- the explanation page: the agency reads the re-appraisal once it is approved ------------------


@pytest.mark.parametrize("state", [PeriodState.REAPPRAISAL, PeriodState.COUNCIL])
@pytest.mark.parametrize("who", ["focal", "head"])
def test_the_explanation_page_shows_the_agency_its_first_appraisal_until_approval(
    client, round_world, state, who
):
    world = reappraised(round_world)
    if state == PeriodState.COUNCIL:
        step(world, "send_to_council")
    assert world.period.state == state
    assert not policy.may_read(policy.audience(world.users[who], agency_id=world.agency.pk),
                               policy.Stage.REAPPRAISED, state)  # fmt: skip
    client.force_login(world.users[who])
    html = client.get(reverse("appraisal:explain", args=[world.period.code])).content.decode()
    assert REAPPRAISAL_COMMENT not in html
    assert FIRST_COMMENT in html
    assert appraised_points(html, world.item("1.1")) == "1"  # the first appraisal, not the re-appraised 0.5


def test_the_explanation_page_shows_the_reappraisal_once_approved(client, round_world):
    world = reappraised(round_world)
    step(world, "send_to_council")
    step(world, "approve", who="council")
    client.force_login(world.users["focal"])
    html = client.get(reverse("appraisal:explain", args=[world.period.code])).content.decode()
    assert REAPPRAISAL_COMMENT in html
    assert appraised_points(html, world.item("1.1")) == "0.5"


@pytest.mark.parametrize("state", [PeriodState.REAPPRAISAL, PeriodState.COUNCIL])
def test_the_agency_history_hides_the_reappraisal_until_approval(client, round_world, state):
    world = reappraised(round_world)
    if state == PeriodState.COUNCIL:
        step(world, "send_to_council")
    item = world.item("1.1")
    url = reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])
    client.force_login(world.users["focal"])
    html = client.get(url).content.decode()
    assert FIRST_COMMENT in html and REAPPRAISAL_COMMENT not in html
    assert "Re-appraisal" not in history_stages(html)
    client.force_login(world.users["council"])
    assert REAPPRAISAL_COMMENT in client.get(url).content.decode()


# --- the blind second appraiser reads nothing of the first appraisal before the explanation round --


def test_a_stale_save_answers_the_blind_second_appraiser_as_their_get_does(double_world):
    world = double_world
    appraise(world, insufficient=True)
    item = world.item("1.1")
    api = APIClient()
    api.force_authenticate(world.users["second"])
    url = f"/api/v1/assessment/appraisal/{world.period.code}/items/{item.pk}/"
    read = api.get(url).json()
    appraise(world, who="second", points="2", comment=SECOND_COMMENT)  # in another tab
    shown = api.get(url).json()
    assert shown["appraisal_comment"] == "" and shown["appraised_input"] is None
    assert shown["evidence_insufficient"] is False
    answer = api.patch(url, {"version": read["version"], "input": {"points": "1"}}, format="json")
    assert answer.status_code == 409
    assert answer.json() == shown
    # The first appraiser's own conflict still shows them the stored appraisal.
    api.force_authenticate(world.users["appraiser"])
    answer = api.patch(url, {"version": item.version - 1, "input": {"points": "2"}}, format="json")
    assert answer.status_code == 409 and answer.json()["appraisal_comment"] == FIRST_COMMENT


def test_the_blind_second_appraisers_inbox_hides_the_first_appraisers_evidence_flag(client, double_world):
    world = double_world
    appraise(world, insufficient=True)
    item = world.item("1.1")
    inbox = reverse("appraisal:inbox", args=[world.period.code])
    item_url = reverse("appraisal:item", args=[world.period.code, item.pk])
    client.force_login(world.users["appraiser"])
    assert "Evidence insufficient" in client.get(inbox).content.decode()
    client.force_login(world.users["second"])
    html = client.get(inbox).content.decode()
    assert item_url in html and "Evidence insufficient" not in html
    step(world, "open_explanation")  # the round is over: the second appraiser reads the first appraisal
    assert "Evidence insufficient" in client.get(inbox).content.decode()


def test_the_blind_second_appraisers_item_page_shows_nothing_of_the_first_appraisal(client, double_world):
    world = double_world
    appraise(world, insufficient=True)
    item = world.item("1.1")
    page = reverse("appraisal:item", args=[world.period.code, item.pk])
    history = reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk])
    client.force_login(world.users["lead"])
    html = client.get(page).content.decode()
    assert FIRST_COMMENT in html and history_stages(html) == ["Appraisal", "Self-assessment"]
    assert re.search(r'id="insufficient"[^>]*checked', html)
    client.force_login(world.users["second"])
    html = client.get(page).content.decode()
    assert FIRST_COMMENT not in html
    assert not re.search(r'id="insufficient"[^>]*checked', html)
    assert history_stages(html) == ["Self-assessment"]
    html = client.get(history).content.decode()
    assert FIRST_COMMENT not in html and history_stages(html) == ["Self-assessment"]
    # The form's version is the second appraisal's: the first appraiser's later save neither shows in it
    # nor makes it stale.
    version = re.search(r'name="version" value="(\d+)"', client.get(page).content.decode()).group(1)
    appraise(world, comment=FIRST_COMMENT + "-2", insufficient=True)
    assert re.search(r'name="version" value="(\d+)"', client.get(page).content.decode()).group(1) == version
    answer = client.post(page, {"version": version, "points": "2", "comment": SECOND_COMMENT})
    assert answer.status_code == 302
    # A save from a form their own other save made stale shows the stored item again: blind.
    answer = client.post(page, {"version": version, "points": "1.5", "comment": SECOND_COMMENT})
    html = answer.content.decode()
    assert "Someone else saved this item meanwhile" in html
    assert FIRST_COMMENT not in html and not re.search(r'id="insufficient"[^>]*checked', html)


# --- the second appraisal is the staff's check: never the council's ------------------------------


def test_the_council_does_not_see_the_second_appraisal(client, double_world):
    world = double_world
    appraise(world)
    appraise(world, who="second", points="2", comment=SECOND_COMMENT)
    state = world.period.state
    assert not policy.may_read(policy.Audience.COUNCIL, policy.Stage.SECOND, state)
    review = reverse("appraisal:review", args=[world.period.code])
    for staff in ("lead", "home_affairs"):
        client.force_login(world.users[staff])
        html = client.get(review).content.decode()
        assert "Double appraisal" in html and "appraiser2" in html
    client.force_login(world.users["council"])
    answer = client.get(review)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Double appraisal" not in html and "appraiser2" not in html
    item = world.item("1.1")
    for url in (
        reverse("appraisal:item", args=[world.period.code, item.pk]),
        reverse("assessment:item_history", args=[world.period.code, world.agency.code, item.pk]),
    ):
        html = client.get(url).content.decode()
        assert SECOND_COMMENT not in html and "appraiser2" not in html


# --- an item's status tells which stage was written: shown only to who reads that stage --------------


def status_badges(html: str) -> dict[str, str]:
    """The inbox's counts by status: label → count."""
    return dict(re.findall(r'href="\?status=\w+">([^<:]+): (\d+)</a>', html))


def row_status(html: str, url: str) -> str:
    """The status badge of the inbox row linking to `url`."""
    row = html.split(f'href="{url}"', 1)[1].split("</tr>", 1)[0]
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', row).group(1)


def test_the_blind_second_appraisers_inbox_reads_an_appraised_item_as_submitted(client, double_world):
    world = double_world
    appraise(world)
    item = world.item("1.1")
    inbox = reverse("appraisal:inbox", args=[world.period.code])
    item_url = reverse("appraisal:item", args=[world.period.code, item.pk])
    client.force_login(world.users["appraiser"])
    html = client.get(inbox).content.decode()
    assert row_status(html, item_url) == "Appraised" and status_badges(html)["Appraised"] == "1"
    client.force_login(world.users["second"])
    html = client.get(inbox).content.decode()
    assert row_status(html, item_url) == "Submitted"
    assert status_badges(html) == {"Submitted": "6"}  # area 1 of both agencies, as before any appraisal
    assert item_url not in client.get(inbox, {"status": "appraised"}).content.decode()
    assert item_url in client.get(inbox, {"status": "submitted"}).content.decode()
    step(world, "open_explanation")  # the round is over: the status is the second appraiser's to read
    html = client.get(inbox).content.decode()
    assert row_status(html, item_url) == "Appraised" and status_badges(html)["Appraised"] == "1"


def test_the_blind_second_appraisers_item_pages_read_an_appraised_item_as_submitted(client, double_world):
    world = double_world
    item = world.item("1.2")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version,
        data={"level": "dung_han"}, comment=FIRST_COMMENT,
    )  # fmt: skip
    page = reverse("appraisal:item", args=[world.period.code, world.item("1.2").pk])
    files = reverse("evidence:item_files", args=[world.item("1.2").pk])
    client.force_login(world.users["second"])
    for url in (page, files):
        html = client.get(url).content.decode()
        assert "Appraised" not in html and "Submitted" in html, url
    # "Next item" does not skip the item the first appraiser has appraised meanwhile.
    html = client.get(
        reverse("appraisal:item", args=[world.period.code, world.item("1.1").pk])
    ).content.decode()
    following = re.search(r'href="([^"]+)" accesskey="n"', html).group(1)
    assert following == page


def test_the_apis_give_the_blind_second_appraiser_an_appraised_item_as_submitted(double_world):
    world = double_world
    appraise(world)
    item = world.item("1.1")
    api = APIClient()
    api.force_authenticate(world.users["second"])
    inbox = f"/api/v1/assessment/appraisal/{world.period.code}/items/"
    assert api.get(f"{inbox}{item.pk}/").json()["status"] == "submitted"
    listed = {row["id"]: row["status"] for row in api.get(inbox).json()["results"]}
    assert listed[item.pk] == "submitted"
    assert api.get(inbox, {"status": "appraised"}).json()["count"] == 0
    assert item.pk in [row["id"] for row in api.get(inbox, {"status": "submitted"}).json()["results"]]
    answer = api.patch(f"{inbox}{item.pk}/", {"version": item.version - 1, "input": {}}, format="json")
    assert answer.status_code == 409 and answer.json()["status"] == "submitted"
    items = "/api/v1/assessment/items/"
    assert api.get(f"{items}{item.pk}/").json()["status"] == "submitted"
    assert item.pk not in [row["id"] for row in api.get(items, {"status": "appraised"}).json()["results"]]
    assert item.pk in [row["id"] for row in api.get(items, {"status": "submitted"}).json()["results"]]
    api.force_authenticate(world.users["appraiser"])
    assert api.get(f"{items}{item.pk}/").json()["status"] == "appraised"


def test_the_agency_reads_an_appraised_item_as_submitted_until_the_explanation_round(client, double_world):
    world = double_world
    appraise(world)
    item = world.item("1.1")
    api = APIClient()
    api.force_authenticate(world.users["focal"])
    url = f"/api/v1/assessment/items/{item.pk}/"
    assert api.get(url).json()["status"] == "submitted"
    assert api.get("/api/v1/assessment/items/", {"status": "appraised"}).json()["count"] == 0
    client.force_login(world.users["focal"])
    html = client.get(reverse("evidence:item_files", args=[item.pk])).content.decode()
    assert "Appraised" not in html
    step(world, "open_explanation")
    assert api.get(url).json()["status"] == "appraised"


def test_the_blind_second_appraisers_home_count_does_not_move_with_the_first_appraisal(client, double_world):
    world = double_world
    client.force_login(world.users["second"])
    before = client.get(reverse("home")).content.decode()
    assert "6 criteria wait for your appraisal" in before  # area 1 of both agencies
    appraise(world)
    after = client.get(reverse("home")).content.decode()
    assert "6 criteria wait for your appraisal" in after
    client.force_login(world.users["appraiser"])  # the first appraiser's own count does move
    assert "5 criteria wait for your appraisal" in client.get(reverse("home")).content.decode()
