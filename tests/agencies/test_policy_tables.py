"""agencies.policy's tables and answers, state by state, without a database.

Each expectation is a rule of the workflow (shared/docs/domain.md, docs/architecture.md "One workflow
policy") written here in its own words: who reads which part of an item from which round on, who
writes it in which state, what approval freezes, what a refusal says. They are checked against every
period state, so a boundary moved by one state (`_from(EXPLANATION)` read as `_from(APPRAISAL)`), a
role added to or dropped from a row, or a refusal that names the wrong thing fails here.
See `make mutate` and docs/testing.md.
"""

import pytest
from django.utils import translation

from agencies import policy
from agencies.models import Period, PeriodState
from agencies.policy import Audience as A
from agencies.policy import (
    Obj,
    Outcome,
    Stage,
    change_stage,
    may_read,
    may_use,
    may_write,
    operator_may_open,
    url_outcome,
    visible_stages,
    write_refusal,
)

S = PeriodState
STATES = list(S)  # the workflow's order: draft → … → approved → published
BEFORE_APPROVAL = STATES[: STATES.index(S.APPROVED)]
APPROVED_ON = [S.APPROVED, S.PUBLISHED]
EXPLANATION_ON = STATES[STATES.index(S.EXPLANATION) :]
BEFORE_EXPLANATION = STATES[: STATES.index(S.EXPLANATION)]
STAFF = (A.SUPERUSER, A.HOME_AFFAIRS, A.LEAD)
AGENCY = (A.FOCAL_POINT, A.AGENCY_HEAD)
NO_ITEM_READERS = (A.ANONYMOUS, A.APPRAISER, A.OUTSIDER, A.SURVEY_OPERATOR)


def readable(who, kind) -> list:
    return [state for state in STATES if may_read(who, kind, state)]


def writable(who, kind) -> list:
    return [state for state in STATES if may_write(who, kind, state)]


def period(state) -> Period:
    return Period(code="2022", name="Năm 2022", state=state)


# --- reading an item's stages ---------------------------------------------------------------------


def test_the_workflow_order_the_boundaries_rely_on():
    assert STATES == [
        S.DRAFT, S.SELF_ASSESSMENT, S.APPRAISAL, S.EXPLANATION, S.REAPPRAISAL, S.COUNCIL, S.APPROVED,
        S.PUBLISHED,
    ]  # fmt: skip


@pytest.mark.parametrize("who", STAFF)
@pytest.mark.parametrize("stage", list(Stage))
def test_home_affairs_the_lead_and_a_superuser_read_every_stage_in_every_state(who, stage):
    assert readable(who, stage) == STATES


@pytest.mark.parametrize("stage", list(Stage))
def test_the_council_reads_everything_but_the_blind_second_appraisal(stage):
    assert readable(A.COUNCIL, stage) == ([] if stage == Stage.SECOND else STATES)


@pytest.mark.parametrize("who", AGENCY)
def test_the_agency_meets_the_appraisal_in_the_explanation_round_and_the_final_score_at_approval(who):
    assert readable(who, Stage.SELF) == STATES
    assert readable(who, Stage.APPRAISED) == EXPLANATION_ON
    assert readable(who, Stage.EXPLANATION) == STATES
    assert readable(who, Stage.REAPPRAISED) == APPROVED_ON
    assert readable(who, Stage.CORRECTION) == STATES
    assert readable(who, Stage.SECOND) == []


def test_the_first_appraiser_reads_the_whole_item_but_never_the_second_appraisal():
    for stage in Stage:
        assert readable(A.FIRST, stage) == ([] if stage == Stage.SECOND else STATES), stage


def test_the_blind_second_appraiser_sees_the_first_appraisal_only_once_the_round_is_over():
    assert readable(A.SECOND, Stage.SECOND) == STATES
    assert readable(A.SECOND, Stage.APPRAISED) == EXPLANATION_ON
    assert readable(A.SECOND, Stage.REAPPRAISED) == EXPLANATION_ON
    for stage in (Stage.SELF, Stage.EXPLANATION, Stage.CORRECTION):
        assert readable(A.SECOND, stage) == STATES, stage


@pytest.mark.parametrize("who", NO_ITEM_READERS)
def test_nobody_else_reads_any_part_of_an_item(who):
    for stage in Stage:
        assert readable(who, stage) == [], stage
    for state in STATES:
        assert visible_stages(who, state) == frozenset()


def test_the_lead_reads_an_item_at_least_as_a_first_appraiser_does():
    for stage in Stage:
        assert set(readable(A.FIRST, stage)) <= set(readable(A.LEAD, stage)), stage


def test_the_lead_reads_the_second_appraisal_to_compare_both():
    assert readable(A.LEAD, Stage.SECOND) == STATES
    assert visible_stages(A.LEAD, S.APPRAISAL) == frozenset(Stage)


def test_visible_stages_follow_the_rounds_for_the_agency():
    only_theirs = {Stage.SELF, Stage.EXPLANATION, Stage.CORRECTION}
    for state in BEFORE_EXPLANATION:
        assert visible_stages(A.FOCAL_POINT, state) == only_theirs, state
    for state in (S.EXPLANATION, S.REAPPRAISAL, S.COUNCIL):
        assert visible_stages(A.FOCAL_POINT, state) == only_theirs | {Stage.APPRAISED}, state
    for state in APPROVED_ON:
        assert visible_stages(A.AGENCY_HEAD, state) == frozenset(Stage) - {Stage.SECOND}, state


def test_visible_stages_of_the_two_appraisers_during_the_appraisal():
    assert visible_stages(A.SECOND, S.APPRAISAL) == {
        Stage.SELF,
        Stage.SECOND,
        Stage.EXPLANATION,
        Stage.CORRECTION,
    }
    assert visible_stages(A.FIRST, S.APPRAISAL) == frozenset(Stage) - {Stage.SECOND}
    assert visible_stages(A.SECOND, S.COUNCIL) == frozenset(Stage)


# --- writing an item's stages ---------------------------------------------------------------------

# Each stage is written by one audience in one round; a correction only after approval.
WRITER = {
    Stage.SELF: ({A.FOCAL_POINT}, [S.SELF_ASSESSMENT]),
    Stage.APPRAISED: ({A.FIRST}, [S.APPRAISAL]),
    Stage.SECOND: ({A.SECOND}, [S.APPRAISAL]),
    Stage.EXPLANATION: ({A.FOCAL_POINT}, [S.EXPLANATION]),
    Stage.REAPPRAISED: ({A.FIRST}, [S.REAPPRAISAL]),
    Stage.CORRECTION: ({A.HOME_AFFAIRS, A.SUPERUSER}, APPROVED_ON),
}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("who", list(A))
def test_each_stage_is_written_by_its_own_audience_in_its_own_round_only(stage, who):
    writers, states = WRITER[stage]
    assert writable(who, stage) == (states if who in writers else [])


def test_the_head_signs_off_but_never_types_a_score_and_the_lead_appraises_nothing():
    for stage in Stage:
        assert writable(A.AGENCY_HEAD, stage) == [], stage
        assert writable(A.LEAD, stage) == [], stage
        assert writable(A.COUNCIL, stage) == [], stage
    assert writable(A.AGENCY_HEAD, Obj.SIGN_OFF) == BEFORE_APPROVAL


# --- other objects --------------------------------------------------------------------------------


def test_evidence_is_added_by_the_focal_point_in_self_assessment_and_with_an_explanation():
    assert writable(A.FOCAL_POINT, Obj.EVIDENCE) == [S.SELF_ASSESSMENT, S.EXPLANATION]
    assert writable(A.AGENCY_HEAD, Obj.EVIDENCE) == []
    assert readable(A.FIRST, Obj.EVIDENCE) == STATES
    assert readable(A.OUTSIDER, Obj.EVIDENCE) == []
    assert readable(A.APPRAISER, Obj.EVIDENCE) == []


def test_submitting_and_reopening_happen_during_self_assessment_only():
    assert writable(A.FOCAL_POINT, Obj.SUBMISSION) == [S.SELF_ASSESSMENT]
    for who in (A.HOME_AFFAIRS, A.SUPERUSER):
        assert writable(who, Obj.REOPEN) == [S.SELF_ASSESSMENT]
    for who in (A.LEAD, A.FOCAL_POINT, A.AGENCY_HEAD):
        assert writable(who, Obj.REOPEN) == []


def test_the_lead_assigns_appraisers_until_approval():
    for who in (A.LEAD, A.SUPERUSER):
        assert readable(who, Obj.ASSIGNMENT) == STATES
        assert writable(who, Obj.ASSIGNMENT) == BEFORE_APPROVAL
    assert readable(A.HOME_AFFAIRS, Obj.ASSIGNMENT) == []
    assert readable(A.APPRAISER, Obj.ASSIGNMENT) == []


def test_survey_data_is_kept_by_home_affairs_and_the_operator_and_freezes_at_approval():
    for who in (A.SURVEY_OPERATOR, A.HOME_AFFAIRS, A.SUPERUSER):
        assert readable(who, Obj.SURVEY) == STATES
        assert writable(who, Obj.SURVEY) == BEFORE_APPROVAL
    for who in (A.LEAD, A.COUNCIL, A.FOCAL_POINT, A.ANONYMOUS):
        assert readable(who, Obj.SURVEY) == []
    # a respondent's one-time link: anyone, signed in or not, until approval
    for who in (A.ANONYMOUS, A.FOCAL_POINT, A.OUTSIDER):
        assert writable(who, Obj.SURVEY_ONLINE) == BEFORE_APPROVAL
    assert writable(A.SURVEY_OPERATOR, Obj.SURVEY_VALUES) == []
    assert writable(A.HOME_AFFAIRS, Obj.SURVEY_VALUES) == BEFORE_APPROVAL
    assert writable(A.HOME_AFFAIRS, Obj.SURVEY_LINKS) == BEFORE_APPROVAL


def test_measured_data_is_entered_by_home_affairs_not_by_the_agency():
    assert writable(A.HOME_AFFAIRS, Obj.MEASURED) == BEFORE_APPROVAL
    assert writable(A.SUPERUSER, Obj.MEASURED) == BEFORE_APPROVAL
    for who in (A.FOCAL_POINT, A.LEAD, A.FIRST):
        assert writable(who, Obj.MEASURED) == []
        assert readable(who, Obj.MEASURED) == []


def test_criteria_sets_are_imported_by_home_affairs_while_the_period_is_a_draft():
    for who in (A.HOME_AFFAIRS, A.SUPERUSER):
        assert writable(who, Obj.CRITERIA) == [S.DRAFT]  # the self-assessment's opening freezes the sets
        assert write_refusal(who, Obj.CRITERIA, period(S.DRAFT)) is None
        with translation.override("en"):
            assert "cannot be changed while the period" in write_refusal(
                who, Obj.CRITERIA, period(S.SELF_ASSESSMENT)
            )
            assert "approved" in write_refusal(who, Obj.CRITERIA, period(S.APPROVED))
    for who in set(A) - {A.HOME_AFFAIRS, A.SUPERUSER}:
        assert writable(who, Obj.CRITERIA) == [] and not may_use(who, Obj.CRITERIA, write=True), who


def test_a_period_s_settings_are_changed_in_a_draft_and_its_windows_until_approval():
    """The admin's two entries: which agencies a period assesses is settled before its items are made;
    a window or an extension still moves during the council's review, never once approved."""
    for who in (A.HOME_AFFAIRS, A.SUPERUSER):
        assert writable(who, Obj.PERIOD) == [S.DRAFT]
        assert writable(who, Obj.WINDOWS) == BEFORE_APPROVAL and S.COUNCIL in BEFORE_APPROVAL
        assert readable(who, Obj.PERIOD) == STATES and readable(who, Obj.WINDOWS) == STATES
    for who in set(A) - {A.HOME_AFFAIRS, A.SUPERUSER}:
        assert not may_use(who, Obj.PERIOD, write=True) and not may_use(who, Obj.WINDOWS, write=True), who


def test_results_are_computed_at_any_time_and_published_only_once_approved():
    assert writable(A.HOME_AFFAIRS, Obj.COMPUTE) == STATES  # recomputing after a correction
    assert writable(A.HOME_AFFAIRS, Obj.PUBLISH) == APPROVED_ON
    assert writable(A.LEAD, Obj.PUBLISH) == []
    assert readable(A.COUNCIL, Obj.SNAPSHOT) == STATES
    assert readable(A.FOCAL_POINT, Obj.SNAPSHOT) == []
    assert writable(A.COUNCIL, Obj.SNAPSHOT) == []


@pytest.mark.parametrize("who", list(A))
def test_the_public_site_shows_a_period_once_it_is_published_to_everyone(who):
    assert readable(who, Obj.PUBLISHED) == [S.PUBLISHED]
    assert writable(who, Obj.PUBLISHED) == []


def test_the_explanation_page_is_the_agency_s_from_the_explanation_round():
    assert readable(A.FOCAL_POINT, Obj.EXPLAIN_PAGE) == EXPLANATION_ON
    assert readable(A.AGENCY_HEAD, Obj.EXPLAIN_PAGE) == EXPLANATION_ON
    assert readable(A.HOME_AFFAIRS, Obj.EXPLAIN_PAGE) == []


def test_the_inbox_is_the_appraisers_and_the_lead_s():
    for who in (A.APPRAISER, A.FIRST, A.SECOND, A.LEAD, A.SUPERUSER):
        assert readable(who, Obj.INBOX) == STATES
    for who in (A.HOME_AFFAIRS, A.COUNCIL, A.FOCAL_POINT):
        assert readable(who, Obj.INBOX) == []
    assert readable(A.APPRAISER, Obj.INBOX_ITEM) == []  # an item not assigned to them


def test_agency_accounts_are_home_affairs_whatever_the_period():
    for who in (A.HOME_AFFAIRS, A.SUPERUSER):
        assert may_use(who, Obj.ACCOUNTS) is True
        assert may_use(who, Obj.ACCOUNTS, write=True) is True
    for who in (A.LEAD, A.COUNCIL, A.FOCAL_POINT, A.ANONYMOUS):
        assert may_use(who, Obj.ACCOUNTS) is False
        assert may_use(who, Obj.ACCOUNTS, write=True) is False
    # the overview is read by staff and written by nobody
    assert may_use(A.COUNCIL, Obj.OVERVIEW) is True
    assert may_use(A.COUNCIL, Obj.OVERVIEW, write=True) is False


# --- refusals ---------------------------------------------------------------------------------------


def test_no_refusal_where_the_table_allows_the_write():
    assert write_refusal(A.FOCAL_POINT, Stage.SELF, period(S.SELF_ASSESSMENT)) is None
    assert write_refusal(A.FIRST, Stage.APPRAISED, period(S.APPRAISAL)) is None
    assert write_refusal(A.HOME_AFFAIRS, Stage.CORRECTION, period(S.APPROVED)) is None
    assert write_refusal(A.HOME_AFFAIRS, Obj.PUBLISH, period(S.PUBLISHED)) is None


def test_an_audience_that_never_writes_it_is_told_so_whatever_the_state():
    with translation.override("en"):
        for state in (S.APPRAISAL, S.APPROVED):
            assert (
                write_refusal(A.AGENCY_HEAD, Stage.SELF, period(state))
                == "You cannot change the self-assessment."
            )
            assert (
                write_refusal(A.SECOND, Stage.APPRAISED, period(state)) == "You cannot change the appraisal."
            )
            assert (
                write_refusal(A.LEAD, Obj.MEASURED, period(state)) == "You cannot change the measured data."
            )


def test_after_approval_the_refusal_says_the_inputs_are_frozen():
    with translation.override("en"):
        for state in APPROVED_ON:
            assert (
                write_refusal(A.FOCAL_POINT, Stage.EXPLANATION, period(state))
                == "The results of Năm 2022 are approved: its inputs can no longer change."
            )


def test_before_approval_the_refusal_names_the_object_and_the_state():
    with translation.override("en"):
        assert (
            write_refusal(A.FOCAL_POINT, Stage.SELF, period(S.APPRAISAL))
            == "The self-assessment cannot be changed while the period is in the state “Appraisal”."
        )
        assert (
            write_refusal(A.FIRST, Stage.REAPPRAISED, period(S.EXPLANATION))
            == "The re-appraisal cannot be changed while the period is in the state “Explanation”."
        )
        assert (
            write_refusal(A.HOME_AFFAIRS, Stage.CORRECTION, period(S.COUNCIL))
            == "A correction cannot be changed while the period is in the state “Council review”."
        )
        assert (
            write_refusal(A.LEAD, Obj.ASSIGNMENT, period(S.APPROVED))
            == "The results of Năm 2022 are approved: its inputs can no longer change."
        )


# --- history entries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "stage"),
    [
        ("self-assessment", Stage.SELF),
        ("appraisal", Stage.APPRAISED),
        ("explanation", Stage.EXPLANATION),
        ("re-appraisal", Stage.REAPPRAISED),
        ("correction", Stage.CORRECTION),
        ("correction: sai số liệu: nhập lại", Stage.CORRECTION),
        (" appraisal :bổ sung", Stage.APPRAISED),
        ("", None),
        (None, None),
        ("import", None),
        ("appraisal-bis", None),
    ],
)
def test_a_history_entry_belongs_to_the_stage_its_reason_names(reason, stage):
    assert change_stage(reason) == stage


# --- the URL map --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "opens"),
    [
        ("surveys:index", True),
        ("surveys-api:values", True),
        ("login", True),
        ("logout", True),
        ("home", True),
        ("password_reset_confirm", True),
        ("public:index", False),
        ("assessment:page", False),
        ("results:ranking", False),
        ("admin:index", False),
    ],
)
def test_a_survey_operator_reaches_the_survey_pages_and_signing_in_only(name, opens):
    assert operator_may_open(name) is opens


def test_the_survey_operator_fence_comes_before_any_table():
    assert url_outcome("surveys:entry", A.SURVEY_OPERATOR, S.COUNCIL) == Outcome.ALLOW
    assert url_outcome("surveys:entry", A.SURVEY_OPERATOR, S.COUNCIL, write=True) == Outcome.ALLOW
    assert url_outcome("surveys:entry", A.SURVEY_OPERATOR, S.APPROVED, write=True) == Outcome.REFUSE
    assert url_outcome("public:index", A.SURVEY_OPERATOR, S.PUBLISHED) == Outcome.HIDE
    assert url_outcome("public:ranking", A.SURVEY_OPERATOR, S.PUBLISHED) == Outcome.HIDE
    assert url_outcome("home", A.SURVEY_OPERATOR, S.DRAFT) == Outcome.ALLOW


def test_public_pages_and_signing_in_are_open_to_anyone():
    for who in (A.ANONYMOUS, A.FOCAL_POINT):
        assert url_outcome("public:index", who, S.DRAFT) == Outcome.ALLOW
        assert url_outcome("logout", who, S.DRAFT, write=True) == Outcome.ALLOW
        assert url_outcome("surveys:answer", who, S.COUNCIL, write=True) == Outcome.ALLOW
        assert url_outcome("surveys:answer", who, S.APPROVED, write=True) == Outcome.REFUSE


def test_an_anonymous_visitor_is_sent_to_sign_in_except_for_published_results():
    assert url_outcome("home", A.ANONYMOUS, S.PUBLISHED) == Outcome.LOGIN
    assert url_outcome("assessment:page", A.ANONYMOUS, S.SELF_ASSESSMENT) == Outcome.LOGIN
    assert url_outcome("appraisal:notifications", A.ANONYMOUS, S.APPRAISAL, write=True) == Outcome.LOGIN
    assert url_outcome("public:ranking", A.ANONYMOUS, S.PUBLISHED) == Outcome.ALLOW
    assert url_outcome("public:ranking", A.ANONYMOUS, S.APPROVED) == Outcome.HIDE


def test_a_page_for_anyone_signed_in_shows_only_what_the_user_may_see():
    for who in (A.FOCAL_POINT, A.OUTSIDER, A.COUNCIL):
        assert url_outcome("home", who, S.DRAFT) == Outcome.ALLOW
        assert url_outcome("appraisal:notifications", who, S.DRAFT, write=True) == Outcome.ALLOW


def test_the_django_admin_is_the_superuser_s():
    assert url_outcome("admin:index", A.SUPERUSER, S.DRAFT) == Outcome.ALLOW
    assert url_outcome("admin:index", A.HOME_AFFAIRS, S.DRAFT) == Outcome.LOGIN
    assert url_outcome("admin:index", A.ANONYMOUS, S.DRAFT) == Outcome.LOGIN


def test_the_self_assessment_page_hides_another_agency_and_refuses_a_closed_round():
    assert url_outcome("assessment:page", A.FOCAL_POINT, S.APPRAISAL) == Outcome.ALLOW
    assert url_outcome("assessment:page", A.OUTSIDER, S.SELF_ASSESSMENT) == Outcome.HIDE
    assert url_outcome("assessment:page", A.APPRAISER, S.APPRAISAL) == Outcome.HIDE
    assert url_outcome("assessment:item_save", A.FOCAL_POINT, S.SELF_ASSESSMENT, write=True) == Outcome.ALLOW
    assert url_outcome("assessment:item_save", A.FOCAL_POINT, S.APPRAISAL, write=True) == Outcome.REFUSE
    assert url_outcome("assessment:item_save", A.AGENCY_HEAD, S.SELF_ASSESSMENT, write=True) == Outcome.REFUSE
    assert url_outcome("assessment:sign_off", A.AGENCY_HEAD, S.COUNCIL, write=True) == Outcome.ALLOW
    assert (
        url_outcome("assessment:page", A.FOCAL_POINT, S.APPRAISAL, write=True) == Outcome.REFUSE
    )  # no writes


def test_the_appraisal_page_takes_either_appraiser_s_score_in_its_round():
    assert url_outcome("appraisal:item", A.FIRST, S.APPRAISAL, write=True) == Outcome.ALLOW
    assert url_outcome("appraisal:item", A.SECOND, S.APPRAISAL, write=True) == Outcome.ALLOW
    assert url_outcome("appraisal:item", A.FIRST, S.REAPPRAISAL, write=True) == Outcome.ALLOW
    assert url_outcome("appraisal:item", A.SECOND, S.REAPPRAISAL, write=True) == Outcome.REFUSE
    assert url_outcome("appraisal:item", A.FIRST, S.EXPLANATION, write=True) == Outcome.REFUSE
    assert url_outcome("appraisal:item", A.LEAD, S.APPRAISAL) == Outcome.ALLOW
    assert url_outcome("appraisal:item", A.LEAD, S.APPRAISAL, write=True) == Outcome.REFUSE
    assert url_outcome("appraisal:item", A.APPRAISER, S.APPRAISAL) == Outcome.HIDE
    assert url_outcome("appraisal:item", A.FOCAL_POINT, S.EXPLANATION) == Outcome.HIDE


def test_every_stage_and_object_names_itself_in_a_refusal():
    """write_refusal words its message with WHAT: an object missing there raised KeyError for an audience
    outside its table (e.g. survey links asked by a focal point) instead of refusing."""
    missing = [kind for kind in (*policy.Stage, *policy.Obj) if kind not in policy.WHAT]
    assert missing == []


def test_an_items_status_never_tells_a_stage_its_reader_may_not_read():
    """Every status maps to the stage that sets it; a reader gets the latest earlier status whose stage
    they read (the blind second appraiser reads an appraised item as submitted in the appraisal)."""
    stages = dict(policy.STATUS_STAGE)
    for who in policy.Audience:
        for state in PeriodState:
            readable = policy.visible_stages(who, state)
            for status, stage in policy.STATUS_STAGE:
                shown = policy.status_for(who, status, state)
                assert stages[shown] in readable or shown == "not_started", (who, state, status)
                if stage in readable:
                    assert shown == status, (who, state, status)
    second = policy.Audience.SECOND
    assert policy.status_for(second, "appraised", PeriodState.APPRAISAL) == "submitted"
    assert policy.status_for(second, "appraised", PeriodState.EXPLANATION) == "appraised"
    assert policy.status_for(policy.Audience.FOCAL_POINT, "reappraised", PeriodState.COUNCIL) == "disputed"
    assert (
        policy.status_for(policy.Audience.FOCAL_POINT, "reappraised", PeriodState.APPROVED) == "reappraised"
    )
