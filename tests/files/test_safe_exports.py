"""Every export writes text as text: an agency, criterion, group or question named =HYPERLINK("x"), +1,
-2 or @SUM(A1) goes through every file we write without becoming a formula. XLSX keeps the text exactly
(no cell of type "f", and read back the same), CSV escapes it by OWASP's rule (a leading '), JSON keeps it
raw. The draft DOCX is text runs, which Word never evaluates, so it needs nothing."""

import csv
import io
import json

import pytest
from django.db import transaction
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.imports import accounts_template_xlsx
from agencies.models import Agency, Period
from reports.selectors import report_data, report_settings_get
from reports.services import workbook_file
from sample.loader import load_sample
from scoring.exports import open_data_files, results_csv, results_rows
from scoring.formats import criteria_set_to_document
from scoring.formats.xlsx import document_to_xlsx, xlsx_to_document
from scoring.models import CriteriaNode, CriteriaSet
from scoring.selectors import latest_snapshot
from scoring.services import period_compute
from surveys.formats import questionnaire_to_document, questionnaire_to_xlsx, xlsx_to_questionnaire
from surveys.imports import responses_template_xlsx
from surveys.models import Questionnaire, RespondentGroup
from surveys.services import tokens_generate
from tests.factories import UserFactory

HOSTILE = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"]


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """The sample province with four agencies, four criteria and a group renamed hostile, then computed
    again (a snapshot keeps the agencies' names as computed, criteria titles are read live); rolled back
    afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_sample()
        period = Period.objects.get(code="2022")
        agencies = list(Agency.objects.filter(results__snapshot=latest_snapshot(period)).order_by("code")[:4])
        for agency, name in zip(agencies, HOSTILE, strict=True):
            Agency.objects.filter(pk=agency.pk).update(name=name)
        criteria_set = CriteriaSet.objects.filter(period=period, block=agencies[0].block).first()
        nodes = list(CriteriaNode.objects.filter(criteria_set=criteria_set).order_by("id")[:4])
        for node, title in zip(nodes, HOSTILE, strict=True):
            CriteriaNode.objects.filter(pk=node.pk).update(title=title)
        snapshot = period_compute(period=period)
        yield snapshot, criteria_set
        transaction.set_rollback(True)


@pytest.fixture
def world(hostile, db):
    with translation.override("en"):
        yield hostile


def no_formula(workbook) -> set[str]:
    """Every string of the workbook, after asserting that no cell is a formula."""
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def opened(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_open_data_files_keep_names_as_text(world):
    snapshot, _ = world
    files = {f.format: f for f in open_data_files(snapshot, published_at=timezone.now())}
    texts = no_formula(opened(files["xlsx"].content))
    assert set(HOSTILE) <= texts  # agency names and criterion titles, exactly
    results = list(csv.DictReader(io.StringIO(files["results_csv"].content.decode())))
    names = {row["agency_name"] for row in results}
    assert {"'" + name for name in HOSTILE} <= names and not names & set(HOSTILE)
    assert all(not row["index"].startswith("'") for row in results)  # numbers stay numbers
    details = list(csv.DictReader(io.StringIO(files["details_csv"].content.decode())))
    titles = {row["node_title"] for row in details}
    assert {"'" + title for title in HOSTILE} <= titles and not titles & set(HOSTILE)
    document = json.loads(files["json"].content)
    assert set(HOSTILE) <= {row["agency_name"] for row in document["results"]}
    assert set(HOSTILE) <= {row["node_title"] for row in document["details"]}


def test_the_results_csv_escapes_text_but_not_a_negative_number(world):
    snapshot, _ = world
    rows = results_rows(snapshot)
    rows[0] = {**rows[0], "rank_change": -2, "points": "-2.00"}
    first = next(csv.DictReader(io.StringIO(results_csv(rows))))
    assert (first["rank_change"], first["points"]) == ("-2", "-2.00")


def test_the_report_workbook_keeps_names_as_text(world):
    snapshot, _ = world
    report = workbook_file(report_data(snapshot), report_settings_get(), "block")
    assert set(HOSTILE) <= no_formula(opened(report.content))


def test_the_self_assessment_overview_keeps_names_as_text(world, client):
    client.force_login(UserFactory(username="noivu-xlsx", role="home_affairs"))
    response = client.get("/tu-danh-gia/2022/tong-hop.xlsx")
    assert response.status_code == 200
    assert set(HOSTILE) <= no_formula(opened(response.content))


def test_criteria_files_round_trip_hostile_titles(world):
    _, criteria_set = world
    document = criteria_set_to_document(criteria_set)
    content = document_to_xlsx(document)
    assert set(HOSTILE) <= no_formula(opened(content))
    again, _ = xlsx_to_document(content)
    assert again["nodes"] == document["nodes"]


def test_questionnaire_files_and_templates_keep_names_as_text(world, client):
    questionnaire = Questionnaire.objects.filter(period__code="2022").order_by("id").first()
    RespondentGroup.objects.filter(pk=questionnaire.groups.order_by("id").first().pk).update(name=HOSTILE[0])
    questionnaire.questions.filter(pk=questionnaire.questions.order_by("id").first().pk).update(
        text=HOSTILE[3]
    )
    document = questionnaire_to_document(questionnaire)
    content = questionnaire_to_xlsx(document)
    assert {HOSTILE[0], HOSTILE[3]} <= no_formula(opened(content))
    again, _ = xlsx_to_questionnaire(content)
    assert again["groups"] == document["groups"]
    assert [q["text"] for q in again["questions"]] == [q["text"] for q in document["questions"]]
    template = no_formula(opened(responses_template_xlsx(questionnaire)))
    assert HOSTILE[0] in template and HOSTILE[3] in template
    no_formula(opened(accounts_template_xlsx()))
    client.force_login(UserFactory(username="noivu-csv", role="home_affairs"))
    tokens_generate(questionnaire=questionnaire)
    links = client.get(f"/khao-sat/phieu/{questionnaire.pk}/truc-tuyen.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(links)))[1:]
    group_names = {row[3] for row in rows}
    assert "'" + HOSTILE[0] in group_names and HOSTILE[0] not in group_names
