"""Text typed into the admin that no workbook can hold is refused there: a C0 control character (Word's
line break U+000B pasted into an agency's name) was stored, after which every XLSX with that text (the
self-assessment overview, report tables, templates) failed with a server error."""

import pytest
from django.urls import reverse

from agencies.models import PeriodState as S
from assessment.exports import overview_xlsx
from assessment.selectors import self_assessment_overview
from scoring.models import CriteriaNode
from tests.web.test_admin_policy import _english, form_of, in_state, root, signed_in, text, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("char", ["\x0b", "\x01", "\x1f"])
def test_an_agency_name_with_a_control_character_is_refused_in_the_admin(client, world, root, char):  # noqa: F811
    in_state(world.period, S.DRAFT)
    url = reverse("admin:agencies_agency_change", args=[world.agency.pk])
    page = signed_in(client, root).get(url)
    response = client.post(url, form_of(page) | {"name": [f"Sở{char}A mới"]})
    assert response.status_code == 200 and "control character" in text(response)
    world.agency.refresh_from_db()
    assert world.agency.name == "Sở A"
    rows = self_assessment_overview(
        period=world.period, agencies=type(world.agency).objects.filter(pk=world.agency.pk)
    )
    assert overview_xlsx(rows)[:2] == b"PK"


def test_a_node_guidance_keeps_its_line_breaks_and_tabs(client, world, root):  # noqa: F811
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    page = signed_in(client, root).get(url)
    response = client.post(url, form_of(page) | {"guidance": ["Dòng 1\r\n\tDòng 2"]})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.guidance == "Dòng 1\r\n\tDòng 2"


def test_a_node_title_with_a_control_character_is_refused_in_the_admin(client, world, root):  # noqa: F811
    node = CriteriaNode.objects.get(criteria_set__period=in_state(world.period, S.DRAFT), code="1.1")
    url = reverse("admin:scoring_criterianode_change", args=[node.pk])
    page = signed_in(client, root).get(url)
    response = client.post(url, form_of(page) | {"title": ["Kế\x0bhoạch"]})
    assert response.status_code == 200 and "control character" in text(response)
    node.refresh_from_db()
    assert node.title == "Kế hoạch"
