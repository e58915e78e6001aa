"""Every URL of the project × every role (and anonymous, superuser) × every period state × own/other
agency, against the policy's URL registry (agencies.policy.URLS): what the user may not see is hidden
(404; a role's page may answer 403), what they may see but not change is refused, the rest answers.

A URL without a registry entry fails `test_every_url_has_a_policy_entry`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from accounts.models import AccountImport
from agencies import policy
from agencies.models import Period, PeriodState, PeriodTransition
from agencies.policy import Audience, Outcome
from assessment import appraisal
from assessment.models import AppraisalAssignment, AssessmentItem, SecondAppraisal, Submission
from assessment.services import assessment_submit, item_self_score
from evidence.models import EvidenceCheck, EvidenceFile, EvidenceLink
from evidence.services import evidence_attach
from measures.models import MeasureImport, MeasureValue
from parindex.jobs import JobStatus
from reports.models import ReportBundle
from scoring.jobs import compute_job_start
from scoring.models import ResultSnapshot
from scoring.services import snapshot_publish
from surveys.formats import questionnaire_from_document
from surveys.models import ImportBatch, PrintedForms, Response, SecondEntry, SurveyToken, SurveyValue
from tests.evidence.factories import pdf_bytes, upload
from tests.factories import UserFactory
from tests.public.builders import NOT_READY
from tests.surveys.factories import questionnaire_document
from tests.worlds import self_assessment_world

pytestmark = pytest.mark.django_db

SELF = {
    "1.1": {"points": "2"},
    "1.2": {"level": "dung_han"},
    "1.3": {"value": "0"},
    "2.1": {"value": "95"},
    "2.2": {"value": "80"},
}
STATES = list(PeriodState)  # in workflow order: the last one publishes the snapshot


def url_names() -> list[str]:
    """Every named URL of the project (the admin's own pages count as its index)."""
    names = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern, f"{namespace}:{inner}" if namespace and inner else (inner or namespace))
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not name.startswith("admin:") or name == "admin:index":
                    names.append(name)

    walk(get_resolver(), None)
    return sorted(set(names))


def test_every_url_has_a_policy_entry():
    """A new URL without an entry in agencies.policy.URLS fails here; so does a stale entry."""
    names = set(url_names())
    assert sorted(names - set(policy.URLS)) == []
    assert sorted(set(policy.URLS) - names) == []


def build_world():
    """The self-assessment world, agency A submitted with evidence, an appraiser assigned to every
    agency, one assigned A's area 1 (of item 1.1, which the URLs name, and its file) with a blind second
    appraiser, one assigned A's area 2, a second appraiser account without assignment, a questionnaire with a link and a batch,
    a computed snapshot and its report bundle."""
    w = self_assessment_world()
    focal = w.users["focal"]
    for code, data in SELF.items():
        item = w.item(code)
        item_self_score(item=item, acting_user=focal, expected_version=item.version, data=data)
    w.evidence = evidence_attach(item=w.item("1.1"), uploaded_file=upload(pdf_bytes()), acting_user=focal)
    assessment_submit(period=w.period, agency=w.agency, acting_user=focal, explanation="Không có")
    w.users["unassigned"] = UserFactory(username="appraiser2", role="appraiser")
    w.users["area_appraiser"] = UserFactory(username="appraiser-area-1", role="appraiser")
    w.users["other_area_appraiser"] = UserFactory(username="appraiser-area-2", role="appraiser")
    w.users["second_appraiser"] = UserFactory(username="appraiser-second-1", role="appraiser")
    appraisal.assignments_replace(
        period=w.period,
        cells={
            (None, ""): w.users["appraiser"].pk,
            (w.agency.pk, "1"): w.users["area_appraiser"].pk,
            (w.agency.pk, "2"): w.users["other_area_appraiser"].pk,
        },
        seconds={(w.agency.pk, "1"): w.users["second_appraiser"].pk},
        acting_user=w.users["lead"],
    )
    w.users["superuser"] = get_user_model().objects.create_superuser("root", "root@example.org", "demo")
    document = questionnaire_document()
    for question in document["questions"]:  # the small criteria set has no survey leaf
        question["criterion"] = None
    document["weights"] = []
    w.questionnaire = questionnaire_from_document(period=w.period, block=w.agency.block, document=document)
    group = w.questionnaire.groups.first()
    w.token = SurveyToken.objects.create(
        token="t" * 22, questionnaire=w.questionnaire, group=group, agency=w.agency
    )
    w.batch = ImportBatch.objects.create(questionnaire=w.questionnaire, file_name="a.csv")
    w.response = Response.objects.create(  # a typed form, for its correction page
        questionnaire=w.questionnaire, serial="P-001", group=group, agency=w.agency, source="entered"
    )
    w.job = compute_job_start(period=w.period, acting_user=w.users["home_affairs"], enqueue=False)
    from scoring.jobs import compute_job_run

    compute_job_run(job_id=w.job.pk)
    w.snapshot = ResultSnapshot.objects.filter(period=w.period).latest("version")
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    stored = default_storage.save("reports/bang.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    w.bundle = ReportBundle.objects.create(
        snapshot=w.snapshot,
        created_by=w.users["home_affairs"],
        status="succeeded",
        file_name="bang.zip",
        storage_name=stored,
    )
    w.account_import = AccountImport.objects.create(
        file_name="tai-khoan.xlsx", status=JobStatus.CREATED, created_by=w.users["home_affairs"]
    )
    content = b"not a workbook"
    w.measure_import = MeasureImport.objects.create(
        period=w.period,
        file_name="so-lieu.xlsx",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_by=w.users["home_affairs"],
    )
    w.printed = PrintedForms.objects.create(questionnaire=w.questionnaire, created_by=w.users["home_affairs"])
    w.check, _created = EvidenceCheck.objects.get_or_create(evidence=w.evidence)
    return w


def kwargs_for(name: str, w, file_name: str) -> dict:
    """The URL's arguments, pointing at agency A's objects (own for A's users, other for B's)."""
    item = w.item("1.1")
    known = {
        "period_code": w.period.code,
        "agency_code": w.agency.code,
        "item_id": item.pk,
        "item_pk": item.pk,
        "evidence_pk": w.evidence.pk,
        "batch_pk": w.batch.pk,
        "period_pk": w.period.pk,
        "token": w.token.token,
        "version": w.snapshot.version,
        "key": "A1",
        "fmt": "xlsx",
        "file_name": file_name,
        "block_code": w.agency.block.code,
        "code": "en",
        "job_id": w.job.pk,
        "name": "open_explanation",
        "uidb64": "MQ",
        "import_id": w.measure_import.pk,
        "serial": w.response.serial,
    }
    by_name = {
        "evidence:download": {"pk": w.evidence.pk},
        "evidence:check_retry": {"pk": w.evidence.pk},
        "evidence-api:file-detail": {"pk": w.evidence.pk},
        "assessment-api:item-detail": {"pk": item.pk},
        "assessment-api:appraisal-item-detail": {"pk": item.pk},
        "reports:bundle_status": {"pk": w.bundle.pk},
        "reports:bundle_download": {"pk": w.bundle.pk},
        "password_reset_confirm": {"token": "set-password"},
        "accounts:change": {"pk": w.users["focal"].pk},
        "accounts:import_job": {"pk": w.account_import.pk},
        "accounts:import_status": {"pk": w.account_import.pk},
        "api-v1:survey-imports-job": {"job_id": w.batch.pk},
        "api-v1:account-imports-job": {"job_id": w.account_import.pk},
        "api-v1:measure-imports-job": {"job_id": w.measure_import.pk},
        "api-v1:report-bundles-job": {"job_id": w.bundle.pk},
        "api-v1:evidence-checks-job": {"job_id": w.check.pk},
        "api-v1:printed-forms-job": {"job_id": w.printed.pk},
    }
    resolved = dict(by_name.get(name, {}))
    if "pk" not in resolved and ("phieu/" in _route(name) or "questionnaires/" in _route(name)):
        resolved["pk"] = w.questionnaire.pk
    for param in _params(name):
        if param not in resolved:
            resolved[param] = known[param]
    return resolved


_ROUTES: dict[str, tuple[str, list[str]]] = {}


def _collect_routes():
    def walk(resolver, namespace, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern, ns, prefix + str(pattern.pattern))
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                route = prefix + str(pattern.pattern)
                _ROUTES.setdefault(name, (route, list(pattern.pattern.regex.groupindex)))

    walk(get_resolver(), None, "")


def _route(name: str) -> str:
    if not _ROUTES:
        _collect_routes()
    return _ROUTES[name][0]


def _params(name: str) -> list[str]:
    if not _ROUTES:
        _collect_routes()
    route, _groups = _ROUTES[name]
    # Named groups of the URL and of the resolvers above it (e.g. the appraisal API's period_code).
    return sorted(set(re.findall(r"\(\?P<(\w+)>", route)) | set(re.findall(r"<(?:\w+:)?(\w+)>", route)))


def post_data(w, key: str) -> dict:
    """An empty form, naming an item of the user's own agency where a form names one (the explanation)."""
    user = w.users.get(key)
    agency = w.other if user is not None and user.agency_id == w.other.pk else w.agency
    item = w.item("1.1", agency)
    return {"item": item.pk, "version": item.version}


USERS = {
    # user key → how the URLs' agency (A) sees them: how an appraiser relates to item 1.1 (and its file)
    "anonymous": None,
    "superuser": None,
    "home_affairs": None,
    "lead": None,
    "council": None,
    "appraiser": "first",  # assigned every agency in this period
    "area_appraiser": "first",  # assigned A's area 1, the area of item 1.1
    "other_area_appraiser": None,  # assigned A's area 2: meets item 1.1 as an unassigned appraiser
    "second_appraiser": "second",  # the blind second appraiser of A's area 1
    "unassigned": None,
    "focal": None,  # A's focal point: own agency
    "head": None,  # A's head: own agency
    "other_focal": None,  # B's focal point: another agency
    "operator": None,
}


# The URLs of agency A's whole self-assessment, every item of it (the page with its totals, their
# refresh, the submission steps): an appraiser relates to it as to every item, so one assigned only some
# areas of A is met there as an unassigned appraiser (agencies.permissions.Scope.sees_whole).
WHOLE_AGENCY = frozenset(
    {"assessment:page", "assessment:progress", "assessment:submit", "assessment:sign_off",
     "assessment:send_back", "assessment:reopen"}
)  # fmt: skip
WHOLE_AGENCY_USERS = {"appraiser"}  # the appraisers whose assignments cover every area of A


def audience_for(w, key: str, name: str, access: policy.Access) -> Audience:
    user = w.users.get(key)
    if user is None:
        return Audience.ANONYMOUS
    relation = USERS[key] if access.agency else None
    if name in WHOLE_AGENCY and key not in WHOLE_AGENCY_USERS:
        relation = None
    return policy.audience(user, agency_id=w.agency.pk if access.agency else None, appraiser=relation)


def check(response, outcome: Outcome, access: policy.Access, write: bool, who: Audience) -> str | None:
    """None when the response is what the policy answers, else what differs."""
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and ("dang-nhap" in location or "/admin/login" in location)
    if status >= 500:
        return f"server error {status}"
    if outcome == Outcome.LOGIN:
        return None if to_login or status in (401, 403) else f"{status}, not the sign-in"
    if outcome == Outcome.HIDE:
        fenced = who == Audience.SURVEY_OPERATOR  # the operators' fence: 403 outside the surveys
        allowed = (404,) if access.agency and not fenced else (403, 404)
        return None if status in allowed else f"{status}, not hidden"
    if to_login:
        return "sent to the sign-in"
    if status == 404 and access.read != policy.Obj.PUBLISHED:
        return "404 where the policy lets the user read"
    if outcome == Outcome.ALLOW:
        ok = {200, 201, 202, 204, 302, 304, 400, 409, 410} if write else {200, 302, 304, 410}
        return None if status in ok else f"{status} where the policy allows"
    # REFUSE: readable but not writable: a refusal status, or the page (or the next one) with a message.
    if status in REFUSAL_STATUSES or refusal_shown(response):
        return None
    return f"{status} without a refusal message where a refusal was due"


# 410: a one-time survey link whose survey no longer takes answers.
REFUSAL_STATUSES = (400, 403, 409, 410)
ALERT = re.compile(r'role="alert"|class="[^"]*\b(?:alert-danger|alert-warning|invalid-feedback|errorlist)\b')


def refusal_shown(response) -> bool:
    """The response carries a refusal: an error or warning queued for the next page (Django messages),
    or, on a page answered at once, an alert or a form error in its body."""
    if any(m.level >= messages.WARNING for m in messages.get_messages(response.wsgi_request)):
        return True
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return False
    return bool(ALERT.search(response.content.decode()))


COUNTED = (
    EvidenceFile, EvidenceLink, AppraisalAssignment, SecondAppraisal, Response, SecondEntry, SurveyValue,
    SurveyToken, MeasureValue, MeasureImport, ResultSnapshot, ReportBundle, AccountImport, PeriodTransition,
)  # fmt: skip


def fingerprint() -> tuple:
    """A cheap digest of every row a POST of the walk could write: a refused write must leave it as it
    was (item versions, evidence and its links, submissions, assignments, the period, survey responses
    and values, measured data, snapshots, report bundles, account imports, accounts)."""
    items = AssessmentItem.objects.aggregate(n=Count("pk"), v=Sum("version"))
    return (
        tuple(items.values()),
        tuple(Period.objects.order_by("pk").values_list("state", flat=True)),
        tuple(Submission.objects.order_by("pk").values_list("status", "signed_off_at")),
        tuple(tuple(model.objects.aggregate(n=Count("pk"), last=Max("pk")).values()) for model in COUNTED),
        tuple(MeasureImport.objects.order_by("pk").values_list("status", flat=True)),
        tuple(SurveyToken.objects.order_by("pk").values_list("response_id", flat=True)),
        tuple(get_user_model().objects.order_by("pk").values_list("role", "agency_id", "is_active")),
    )


SAMPLE_STATES = (PeriodState.DRAFT, PeriodState.APPRAISAL, PeriodState.PUBLISHED)


def state_independent(name: str) -> bool:
    """The policy answers the same in every state for every audience, reading and writing: such a URL
    is requested in three states (one before, one during the rounds, one after publication) instead of
    eight, which keeps the walk fast; every other URL is requested in every state."""
    return all(
        len({policy.url_outcome(name, who, state, write=write) for state in STATES}) == 1
        for who in Audience
        for write in (False, True)
    )


def test_every_url_role_and_state_follows_the_policy(settings, capsys, request):
    w = build_world()
    clients = {}
    for key in USERS:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if key in w.users:
            client.force_login(w.users[key])
        clients[key] = client
    names = url_names()
    steady = {name for name in names if state_independent(name)}
    problems, checks, refused_writes, costs = [], 0, 0, {}
    combinations = set()
    for state in STATES:
        if state == PeriodState.PUBLISHED:
            Period.objects.filter(pk=w.period.pk).update(state=PeriodState.APPROVED)
            w.period.refresh_from_db()
            snapshot_publish(
                snapshot=w.snapshot,
                acting_user=w.users["home_affairs"],
                confirmed=True,
                override_reason=NOT_READY,
            )
            from scoring.models import SnapshotDownload

            file_name = SnapshotDownload.objects.filter(snapshot=w.snapshot).first().file_name
        else:
            Period.objects.filter(pk=w.period.pk).update(state=state)
            file_name = "ket-qua.csv"
        w.period.refresh_from_db()
        for name in names:
            if state not in SAMPLE_STATES and name in steady:
                continue
            access = policy.URLS[name]
            url = reverse(name, kwargs=kwargs_for(name, w, file_name))
            for key in clients:
                who = audience_for(w, key, name, access)
                requests = [False] if access.get else []
                if access.writes or not access.get:
                    requests.append(True)
                for write in requests:
                    outcome = policy.url_outcome(name, who, state, write=write)
                    if name == "logout" and key in w.users:  # keeps the shared client signed in
                        client = Client()
                        client.force_login(w.users[key])
                    else:
                        client = clients[key]
                    started = time.perf_counter()
                    guarded = write and outcome == Outcome.REFUSE
                    with transaction.atomic():
                        before = fingerprint() if guarded else None
                        if not write:
                            response = client.get(url)
                        elif access.method == "patch":
                            response = client.patch(
                                url, json.dumps({"version": 0}), content_type="application/json"
                            )
                        else:
                            response = client.post(url, post_data(w, key))
                        changed = guarded and fingerprint() != before
                        transaction.set_rollback(True)
                    checks += 1
                    refused_writes += guarded
                    costs[name] = costs.get(name, 0) + time.perf_counter() - started
                    combinations.add((key, name, state))
                    difference = check(response, outcome, access, write, who)
                    if changed:
                        difference = "; ".join(filter(None, [difference, "the refused write changed rows"]))
                    if difference:
                        method = access.method.upper() if write else "GET"
                        problems.append(
                            f"{state} {key} ({who}) {method} {name}: {outcome} expected, {difference}"
                        )
    summary = (
        f"policy URL walk: {len(USERS)} users × {len(names)} URLs × {len(STATES)} states = "
        f"{len(combinations)} combinations requested ({len(steady)} URLs the policy treats alike in "
        f"every state: in {len(SAMPLE_STATES)} states), {checks} requests, {refused_writes} of them "
        f"refused writes checked to change nothing"
    )
    # tests/conftest.py's pytest_terminal_summary shows it at the end of the run (xdist workers too).
    request.node.user_properties.append(("policy_walk", summary))
    with capsys.disabled():
        print("\n" + summary)
        if os.environ.get("POLICY_WALK_PROFILE"):
            for name, cost in sorted(costs.items(), key=lambda c: -c[1])[:15]:
                print(f"  {cost:6.2f} s  {name}")
    assert problems == [], "\n".join(problems[:80]) + f"\n… {len(problems)} in all"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
