"""Bad input on the self-assessment and appraisal pages: a clear refusal, never a server error, and the
stored item unchanged. Run on PostgreSQL, which refuses NUL characters in text that SQLite stores."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import AssessmentItem, ItemStatus
from assessment.services import assessment_submit, item_self_score
from tests.assessment.test_appraisal import SELF, step
from tests.worlds import appraisal_started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def save(client, world, code, **fields):
    item = world.item(code)
    url = reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk])
    return client.post(url, {"version": item.version, **fields}, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("version", ["abc", "1.5", "９", "99999999999999999999999"])
def test_a_version_that_is_no_number_is_a_conflict_not_a_server_error(client, world, version):
    """The autosave's hidden version, tampered with, answers like a stale version: the stored item."""
    client.force_login(world.users["focal"])
    response = save(client, world, "1.1", points="1", version=version)
    assert response.status_code == 200
    assert "saved this criterion meanwhile" in response.content.decode()
    assert world.item("1.1").self_input is None


@pytest.mark.parametrize("field", ["note", "not_applicable_reason"])
def test_a_nul_character_in_the_self_assessment_text_is_refused_not_a_server_error(client, world, field):
    """PostgreSQL cannot store U+0000 in text: the save is refused with a message, nothing is stored."""
    client.force_login(world.users["focal"])
    fields = {"points": "1", field: "Kế hoạch\x00số 12"}
    if field == "not_applicable_reason":
        fields["not_applicable"] = "on"
    response = save(client, world, "1.1", **fields)
    assert response.status_code == 200
    assert "cannot contain the character U+0000" in response.content.decode()
    item = world.item("1.1")
    assert (item.self_input, item.self_note, item.status) == (None, "", ItemStatus.NOT_STARTED)


@pytest.fixture
def round_world(world):
    focal = world.users["focal"]
    for code, data in SELF.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
    assessment_submit(period=world.period, agency=world.agency, acting_user=focal, explanation="Không")
    appraisal_started(world, {(None, "1"): world.users["appraiser"].pk, (None, "2"): world.users["lead"].pk})
    return world


def appraise(client, world, code, **fields):
    item = world.item(code)
    url = reverse("appraisal:item", args=[world.period.code, item.pk])
    return client.post(url, {"version": item.version, **fields})


def test_the_appraisal_refuses_a_nul_character_and_keeps_what_was_typed(client, round_world):
    world = round_world
    client.force_login(world.users["appraiser"])
    response = appraise(client, world, "1.1", points="1", comment="Muộn\x00 10 ngày")
    html = response.content.decode()
    assert response.status_code == 200 and "cannot contain the character U+0000" in html
    assert 'value="1"' in html  # the typed score is shown again
    assert world.item("1.1").appraised_input is None


def test_the_appraisal_treats_a_version_that_is_no_number_as_stale(client, round_world):
    world = round_world
    client.force_login(world.users["appraiser"])
    response = appraise(client, world, "1.1", points="1", comment="Muộn", version="x")
    assert response.status_code == 200
    assert "Someone else saved this item meanwhile" in response.content.decode()
    assert world.item("1.1").appraised_input is None


@pytest.mark.parametrize(
    "fields",
    [
        {"item": "abc", "version": "1", "explanation": "Đã ban hành"},
        {"item": "1.5", "version": "1", "explanation": "Đã ban hành"},
        {"version": "1", "explanation": "Đã ban hành"},
        {"item": "{pk}", "version": "x", "explanation": "Đã ban hành"},
        {"item": "{pk}", "version": "{version}", "explanation": "Đã ban hành\x00"},
    ],
)
def test_an_explanation_with_bad_fields_is_not_a_server_error(client, round_world, fields):
    world = round_world
    client.force_login(world.users["lead"])
    item = world.item("1.1")
    appraise(client, world, "1.1", points="1", comment="Muộn 10 ngày")
    step(world, "open_explanation")
    item = world.item("1.1")
    data = {key: value.format(pk=item.pk, version=item.version) for key, value in fields.items()}
    client.force_login(world.users["focal"])
    response = client.post(reverse("appraisal:explain", args=[world.period.code]), data, follow=True)
    assert response.status_code in (200, 404)
    assert AssessmentItem.objects.get(pk=item.pk).explanation == ""


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("1,5", "1.5"),
        ("1.50", "1.5"),
        (" 1,5\u00a0", "1.5"),  # a non-breaking space pasted from a document
        ("１,５", "1.5"),  # full-width digits (a Vietnamese IME's full-width mode)
        ("１，５", "1.5"),
        ("1e0", "1"),
        ("+1", "1"),
        ("-0", "0"),
        (".5", "0.5"),
        ("2.", "2"),
    ],
)
def test_a_score_is_stored_as_plain_decimal_text_whatever_way_it_was_typed(client, world, typed, stored):
    """The stored input is what docs/formats.md promises: plain decimal text with a dot, as the API and
    the history show it, not the characters typed (full-width digits, an exponent, a sign)."""
    client.force_login(world.users["focal"])
    assert "Saved at" in save(client, world, "1.1", points=typed).content.decode()
    assert world.item("1.1").self_input == {"points": stored}


@pytest.mark.parametrize(
    "code, field, typed, message",
    [
        ("1.1", "points", "1_0", "“1_0” is not a number"),
        ("1.1", "points", "٣", "“٣” is not a number"),
        ("1.1", "points", "1 ,5", "“1 ,5” is not a number"),
        ("1.1", "points", "0,00001", "has more than 4 decimal places"),
        ("1.1", "points", "1e-999999999", "has more than 4 decimal places"),
        ("2.1", "value", "95,1234567", "has more than 6 decimal places"),
        ("2.1", "value", "1e999999999", "is too large"),
        ("2.2", "target", "1e-999999999", "has more than 6 decimal places"),
        ("1.3", "value", "0,5", "the counted events must be a whole number"),
    ],
)
def test_a_number_that_cannot_be_meant_is_refused_and_nothing_stored(
    client, world, code, field, typed, message
):
    client.force_login(world.users["focal"])
    fields = {field: typed}
    if field == "target":
        fields["value"] = "1"
    html = save(client, world, code, **fields).content.decode()
    assert message in html
    assert world.item(code).self_input is None


def test_a_refused_number_is_explained_in_vietnamese_by_default(client, world):
    client.cookies.pop("django_language", None)
    client.force_login(world.users["focal"])
    with translation.override("vi"):
        html = save(client, world, "1.1", points="0,00001").content.decode()
        assert "điểm: 0,00001 có nhiều hơn 4 chữ số thập phân" in html
        html = save(client, world, "1.1", points="0,3").content.decode()
        assert "không phải bội số của bước điểm 0,25" in html


@pytest.mark.parametrize("pk", ["abc", "null,null", ";", "1.5"])
def test_an_item_id_that_is_no_number_answers_404_in_the_api_not_a_server_error(world, pk):
    """schemathesis: PATCH /api/v1/assessment/items/null,null/ raised ValueError in the item lookup."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users["focal"])
    for url in (
        f"/api/v1/assessment/items/{pk}/",
        f"/api/v1/assessment/appraisal/{world.period.code}/items/{pk}/",
    ):
        assert api.patch(url, {"version": 1, "input": {}}, format="json").status_code == 404
        assert api.get(url).status_code == 404


def test_a_count_stored_before_whole_counts_were_required_still_computes(world):
    """Whole counts are required where a count is entered, not by the engine: an input stored earlier
    (a fractional count) still computes as it did, so a published result can be recomputed."""
    from scoring import engine
    from scoring.nodes import engine_node, leaf_input

    node = world.item("1.3").node
    assert engine.leaf_points(engine_node(node), leaf_input(True, {"value": "0.5"})) == Decimal("1.75")
