"""Every kind of background job (parindex.jobs) as the API reads it: which model, which policy object
its pages ask, which rows a reader may see, and where its page is. One table, one read shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import AccountImport
from agencies import policy
from agencies.policy import Obj
from evidence.models import EvidenceCheck
from evidence.selectors import evidence_visible_to
from measures.models import MeasureImport
from parindex.jobs import BackgroundJob
from reports.models import ReportBundle
from scoring.models import ComputeJob
from surveys.models import ImportBatch, PrintedForms


@dataclass(frozen=True)
class JobKind:
    code: str  # in the URL and the answer's `kind`
    model: type[BackgroundJob]
    obj: Obj  # what the kind's pages ask the policy
    rows: Callable[[object], QuerySet]  # the reader's rows, once the policy lets them use `obj`
    page: Callable[[BackgroundJob], str | None]  # the page that shows the job
    # Jobs of one agency's objects: `rows` is the policy's own scope of them (an appraiser reads the
    # checks of the files of their items, not the kind as a whole), so one job needs no kind-level check.
    agency_rows: bool = False
    # The problems of a refused file, by row and column, in the reader's language (imports only).
    problems: Callable[[BackgroundJob], list[dict]] = lambda job: []

    def readable_by(self, user) -> bool:
        """Whether the kind's list is shown to `user` (the policy table, the user met as their role)."""
        return bool(user and user.is_authenticated) and policy.may_use(policy.audience(user), self.obj)

    def jobs_for(self, user, *, one: bool = False) -> QuerySet:
        """The reader's rows: for a list, only where the kind is readable; for `one` job of an agency's
        object, its scope decides (what is outside it is a 404)."""
        allowed = bool(user and user.is_authenticated) if one and self.agency_rows else self.readable_by(user)
        return self.rows(user) if allowed else self.model.objects.none()


def _survey_problems(job) -> list[dict]:
    from surveys.imports import problems_from_data

    return [
        {"row": None, "column": None, "message": f"{p.where.render(gettext)}: {p.message.render(gettext)}"}
        for p in problems_from_data(job.problem_list)
    ]


def _account_problems(job) -> list[dict]:
    from accounts.imports import RowProblem

    problems = (RowProblem.from_data(item) for item in job.problem_list)
    return [
        {"row": p.row or None, "column": p.column or None, "message": p.message.render(gettext)}
        for p in problems
    ]


def _measure_problems(job) -> list[dict]:
    from measures.services import Problem

    problems = (Problem.from_data(item) for item in job.problem_list)
    return [{"row": p.row, "column": p.column, "message": p.message} for p in problems]


def _all(queryset: QuerySet) -> Callable[[object], QuerySet]:
    return lambda user: queryset.all()


KINDS: dict[str, JobKind] = {
    kind.code: kind
    for kind in (
        JobKind(
            "compute",
            ComputeJob,
            Obj.COMPUTE,
            _all(ComputeJob.objects.select_related("period", "snapshot")),
            lambda job: reverse("results:compute", args=[job.period.code]),
        ),
        JobKind(
            "survey-imports",
            ImportBatch,
            Obj.SURVEY,
            _all(ImportBatch.objects.order_by("-created_at", "-pk")),
            lambda job: reverse("surveys:batch", args=[job.questionnaire_id, job.pk]),
            problems=_survey_problems,
        ),
        JobKind(
            "account-imports",
            AccountImport,
            Obj.ACCOUNTS,
            _all(AccountImport.objects.order_by("-created_at", "-pk")),
            lambda job: reverse("accounts:import_job", args=[job.pk]),
            problems=_account_problems,
        ),
        JobKind(
            "measure-imports",
            MeasureImport,
            Obj.MEASURED,
            _all(MeasureImport.objects.defer("content", "preview").select_related("period")),
            lambda job: reverse("measures:preview", args=[job.period.code, job.pk]),
            problems=_measure_problems,
        ),
        JobKind(
            "report-bundles",
            ReportBundle,
            Obj.REPORT,
            _all(ReportBundle.objects.order_by("-created_at", "-pk")),
            lambda job: reverse("reports:bundle_status", args=[job.pk]),
        ),
        JobKind(
            "evidence-checks",
            EvidenceCheck,
            Obj.EVIDENCE_CHECK,
            # A file's checks are read where the file is (its agency's users, the staff, its appraisers).
            lambda user: (
                EvidenceCheck.objects.defer("text", "signatures", "search_vector")
                .filter(evidence__in=evidence_visible_to(user))
                .order_by("-created_at", "-pk")
            ),
            lambda job: None,
            agency_rows=True,
        ),
        JobKind(
            "printed-forms",
            PrintedForms,
            Obj.SURVEY_LINKS,
            _all(PrintedForms.objects.order_by("-created_at", "-pk")),
            lambda job: reverse("surveys:printed", args=[job.questionnaire_id]),
        ),
    )
}
GENERIC_KINDS = [code for code in KINDS if code != "compute"]  # compute keeps its own operations
