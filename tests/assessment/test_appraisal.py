"""The appraisal round: assignments, appraise, explain, re-appraise, council approval, correction; who
may do what at each step; the inbox's query budget."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agencies.models import PeriodState
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.models import AppraisalAssignment, ItemStatus, Notification
from assessment.services import AssessmentRefused, assessment_submit, item_self_score
from tests.worlds import appraisal_started

pytestmark = pytest.mark.django_db

SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def round_world(world):
    """Both agencies self-assessed and submitted; the period in appraisal; appraiser has area 1."""
    for agency, focal in ((world.agency, world.users["focal"]), (world.other, world.users["other_focal"])):
        for code, data in SELF.items():
            item = world.item(code, agency)
            item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
        assessment_submit(
            period=world.period, agency=agency, acting_user=focal, explanation="Không có văn bản"
        )
    appraisal_started(world, {(None, "1"): world.users["appraiser"].pk, (None, "2"): world.users["lead"].pk})
    for name in ("focal", "other_focal", "appraiser"):
        world.users[name].email = f"{name}@tinh.gov.vn"
        world.users[name].save()
    return world


def step(world, name, who="lead", comment=""):
    period_transition(
        period=world.period,
        name=name,
        acting_user=world.users[who],
        comment=comment,
        confirmed=True,
        override_reason="Theo lịch của Hội đồng",
    )
    appraisal.notify_round(period=world.period, name=name)
    world.period.refresh_from_db()


def post_item(client, world, code, agency=None, **data):
    item = world.item(code, agency)
    return client.post(
        reverse("appraisal:item", args=[world.period.code, item.pk]),
        {"version": item.version, **data},
        follow=True,
    )


def test_one_full_round_is_recorded_step_by_step(client, round_world, django_capture_on_commit_callbacks):
    world = round_world
    client.force_login(world.users["appraiser"])
    html = post_item(client, world, "1.1", points="1").content.decode()
    assert "Explain the appraisal in a comment" in html and world.item("1.1").status == ItemStatus.SUBMITTED
    post_item(client, world, "1.1", points="1", comment="Kế hoạch ban hành muộn 10 ngày")
    post_item(client, world, "1.2", level="dung_han")
    assert (
        world.item("1.1").status == ItemStatus.APPRAISED
        and world.item("1.1").appraised_by == world.users["appraiser"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        step(world, "open_explanation")
    assert Notification.objects.filter(
        user=world.users["focal"], text__contains="explanation round is open"
    ).exists()
    assert "focal@tinh.gov.vn" in [m.to[0] for m in mail.outbox]

    client.force_login(world.users["focal"])
    page = client.get(reverse("appraisal:explain", args=[world.period.code])).content.decode()
    assert "Kế hoạch ban hành muộn 10 ngày" in page and "Sở B" not in page
    item = world.item("1.1")
    client.post(
        reverse("appraisal:explain", args=[world.period.code]),
        {
            "item": item.pk,
            "version": item.version,
            "explanation": "Đã ban hành đúng hạn theo Quyết định 12/QĐ",
        },
    )
    assert world.item("1.1").status == ItemStatus.DISPUTED
    assert Notification.objects.filter(
        user=world.users["appraiser"], text__contains="explained criterion 1.1"
    ).exists()

    step(world, "start_reappraisal")
    client.force_login(world.users["appraiser"])
    post_item(client, world, "1.1", points="2", comment="Chấp nhận giải trình")
    item = world.item("1.1")
    assert item.status == ItemStatus.REAPPRAISED and item.final_input == {"points": "2"}

    step(world, "send_to_council")
    step(world, "approve", who="council")
    with pytest.raises(AssessmentRefused, match=re.escape(gettext("Appraisal is not open for this period."))):
        appraisal.item_appraise(
            item=item,
            acting_user=world.users["appraiser"],
            expected_version=item.version,
            data={"points": "0"},
            comment="x",
        )
    corrected = appraisal.item_correct(
        item=item, acting_user=world.users["home_affairs"], data={"points": "1.5"}, reason="Sai sót nhập liệu"
    )
    assert corrected.final_input == {"points": "1.5"}
    reasons = [h.history_change_reason for h in item.history.order_by("history_date")]
    assert reasons[-4:] == ["appraisal", "explanation", "re-appraisal", "correction: Sai sót nhập liệu"]
    assert list(world.period.transitions.values_list("name", flat=True)) == [
        "start_appraisal", "open_explanation", "start_reappraisal", "send_to_council", "approve",
    ]  # fmt: skip


def test_an_appraiser_cannot_touch_an_unassigned_item(client, round_world):
    world = round_world
    client.force_login(world.users["appraiser"])
    unassigned = world.item("2.1")  # area 2 belongs to the lead
    url = reverse("appraisal:item", args=[world.period.code, unassigned.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": unassigned.version, "value": "50", "comment": "x"}).status_code == 404
    with pytest.raises(AssessmentRefused, match="not assigned"):
        appraisal.item_appraise(
            item=unassigned,
            acting_user=world.users["appraiser"],
            expected_version=unassigned.version,
            data={"value": "50"},
            comment="x",
        )
    assert world.item("2.1").appraised_input is None


def test_the_inbox_lists_exactly_the_assigned_items(client, round_world):
    world = round_world
    client.force_login(world.users["appraiser"])
    html = client.get(reverse("appraisal:inbox", args=[world.period.code])).content.decode()
    for agency in (world.agency, world.other):
        for code in ("1.1", "1.2", "1.3"):
            assert reverse("appraisal:item", args=[world.period.code, world.item(code, agency).pk]) in html
        assert reverse("appraisal:item", args=[world.period.code, world.item("2.1", agency).pk]) not in html
    filtered = client.get(
        reverse("appraisal:inbox", args=[world.period.code]), {"agency": "so-b"}
    ).content.decode()
    assert reverse("appraisal:item", args=[world.period.code, world.item("1.1").pk]) not in filtered


@pytest.mark.parametrize(
    "user, inbox, item, assignments, review, explain",
    [
        ("appraiser", 200, 200, 404, 404, 404),
        ("lead", 200, 200, 200, 200, 404),
        ("home_affairs", 404, 200, 404, 200, 404),
        ("council", 404, 200, 404, 200, 404),
        ("focal", 404, 404, 404, 404, 200),
        ("other_focal", 404, 404, 404, 404, 200),
        ("head", 404, 404, 404, 404, 200),
        ("operator", 403, 403, 403, 403, 403),  # fenced out of everything but surveys
    ],
)
def test_who_may_open_each_appraisal_page(
    client, round_world, user, inbox, item, assignments, review, explain
):
    world = round_world
    step(world, "open_explanation")
    client.force_login(world.users[user])
    code = world.period.code
    pages = {
        "inbox": reverse("appraisal:inbox", args=[code]),
        "item": reverse("appraisal:item", args=[code, world.item("1.1").pk]),
        "assignments": reverse("appraisal:assignments", args=[code]),
        "review": reverse("appraisal:review", args=[code]),
        "explain": reverse("appraisal:explain", args=[code]),
    }
    expected = {
        "inbox": inbox,
        "item": item,
        "assignments": assignments,
        "review": review,
        "explain": explain,
    }
    for name, url in pages.items():
        assert client.get(url).status_code == expected[name], name


def test_an_agency_never_reads_another_agencys_appraisal(client, round_world):
    world = round_world
    appraisal.item_appraise(
        item=world.item("1.1", world.other), acting_user=world.users["appraiser"], expected_version=world.item("1.1", world.other).version,
        data={"points": "0"}, comment="Sở B thiếu kế hoạch",
    )  # fmt: skip
    step(world, "open_explanation")
    client.force_login(world.users["focal"])
    assert (
        "Sở B thiếu kế hoạch"
        not in client.get(reverse("appraisal:explain", args=[world.period.code])).content.decode()
    )
    foreign = world.item("1.1", world.other)
    response = client.post(
        reverse("appraisal:explain", args=[world.period.code]),
        {"item": foreign.pk, "version": foreign.version, "explanation": "x"},
    )
    assert response.status_code == 404 and world.item("1.1", world.other).explanation == ""


def test_only_the_lead_assigns_and_assignments_can_be_rebalanced(client, round_world):
    world = round_world
    with pytest.raises(
        AssessmentRefused, match=re.escape(gettext("Only the secretariat lead assigns appraisers."))
    ):
        appraisal.assignments_replace(period=world.period, cells={}, acting_user=world.users["appraiser"])
    client.force_login(world.users["lead"])
    client.post(
        reverse("appraisal:assignments", args=[world.period.code]),
        {"cell-all-1": world.users["lead"].pk, f"cell-{world.agency.pk}-2": world.users["appraiser"].pk},
    )
    cells = set(AppraisalAssignment.objects.values_list("agency_id", "area_code", "appraiser__username"))
    assert cells == {(None, "1", "lead"), (world.agency.pk, "2", "appraiser")}


def test_the_review_shows_differences_largest_first_and_provisional_indices(client, round_world):
    world = round_world
    for code, data, comment in (
        ("1.1", {"points": "1.5"}, "thiếu"),
        ("1.2", {"level": "khong"}, "không có báo cáo"),
    ):
        item = world.item(code)
        appraisal.item_appraise(
            item=item,
            acting_user=world.users["appraiser"],
            expected_version=item.version,
            data=data,
            comment=comment,
        )
    client.force_login(world.users["lead"])
    html = client.get(reverse("appraisal:review", args=[world.period.code])).content.decode()
    assert html.index("không có báo cáo") < html.index("thiếu")  # 2 points before 0.5
    from assessment.appraisal_selectors import appraisal_review

    _per_appraiser, agencies, differences = appraisal_review(period=world.period)
    row = next(a for a in agencies if a.agency == world.agency)
    assert row.provisional_index < row.self_index and row.appraised == 2
    assert [d.gap for d in differences] == [Decimal("2"), Decimal("0.5")]


def test_the_reviews_step_history_names_people_as_the_period_page_does(client, round_world):
    """Who took a step reads by name ("Phòng CCHC, Sở Nội vụ"), not by login ("home_affairs")."""
    world = round_world
    world.users["home_affairs"].first_name = "Phòng CCHC, Sở Nội vụ"
    world.users["home_affairs"].save()
    client.force_login(world.users["lead"])
    for url in (
        reverse("appraisal:review", args=[world.period.code]),
        reverse("period", args=[world.period.code]),
    ):
        html = client.get(url).content.decode()
        assert " · Phòng CCHC, Sở Nội vụ · " in html, url
        assert " · home_affairs · " not in html, url


def test_the_inbox_of_5000_items_reads_in_a_fixed_number_of_queries(client, world):
    """100 agencies × 50 leaves: the inbox (paginated) costs the same queries as for a handful."""
    from assessment.models import AssessmentItem
    from bench.compute_large_province import criteria_document
    from scoring.formats import criteria_set_from_document
    from tests.factories import AgencyFactory, BlockFactory, PeriodFactory

    appraisal_started(world, {(None, ""): world.users["appraiser"].pk})
    client.force_login(world.users["appraiser"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("appraisal:inbox", args=[world.period.code])).status_code == 200

    big = PeriodFactory(year=2027, state=PeriodState.APPRAISAL)
    block = BlockFactory(code="ubnd-xa")
    criteria_set = criteria_set_from_document(period=big, block=block, document=criteria_document(50))
    leaves = [n for n in criteria_set.nodes.all() if n.rule]
    agencies = AgencyFactory.create_batch(100, block=block)
    AssessmentItem.objects.bulk_create(
        AssessmentItem(agency=a, node=leaf, status=ItemStatus.SUBMITTED) for a in agencies for leaf in leaves
    )
    AppraisalAssignment.objects.create(period=big, appraiser=world.users["appraiser"], area_code="3")
    AppraisalAssignment.objects.create(period=big, appraiser=world.users["appraiser"], agency=agencies[0])
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("appraisal:inbox", args=[big.code]))
    assert response.status_code == 200 and response.content.decode().count("/tham-dinh/2027/muc/") == 100
    assert len(large) == len(small) <= 20


def test_the_appraisal_api_follows_the_same_rules(round_world, settings):
    from rest_framework.test import APIClient

    world = round_world
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base = f"/api/v1/assessment/appraisal/{world.period.code}/items/"
    api.force_authenticate(world.users["appraiser"])
    rows = api.get(base).json()["results"]
    assert {(r["agency"], r["code"]) for r in rows} == {
        (a, c) for a in ("so-a", "so-b") for c in ("1.1", "1.2", "1.3")
    }
    item = world.item("1.1")
    missing_comment = api.patch(
        f"{base}{item.pk}/", {"version": item.version, "input": {"points": "1"}}, format="json"
    )
    assert missing_comment.status_code == 400 and "comment" in missing_comment.json()["detail"]
    ok = api.patch(
        f"{base}{item.pk}/",
        {"version": item.version, "input": {"points": "1"}, "comment": "muộn"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["appraised_input"] == {"points": "1"}
    stale = api.patch(
        f"{base}{item.pk}/",
        {"version": item.version, "input": {"points": "2"}, "comment": "x"},
        format="json",
    )
    assert stale.status_code == 409
    unassigned = world.item("2.1")
    assert (
        api.patch(
            f"{base}{unassigned.pk}/", {"version": 1, "input": {"value": "1"}}, format="json"
        ).status_code
        == 404
    )
    api.force_authenticate(world.users["focal"])
    assert api.get(base).json()["results"] == []
    assert api.get(f"{base}{item.pk}/").status_code == 404
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/assessment/appraisal/{period_code}/items/{id}/" in schema["paths"]


def test_home_affairs_corrects_an_approved_score_from_the_item_page(client, round_world):
    world = round_world
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version, data={"points": "2"}
    )
    step(world, "send_to_council")
    step(world, "approve", who="council")
    url = reverse("appraisal:correct", args=[world.period.code, item.pk])
    client.force_login(world.users["lead"])
    client.post(url, {"points": "0", "reason": "thử"})
    assert world.item("1.1").final_input == {"points": "2"}
    client.force_login(world.users["home_affairs"])
    assert (
        "Correction after approval"
        in client.get(reverse("appraisal:item", args=[world.period.code, item.pk])).content.decode()
    )
    client.post(url, {"points": "1.25", "reason": "Hội đồng kết luận lại"})
    corrected = world.item("1.1")
    assert (
        corrected.final_input == {"points": "1.25"} and corrected.correction_reason == "Hội đồng kết luận lại"
    )


@pytest.mark.parametrize(
    "user, listed, patch",
    [
        ("appraiser", 6, 200),
        ("lead", 10, 400),  # the lead sees everything; area 1 is not assigned to them
        ("home_affairs", 0, 404),
        ("council", 0, 404),
        ("focal", 0, 404),
        ("head", 0, 404),
        ("other_focal", 0, 404),
        ("operator", 0, 404),
    ],
)
def test_the_appraisal_api_matrix(round_world, settings, user, listed, patch):
    from rest_framework.test import APIClient

    world = round_world
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(world.users[user])
    base = f"/api/v1/assessment/appraisal/{world.period.code}/items/"
    assert len(api.get(base).json()["results"]) == listed
    item = world.item("1.1")
    response = api.patch(
        f"{base}{item.pk}/", {"version": item.version, "input": {"points": "2"}}, format="json"
    )
    assert response.status_code == patch
    assert (world.item("1.1").appraised_input is not None) == (patch == 200)


def test_the_explanation_page_opens_each_items_evidence_with_its_badges(
    client, round_world, django_capture_on_commit_callbacks
):
    """In the explanation round the focal point adds a file to an appraised item; the page's evidence
    panel of that item (fetched from item_files) shows the file's signature badge."""
    from evidence.services import evidence_attach
    from tests.evidence.factories import pdf_bytes, upload

    world = round_world
    client.force_login(world.users["appraiser"])
    post_item(client, world, "1.1", points="1", comment="Thiếu kế hoạch")
    post_item(client, world, "1.2", level="dung_han")
    step(world, "open_explanation")
    item = world.item("1.1")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_attach(
            item=item,
            uploaded_file=upload(pdf_bytes("bo sung"), "bo-sung.pdf"),
            acting_user=world.users["focal"],
        )
    client.force_login(world.users["focal"])
    page = client.get(reverse("appraisal:explain", args=[world.period.code])).content.decode()
    panel_url = reverse("evidence:item_files", args=[item.pk])
    assert f'hx-get="{panel_url}"' in page
    panel = client.get(panel_url, headers={"HX-Request": "true"}).content.decode()
    assert "bo-sung.pdf" in panel and 'data-check="unsigned"' in panel and "Not signed" in panel


def test_a_stale_save_shows_the_appraisers_form_again_as_typed(client, round_world):
    """The item was saved meanwhile (another tab): the refused form comes back with the appraiser's own
    score, comment and evidence flag, so nothing typed is lost (they check and save again)."""
    world = round_world
    item = world.item("1.1")
    appraisal.item_appraise(
        item=item, acting_user=world.users["appraiser"], expected_version=item.version, data={"points": "1"},
        comment="Của người khác",
    )  # fmt: skip
    client.force_login(world.users["appraiser"])
    typed = "Kế hoạch ban hành muộn 10 ngày, thiếu phụ lục"
    page = client.post(
        reverse("appraisal:item", args=[world.period.code, item.pk]),
        {"version": item.version, "points": "0,5", "comment": typed, "evidence_insufficient": "on"},
    ).content.decode()
    assert "Someone else saved this item meanwhile" in page
    assert f">{typed}</textarea>" in page
    assert re.search(r'name="evidence_insufficient" id="insufficient" checked', page)
    assert world.item("1.1").appraisal_comment == "Của người khác"


def test_the_item_page_states_a_manual_self_score_once_and_another_rule_s_input_beside_it(
    client, round_world
):
    """A manual criterion's input is its points: the page read "Self-score: 2 (points 2)"; a level or a
    measured value is still given beside the points it earns."""
    world = round_world
    client.force_login(world.users["appraiser"])

    def self_score_line(code):
        html = client.get(reverse("appraisal:item", args=[world.period.code, world.item(code).pk])).content
        return re.search(r"Self-score: .*?</p>", html.decode()).group(0)

    assert re.fullmatch(r'Self-score: <strong class="num">2</strong></p>', self_score_line("1.1"))
    assert "(level “" in self_score_line("1.2")
