"""The made-up reformed province (tỉnh Vân Sơn, 2025–2026): loaded once per module at the explanation
state, its 2026 results computed through the compute job, rank change of merged communes, and its report
tables rendered to XLSX and PDF. Rolled back afterwards."""

import io
import shutil
import subprocess
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from agencies.models import Agency, Period, PeriodState
from assessment.models import AppraisalAssignment, AssessmentItem, ItemStatus, Submission
from parindex.jobs import JobStatus
from reports.selectors import report_data, report_settings_get
from reports.services import table_file
from reports.tables import table_specs
from sample import reform_names
from sample.reform import load_reformed_province
from scoring.exports import results_csv, results_rows
from scoring.jobs import compute_job_run, compute_job_start
from scoring.models import ResultSnapshot
from scoring.services import period_compute, snapshot_publish

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_reformed_province(state=PeriodState.EXPLANATION, compute=False, focal_points=2)
        past = Period.objects.get(code="vs-2025")
        publisher = User.objects.get(username="vs-noivu")
        snapshot_publish(snapshot=period_compute(period=past), acting_user=publisher, confirmed=True)
        current = Period.objects.get(code="vs-2026")
        job = compute_job_start(period=current, enqueue=False)
        snapshot = compute_job_run(job_id=job.pk)
        job.refresh_from_db()
        yield {"loaded": loaded, "snapshot": snapshot, "job": job}
        transaction.set_rollback(True)


@pytest.fixture
def snapshot(province, db):
    return province["snapshot"]


def test_agencies_and_mergers(province, db):
    """20 departments, 120 communes and wards from 1 July 2025, each merged from 2–4 former units (two
    kept as they were: one predecessor); the former units end on 30 June 2025."""
    communes = Agency.objects.filter(block__code="vs-xa-phuong", active_from__isnull=False)
    assert Agency.objects.filter(block__code="vs-so-nganh").count() == 20
    assert communes.count() == 120
    sizes = Counter(agency.predecessors.count() for agency in communes)
    assert set(sizes) == {1, 2, 3, 4} and sizes[1] == 2
    former = Agency.objects.filter(block__code="vs-xa-phuong", active_to__isnull=False)
    assert former.count() == sum(size * count for size, count in sizes.items()) == 335
    assert set(former.values_list("active_to", flat=True)) == {Period.objects.get(code="vs-2025").ends_on}
    assert {a.pk for a in Period.objects.get(code="vs-2026").agencies()} >= {a.pk for a in communes}
    assert not Period.objects.get(code="vs-2026").agencies().filter(pk__in=former).exists()
    assert not Period.objects.get(code="vs-2025").agencies().filter(pk__in=communes).exists()


def test_names_are_deterministic():
    first, second = reform_names.communes(), reform_names.communes()
    assert first == second
    assert len({unit.code for unit in first[0] + first[1]}) == 455


def test_2026_inputs_at_every_stage_of_the_explanation_round(province, db):
    period = Period.objects.get(code="vs-2026")
    assert period.state == PeriodState.EXPLANATION
    statuses = Counter(
        AssessmentItem.objects.filter(node__criteria_set__period=period).values_list("status", flat=True)
    )
    assert statuses[ItemStatus.APPRAISED] > 1000 and statuses[ItemStatus.DISPUTED] > 20
    # Agencies that never submitted are appraised on what they had entered.
    assert (
        Submission.objects.filter(period=period, status="in_progress").count()
        == (province["loaded"]["stages"]["never_submitted"])
    )
    assert set(statuses) == {ItemStatus.APPRAISED, ItemStatus.DISPUTED}
    assert Submission.objects.filter(period=period, status="submitted").count() > 100
    assert Submission.objects.filter(period=period, signed_off_at__isnull=False).count() > 100
    assert AppraisalAssignment.objects.filter(period=period).count() == 10
    assert province["loaded"]["stages"].keys() <= {"appraised", "explained", "never_submitted"}


def test_2025_is_published_with_the_former_units(province, db):
    past = ResultSnapshot.objects.get(period__code="vs-2025", is_published=True)
    assert past.agency_results.count() == 335 + 20
    assert past.agency_results.filter(ranked=False).count() == len(reform_names.UNRANKED)


def test_2026_computed_by_the_job(province, snapshot):
    assert province["job"].status == JobStatus.SUCCEEDED and province["job"].snapshot_id == snapshot.pk
    assert snapshot.previous_snapshot.period.code == "vs-2025" and snapshot.previous_snapshot.is_published
    assert snapshot.agency_results.count() == 140


def test_rank_change_of_merged_and_kept_communes(snapshot):
    """Merged from two or more: no rank change, the predecessors' ranks listed; kept (one predecessor):
    inherits its predecessor's rank; departments: their own."""
    rows = {row["agency_code"]: row for row in results_rows(snapshot)}
    previous = {
        r.agency.code: r.rank for r in snapshot.previous_snapshot.agency_results.select_related("agency")
    }
    new, _former = reform_names.communes()
    for unit in new:
        row = rows[unit.code]
        if len(unit.predecessors) >= 2:
            assert row["rank_change"] is None
            assert {p["agency_code"] for p in row["predecessors"]} == set(unit.predecessors)
            assert all(p["rank"] == previous[p["agency_code"]] for p in row["predecessors"])
            ranks = [p["rank"] for p in row["predecessors"]]
            assert ranks == sorted(ranks)
        else:
            assert row["predecessors"] == []
            assert row["rank_change"] == previous[unit.predecessors[0]] - row["rank"]
    departments = [
        rows[unit.code] for unit in reform_names.DEPARTMENTS if unit.code not in reform_names.UNRANKED
    ]
    assert all(row["rank_change"] == previous[row["agency_code"]] - row["rank"] for row in departments)
    merged = next(row for row in rows.values() if row["predecessors"])
    cell = results_csv([merged]).splitlines()[1]
    expected = ";".join(f"{p['agency_code']}={p['rank']}" for p in merged["predecessors"])
    assert cell.endswith(expected)


def test_ranking_and_agency_pages_show_predecessor_ranks(client, snapshot):
    client.force_login(User.objects.get(username="vs-noivu"))
    new, _ = reform_names.communes()
    merged = next(unit for unit in new if len(unit.predecessors) == 3)
    former = Agency.objects.get(code=merged.predecessors[0])
    previous_rank = snapshot.previous_snapshot.agency_results.get(agency=former).rank
    page = client.get("/noi-bo/vs-2026/?khoi=vs-xa-phuong")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{former.short_name} {previous_rank}" in html  # the names in the title, the ranks shown
    ranks = " · ".join(
        str(p.rank)
        for p in sorted(
            snapshot.previous_snapshot.agency_results.filter(agency__code__in=merged.predecessors),
            key=lambda r: r.rank,
        )
    )
    assert ranks in html
    agency_page = client.get(f"/noi-bo/vs-2026/co-quan/{merged.code}/")
    assert agency_page.status_code == 200
    assert f"{former.short_name} {previous_rank} · " in agency_page.content.decode()


def test_report_tables_render_with_merged_communes(snapshot, tmp_path):
    data = report_data(snapshot)
    config = report_settings_get()
    specs = table_specs(data)
    details = [spec for spec in specs if spec.is_detail]
    assert [spec.key for spec in details] == [f"A{n}" for n in range(1, 21)] + [
        f"C{n}" for n in range(1, 121)
    ]
    changes = next(spec for spec in specs if spec.exporter.identifier == "rank_changes")
    book = load_workbook(io.BytesIO(table_file(changes, data, config, "xlsx").content))
    text = "\n".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
    assert "Hình thành sau hợp nhất, không tính tăng, giảm bậc: 118 đơn vị" in text
    c1 = details[20]
    detail = load_workbook(io.BytesIO(table_file(c1, data, config, "xlsx").content))
    values = [c.value for row in detail.active.iter_rows() for c in row]
    if c1.result.agency_id in data.merged:
        assert "Không tính (đơn vị hình thành sau hợp nhất từ nhiều đơn vị)" in values
        assert any(str(v).startswith(data.merged[c1.result.agency_id][0].name) for v in values if v)
    if shutil.which("pdftotext"):
        ranking = next(s for s in specs if s.exporter.identifier == "ranking" and s.block.prefix == "C")
        pdf = table_file(ranking, data, config, "pdf")
        path = tmp_path / "c.pdf"
        path.write_bytes(pdf.content)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "không tính tăng, giảm bậc" in out and c1.label in out


def test_the_command_runs_and_reports_its_time(db, capsys):
    """The command with a state and no computation (the full load is the module's fixture)."""
    call_command("load_sample", "--province", "van-son", "--state", "self_assessment", "--no-compute")
    out = capsys.readouterr().out
    assert "vs-2026 (self_assessment)" in out and "Loaded in" in out
    period = Period.objects.get(code="vs-2026")
    assert period.state == PeriodState.SELF_ASSESSMENT
    window = period.windows.get(kind="self_assessment")
    assert window.starts_at < timezone.now() < window.ends_at
    assert not AssessmentItem.objects.filter(
        node__criteria_set__period=period, node__source="evidence", appraised_input__isnull=False
    ).exists()
    # Opening the self-assessment gives every agency its items, so an agency that has not started
    # still finds a field for every leaf (the page itself writes nothing).
    from scoring.models import CriteriaNode

    for criteria_set in period.criteria_sets.all():
        leaves = CriteriaNode.objects.filter(criteria_set=criteria_set, children__isnull=True).count()
        for agency in period.agencies().filter(block=criteria_set.block_id):
            assert (
                AssessmentItem.objects.filter(agency=agency, node__criteria_set=criteria_set).count()
                == leaves
            )


@pytest.mark.parametrize("state", [PeriodState.APPROVED, PeriodState.PUBLISHED])
def test_reloading_keeps_an_approved_or_published_2026_and_says_so(province, db, state):
    """The sample owns vs-2026 while it runs, but not once the council approved it: reloading cleared an
    approved round's results and inputs and reset its state."""
    from django.core.management.base import CommandError

    current = Period.objects.get(code="vs-2026")
    Period.objects.filter(pk=current.pk).update(state=state)
    items = AssessmentItem.objects.filter(node__criteria_set__period=current).count()
    with pytest.raises(CommandError, match="vs-2026"):
        call_command("load_sample", "--province", "van-son", "--no-compute")
    current.refresh_from_db()
    assert current.state == state
    assert ResultSnapshot.objects.filter(pk=province["snapshot"].pk).exists()
    assert AssessmentItem.objects.filter(node__criteria_set__period=current).count() == items
