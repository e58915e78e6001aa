"""A survey operator types two paper forms in Chromium with the keyboard only: serial, Tab, then number
keys that move on by themselves, Enter to save; the next form starts at the serial."""

import pytest

from accounts.models import Role
from surveys.models import Response
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.surveys.factories import make_survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name")


def test_operator_types_two_forms_with_the_keyboard_only(live_server, page):
    survey = make_survey()  # groups 1 hdnd, 2 mttq, 3 dan, 4 huyen; agencies 1 Sở A, 2 Sở B
    UserFactory(username="nhap", role=Role.SURVEY_OPERATOR)
    login(page, live_server, "nhap")
    page.goto(f"{live_server.url}/khao-sat/phieu/{survey.questionnaire.pk}/nhap/")
    assert focused(page) == "id_serial"

    # Form 1: a council delegate (group 1) about Sở A (1); every question is asked of that group.
    page.keyboard.type("A-001")
    page.keyboard.press("Tab")
    page.keyboard.type("1")  # group → the agency box
    assert page.locator("#group-name").inner_text() == "Đại biểu HĐND tỉnh"
    page.keyboard.type("1")  # agency → question 1
    page.keyboard.type("1245a")  # questions 1–5; the last key moves to Save
    assert focused(page) == "entry-save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".alert-success").count() == 1
    assert focused(page) == "id_serial"
    assert (
        page.input_value("#id_group") == "1" and page.input_value("#id_agency") == "1"
    )  # kept for the next form

    # Form 2: mttq (2) weighs on 8.1 and answers 8.2 and question 5 too; a wrong key stays marked.
    page.keyboard.type("A-002")
    page.keyboard.press("Tab")
    page.keyboard.type("2")  # typing over the kept group
    page.keyboard.type("2")
    page.keyboard.type("7")  # not an option of question 1: marked, the focus stays
    assert focused(page) != "entry-save"
    assert "is-invalid" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Backspace")
    page.keyboard.type("2395a")
    assert focused(page) == "entry-save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".alert-success").count() == 1
    assert focused(page) == "id_serial"

    stored = {
        r.serial: (
            r.group.code,
            r.agency.code,
            sorted(r.answers.values_list("question__number", "option__key")),
        )
        for r in Response.objects.select_related("group", "agency")
    }
    assert stored == {
        "A-001": ("hdnd", "so-a", [("1", "1"), ("2", "2"), ("3", "4"), ("4", "5"), ("5", "a")]),
        "A-002": ("mttq", "so-b", [("1", "2"), ("2", "3"), ("3", "9"), ("4", "5"), ("5", "a")]),
    }
