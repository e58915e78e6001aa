"""Ways in (issue 14): the appraisal menu opens the period under way with a period switcher, the
assignment grid names each appraiser in full and includes the bonus area, unscored criteria in the
submit panel are links, and "save and next" on the last item says it is done and goes back to the list."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import PeriodState
from agencies.workflow import period_transition
from assessment import appraisal
from assessment.appraisal_views import appraisal_areas
from assessment.models import AppraisalAssignment
from assessment.services import assessment_submit, item_self_score, items_ensure
from sample.criteria import _bonus
from scoring.formats import criteria_set_from_document
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory, PeriodFactory, UserFactory

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


def test_the_appraisal_menu_opens_the_period_under_way_not_an_approved_one(client, world):
    """An approved (or published) older year must not hide the open one from the secretariat and Home
    Affairs: appraisers are assigned before the round."""
    PeriodFactory(year=2025, code="2025", state=PeriodState.APPROVED)
    for role, page in (
        ("lead", "inbox"),
        ("appraiser", "inbox"),
        ("home_affairs", "review"),
        ("council", "review"),
    ):
        client.force_login(world.users[role])
        assert client.get(reverse("appraisal:index"))["Location"] == reverse(
            f"appraisal:{page}", args=[world.period.code]
        ), role


def test_the_appraisal_pages_switch_between_periods(client, world):
    older = PeriodFactory(year=2025, code="2025", state=PeriodState.APPROVED)
    client.force_login(world.users["lead"])
    for name in ("inbox", "assignments", "review"):
        html = client.get(reverse(f"appraisal:{name}", args=[world.period.code])).content.decode()
        assert f'href="{reverse(f"appraisal:{name}", args=[older.code])}"' in html, name
        assert 'aria-current="page"' in html


def test_the_lead_assigns_before_the_round(client, world):
    """Self-assessment is still open: the grid saves."""
    client.force_login(world.users["lead"])
    response = client.post(
        reverse("appraisal:assignments", args=[world.period.code]),
        {"cell-all-1": world.users["appraiser"].pk},
        follow=True,
    )
    assert "1 assignments saved." in response.content.decode()
    assert AppraisalAssignment.objects.filter(period=world.period, area_code="1").exists()


@pytest.fixture
def bonus_world(world):
    """A second period whose set has a bonus node (3) outside the content areas."""
    period = PeriodFactory(year=2027, code="2027", state=PeriodState.SELF_ASSESSMENT)
    document = small_document()
    document["nodes"].append(_bonus("3"))
    criteria_set_from_document(period=period, block=world.agency.block, document=document)
    return period


def test_the_grid_includes_the_bonus_area_and_leaves_out_surveys(client, world, bonus_world):
    assert [code for code, _title in appraisal_areas(bonus_world)] == ["1", "2", "3"]
    client.force_login(world.users["lead"])
    html = client.get(reverse("appraisal:assignments", args=[bonus_world.code])).content.decode()
    assert 'name="cell-all-3"' in html and f'name="cell-{world.agency.pk}-3"' in html
    client.post(
        reverse("appraisal:assignments", args=[bonus_world.code]), {"cell-all-3": world.users["appraiser"].pk}
    )
    assert (
        AppraisalAssignment.objects.get(period=bonus_world, area_code="3").appraiser
        == world.users["appraiser"]
    )


def test_the_grid_heads_each_area_column_with_its_name(client, world):
    """The columns read "Area 1", "Area 2"… with the names only in a tooltip: each head now shows its
    area's name (clamped to two lines by the stylesheet), the whole title in its tooltip."""
    client.force_login(world.users["lead"])
    html = client.get(reverse("appraisal:assignments", args=[world.period.code])).content.decode()
    head = html[html.index("<thead") : html.index("</thead>")]
    cells = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', head, re.S)
    areas = appraisal_areas(world.period)
    assert len(cells) == 2 + len(areas)
    for (code, title), cell in zip(areas, cells[2:], strict=True):
        assert f"Area {code}" in cell
        assert f'<span class="area-name" title="{title}">{title}</span>' in cell


def test_a_survey_only_area_is_not_a_column(db):
    """An area whose every leaf is scored from the survey has nothing to appraise."""
    period = PeriodFactory(year=2028, code="2028")
    document = small_document()
    document["nodes"].append(
        {"code": "4", "title": "Khảo sát", "max_points": "2", "is_area": True,
         "children": [{"code": "4.1", "title": "SIPAS", "max_points": "2", "rule": "survey", "source": "survey"}]}
    )  # fmt: skip
    criteria_set_from_document(period=period, block=BlockFactory(), document=document)
    assert [code for code, _title in appraisal_areas(period)] == ["1", "2"]


def test_the_grid_names_each_appraiser_in_full(client, world):
    UserFactory(username="thuky1", role="secretariat_lead", first_name="Thành viên Tổ thư ký 1 (Tổ trưởng)")
    UserFactory(username="thuky2", role="appraiser", first_name="Thành viên Tổ thư ký 2")
    client.force_login(world.users["lead"])
    html = client.get(reverse("appraisal:assignments", args=[world.period.code])).content.decode()
    assert "Thành viên Tổ thư ký 1 (Tổ trưởng) (thuky1)</option>" in html
    assert "Thành viên Tổ thư ký 2 (thuky2)</option>" in html
    assert 'class="table table-sm table-bordered bg-white align-middle small assignment-grid"' in html


def test_unscored_criteria_in_the_submit_panel_link_to_their_place(client, world):
    item = world.item("1.1")
    item_self_score(
        item=item, acting_user=world.users["focal"], expected_version=item.version, data={"points": "1"}
    )
    client.force_login(world.users["focal"])
    html = client.get(
        reverse("assessment:page", args=[world.period.code, world.agency.code])
    ).content.decode()
    panel = html[html.index('id="completeness"') :]
    panel = panel[: panel.index("</div>")]
    assert '<a href="#node-1.2">1.2</a>' in panel and '<a href="#node-2.2">2.2</a>' in panel
    assert "#node-1.1" not in panel and "#node-2.3" not in panel  # scored; survey
    for code in ("1.2", "2.2"):
        assert f'id="node-{code}"' in html  # the target exists on the page


def test_save_and_next_on_the_last_item_says_done_and_returns_to_the_list(client, world):
    for agency, focal in ((world.agency, "focal"), (world.other, "other_focal")):
        for code, data in SELF.items():
            item = world.item(code, agency)
            item_self_score(
                item=item, acting_user=world.users[focal], expected_version=item.version, data=data
            )
        assessment_submit(period=world.period, agency=agency, acting_user=world.users[focal], explanation="x")
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="test",
    )  # fmt: skip
    appraisal.assignments_replace(
        period=world.period,
        cells={(world.agency.pk, "1"): world.users["appraiser"].pk},
        acting_user=world.users["lead"],
    )
    client.force_login(world.users["appraiser"])
    codes = ["1.1", "1.2", "1.3"]
    values = {"1.1": {"points": "2"}, "1.2": {"level": "dung_han"}, "1.3": {"value": "0"}}
    for position, code in enumerate(codes):
        item = world.item(code)
        response = client.post(
            reverse("appraisal:item", args=[world.period.code, item.pk]),
            {"version": item.version, "save_next": "1", **values[code]},
        )
        if position < len(codes) - 1:
            assert response["Location"] == reverse(
                "appraisal:item", args=[world.period.code, world.item(codes[position + 1]).pk]
            )
        else:
            assert response["Location"] == reverse("appraisal:inbox", args=[world.period.code])
    html = client.get(response["Location"]).content.decode()
    assert "Done: no other criterion is waiting for you in this round." in html


def test_save_alone_stays_on_the_item(client, world):
    items_ensure(period=world.period, agency=AgencyFactory(block=world.agency.block))
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=world.users["focal"], expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="x"
    )
    period_transition(
        period=world.period, name="start_appraisal", acting_user=world.users["home_affairs"], confirmed=True,
        override_reason="test",
    )  # fmt: skip
    appraisal.assignments_replace(
        period=world.period,
        cells={(world.agency.pk, "1"): world.users["appraiser"].pk},
        acting_user=world.users["lead"],
    )
    client.force_login(world.users["appraiser"])
    item = world.item("1.1")
    response = client.post(
        reverse("appraisal:item", args=[world.period.code, item.pk]), {"version": item.version, "points": "2"}
    )
    assert response["Location"] == reverse("appraisal:item", args=[world.period.code, item.pk])
