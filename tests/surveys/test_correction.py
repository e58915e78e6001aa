"""From the mismatch report, an operator corrects the first entry of a form from its paper copy (issue 14):
per response, through the service and the policy, with a reason and the form before and after kept."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from agencies.models import PeriodState
from surveys.models import Response, ResponseCorrection
from surveys.selectors import second_entry_mismatches
from surveys.services import response_correct
from tests.factories import UserFactory

from .factories import make_survey
from .test_entry import answers, enter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()


@pytest.fixture
def typed_twice(client, survey):
    """A-001 typed 1/2 by the first operator, 1/3 by the second: question 2 differs."""
    first = UserFactory(username="nhap-1", role=Role.SURVEY_OPERATOR)
    second = UserFactory(username="nhap-2", role=Role.SURVEY_OPERATOR)
    client.force_login(first)
    assert enter(client, survey, "A-001", q1="1", q2="2").status_code == 302
    client.force_login(second)
    assert enter(client, survey, "A-001", second=True, q1="1", q2="3").status_code == 302
    return first, second


def correct_url(survey, serial="A-001"):
    return f"/khao-sat/phieu/{survey.questionnaire.pk}/sua/{serial}/"


def test_the_mismatch_report_links_each_form_to_its_correction(client, survey, typed_twice):
    html = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/doi-chieu/").content.decode()
    assert f'href="{correct_url(survey)}"' in html


def test_the_correction_page_shows_what_was_typed_and_where_the_typings_differ(client, survey, typed_twice):
    html = client.get(correct_url(survey)).content.decode()
    ids = dict(survey.questionnaire.questions.values_list("number", "id"))
    assert f'name="q{ids["2"]}" value="2"' in html and f'name="q{ids["1"]}" value="1"' in html
    assert 'name="serial" value="A-001" maxlength="40" readonly' in html
    assert "2: first entry 2, second entry 3" in html


def test_an_operator_corrects_the_first_entry_with_a_reason_audited(client, survey, typed_twice):
    second = typed_twice[1]
    response = client.post(
        correct_url(survey),
        {
            "serial": "ignored",
            "group": "1",
            "agency": "so-a",
            "reason": "Đối chiếu phiếu giấy",
            **answers(survey, q1="1", q2="3"),
        },
        follow=True,
    )
    assert "The first entry of form A-001 was corrected." in response.content.decode()
    stored = Response.objects.get(serial="A-001")
    assert sorted(stored.answers.values_list("question__number", "option__key")) == [("1", "1"), ("2", "3")]
    correction = ResponseCorrection.objects.get()
    assert correction.corrected_by == second and correction.reason == "Đối chiếu phiếu giấy"
    assert correction.before["answers"] == {"1": "1", "2": "2"}
    assert correction.after["answers"] == {"1": "1", "2": "3"}
    assert correction.before["group"] == correction.after["group"] == "hdnd"
    report = second_entry_mismatches(questionnaire=survey.questionnaire)
    assert (report.checked, report.matching, report.mismatches) == (1, 1, [])


def test_a_correction_without_a_reason_or_with_a_wrong_key_changes_nothing(client, survey, typed_twice):
    before = sorted(Response.objects.get().answers.values_list("question__number", "option__key"))
    response = client.post(correct_url(survey), {"group": "1", "agency": "so-a", **answers(survey, q2="3")})
    assert response.status_code == 400 and "Say why the first entry is corrected" in response.content.decode()
    response = client.post(
        correct_url(survey), {"group": "1", "agency": "so-a", "reason": "x", **answers(survey, q2="zz")}
    )
    assert (
        response.status_code == 400 and "is not an answer option of question 2" in response.content.decode()
    )
    assert sorted(Response.objects.get().answers.values_list("question__number", "option__key")) == before
    assert not ResponseCorrection.objects.exists()


def test_an_unknown_serial_is_a_404(client, survey, typed_twice):
    assert client.get(correct_url(survey, "Z-999")).status_code == 404


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.APPRAISER, Role.COUNCIL])
def test_other_roles_may_not_correct(client, survey, typed_twice, role):
    user = UserFactory(username=f"u-{role}", role=role, agency=survey.a if role == Role.FOCAL_POINT else None)
    client.force_login(user)
    assert (
        client.post(correct_url(survey), {"group": "1", "agency": "so-a", "reason": "x"}).status_code == 403
    )
    assert not ResponseCorrection.objects.exists()


def test_approval_freezes_corrections_too(client, survey, typed_twice):
    survey.period.state = PeriodState.APPROVED
    survey.period.save()
    response = client.post(
        correct_url(survey), {"group": "1", "agency": "so-a", "reason": "x", **answers(survey, q2="3")}
    )
    assert response.status_code == 409 and "can no longer change" in response.content.decode()
    with pytest.raises(ValidationError, match="can no longer change"):
        response_correct(
            questionnaire=survey.questionnaire, serial="A-001", group=survey.questionnaire.groups.first(),
            agency=survey.a, answers={}, reason="x", acting_user=typed_twice[0],
        )  # fmt: skip
    assert not ResponseCorrection.objects.exists()


def test_a_correction_is_shown_in_words_where_the_form_is_shown(client, survey, typed_twice):
    """Who, when, why, and each changed answer from which option to which (by label, not key or dict),
    on the form's correction page and in the mismatch report."""
    second = typed_twice[1]
    second.first_name, second.last_name = "Lan", "Nguyễn"
    second.save()
    client.post(
        correct_url(survey),
        {"group": "1", "agency": "so-a", "reason": "Đối chiếu phiếu giấy", **answers(survey, q1="1", q2="3")},
    )
    question = survey.questionnaire.questions.get(number="2")
    labels = dict(question.options.values_list("key", "label"))
    correction = ResponseCorrection.objects.get()
    for url in (correct_url(survey), f"/khao-sat/phieu/{survey.questionnaire.pk}/doi-chieu/"):
        html = client.get(url).content.decode()
        assert "Corrections of form A-001" in html
        assert second.get_full_name() in html and "«Đối chiếu phiếu giấy»" in html
        assert f"question 2: from {labels['2']} to {labels['3']}" in html
        assert correction.corrected_at.astimezone().strftime("%d/%m/%Y") in html
        assert "question 1:" not in html  # unchanged answers are not listed
        assert "{&#x27;" not in html and "&#x27;answers&#x27;" not in html  # no stored dict


def test_the_correction_page_says_when_a_form_was_never_corrected(client, survey, typed_twice):
    assert "Corrections of form A-001" not in client.get(correct_url(survey)).content.decode()
