"""A write and a step of the workflow at the same moment: the write either commits before the step or is
judged by the state after it, so nothing lands in a round that has just closed (agencies.policy._lock_state).

PostgreSQL only: the step holds the period's state lock exclusively and each write asks for it shared. The
test holds the step's transaction open until the write's connection is seen waiting on a lock, then lets it
commit: the write must be refused with the new state's message and change nothing."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation

from agencies import policy
from agencies.models import Period, PeriodState
from agencies.workflow import period_transition
from assessment import appraisal, services
from assessment.models import Submission, SubmissionStatus
from tests.locks import waiting_on_a_lock

from ..worlds import appraisal_started, self_assessment_world
from .test_appraisal import SELF

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _save_while_held(world, hold, write=None) -> tuple[bool, str]:
    """Runs `hold` (which takes its locks, changes something and commits when told) in one thread and a
    write of leaf 1.1 (by default the focal point's save) in another; lets `hold` commit once the write
    waits on a lock. Returns whether the write waited and what it answered ("saved" or the refusal)."""
    item = world.item("1.1")
    before = (item.self_input, item.appraised_input, item.version)
    language = translation.get_language()  # a new thread starts in the default language
    held, may_commit = threading.Event(), threading.Event()
    saver: dict = {}

    def holder():
        from django.db import connection as own

        try:
            with transaction.atomic():
                hold()
                held.set()
                may_commit.wait(timeout=20)
        finally:
            own.close()

    def save():
        from django.db import connection as own

        translation.activate(language)
        try:
            saver["pid"] = own.cursor().connection.info.backend_pid
            if write is not None:
                write(item)
            else:
                services.item_self_score(
                    item=item, acting_user=world.users["focal"], expected_version=item.version,
                    data={"points": "1"},
                )  # fmt: skip
            saver["outcome"] = "saved"
        except services.AssessmentRefused as refused:
            saver["outcome"] = refused.message
        except Exception as error:  # kept, so the assertion below says what went wrong in the thread
            saver["outcome"] = repr(error)
        finally:
            own.close()

    first = threading.Thread(target=holder)
    first.start()
    assert held.wait(timeout=20)
    second = threading.Thread(target=save)
    second.start()
    waited = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not waited:
        time.sleep(0.05)
        waited = "pid" in saver and waiting_on_a_lock(saver["pid"])
    may_commit.set()
    first.join()
    second.join()
    stored = world.item("1.1")
    assert (stored.self_input, stored.appraised_input, stored.version) == before, saver  # nothing changed
    return waited, saver["outcome"]


def test_a_save_waits_for_the_closing_of_the_self_assessment_and_is_refused():
    world = self_assessment_world()

    def close_the_round():  # the step as Home Affairs takes it; its transaction held open by the test
        period_transition(
            period=Period.objects.get(pk=world.period.pk), name="start_appraisal",
            acting_user=world.users["home_affairs"], confirmed=True, override_reason="Hết hạn tự đánh giá",
        )  # fmt: skip
        assert Period.objects.get().state == PeriodState.APPRAISAL

    waited, outcome = _save_while_held(world, close_the_round)
    assert waited, "the save did not wait for the step holding the period"
    closed = policy.write_refusal(policy.Audience.FOCAL_POINT, policy.Stage.SELF, Period.objects.get())
    assert closed and outcome == closed


def test_a_save_waits_for_the_submission_and_is_refused():
    """The head submits (the submission row locked for update, then marked submitted) while a focal point
    saves: the save waits for the submission to commit and then finds it locked."""
    world = self_assessment_world()
    submission = services.submission_for(period=world.period, agency=world.agency)

    def submit():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        locked.status = SubmissionStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])

    waited, outcome = _save_while_held(world, submit)
    assert waited, "the save did not wait for the submission"
    assert outcome == services.self_assessment_refusal(period=world.period, agency=world.agency)


def test_an_appraisal_waits_for_the_opening_of_the_explanations_and_is_refused():
    """The secretariat opens the explanation round while an appraiser saves a score: the score waits and
    is refused (appraisal scores belong to the appraisal round)."""
    world = self_assessment_world()
    for code, data in SELF.items():
        item = world.item(code)
        services.item_self_score(
            item=item, acting_user=world.users["focal"], expected_version=item.version, data=data
        )
    services.assessment_submit(
        period=world.period, agency=world.agency, acting_user=world.users["focal"], explanation="-"
    )
    appraisal_started(world, {(None, "1"): world.users["appraiser"].pk})

    def open_explanations():
        period_transition(
            period=Period.objects.get(),
            name="open_explanation",
            acting_user=world.users["lead"],
            confirmed=True,
            override_reason="Theo lịch",
        )

    def appraise(item):
        appraisal.item_appraise(
            item=item,
            acting_user=world.users["appraiser"],
            expected_version=item.version,
            data={"points": "1"},
            comment="Thiếu văn bản",
        )

    waited, outcome = _save_while_held(world, open_explanations, appraise)
    assert waited, "the appraisal did not wait for the step holding the period"
    assert outcome != "saved", outcome
    assert Period.objects.get().state == PeriodState.EXPLANATION


def _scored_with_evidence(world):
    """Every leaf self-scored, leaf 1.1 supported by one file: ready to submit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import evidence_attach
    from tests.evidence.factories import pdf_bytes

    for code, data in SELF.items():
        item = world.item(code)
        services.item_self_score(
            item=item, acting_user=world.users["focal"], expected_version=item.version, data=data
        )
    return evidence_attach(
        item=world.item("1.1"),
        uploaded_file=SimpleUploadedFile("ke-hoach.pdf", pdf_bytes()),
        acting_user=world.users["focal"],
    )


def _submit(world):
    def submit():
        services.assessment_submit(
            period=Period.objects.get(pk=world.period.pk), agency=world.agency,
            acting_user=world.users["focal"], explanation="Không có văn bản",
        )  # fmt: skip

    return submit


def _evidence_write(change):
    """The evidence service's refusal (ValidationError) as the harness reads a refusal."""
    from django.core.exceptions import ValidationError

    def write(item):
        try:
            change(item)
        except ValidationError as refused:
            raise services.AssessmentRefused(" ".join(refused.messages)) from None

    return write


def test_removing_a_file_waits_for_the_submission_and_is_refused():
    """The focal point removes a file from an item while the same agency's submission commits: the removal
    waits for it and is refused, so the submitted item keeps the evidence it was submitted with."""
    from evidence.models import EvidenceLink
    from evidence.services import evidence_unlink

    world = self_assessment_world()
    evidence = _scored_with_evidence(world)

    def unlink(item):
        evidence_unlink(item=item, evidence=evidence, acting_user=world.users["focal"])

    waited, outcome = _save_while_held(world, _submit(world), _evidence_write(unlink))
    assert EvidenceLink.objects.filter(item=world.item("1.1"), evidence=evidence).exists(), outcome
    assert waited and outcome != "saved"


def test_adding_a_file_waits_for_the_submission_and_is_refused():
    """A file attached while the agency's submission commits is not added to the submitted item."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.models import EvidenceLink
    from evidence.services import evidence_attach
    from tests.evidence.factories import pdf_bytes

    world = self_assessment_world()
    _scored_with_evidence(world)

    def attach(item):
        evidence_attach(
            item=item,
            uploaded_file=SimpleUploadedFile("bo-sung.pdf", pdf_bytes("Văn bản bổ sung")),
            acting_user=world.users["focal"],
        )

    waited, outcome = _save_while_held(world, _submit(world), _evidence_write(attach))
    assert EvidenceLink.objects.filter(item=world.item("1.1")).count() == 1, outcome
    assert waited and outcome != "saved"
