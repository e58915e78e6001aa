"""Printed questionnaires with a QR code: one form per planned respondent, its serial and the QR code of
its one-time link; the paper form and the online answer of one serial are one response."""

import io
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import segno
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from surveys.imports import responses_import
from surveys.models import PrintedForms, PrintStatus, Response, SurveyToken
from surveys.printing import (
    answer_url,
    form_serial,
    printed_forms_start,
    printed_serials_mend,
    qr_svg_data_uri,
    serial_link_id,
)
from surveys.problems import SurveyFileError
from surveys.services import TokenUsed, online_response_store, response_enter
from tests.factories import UserFactory

from .factories import make_survey
from .test_imports import HEADER, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.SITE_URL = "https://cchc.example.gov.vn"
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return make_survey()  # sample plan: so-a dan 3, so-a hdnd 2, so-b dan 1


@pytest.fixture
def home_affairs():
    return UserFactory(username="noi-vu", role=Role.HOME_AFFAIRS)


def _answers(survey) -> dict[int, str]:
    question = survey.questionnaire.questions.get(number="1")
    return {question.pk: question.options.first().key}


def _typed(survey, typist, serial, group, agency):
    """A paper form typed on the entry page, answering question 1."""
    return response_enter(
        questionnaire=survey.questionnaire,
        serial=serial,
        group=group,
        agency=agency,
        answers=_answers(survey),
        acting_user=typist,
    )


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_job_prints_one_form_per_respondent_with_serial_and_qr(
    client, survey, home_affairs, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("surveys.printing.CHUNK", 4)  # two chunks joined into one PDF
    client.force_login(home_affairs)
    page = f"/khao-sat/phieu/{survey.questionnaire.pk}/phieu-in/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page)
    assert response.status_code == 302
    job = PrintedForms.objects.get()
    assert (job.status, job.forms) == (PrintStatus.DONE, 6)
    shown = client.get(page).content.decode()
    assert 'data-print-status="done"' in shown and "6 forms ready." in shown
    download = client.get(page + "?tai=1")
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    text = _pdf_text(pdf)
    serials = [form_serial(token) for token in SurveyToken.objects.order_by("pk")]
    assert all(serial in text for serial in serials)
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 6  # one page per respondent (5 questions fit)
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) renders the forms as a phone's camera sees them")
    client.logout()  # a citizen, not signed in
    _assert_qr_codes_scan_to_the_links(pdf, client)


def _assert_qr_codes_scan_to_the_links(pdf: bytes, client) -> None:
    """Renders the PDF as a scanner would see it (150 dpi), decodes each page's QR code and opens the
    link: the respondent's own form, which the serial printed beside the code also names."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    tokens = list(SurveyToken.objects.order_by("agency__position", "group_id", "pk"))
    expected = {answer_url(token) for token in tokens}
    found = set()
    for number in range(1, len(tokens) + 1):
        png = subprocess.run(
            ["pdftoppm", "-png", "-r", "150", "-f", str(number), "-l", str(number), "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout
        codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert len(codes) == 1
        found.add(codes[0].text)
    assert found == expected
    assert all(url.startswith("https://cchc.example.gov.vn/khao-sat/tra-loi/") for url in found)
    by_url = {answer_url(token): token for token in tokens}
    for url in found:
        opened = client.get(urlsplit(url).path)
        assert opened.status_code == 200, url
        page = opened.content.decode()
        assert "<fieldset>" in page and by_url[url].agency.name in page


def test_the_qr_code_encodes_the_link(survey):
    url = "https://cchc.example.gov.vn/khao-sat/tra-loi/abc/"
    assert qr_svg_data_uri(url) == segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)
    assert qr_svg_data_uri(url).startswith("data:image/svg+xml")


def test_a_paper_form_typed_after_the_online_answer_is_refused(survey, home_affairs):
    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    token = SurveyToken.objects.filter(agency=survey.a, group__code="dan").first()
    online = online_response_store(token=token.token, answers=_answers(survey))
    assert online.serial == form_serial(token)
    with pytest.raises(ValidationError, match="already"):
        _typed(survey, home_affairs, form_serial(token), token.group, token.agency)
    assert Response.objects.filter(serial=form_serial(token)).count() == 1


def test_an_online_answer_after_the_paper_form_is_refused_and_the_link_used(survey, home_affairs):
    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    token = SurveyToken.objects.filter(agency=survey.b).first()
    typed_as_read = form_serial(token).lower()  # the link is found all the same
    paper = _typed(survey, home_affairs, typed_as_read, token.group, token.agency)
    token.refresh_from_db()
    assert token.used_at is not None and token.response == paper
    with pytest.raises(TokenUsed):
        online_response_store(token=token.token, answers=_answers(survey))
    assert Response.objects.filter(questionnaire=survey.questionnaire).count() == 1


def test_a_form_already_answered_is_not_printed_again(
    survey, home_affairs, django_capture_on_commit_callbacks
):
    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    token = SurveyToken.objects.first()
    online_response_store(token=token.token, answers=_answers(survey))
    with django_capture_on_commit_callbacks(execute=True):
        job = printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    job.refresh_from_db()
    assert job.forms == 5


def test_printed_forms_are_home_affairs_only(client, survey):
    client.force_login(UserFactory(username="thu-ky", role=Role.SECRETARIAT_LEAD))
    assert client.post(f"/khao-sat/phieu/{survey.questionnaire.pk}/phieu-in/").status_code == 403
    assert not PrintedForms.objects.exists()


def test_an_imported_paper_form_uses_up_its_link_as_a_typed_one_does(survey, home_affairs):
    """A printed form's serial imported from a file, however it was typed, is stored as printed and uses
    up its link: the online answer of that respondent is then refused, not counted a second time, and the
    form is not printed again. It used to stay open when typed in lower case (another serial)."""

    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    lower, padded, other = SurveyToken.objects.filter(agency=survey.a)[:3]
    rows = [
        [f" {form_serial(lower).lower()}", lower.group.code, "so-a", "1", "", "", "", ""],
        [f"TT{padded.pk}", padded.group.code, "so-a", "2", "", "", "", ""],  # without its leading zeros
        ["P-001", "dan", "so-a", "3", "", "", "", ""],  # not a printed form: stored as it is
    ]
    batch = responses_import(questionnaire=survey.questionnaire, file=csv_bytes(rows, HEADER))
    assert batch.added == 3
    serials = set(Response.objects.values_list("serial", flat=True))
    assert serials == {form_serial(lower), form_serial(padded), "P-001"}
    for link in (lower, padded):
        link.refresh_from_db()
        assert link.used_at is not None and link.response.serial == form_serial(link)
        with pytest.raises(TokenUsed):
            online_response_store(token=link.token, answers=_answers(survey))
    other.refresh_from_db()
    assert other.used_at is None  # its form was not imported
    again = responses_import(questionnaire=survey.questionnaire, file=csv_bytes(rows, HEADER))
    assert again.added == 0 and again.skipped == 3  # the same file again: nothing new
    assert Response.objects.count() == 3


def test_links_of_forms_imported_before_are_used_up_by_the_next_import(survey, home_affairs):
    """Forms stored by an import before imports used up links (here in lower case) are mended by the next
    import of the questionnaire."""

    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    link = SurveyToken.objects.filter(agency=survey.a).first()
    old = Response.objects.create(
        questionnaire=survey.questionnaire,
        serial=form_serial(link).lower(),
        group=link.group,
        agency=link.agency,
    )
    responses_import(
        questionnaire=survey.questionnaire,
        file=csv_bytes([["P-9", "dan", "so-a", "1", "", "", "", ""]], HEADER),
    )
    link.refresh_from_db()
    assert link.used_at is not None and link.response == old


def test_a_serial_with_other_digits_than_ascii_is_not_a_printed_forms():

    assert serial_link_id(" tt000123 ") == 123 and serial_link_id("TT7") == 7
    assert serial_link_id("TT²") is None and serial_link_id("TT١٢") is None and serial_link_id("TT") is None


def test_serials_imported_as_typed_are_mended_and_the_same_file_is_then_stored_once(survey, home_affairs):
    """Imports stored a printed form's serial as typed before (migration 0010 mends them): rewritten to
    the printed serial, so the same file imported again is found stored, not stored twice; a form stored
    both ways is left for a person (never two responses under one serial)."""

    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    typed, twice = SurveyToken.objects.filter(agency=survey.a)[:2]
    row = [form_serial(typed).lower(), typed.group.code, "so-a", "1", "", "", "", ""]
    option = survey.questionnaire.questions.get(number="1").options.get(key="1")
    old = Response.objects.create(
        questionnaire=survey.questionnaire, serial=row[0], group=typed.group, agency=typed.agency
    )
    old.answers.create(question=option.question, option=option)
    for serial in (f"TT{twice.pk}", form_serial(twice)):
        Response.objects.create(
            questionnaire=survey.questionnaire, serial=serial, group=twice.group, agency=twice.agency
        )
    assert printed_serials_mend(Response, SurveyToken) == 1
    assert set(Response.objects.values_list("serial", flat=True)) == {
        form_serial(typed),
        f"TT{twice.pk}",
        form_serial(twice),
    }
    again = responses_import(questionnaire=survey.questionnaire, file=csv_bytes([row], HEADER))
    assert (again.added, again.skipped) == (0, 1)
    typed.refresh_from_db()
    twice.refresh_from_db()
    assert typed.response == old and twice.response.serial == form_serial(twice)


def test_a_printed_serial_of_another_group_or_agency_is_refused_typed_or_imported(survey, home_affairs):
    """One mistyped digit names another respondent's form: its link would be used up by a response of
    another agency. The row (or the typed form) is refused on its serial, naming whom it was printed for."""

    printed_forms_start(questionnaire=survey.questionnaire, acting_user=home_affairs)
    link = SurveyToken.objects.filter(agency=survey.b).first()  # printed for so-b
    with pytest.raises(SurveyFileError) as refused:
        responses_import(
            questionnaire=survey.questionnaire,
            file=csv_bytes([[form_serial(link), link.group.code, "so-a", "1", "", "", "", ""]], HEADER),
        )
    (problem,) = refused.value.problems
    assert (
        problem.row == 2
        and problem.column == HEADER[0]
        and "so-b" in str(problem)
        and link.group.code in str(problem)
    )
    with pytest.raises(ValidationError) as typed:
        _typed(survey, home_affairs, form_serial(link), link.group, survey.a)
    assert "serial" in typed.value.message_dict and link.agency.name in typed.value.message_dict["serial"][0]
    link.refresh_from_db()
    assert link.used_at is None and not Response.objects.exists()
