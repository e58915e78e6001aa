"""Every kind of background job in one read shape (api.jobs): who reads which kind (the pages' policy
object), a job outside the reader's rows is a 404, and the shape's counts and links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccountImport
from agencies.models import Period, PeriodState
from evidence.models import EvidenceCheck, EvidenceFile
from measures.models import MeasureImport
from parindex.jobs import JobStatus
from reports.models import ReportBundle
from scoring.models import ComputeJob
from surveys.formats import questionnaire_from_document
from surveys.models import ImportBatch, PrintedForms, PrintStatus
from tests.factories import UserFactory
from tests.surveys.factories import questionnaire_document

pytestmark = pytest.mark.django_db

KINDS = [
    "compute",
    "survey-imports",
    "account-imports",
    "measure-imports",
    "report-bundles",
    "evidence-checks",
    "printed-forms",
]
# Who reads which kind's list, as the kind's pages are read (agencies.policy).
READERS = {
    "anonymous": set(),
    "published_token": set(),
    "read_all_token": set(KINDS),
    "home_affairs": set(KINDS),
    "secretariat": {"report-bundles", "evidence-checks"},
    "focal_point": {"evidence-checks"},
    "survey_operator": {"survey-imports"},  # the survey pages show their import jobs, nothing else
}


@pytest.fixture
def jobs(world):
    """One job of each kind (the evidence file is agency 0's, whose focal point is world.focal)."""
    document = questionnaire_document()
    for question in document["questions"]:
        question["criterion"] = None
    document["weights"] = []
    document["sample_plan"] = [{"agency": world.agencies[0].code, "group": "dan", "planned": 3}]
    approved = world.period.state  # the questionnaire was imported while the period was open
    Period.objects.filter(pk=world.period.pk).update(state=PeriodState.COUNCIL)
    questionnaire = questionnaire_from_document(period=world.period, block=world.block, document=document)
    Period.objects.filter(pk=world.period.pk).update(state=approved)
    world.period.state = approved
    evidence = EvidenceFile.objects.create(  # the library's window is the evidence tests' matter
        agency=world.agencies[0], file="evidence/a.pdf", original_name="ke-hoach.pdf", size=10,
        sha256="1" * 64, content_type="application/pdf", uploaded_by=world.focal,
    )  # fmt: skip
    check, _created = EvidenceCheck.objects.get_or_create(evidence=evidence)
    content = b"not a workbook"
    return {
        "compute": ComputeJob.objects.create(period=world.period, status=JobStatus.SUCCEEDED, progress=100),
        "survey-imports": ImportBatch.objects.create(
            questionnaire=questionnaire,
            file_name="a.csv",
            status=JobStatus.RUNNING,
            rows=40,
            added=10,
            skipped=2,
        ),
        "account-imports": AccountImport.objects.create(
            file_name="tai-khoan.xlsx", status=JobStatus.CREATED, created_count=7
        ),
        "measure-imports": MeasureImport.objects.create(
            period=world.period, file_name="so-lieu.xlsx", sha256="0" * 64, size=len(content), content=content
        ),
        "report-bundles": ReportBundle.objects.create(
            snapshot=world.published,
            status=JobStatus.FAILED,
            files_done=3,
            files_total=24,
            progress=12,
            message="Không ghi được tệp.",
        ),
        "evidence-checks": check,
        "printed-forms": PrintedForms.objects.create(
            questionnaire=questionnaire, status=PrintStatus.DONE, forms=30, progress=100
        ),
    }


def list_url(kind: str) -> str:
    return reverse("api-v1:compute-jobs" if kind == "compute" else f"api-v1:{kind}-jobs")


def detail_url(kind: str, pk: int) -> str:
    return reverse("api-v1:compute-job" if kind == "compute" else f"api-v1:{kind}-job", args=[pk])


@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_reads_the_kinds_its_pages_show_and_no_other(reader, jobs, clients):
    client = clients[reader]
    for kind in KINDS:
        listed = client.get(list_url(kind))
        detail = client.get(detail_url(kind, jobs[kind].pk))
        if kind in READERS[reader]:
            assert listed.status_code == 200, (reader, kind)
            assert [row["id"] for row in listed.json()["results"]] == [jobs[kind].pk], (reader, kind)
            assert detail.status_code == 200, (reader, kind)
        else:
            assert listed.status_code in (401, 403), (reader, kind, listed.status_code)
            expected = (401, 403) if reader in ("anonymous", "published_token") else (403, 404)
            assert detail.status_code in expected, (reader, kind, detail.status_code)


def test_another_agencys_evidence_check_is_a_404_for_a_focal_point(world, jobs, as_user):
    other = UserFactory(username="dau-moi-2", role="focal_point", agency=world.agencies[1])
    client = as_user(other)
    assert client.get(list_url("evidence-checks")).json()["results"] == []
    assert client.get(detail_url("evidence-checks", jobs["evidence-checks"].pk)).status_code == 404
    own = as_user(world.focal).get(detail_url("evidence-checks", jobs["evidence-checks"].pk))
    assert own.status_code == 200


def test_every_kind_answers_in_one_shape_with_its_own_counts(jobs, clients):
    client = clients["home_affairs"]
    shape = {
        "kind", "id", "status", "status_label", "active", "done", "total", "percent",
        "created_at", "started_at", "finished_at", "error", "links",
    }  # fmt: skip
    bodies = {kind: client.get(detail_url(kind, jobs[kind].pk)).json() for kind in KINDS}
    for kind, body in bodies.items():
        assert shape <= set(body), kind
        assert body["kind"] == kind
        assert body["links"]["self"] == detail_url(kind, jobs[kind].pk)
    assert (bodies["survey-imports"]["done"], bodies["survey-imports"]["total"]) == (12, 40)
    assert bodies["survey-imports"]["active"] is True
    assert (bodies["report-bundles"]["done"], bodies["report-bundles"]["total"]) == (3, 24)
    assert bodies["report-bundles"]["status"] == "failed"
    assert bodies["report-bundles"]["error"] == "Không ghi được tệp."
    assert bodies["report-bundles"]["percent"] == 12
    assert bodies["report-bundles"]["links"]["page"] == reverse(
        "reports:bundle_status", args=[jobs["report-bundles"].pk]
    )
    assert (bodies["account-imports"]["done"], bodies["account-imports"]["total"]) == (7, None)
    assert (bodies["printed-forms"]["done"], bodies["printed-forms"]["total"]) == (30, 30)
    assert (bodies["compute"]["done"], bodies["compute"]["total"], bodies["compute"]["percent"]) == (
        None,
        None,
        100,
    )
    assert bodies["compute"]["period"] == jobs["compute"].period.code  # its own fields stay


def test_a_kinds_list_filters_by_status(jobs, clients):
    client = clients["home_affairs"]
    assert client.get(list_url("report-bundles"), {"status": "running"}).json()["count"] == 0
    assert client.get(list_url("report-bundles"), {"status": "failed"}).json()["count"] == 1


def test_an_appraiser_reads_the_checks_of_the_files_of_their_items_only(world, jobs, as_user):
    """The kind's list is not an appraiser's (the policy's table), a file they do not appraise is a 404."""
    appraiser = UserFactory(username="tham-dinh", role="appraiser")
    client = as_user(appraiser)
    assert client.get(list_url("evidence-checks")).status_code == 403
    assert client.get(detail_url("evidence-checks", jobs["evidence-checks"].pk)).status_code == 404


def test_a_refused_lists_problems_come_by_row_and_column(world, jobs, clients):
    refused = AccountImport.objects.create(
        file_name="sai.xlsx",
        status=JobStatus.REFUSED,
        problem_list=[
            [4, "email", "%(value)s is not an email address", {"value": "abc"}],
            [0, "", "empty file", {}],
        ],
    )
    body = clients["home_affairs"].get(detail_url("account-imports", refused.pk)).json()
    assert body["problems"] == [
        {"row": 4, "column": "email", "message": "abc is not an email address"},
        {"row": None, "column": None, "message": "empty file"},
    ]
    assert (
        clients["home_affairs"]
        .get(detail_url("report-bundles", jobs["report-bundles"].pk))
        .json()["problems"]
        == []
    )


def test_a_kinds_list_takes_the_same_queries_however_many_jobs(
    world, jobs, clients, django_assert_max_num_queries
):
    client = clients["read_all_token"]
    for _ in range(5):
        ReportBundle.objects.create(snapshot=world.published, status=JobStatus.SUCCEEDED, formats="xlsx")
        MeasureImport.objects.create(
            period=world.period, file_name="b.csv", sha256="2" * 64, size=1, content=b"x"
        )
        ComputeJob.objects.create(period=world.period, status=JobStatus.FAILED)
    for kind in ("report-bundles", "measure-imports", "compute"):
        with django_assert_max_num_queries(6):
            assert client.get(list_url(kind)).json()["count"] == 6


def test_a_survey_operator_reads_what_the_survey_pages_show_and_nothing_else_of_the_api(world, jobs, clients):
    """The survey import jobs (the questionnaire page's batches) and the surveys API; every other
    operation of the API is fenced off, public ones included, as the operator's pages are."""
    client = clients["survey_operator"]
    batch = jobs["survey-imports"]
    body = client.get(detail_url("survey-imports", batch.pk)).json()
    assert body["links"]["page"] == reverse("surveys:batch", args=[batch.questionnaire_id, batch.pk])
    assert client.get(body["links"]["page"]).status_code == 200  # the page shows the same job
    assert client.get(reverse("surveys-api:values", args=[world.period.code])).status_code == 200
    fenced = [
        reverse("api-v1:periods"),
        reverse("api-v1:period", args=[world.period.code]),
        reverse("api-v1:blocks"),
        reverse("api-v1:agencies"),
        reverse("api-v1:criteria-sets"),
        reverse("api-v1:snapshots"),
        reverse("api-v1:publications"),
        reverse("api-v1:block-ranking", args=[world.block.code]),
        reverse("api-v1:schema"),
        reverse("api-v1:docs"),
        *(list_url(kind) for kind in KINDS if kind != "survey-imports"),
    ]
    for path in fenced:
        assert client.get(path).status_code == 403, path
    assert client.post(reverse("api-v1:period-compute", args=[world.period.code])).status_code == 403
    assert client.post(list_url("survey-imports")).status_code in (403, 405)  # reading only
