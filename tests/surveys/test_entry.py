"""Keyboard entry of paper forms: a form is stored whole or not at all (a duplicate serial or an answer
outside the options keeps what was typed and stores nothing), and a blind second entry by another
operator is compared with the first in the mismatch report, the response counting once."""

import pytest
from django.utils import translation

from accounts.models import Role
from surveys.models import Answer, Response, SecondEntry
from surveys.selectors import second_entry_mismatches, survey_leaf_values
from tests.factories import UserFactory

from .factories import make_survey

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
def operator(client):
    user = UserFactory(username="nhap-1", role=Role.SURVEY_OPERATOR)
    client.force_login(user)
    return user


def answers(survey, **typed) -> dict:
    """q<number>=<key> → the entry form's fields (one per question id)."""
    ids = dict(survey.questionnaire.questions.values_list("number", "id"))
    return {f"q{ids[name[1:]]}": key for name, key in typed.items()}


def enter(client, survey, serial, group="1", agency="so-a", second=False, **typed):
    page = "nhap-lai" if second else "nhap"
    return client.post(
        f"/khao-sat/phieu/{survey.questionnaire.pk}/{page}/",
        {"serial": serial, "group": group, "agency": agency, **answers(survey, **typed)},
    )


def test_a_typed_form_is_stored_as_entered_by_the_operator(client, survey, operator):
    response = enter(client, survey, "A-001", group="1", agency="so-a", q1="1", q2="9", q5="b")
    assert response.status_code == 302
    assert response.url.endswith("/nhap/?nhom=1&co-quan=so-a")  # the next form keeps group and agency
    stored = Response.objects.get()
    assert (stored.serial, stored.group.code, stored.agency, stored.source, stored.entered_by) == (
        "A-001", "hdnd", survey.a, "entered", operator,
    )  # fmt: skip
    assert sorted(stored.answers.values_list("question__number", "option__key")) == [
        ("1", "1"), ("2", "9"), ("5", "b"),
    ]  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "Form A-001 saved: 3 answers." in page
    assert 'name="group" value="1"' in page and 'name="agency" value="so-a"' in page
    assert 'id="id_serial" name="serial" value="" maxlength="40" autofocus' in page


def test_group_and_agency_are_typed_by_their_number(client, survey, operator):
    """Groups are numbered 1…n in their order, agencies in theirs (zero-padded to the widest number)."""
    assert enter(client, survey, "A-002", group="3", agency="2", q3="5").status_code == 302
    stored = Response.objects.get()
    assert (stored.group.code, stored.agency) == ("dan", survey.b)


def test_a_duplicate_serial_is_refused_and_keeps_what_was_typed(client, survey, operator):
    enter(client, survey, "A-001", q1="1")
    answers_before = Answer.objects.count()
    response = enter(client, survey, "A-001", group="4", agency="so-b", q1="2", q2="3")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Serial A-001 has already been entered for this questionnaire." in text
    assert 'name="serial" value="A-001"' in text and 'name="group" value="4"' in text
    assert f'name="{next(iter(answers(survey, q2="3")))}" value="3"' in text
    assert Response.objects.count() == 1 and Answer.objects.count() == answers_before


def test_an_answer_outside_the_options_is_refused_and_nothing_is_stored(client, survey, operator):
    response = enter(client, survey, "A-003", q1="1", q2="7", q3="0")
    assert response.status_code == 400
    text = response.content.decode()
    assert "7 is not an answer option of question 2 (options: 1, 2, 3, 4, 9)." in text
    assert "0 is not an answer option of question 3 (options: 1, 2, 3, 4, 5, 9)." in text
    assert f'name="{next(iter(answers(survey, q2="7")))}" value="7"' in text
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_unknown_group_or_agency_numbers_and_an_empty_form_are_refused(client, survey, operator):
    text = enter(client, survey, "A-004", group="9", agency="77", q1="1").content.decode()
    assert "No respondent group 9: type one of the numbers listed." in text
    assert "No agency 77: type one of the numbers listed." in text
    assert "Type at least one answer." in enter(client, survey, "A-004").content.decode()
    assert (
        "Type the serial number printed on the form." in enter(client, survey, " ", q1="1").content.decode()
    )
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.APPRAISER, Role.COUNCIL, Role.AGENCY_HEAD])
def test_only_operators_and_home_affairs_type_forms(client, survey, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    for page in ("nhap", "nhap-lai", "doi-chieu"):
        assert client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/{page}/").status_code == 403
    assert enter(client, survey, "A-001", q1="1").status_code == 403
    assert not Response.objects.exists()


def test_home_affairs_may_type_forms(client, survey):
    client.force_login(UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS))
    assert enter(client, survey, "A-001", q1="1").status_code == 302


# --- second entry --------------------------------------------------------------------------------


@pytest.fixture
def second_operator():
    return UserFactory(username="nhap-2", role=Role.SURVEY_OPERATOR)


def test_a_blind_second_entry_reports_each_difference_and_counts_once(
    client, survey, operator, second_operator
):
    enter(client, survey, "A-001", group="1", agency="so-a", q1="1", q2="2")
    enter(client, survey, "A-002", group="1", agency="so-a", q1="2")
    values_before = survey_leaf_values(period=survey.period)
    client.force_login(second_operator)
    response = enter(client, survey, "A-001", group="1", agency="so-b", second=True, q1="1", q2="3", q3="4")
    assert response.status_code == 302 and response.url.endswith("/nhap-lai/?nhom=1&co-quan=so-b")
    assert enter(client, survey, "A-002", group="1", agency="so-a", second=True, q1="2").status_code == 302

    assert Response.objects.count() == 2  # the second entry is never a response
    assert survey_leaf_values(period=survey.period) == values_before
    report = second_entry_mismatches(questionnaire=survey.questionnaire)
    assert (report.checked, report.matching) == (2, 1)
    assert [(m.serial, m.item, m.first, m.second) for m in report.mismatches] == [
        ("A-001", "agency", "Sở A", "Sở B"),
        ("A-001", "2", "2", "3"),
        ("A-001", "3", "—", "4"),
    ]
    page = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/doi-chieu/").content.decode()
    assert "Forms typed twice: 2; identical: 1." in page
    assert "<tr><td>A-001</td><td>2</td><td>2</td><td>3</td>" in page  # then the link to correct it


def test_a_second_entry_needs_another_operator_a_first_entry_and_happens_once(
    client, survey, operator, second_operator
):
    enter(client, survey, "A-001", q1="1")
    text = enter(client, survey, "A-001", second=True, q1="1").content.decode()
    assert "Serial A-001 was entered by you: the second entry must be typed by another operator." in text
    client.force_login(second_operator)
    text = enter(client, survey, "A-404", second=True, q1="1").content.decode()
    assert "Serial A-404 has not been entered yet: enter it first, then check it." in text
    assert enter(client, survey, "A-001", second=True, q1="1").status_code == 302
    text = enter(client, survey, "A-001", second=True, q1="2").content.decode()
    assert "Serial A-001 has already been entered a second time." in text
    assert SecondEntry.objects.count() == 1


def test_entry_page_query_count(client, survey, operator, django_assert_max_num_queries):
    # Questionnaire, groups, agencies, questions, options, weights, plus session, user and site chrome.
    with django_assert_max_num_queries(12):
        response = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/nhap/")
    assert response.status_code == 200


def test_mismatch_report_query_count_does_not_grow_with_forms(
    client, survey, operator, second_operator, django_assert_max_num_queries
):
    for n in range(6):
        enter(client, survey, f"A-{n}", q1="1", q2="2")
    client.force_login(second_operator)
    for n in range(6):
        enter(client, survey, f"A-{n}", second=True, q1="1", q2=str(1 + n % 2))
    with django_assert_max_num_queries(10):
        response = client.get(f"/khao-sat/phieu/{survey.questionnaire.pk}/doi-chieu/")
    assert response.content.decode().count("<tr><td>A-") == 3
