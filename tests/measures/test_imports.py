"""Measured data and survey values entered by Home Affairs (issue 12, item 6): one file, checked whole,
previewed old → new, stored all-or-nothing and audited; agencies read the values and cannot change them."""

import csv
import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from agencies.models import Period, PeriodState
from assessment import appraisal
from assessment.appraisal_selectors import appraiser_items
from assessment.models import ItemStatus, Submission, SubmissionStatus
from assessment.services import AssessmentRefused, assessment_submit, item_self_score
from measures.models import MeasureImport, MeasureValue
from measures.services import (
    MeasuresRefused,
    measures_check,
    measures_confirm,
    measures_discard,
    measures_import,
    measures_preview,
)
from parindex.jobs import JobStatus
from scoring.formats import criteria_set_from_document
from scoring.models import NodeResult
from scoring.services import period_compute
from surveys.models import SurveyValue, SurveyValueSource
from surveys.services import survey_values_refresh
from tests.documents import small_document
from tests.factories import AgencyFactory, BlockFactory
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db

HEADER = ["Mã cơ quan", "Mã tiêu chí", "Giá trị", "Chỉ tiêu", "Văn bản nguồn", "Ngày văn bản", "Ghi chú"]
SOURCE = "Báo cáo 12/BC-VPUBND (Cổng DVC quốc gia)"
GOOD = [
    ["so-a", "2.1", "95,5", "", SOURCE, "05/01/2023", ""],
    ["so-a", "2.2", 80, 100, SOURCE, "05/01/2023", ""],
    ["so-a", "2.3", "90%", "", "Kết quả khảo sát SIPAS", "06/01/2023", ""],
    ["so-b", "2.1", 100, "", SOURCE, "05/01/2023", ""],
]


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return self_assessment_world(measured=True)


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(client, world, content, name="so-lieu.xlsx", **fields):
    return client.post(
        reverse("measures:upload", args=[world.period.code]),
        {"file": SimpleUploadedFile(name, content), **fields},
    )


def problems_of(content, world, **kwargs):
    plan = measures_check(period=world.period, content=content, **kwargs)
    return {(p.row, (p.column or "")[:1], p.message) for p in plan.problems}


def test_the_page_previews_old_and_new_values_and_stores_only_on_confirm(
    client, world, django_capture_on_commit_callbacks
):
    """Preview lists old → new per agency × criterion; nothing changes before "confirm"."""
    client.force_login(world.users["home_affairs"])
    content = xlsx(GOOD)
    with django_capture_on_commit_callbacks(execute=True):  # the file is checked by a job once committed
        response = upload(client, world, content)
    measure_import = MeasureImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("measures:preview", args=[world.period.code, measure_import.pk])
    html = client.get(response.url).content.decode()
    assert "4 values will change" in html and "95.5" in html and "80 / 100" in html and "0.9" in html
    assert measure_import.status == JobStatus.PREVIEWED
    assert world.item("2.1").appraised_input is None and not MeasureValue.objects.exists()
    assert not SurveyValue.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):  # stored by a second job
        response = client.post(reverse("measures:confirm", args=[world.period.code, measure_import.pk]))
    assert response.status_code == 302
    assert "4 values of so-lieu.xlsx are stored." in client.get(response.url).content.decode()
    item = world.item("2.1")
    assert item.self_input == item.appraised_input == {"value": "95.5"} and item.reappraised_input is None
    assert item.status == ItemStatus.APPRAISED and item.appraised_by == world.users["home_affairs"]
    assert world.item("2.2").final_input == {"value": "80", "target": "100"}
    assert world.item("2.1", world.other).final_input == {"value": "100"}
    survey = SurveyValue.objects.get(agency=world.agency, node__code="2.3")
    assert survey.value == Decimal("0.9") and survey.source == SurveyValueSource.IMPORTED
    measure = MeasureValue.objects.get(agency=world.agency, node__code="2.1")
    assert measure.value == Decimal("95.5") and measure.source_document == SOURCE
    assert measure.source_date == date(2023, 1, 5)
    measure_import.refresh_from_db()
    assert measure_import.status == JobStatus.STORED and measure_import.values == 4
    assert measure_import.sha256 == hashlib.sha256(content).hexdigest()
    assert (
        measure_import.file_name == "so-lieu.xlsx" and measure_import.stored_by == world.users["home_affairs"]
    )
    html = client.get(reverse("measures:page", args=[world.period.code])).content.decode()
    assert "so-lieu.xlsx" in html and measure_import.sha256[:12] in html and SOURCE in html


def test_a_second_import_is_audited_value_by_value(world):
    """Who, when, file name and SHA-256 per import; each value's history with django-simple-history."""
    home_affairs = world.users["home_affairs"]
    first_file = xlsx(GOOD)  # an XLSX carries its creation time: the same rows may give other bytes
    first = measures_import(
        period=world.period, content=first_file, file_name="t1.xlsx", acting_user=home_affairs
    )
    second_file = csv_bytes([["so-a", "2.1", "85", "", "Báo cáo bổ sung 15/BC", "2023-01-10", ""]])
    _preview, plan = measures_preview(
        period=world.period, content=second_file, file_name="t2.csv", acting_user=home_affairs
    )
    assert [(c["old"], c["new"], c["changed"]) for c in plan.changes] == [("95.5", "85", True)]
    measures_confirm(measure_import=_preview, acting_user=home_affairs)
    measure = MeasureValue.objects.get(agency=world.agency, node__code="2.1")
    history = list(measure.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("95.5"), Decimal("85")]
    assert [h.measure_import_id for h in history] == [first.pk, _preview.pk]
    assert {h.history_user for h in history} == {home_affairs}
    assert history[-1].source_document == "Báo cáo bổ sung 15/BC"
    item_history = list(world.item("2.1").history.order_by("history_date"))
    assert item_history[-1].history_user == home_affairs and item_history[-1].appraised_input == {
        "value": "85"
    }
    assert item_history[-1].history_change_reason == "measured data: t2.csv"
    assert world.item("2.1").appraised_input == {"value": "85"}
    imports = MeasureImport.objects.filter(status=JobStatus.STORED).order_by("pk")
    assert [(i.file_name, i.sha256) for i in imports] == [
        ("t1.xlsx", hashlib.sha256(first_file).hexdigest()),
        ("t2.csv", hashlib.sha256(second_file).hexdigest()),
    ]


def test_every_problem_is_named_by_row_and_column_and_nothing_is_stored(world):
    huyen = AgencyFactory(block=BlockFactory(code="huyen", name="UBND huyện"), code="huyen-x")
    AgencyFactory(block=world.agency.block, code="so-c")
    rows = [
        ["so-a", "2.1", "95", "", SOURCE, "05/01/2023", ""],  # 2: valid, yet not stored
        ["so-z", "2.1", "95", "", SOURCE, "05/01/2023", ""],  # 3
        ["so-a", "9.9", "95", "", SOURCE, "05/01/2023", ""],  # 4
        ["so-a", "1.1", "1", "", SOURCE, "05/01/2023", ""],  # 5: an evidence leaf
        ["so-a", "2", "1", "", SOURCE, "05/01/2023", ""],  # 6: not a leaf
        [huyen.code, "2.1", "95", "", SOURCE, "05/01/2023", ""],  # 7: another block
        ["so-a", "2.2", "nhiều", "", SOURCE, "05/01/2023", ""],  # 8
        ["so-a", "2.3", "1,5", "", SOURCE, "05/01/2023", ""],  # 9: survey out of range
        ["so-c", "2.2", "-3", "", SOURCE, "05/01/2023", ""],  # 10: negative
        ["so-b", "2.2", "50", "0", SOURCE, "05/01/2023", ""],  # 11: the rule refuses a zero target
        ["so-a", "2.1", "96", "", SOURCE, "05/01/2023", ""],  # 12: duplicate of row 2
        ["so-b", "2.3", "0,8", "", "", "05/01/2023", ""],  # 13: no source
        ["so-c", "2.3", "0,8", "", SOURCE, "31/02/2023", ""],  # 14: no such date
        ["so-c", "2.1", "95", "100", SOURCE, "05/01/2023", ""],  # 15: a target on a threshold
        ["so-b", "2.1", "KAD", "", SOURCE, "05/01/2023", ""],  # 16: not applicable without reason
        ["", "2.2", "5", "", SOURCE, "05/01/2023", ""],  # 17: no agency
    ]
    problems = problems_of(xlsx(rows), world)
    expected = {
        (3, "A", "Unknown agency code so-z."),
        (4, "B", "No criterion 9.9 in the criteria sets of this period."),
        (
            5,
            "B",
            "Criterion 1.1 is scored from evidence, not from measured data or the survey: the agency self-scores it.",
        ),
        (6, "B", "Criterion 2 has sub-criteria: values are entered on its leaves."),
        (7, "B", "Criterion 2.1 does not exist in the block of huyen-x (block: UBND huyện)."),
        (8, "C", "nhiều is not a number."),
        (9, "C", "A survey value is between 0 and 1 (or 0% and 100%); 1,5 is not."),
        (10, "C", "The rule of criterion 2.2 refuses this value: achieved must be ≥ 0 and target > 0."),
        (11, "D", "The rule of criterion 2.2 refuses this value: achieved must be ≥ 0 and target > 0."),
        (12, "B", "so-a × 2.1 is already given on row 2."),
        (13, "E", "Name the source document (in this column or for the whole file)."),
        (14, "F", "31/02/2023 is not a date (dd/mm/yyyy)."),
        (15, "D", "Only a proportional criterion takes a target; 2.1 does not."),
        (16, "G", "Give the reason why the criterion does not apply in the note."),
        (17, "A", "Empty: the Mã cơ quan is required."),
    }
    assert problems == expected
    with pytest.raises(MeasuresRefused, match="15 problems") as refused:
        measures_import(
            period=world.period,
            content=xlsx(rows),
            file_name="x.xlsx",
            acting_user=world.users["home_affairs"],
        )
    assert str(refused.value.problems[0]) == "row 3, column A (Mã cơ quan): Unknown agency code so-z."
    assert not MeasureValue.objects.exists() and not MeasureImport.objects.exists()
    assert world.item("2.1").appraised_input is None


def test_the_page_lists_the_problems_of_a_refused_file_in_vietnamese(
    client, world, settings, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, xlsx([["so-z", "2.1", "95", "", SOURCE, "05/01/2023", ""]]))
    html = client.get(response.url).content.decode()
    assert "Không có cơ quan mã so-z." in html and "(Mã cơ quan)" in html
    assert MeasureImport.objects.get().status == JobStatus.REFUSED and not MeasureValue.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no value to import."),
        (csv_bytes([]), "The file has no value to import."),
        (csv_bytes([["so-a", "2.1", "", "", SOURCE, "05/01/2023", ""]]), "The file has no value to import."),
        (csv_bytes([["so-a", "95"]], header=["Mã cơ quan", "Giá trị"]), "The column Mã tiêu chí is missing."),
        (b"PK\x03\x04 not a workbook", "The file is neither an XLSX workbook nor a CSV file."),
        (b"\xff\xfe\x00bad", "A CSV file must be encoded in UTF-8."),
    ],
)
def test_a_file_without_values_or_columns_is_refused(world, content, message):
    assert message in {p.message for p in measures_check(period=world.period, content=content).problems}


def test_an_unknown_column_is_named(world):
    problems = problems_of(
        csv_bytes([["so-a", "2.1", "95", "x"]], header=["agency", "criterion", "value", "Số tiền"]), world
    )
    assert (None, "D", "Unknown column Số tiền.") in problems


def test_the_file_is_bounded_by_the_measures_file_limits(world, settings):
    """parindex.safe_files measures the file (settings.FILE_LIMITS, kind "measures"); the header row is not
    counted."""
    rows = [["so-a", f"2.{n}", "0,9" if n == 3 else "90", "", SOURCE, "05/01/2023", ""] for n in (1, 2, 3)]
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "measures_rows": 2}
    assert problems_of(csv_bytes(rows), world) == {
        (None, "", "the file has more than 2 rows; at most 2 are accepted")
    }
    assert problems_of(xlsx(rows), world) == {
        (None, "", "the sheet Sheet declares 3 rows; at most 2 are accepted")
    }
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "measures_rows": 3}
    assert measures_check(period=world.period, content=csv_bytes(rows)).problems == []
    assert measures_check(period=world.period, content=xlsx(rows)).problems == []
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "columns": 6}
    assert problems_of(csv_bytes(rows), world) == {
        (None, "", "row 1 has more than 6 columns; at most 6 are accepted")
    }
    settings.FILE_LIMITS = {**settings.FILE_LIMITS, "columns": 500, "measures_total_bytes": 1000}
    message = {p.message for p in measures_check(period=world.period, content=xlsx(rows)).problems}.pop()
    assert message.startswith("the file is 0,0 MB; at most 0,0 MB are accepted")


def test_values_per_file_source_and_not_applicable(world):
    """Rows without a source take the file's; KAD marks a data leaf not applicable with the note as reason."""
    rows = [
        ["so-a", "2.1", "KAD", "", "", "", "Không có hồ sơ phát sinh"],
        ["so-a", "2.2", "1.234,5", "2000", "", "", ""],
    ]
    measures_import(
        period=world.period,
        content=csv_bytes(rows, delimiter=","),
        file_name="kad.csv",
        acting_user=world.users["home_affairs"],
        default_source="Thống kê Cổng DVC 2022",
        default_source_date=date(2023, 1, 2),
    )
    item = world.item("2.1")
    assert (
        not item.applicable
        and item.not_applicable_reason == "Không có hồ sơ phát sinh"
        and item.final_input is None
    )
    assert world.item("2.2").final_input == {"value": "1234.5", "target": "2000"}
    assert set(MeasureValue.objects.values_list("source_document", "source_date")) == {
        ("Thống kê Cổng DVC 2022", date(2023, 1, 2))
    }
    survey_not_applicable = csv_bytes([["so-a", "2.3", "KAD", "", SOURCE, "05/01/2023", "lý do"]])
    assert problems_of(survey_not_applicable, world) == {
        (2, "C", "A survey criterion cannot be marked not applicable.")
    }


@pytest.mark.parametrize("state", [PeriodState.APPROVED, PeriodState.PUBLISHED])
def test_approval_freezes_the_values(client, world, state):
    """Refused in the request (the job checks again when it runs: test_jobs)."""
    home_affairs = world.users["home_affairs"]
    pending, _plan = measures_preview(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=home_affairs
    )
    Period.objects.filter(pk=world.period.pk).update(state=state)
    world.period.refresh_from_db()
    with pytest.raises(MeasuresRefused, match="are approved: its inputs can no longer change"):
        measures_import(period=world.period, content=xlsx(GOOD), file_name="b.xlsx", acting_user=home_affairs)
    with pytest.raises(MeasuresRefused, match="are approved: its inputs can no longer change"):
        measures_confirm(measure_import=pending, acting_user=home_affairs)
    with pytest.raises(MeasuresRefused, match="are approved: its inputs can no longer change"):
        measures_discard(measure_import=pending, acting_user=home_affairs)  # not only refused by the page
    assert MeasureImport.objects.get(pk=pending.pk).status == JobStatus.PREVIEWED
    client.force_login(home_affairs)
    html = upload(client, world, xlsx(GOOD)).content.decode()
    assert "its inputs can no longer change" in html
    assert not MeasureValue.objects.exists() and world.item("2.1").final_input is None


def test_a_preview_is_discarded_while_the_inputs_are_open_and_the_discard_is_audited(world):
    home_affairs = world.users["home_affairs"]
    pending, _plan = measures_preview(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=home_affairs
    )
    measures_discard(measure_import=pending, acting_user=home_affairs)
    pending.refresh_from_db()
    assert pending.status == JobStatus.DISCARDED
    assert pending.history.first().history_user == home_affairs
    with pytest.raises(MeasuresRefused):
        measures_discard(measure_import=pending, acting_user=home_affairs)  # once only
    assert not MeasureValue.objects.exists()


def test_only_home_affairs_imports(client, world):
    for name in ("focal", "lead", "appraiser", "council", "operator"):
        client.force_login(world.users[name])
        assert client.get(reverse("measures:page", args=[world.period.code])).status_code == 403
        assert upload(client, world, xlsx(GOOD)).status_code == 403
        assert client.get(reverse("measures:template", args=[world.period.code])).status_code == 403
    with pytest.raises(MeasuresRefused, match="Only Home Affairs imports"):
        measures_import(
            period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=world.users["focal"]
        )


def test_a_preview_outdated_by_another_import_is_not_stored(world):
    home_affairs = world.users["home_affairs"]
    stale, _plan = measures_preview(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=home_affairs
    )
    measures_import(
        period=world.period,
        content=xlsx([["so-a", "2.1", "50", "", SOURCE, "05/01/2023", ""]]),
        file_name="b.xlsx",
        acting_user=home_affairs,
    )
    with pytest.raises(MeasuresRefused, match="Values changed since the preview"):
        measures_confirm(measure_import=stale, acting_user=home_affairs)
    assert world.item("2.1").final_input == {"value": "50"}


def test_the_focal_point_cannot_self_score_a_data_leaf(client, world):
    """Refused by the API and by the page, which shows the value and its source read-only."""
    measures_import(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=world.users["home_affairs"]
    )
    item = world.item("2.1")
    client.force_login(world.users["focal"])
    response = client.patch(
        f"/api/v1/assessment/items/{item.pk}/",
        {"version": item.version, "input": {"value": "100"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "measured data entered by Home Affairs" in response.json()["detail"]
    blank = world.item("2.2", world.other)
    client.force_login(world.users["other_focal"])
    response = client.patch(
        f"/api/v1/assessment/items/{blank.pk}/",
        {"version": blank.version, "input": {"value": "100"}},
        content_type="application/json",
    )
    assert response.status_code == 400 and world.item("2.2", world.other).self_input is None
    client.force_login(world.users["focal"])
    html = client.post(
        reverse("assessment:item_save", args=[world.period.code, world.agency.code, item.pk]),
        {"version": item.version, "value": "100"},
    ).content.decode()
    assert "measured data entered by Home Affairs" in html
    assert world.item("2.1").self_input == {"value": "95.5"}
    page = client.get(
        reverse("assessment:page", args=[world.period.code, world.agency.code])
    ).content.decode()
    assert f'id="value-input-{item.pk}"' not in page and f'id="value-input-{world.item("1.3").pk}"' in page
    assert "Measured data, entered by Home Affairs:" in page and "95.5" in page
    assert f"Source: {SOURCE}, 05/01/2023" in page
    with pytest.raises(AssessmentRefused, match="measured data entered by Home Affairs"):
        item_self_score(item=item, acting_user=world.users["focal"], expected_version=item.version, data={}, applicable=False,
                        not_applicable_reason="x")  # fmt: skip


def test_submission_does_not_wait_for_measured_data(world):
    """Completeness asks a self-score of the evidence leaves only."""
    focal = world.users["focal"]
    for code, data in {"1.1": {"points": "2"}, "1.2": {"level": "dung_han"}, "1.3": {"value": "0"}}.items():
        item = world.item(code)
        item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
    assessment_submit(
        period=world.period, agency=world.agency, acting_user=focal, explanation="Không có văn bản"
    )
    assert Submission.objects.get(agency=world.agency).status == SubmissionStatus.SUBMITTED


def test_no_appraiser_handles_measured_data_but_the_agency_may_explain_it(world):
    home_affairs, lead, focal = world.users["home_affairs"], world.users["lead"], world.users["focal"]
    measures_import(period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=home_affairs)
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.APPRAISAL)
    world.period.refresh_from_db()
    listed = set(appraiser_items(period=world.period, user=lead).values_list("node__code", flat=True))
    assert listed == {"1.1", "1.2", "1.3"}
    item = world.item("2.1")
    appraisal.assignments_replace(period=world.period, cells={(None, ""): lead.pk}, acting_user=lead)
    with pytest.raises(AssessmentRefused, match="measured data entered by Home Affairs"):
        appraisal.item_appraise(
            item=item, acting_user=lead, expected_version=item.version, data={"value": "50"}, comment="x"
        )
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.EXPLANATION)
    explained = appraisal.item_explain(
        item=item, acting_user=focal, expected_version=item.version, text="Số liệu đã cập nhật đến 31/12"
    )
    assert explained.status == ItemStatus.DISPUTED and explained.final_input == {"value": "95.5"}
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.REAPPRAISAL)
    world.period.refresh_from_db()
    measures_import(
        period=world.period,
        content=xlsx([["so-a", "2.1", "100", "", "Báo cáo bổ sung", "20/01/2023", ""]]),
        file_name="b.xlsx",
        acting_user=home_affairs,
    )
    answered = world.item("2.1")
    assert answered.status == ItemStatus.REAPPRAISED and answered.final_input == {"value": "100"}
    assert answered.explanation == "Số liệu đã cập nhật đến 31/12"


def test_imported_values_reach_the_computed_index(world):
    """95,5% in the band 90–100 → 1 point; 80 of 100 → 1,6 of 2; survey 0,9 → 1,8 of 2."""
    measures_import(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=world.users["home_affairs"]
    )
    snapshot = period_compute(period=world.period)
    points = dict(
        NodeResult.objects.filter(snapshot=snapshot, agency=world.agency).values_list(
            "node__code", "final_points"
        )
    )
    assert (
        points["2.1"] == Decimal("1") and points["2.2"] == Decimal("1.6") and points["2.3"] == Decimal("1.8")
    )
    assert points["2"] == Decimal("4.4")
    other = dict(
        NodeResult.objects.filter(snapshot=snapshot, agency=world.other).values_list(
            "node__code", "final_points"
        )
    )
    assert other["2.1"] == Decimal("2") and other["2.2"] == Decimal("0")


def test_an_imported_survey_value_survives_aggregation(world):
    measures_import(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=world.users["home_affairs"]
    )
    survey_values_refresh(period=world.period)
    assert SurveyValue.objects.get(agency=world.agency, node__code="2.3").value == Decimal("0.9")


def test_the_command_previews_with_dry_run_then_stores(world, tmp_path, capsys):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx(GOOD))
    call_command("import_measures", str(path), period=world.period.code, dry_run=True, language="en")
    out = capsys.readouterr().out
    assert "2.1" in out and "→ 95.5" in out and "4 of 4 values would change; nothing stored" in out
    assert not MeasureValue.objects.exists() and not MeasureImport.objects.exists()
    call_command("import_measures", str(path), period=world.period.code, user="home_affairs", language="en")
    assert "4 values stored from so-lieu.xlsx" in capsys.readouterr().out
    stored = MeasureImport.objects.get()
    assert stored.via == "command" and stored.stored_by == world.users["home_affairs"]
    assert world.item("2.1").final_input == {"value": "95.5"}

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["so-z", "2.1", "1", "", SOURCE, "05/01/2023", ""]]))
    with pytest.raises(CommandError, match="1 problems"):
        call_command("import_measures", str(bad), period=world.period.code, dry_run=True, language="en")
    assert "row 2, column A (Mã cơ quan): Unknown agency code so-z." in capsys.readouterr().err
    with pytest.raises(CommandError, match="Only Home Affairs imports"):
        call_command("import_measures", str(path), period=world.period.code, user="focal", language="en")


def test_the_template_lists_each_agency_with_the_data_and_survey_leaves_of_its_block(client, world):
    district = BlockFactory(code="huyen", name="UBND huyện")
    criteria_set_from_document(period=world.period, block=district, document=small_document(measured=True))
    AgencyFactory(block=district, code="huyen-a", name="=UBND huyện A")
    client.force_login(world.users["home_affairs"])
    response = client.get(reverse("measures:template", args=[world.period.code]))
    assert response.status_code == 200 and 'filename="so-lieu-2026.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã cơ quan", "Tên cơ quan", "Mã tiêu chí", "Tên tiêu chí")
    assert [(r[0], r[2]) for r in rows[1:]] == [
        (code, leaf) for code in ("so-a", "so-b", "huyen-a") for leaf in ("2.1", "2.2", "2.3")
    ]
    assert sheet["B8"].data_type == "s" and sheet["B8"].value == "=UBND huyện A"  # text, not a formula
    # Filled in and sent back, the template is accepted as it is.
    for row in range(2, 5):
        sheet.cell(row=row, column=8, value="0,5" if rows[row - 1][2] == "2.3" else "95")
        sheet.cell(row=row, column=10, value=SOURCE)
        sheet.cell(row=row, column=11, value="05/01/2023")
    out = io.BytesIO()
    sheet.parent.save(out)
    plan = measures_check(period=world.period, content=out.getvalue())
    assert plan.problems == [] and [(c["agency"], c["criterion"], c["new"]) for c in plan.changes] == [
        ("so-a", "2.1", "95"), ("so-a", "2.2", "95"), ("so-a", "2.3", "0.5")
    ]  # fmt: skip


def test_the_home_page_links_home_affairs_to_the_measured_data(client, world):
    client.force_login(world.users["home_affairs"])
    assert (
        reverse("measures:page", args=[world.period.code])
        in client.get(reverse("results_index")).content.decode()
    )
    client.force_login(world.users["focal"])
    assert (
        reverse("measures:page", args=[world.period.code])
        not in client.get(reverse("results_index")).content.decode()
    )


def test_the_page_reads_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    """The values table costs the same for 2 or 42 agencies."""
    measures_import(
        period=world.period, content=xlsx(GOOD), file_name="a.xlsx", acting_user=world.users["home_affairs"]
    )
    client.force_login(world.users["home_affairs"])
    url = reverse("measures:page", args=[world.period.code])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for n in range(40):
        AgencyFactory(block=world.agency.block, code=f"so-x{n}")
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert html.count("so-x3") >= 3  # so-x3 and so-x30…39, one row per leaf


def test_after_approval_the_pages_refuse_every_write_with_the_policys_message(
    client, world, django_capture_on_commit_callbacks
):
    """Upload answers 409; confirm and discard leave a previewed file as it was, with the message."""
    client.force_login(world.users["home_affairs"])
    with django_capture_on_commit_callbacks(execute=True):  # the check job builds the preview
        upload(client, world, xlsx(GOOD))
    measure_import = MeasureImport.objects.get()
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.APPROVED)
    refused = upload(client, world, xlsx(GOOD))
    assert refused.status_code == 409 and "its inputs can no longer change" in refused.content.decode()
    for name in ("measures:confirm", "measures:discard"):
        response = client.post(reverse(name, args=[world.period.code, measure_import.pk]), follow=True)
        assert "its inputs can no longer change" in response.content.decode()
    measure_import.refresh_from_db()
    assert measure_import.status == JobStatus.PREVIEWED and MeasureImport.objects.count() == 1
    assert not MeasureValue.objects.exists()


def test_an_aggregated_survey_value_shows_six_decimals_on_the_page_and_in_a_preview(client, world):
    """A survey value is stored with 30 decimals (rounded once later); people read it as before, to 6."""
    from surveys.models import stored_value as exact_value

    node = world.item("2.3").node
    SurveyValue.objects.create(
        agency=world.agency, node=node, value=exact_value(Decimal(7) / Decimal(12)),
        source=SurveyValueSource.AGGREGATED,
    )  # fmt: skip
    client.force_login(world.users["home_affairs"])
    page = client.get(reverse("measures:page", args=[world.period.code])).content.decode()
    assert "0.583333" in page and "0.5833333" not in page
    plan = measures_check(period=world.period, content=xlsx(GOOD))
    (change,) = [c for c in plan.changes if (c["agency"], c["criterion"]) == ("so-a", "2.3")]
    assert change["old"] == "0.583333"


def test_a_number_no_one_can_mean_is_named_not_a_failed_check(world):
    """A value or target beyond what an item's input holds (assessment.services.INPUT_PLACES) is a named
    cell, like "nhiều"; it made the check itself fail (decimal.Overflow writing "1e999999999" out), and
    the page said only "tell the administrator"."""
    rows = [
        ["so-a", "2.1", "1e999999999", "", SOURCE, "05/01/2023", ""],  # 2
        ["so-b", "2.1", "95,1234567", "", SOURCE, "05/01/2023", ""],  # 3
        ["so-a", "2.2", "5", "1e-999999999", SOURCE, "05/01/2023", ""],  # 4
        ["so-b", "2.2", "1000000000000", "100", SOURCE, "05/01/2023", ""],  # 5
    ]
    assert problems_of(xlsx(rows), world) == {
        (2, "C", "1e999999999 is too large."),
        (3, "C", "95,1234567 has more than 6 decimal places."),
        (4, "D", "1e-999999999 has more than 6 decimal places."),
        (5, "C", "1000000000000 is too large."),
    }


def test_a_nul_character_in_a_source_or_note_is_named_not_a_server_error(client, world):
    """PostgreSQL stores no U+0000: in the page's source field it failed the upload (500), in a CSV
    cell the job storing the values; now the field is refused and the cell named."""
    client.force_login(world.users["home_affairs"])
    response = upload(client, world, xlsx(GOOD), source="Báo cáo\x00 12", source_date="2023-01-05")
    assert response.status_code == 400
    assert "cannot contain the character U+0000" in response.content.decode()
    assert not MeasureImport.objects.exists()
    rows = [
        ["so-a", "2.1", "95", "", "Báo\x00cáo", "05/01/2023", ""],
        ["so-b", "2.1", "95", "", SOURCE, "05/01/2023", "ghi\x00chú"],
    ]
    assert problems_of(csv_bytes(rows), world) == {
        (2, "E", "The cell holds the character U+0000 (NUL)."),
        (3, "G", "The cell holds the character U+0000 (NUL)."),
    }
