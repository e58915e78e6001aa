"""The one workflow policy: who may read or write what, at each period state.

Every path (page, API, htmx partial, command, job, export) asks this module; nothing else decides.
Services ask it again before writing (defence in depth); views only turn its answer into a response.

The tables below are the policy. A user meets an object through an *audience*: their role, narrowed
for assessment items to how they relate to the item's agency (own agency, first or second appraiser
assigned in that period). Each table maps object (or item stage) → audience → the period states in
which the audience may read or write it. What an audience may not read is a 404 (ids reveal
nothing); what it may read but not write is refused with `write_refusal`'s message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Agency, Period, PeriodState

S = PeriodState
ALL_STATES = frozenset(S)
# Approval freezes every input that feeds the index (items, evidence, surveys, measured data);
# after it only Home Affairs' audited correction changes anything.
FROZEN_STATES = frozenset({S.APPROVED, S.PUBLISHED})
OPEN_STATES = ALL_STATES - FROZEN_STATES


def _from(state: PeriodState) -> frozenset:
    """The state and every later one (the workflow's order is the choices' order)."""
    order = list(S)
    return frozenset(order[order.index(state) :])


class Audience(StrEnum):
    ANONYMOUS = "anonymous"
    SUPERUSER = "superuser"
    HOME_AFFAIRS = "home_affairs"
    LEAD = "secretariat_lead"
    COUNCIL = "council"
    FIRST = "first_appraiser"  # an appraiser whose assignment in the item's period covers it
    SECOND = "second_appraiser"  # the blind double appraiser of the item
    APPRAISER = "appraiser"  # an appraiser not assigned to the item (or outside items)
    FOCAL_POINT = "focal_point"  # of the item's own agency
    AGENCY_HEAD = "agency_head"  # of the item's own agency
    OUTSIDER = "outsider"  # an agency user of another agency, a survey operator
    SURVEY_OPERATOR = "survey_operator"


A = Audience


class Stage(StrEnum):
    """The parts of an assessment item, each with its comment and history entries."""

    SELF = "self"  # self-score, note, applicability, the agency's evidence
    APPRAISED = "appraised"  # appraised input, comment, evidence insufficient, appraiser
    SECOND = "second"  # the blind second appraisal
    EXPLANATION = "explanation"  # the agency's answer to the appraisal
    REAPPRAISED = "reappraised"  # the re-appraised (final) input and its comment
    CORRECTION = "correction"  # Home Affairs' audited correction after approval


class Obj(StrEnum):
    """Objects outside the item stages."""

    EVIDENCE = "evidence"  # files of an agency and their links to items
    SUBMISSION = "submission"  # submit the self-assessment
    SIGN_OFF = "sign_off"  # the head signs the submitted self-assessment
    RETURN = "return"  # the head sends the submitted self-assessment back to the focal point
    REOPEN = "reopen"  # Home Affairs unlocks a submitted self-assessment
    ASSIGNMENT = "assignment"  # who appraises what
    SURVEY = "survey"  # questionnaires, responses (entry, second entry, import), aggregated values
    SURVEY_ONLINE = "survey_online"  # a respondent's answers through a one-time link
    MEASURED = "measured"  # measured data entered by Home Affairs
    SNAPSHOT = "snapshot"  # computed results, staff pages, computation jobs
    REPORT = "report"  # report tables and files
    PUBLISHED = "published"  # the public site: published snapshots only
    # Pages and lists that gather objects of many agencies: who reaches them at all.
    OVERVIEW = "overview"  # the self-assessment overview of every agency
    INBOX = "inbox"  # an appraiser's items (the API's list and detail too)
    APPRAISAL_ITEM = "appraisal_item"  # one item on the appraisal page
    REVIEW = "review"  # the lead's review, provisional indices
    WORKFLOW = "workflow"  # the period's transitions (agencies.workflow checks each one)
    EXPLAIN_PAGE = "explain_page"  # the agency's provisional appraisal with its explanations
    SURVEY_LINKS = "survey_links"  # one-time links of the online survey
    SURVEY_VALUES = "survey_values"  # aggregation of responses into survey values
    COMPUTE = "compute"  # computation jobs
    PUBLISH = "publish"  # publication of a snapshot
    ACCOUNTS = "accounts"  # agency accounts in bulk
    ENTRY = "entry"  # the redirecting start page of the self-assessment
    ENTRY_APPRAISAL = "entry_appraisal"  # the redirecting start page of the appraisal
    INBOX_ITEM = "inbox_item"  # one item of an appraiser's inbox (API)
    EVIDENCE_CHECK = "evidence_check"  # re-running a file's checks (signatures, text): changes no input
    EVIDENCE_SEARCH = "evidence_search"  # full-text search of the evidence (results scoped as files are)
    TRUSTED_ROOTS = "trusted_roots"  # the root certificates whose signers count as verified
    # The read API (/api/v1/): periods, criteria sets, snapshots and their rows. Staff (and the council)
    # read every snapshot in every state; everyone else only published snapshots of a published period.
    RESULTS = "results"
    API_CLIENTS = "api_clients"  # machine clients' tokens, issued and revoked by Home Affairs
    CRITERIA = "criteria"  # a period's criteria set: imported, replaced, or edited in the admin
    PERIOD = "period"  # a period's own settings (name, dates, previous period): the admin
    WINDOWS = "windows"  # a period's windows and the agencies' extensions: the admin


STAFF_READERS = {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES, A.LEAD: ALL_STATES}
AGENCY = (A.FOCAL_POINT, A.AGENCY_HEAD)
APPRAISERS = (A.FIRST, A.SECOND)

# --- reads of an item's stages: audience → states in which it is shown ------------------------
STAGE_READ: dict[Stage, dict[Audience, frozenset]] = {
    Stage.SELF: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        **dict.fromkeys(AGENCY, ALL_STATES),
        **dict.fromkeys(APPRAISERS, ALL_STATES),
    },
    # The agency sees the appraisal from the explanation round on; the blind second appraiser only
    # once the round is over (the lead compares both in the review).
    Stage.APPRAISED: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        A.FIRST: ALL_STATES,
        A.SECOND: _from(S.EXPLANATION),
        **dict.fromkeys(AGENCY, _from(S.EXPLANATION)),
    },
    # Never shown to the agency nor to the first appraiser: it is the lead's check.
    Stage.SECOND: {**STAFF_READERS, A.SECOND: ALL_STATES},
    Stage.EXPLANATION: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        **dict.fromkeys(APPRAISERS, ALL_STATES),
        **dict.fromkeys(AGENCY, ALL_STATES),
    },
    # The re-appraised score is the final one: the agency sees it once the council approved it.
    Stage.REAPPRAISED: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        A.FIRST: ALL_STATES,
        A.SECOND: _from(S.EXPLANATION),
        **dict.fromkeys(AGENCY, FROZEN_STATES),
    },
    Stage.CORRECTION: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        **dict.fromkeys(APPRAISERS, ALL_STATES),
        **dict.fromkeys(AGENCY, ALL_STATES),
    },
}

# --- writes of an item's stages ----------------------------------------------------------------
STAGE_WRITE: dict[Stage, dict[Audience, frozenset]] = {
    Stage.SELF: {A.FOCAL_POINT: frozenset({S.SELF_ASSESSMENT})},
    Stage.APPRAISED: {A.FIRST: frozenset({S.APPRAISAL})},
    Stage.SECOND: {A.SECOND: frozenset({S.APPRAISAL})},
    Stage.EXPLANATION: {A.FOCAL_POINT: frozenset({S.EXPLANATION})},
    Stage.REAPPRAISED: {A.FIRST: frozenset({S.REAPPRAISAL})},
    Stage.CORRECTION: {A.HOME_AFFAIRS: FROZEN_STATES, A.SUPERUSER: FROZEN_STATES},
}

# --- other objects: audience (a role here, agency users only for their own agency) → states ----
OBJ_READ: dict[Obj, dict[Audience, frozenset]] = {
    Obj.EVIDENCE: STAGE_READ[Stage.SELF],
    Obj.SUBMISSION: STAGE_READ[Stage.SELF],
    Obj.SIGN_OFF: STAGE_READ[Stage.SELF],
    Obj.RETURN: STAGE_READ[Stage.SELF],
    Obj.REOPEN: STAGE_READ[Stage.SELF],
    Obj.ASSIGNMENT: {A.SUPERUSER: ALL_STATES, A.LEAD: ALL_STATES},
    Obj.SURVEY: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES, A.SURVEY_OPERATOR: ALL_STATES},
    Obj.SURVEY_ONLINE: {audience: ALL_STATES for audience in A},
    Obj.MEASURED: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.SNAPSHOT: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.REPORT: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.PUBLISHED: {audience: frozenset({S.PUBLISHED}) for audience in A},
    Obj.OVERVIEW: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.INBOX: {
        A.SUPERUSER: ALL_STATES,
        A.LEAD: ALL_STATES,
        A.APPRAISER: ALL_STATES,
        **dict.fromkeys(APPRAISERS, ALL_STATES),
    },
    Obj.APPRAISAL_ITEM: {**STAFF_READERS, A.COUNCIL: ALL_STATES, **dict.fromkeys(APPRAISERS, ALL_STATES)},
    Obj.REVIEW: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.WORKFLOW: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.EXPLAIN_PAGE: dict.fromkeys(AGENCY, _from(S.EXPLANATION)),
    Obj.SURVEY_LINKS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.SURVEY_VALUES: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.COMPUTE: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.PUBLISH: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.ACCOUNTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.ENTRY: {**STAFF_READERS, A.COUNCIL: ALL_STATES, **dict.fromkeys(AGENCY, ALL_STATES)},
    Obj.ENTRY_APPRAISAL: {
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
        **dict.fromkeys(AGENCY, ALL_STATES),
        A.APPRAISER: ALL_STATES,
        **dict.fromkeys(APPRAISERS, ALL_STATES),
    },
    Obj.INBOX_ITEM: {A.SUPERUSER: ALL_STATES, A.LEAD: ALL_STATES, **dict.fromkeys(APPRAISERS, ALL_STATES)},
    Obj.EVIDENCE_CHECK: STAGE_READ[Stage.SELF],
    Obj.EVIDENCE_SEARCH: {
        **STAFF_READERS,
        A.APPRAISER: ALL_STATES,
        **dict.fromkeys(APPRAISERS, ALL_STATES),
    },
    Obj.TRUSTED_ROOTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.RESULTS: {
        **{audience: frozenset({S.PUBLISHED}) for audience in A},
        **STAFF_READERS,
        A.COUNCIL: ALL_STATES,
    },
    Obj.API_CLIENTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.CRITERIA: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.PERIOD: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.WINDOWS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
}
OBJ_WRITE: dict[Obj, dict[Audience, frozenset]] = {
    # During the explanation round an appraised item takes added evidence (evidence_change_refusal).
    Obj.EVIDENCE: {A.FOCAL_POINT: frozenset({S.SELF_ASSESSMENT, S.EXPLANATION})},
    Obj.SUBMISSION: {A.FOCAL_POINT: frozenset({S.SELF_ASSESSMENT})},
    Obj.SIGN_OFF: {A.AGENCY_HEAD: OPEN_STATES},
    # Sent back while the self-assessment is open, so the focal point can still change it.
    Obj.RETURN: {A.AGENCY_HEAD: frozenset({S.SELF_ASSESSMENT})},
    Obj.REOPEN: {A.HOME_AFFAIRS: frozenset({S.SELF_ASSESSMENT}), A.SUPERUSER: frozenset({S.SELF_ASSESSMENT})},
    Obj.ASSIGNMENT: {A.SUPERUSER: OPEN_STATES, A.LEAD: OPEN_STATES},
    Obj.SURVEY: {A.SUPERUSER: OPEN_STATES, A.HOME_AFFAIRS: OPEN_STATES, A.SURVEY_OPERATOR: OPEN_STATES},
    Obj.SURVEY_ONLINE: {audience: OPEN_STATES for audience in A},
    Obj.MEASURED: {A.SUPERUSER: OPEN_STATES, A.HOME_AFFAIRS: OPEN_STATES},
    # A snapshot is computed, never typed: recomputing after a correction is allowed; publishing is the
    # workflow's (agencies.workflow).
    Obj.SNAPSHOT: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.REPORT: {**STAFF_READERS, A.COUNCIL: ALL_STATES},
    Obj.PUBLISHED: {},
    Obj.OVERVIEW: {},
    Obj.INBOX: {},
    Obj.APPRAISAL_ITEM: {},
    Obj.REVIEW: {},
    # Each transition's own source state and permission are declared on Period (django-fsm).
    Obj.WORKFLOW: {
        A.SUPERUSER: ALL_STATES,
        A.HOME_AFFAIRS: ALL_STATES,
        A.LEAD: ALL_STATES,
        A.COUNCIL: ALL_STATES,
    },
    Obj.EXPLAIN_PAGE: {},
    Obj.SURVEY_LINKS: {A.SUPERUSER: OPEN_STATES, A.HOME_AFFAIRS: OPEN_STATES},
    Obj.SURVEY_VALUES: {A.SUPERUSER: OPEN_STATES, A.HOME_AFFAIRS: OPEN_STATES},
    Obj.COMPUTE: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.PUBLISH: {A.SUPERUSER: FROZEN_STATES, A.HOME_AFFAIRS: FROZEN_STATES},
    Obj.ACCOUNTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.ENTRY: {},
    Obj.ENTRY_APPRAISAL: {},
    Obj.INBOX_ITEM: {},
    # Whoever may see a file may have it checked again: a check reads the file and writes no input.
    Obj.EVIDENCE_CHECK: STAGE_READ[Stage.SELF],
    Obj.EVIDENCE_SEARCH: {},
    Obj.TRUSTED_ROOTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    Obj.RESULTS: {},
    Obj.API_CLIENTS: {A.SUPERUSER: ALL_STATES, A.HOME_AFFAIRS: ALL_STATES},
    # Agencies score against the set from the self-assessment on (its opening freezes the sets): a set is
    # imported, replaced or edited (its nodes, its agencies not ranked) only while the period is a draft, so
    # every later figure is reproducible from the set as it stands.
    Obj.CRITERIA: {A.SUPERUSER: frozenset({S.DRAFT}), A.HOME_AFFAIRS: frozenset({S.DRAFT})},
    # Which agencies a period assesses (its dates) and what its ranks compare with (the previous period) are
    # settled before its self-assessment opens and makes the items.
    Obj.PERIOD: {A.SUPERUSER: frozenset({S.DRAFT}), A.HOME_AFFAIRS: frozenset({S.DRAFT})},
    # Windows and extensions open and close the rounds; approval closes the last one.
    Obj.WINDOWS: {A.SUPERUSER: OPEN_STATES, A.HOME_AFFAIRS: OPEN_STATES},
}

ROLE_AUDIENCE = {
    "home_affairs": A.HOME_AFFAIRS,
    "secretariat_lead": A.LEAD,
    "council": A.COUNCIL,
    "appraiser": A.APPRAISER,
    "focal_point": A.FOCAL_POINT,
    "agency_head": A.AGENCY_HEAD,
    "survey_operator": A.SURVEY_OPERATOR,
}

CLOSED = gettext_lazy("%(what)s cannot be changed while the period is in the state “%(state)s”.")
NOT_YOURS = gettext_lazy("You cannot change %(what)s.")
WHAT = {
    Stage.SELF: gettext_lazy("The self-assessment"),
    Stage.APPRAISED: gettext_lazy("The appraisal"),
    Stage.SECOND: gettext_lazy("The second appraisal"),
    Stage.EXPLANATION: gettext_lazy("The explanation"),
    Stage.REAPPRAISED: gettext_lazy("The re-appraisal"),
    Stage.CORRECTION: gettext_lazy("A correction"),
    Obj.EVIDENCE: gettext_lazy("The evidence"),
    Obj.SUBMISSION: gettext_lazy("The self-assessment"),
    Obj.SIGN_OFF: gettext_lazy("The sign-off"),
    Obj.RETURN: gettext_lazy("The self-assessment"),
    Obj.REOPEN: gettext_lazy("The self-assessment"),
    Obj.ASSIGNMENT: gettext_lazy("The appraisal assignments"),
    Obj.SURVEY: gettext_lazy("The survey"),
    Obj.SURVEY_ONLINE: gettext_lazy("The survey"),
    Obj.MEASURED: gettext_lazy("The measured data"),
    Obj.SNAPSHOT: gettext_lazy("The results"),
    Obj.REPORT: gettext_lazy("The reports"),
    Obj.PUBLISHED: gettext_lazy("The published results"),
    Obj.OVERVIEW: gettext_lazy("The overview"),
    Obj.ACCOUNTS: gettext_lazy("The agency accounts"),
    Obj.TRUSTED_ROOTS: gettext_lazy("The trusted root certificates"),
    Obj.API_CLIENTS: gettext_lazy("The API clients"),
    Obj.INBOX: gettext_lazy("The appraisal inbox"),
    Obj.APPRAISAL_ITEM: gettext_lazy("The appraisal"),
    Obj.REVIEW: gettext_lazy("The appraisal review"),
    Obj.WORKFLOW: gettext_lazy("The period's workflow"),
    Obj.EXPLAIN_PAGE: gettext_lazy("The explanation"),
    Obj.SURVEY_LINKS: gettext_lazy("The survey links"),
    Obj.SURVEY_VALUES: gettext_lazy("The survey values"),
    Obj.COMPUTE: gettext_lazy("The computation"),
    Obj.PUBLISH: gettext_lazy("The publication"),
    Obj.ENTRY: gettext_lazy("The self-assessment"),
    Obj.ENTRY_APPRAISAL: gettext_lazy("The appraisal"),
    Obj.INBOX_ITEM: gettext_lazy("The appraisal"),
    Obj.EVIDENCE_CHECK: gettext_lazy("The evidence checks"),
    Obj.EVIDENCE_SEARCH: gettext_lazy("The evidence search"),
    Obj.RESULTS: gettext_lazy("The results"),
    Obj.CRITERIA: gettext_lazy("The criteria sets"),
    Obj.PERIOD: gettext_lazy("The period's settings"),
    Obj.WINDOWS: gettext_lazy("The windows and extensions"),
}


def audience(user, *, agency_id: int | None = None, appraiser: str | None = None) -> Audience:
    """The user's audience for an object of `agency_id` (None: an object of no agency, where an agency
    user is met as their role).

    `appraiser` is "first"/"second"/None: how an appraiser relates to the item (the caller knows the
    assignments; see assessment.appraisal.appraiser_role).
    """
    if user is None or not user.is_authenticated:
        return A.ANONYMOUS
    if user.is_superuser:
        return A.SUPERUSER
    result = ROLE_AUDIENCE.get(user.role, A.OUTSIDER)
    if result in AGENCY and agency_id is not None and user.agency_id != agency_id:
        return A.OUTSIDER
    if result == A.APPRAISER:  # the lead keeps reading as the lead, even where assigned
        if appraiser == "first":
            return A.FIRST
        if appraiser == "second":
            return A.SECOND
    return result


def item_audience(user, item) -> Audience:
    """The user's audience for one assessment item (an appraiser's relation is per period)."""
    relation = None
    if user is not None and user.is_authenticated and not user.is_superuser and user.role == "appraiser":
        from assessment.appraisal import appraiser_role  # assessment builds on agencies

        relation = appraiser_role(user, item, item.node.criteria_set.period)
    return audience(user, agency_id=item.agency_id, appraiser=relation)


def may_self_assess(user, agency_id: int | None) -> bool:
    """Whether `user` speaks for agency `agency_id` in its assessment: scores its items, submits them,
    explains the appraisal and attaches its evidence. Only that agency's focal point (the role's group
    holds `assessment.self_assess`: accounts.roles); never a superuser, another agency's user or an object
    of no agency. No query. The period's state, windows and locks are asked separately (`write_refusal`,
    assessment.windows)."""
    return agency_id is not None and audience(user, agency_id=agency_id) == A.FOCAL_POINT


def may_sign_off(user, agency_id: int | None) -> bool:
    """Whether `user` signs off agency `agency_id`'s submitted self-assessment: its head (the role's group
    holds `assessment.sign_off_self_assessment`). No query."""
    return agency_id is not None and audience(user, agency_id=agency_id) == A.AGENCY_HEAD


def may_appraise(user, item) -> bool:
    """Whether `user` appraises `item`: an assignment of theirs in the item's period covers it, as first
    or second appraiser (the lead too, where assigned). Which round is open is `write_refusal`'s."""
    if user is None or not user.is_authenticated:
        return False
    from assessment.appraisal import appraiser_role  # assessment builds on agencies

    return appraiser_role(user, item, item.node.criteria_set.period) is not None


# History: the stage of each audited field, and of each recorded change (its change reason).
FIELD_STAGE = {
    "applicable": Stage.SELF,
    "not_applicable_reason": Stage.SELF,
    "self_input": Stage.SELF,
    "self_note": Stage.SELF,
    "appraised_input": Stage.APPRAISED,
    "appraisal_comment": Stage.APPRAISED,
    "evidence_insufficient": Stage.APPRAISED,
    "explanation": Stage.EXPLANATION,
    "reappraised_input": Stage.REAPPRAISED,
    "reappraisal_comment": Stage.REAPPRAISED,
    "correction_reason": Stage.CORRECTION,
}
REASON_STAGE = {
    "self-assessment": Stage.SELF,
    "appraisal": Stage.APPRAISED,
    "explanation": Stage.EXPLANATION,
    "re-appraisal": Stage.REAPPRAISED,
    "correction": Stage.CORRECTION,
}


def change_stage(reason: str | None) -> Stage | None:
    """The stage a history entry records, from its change reason ("correction: …" included)."""
    return REASON_STAGE.get((reason or "").split(":", 1)[0].strip())


def _table(kind, write: bool) -> dict[Audience, frozenset]:
    if isinstance(kind, Stage):
        return (STAGE_WRITE if write else STAGE_READ)[kind]
    return (OBJ_WRITE if write else OBJ_READ)[kind]


def may_read(who: Audience, kind: Stage | Obj, state: str) -> bool:
    # The lead reads every stage in every state (STAFF_READERS), so at least what a first appraiser reads.
    return state in _table(kind, False).get(who, frozenset())


def may_write(who: Audience, kind: Stage | Obj, state: str) -> bool:
    return state in _table(kind, True).get(who, frozenset())


def may_use(who: Audience, kind: Obj, *, write: bool = False) -> bool:
    """For objects of no period (agency accounts): whether the table gives `who` any state at all."""
    return bool(_table(kind, write).get(who))


def readable_states(who: Audience, kind: Stage | Obj) -> frozenset:
    """The period states in which `who` reads `kind` (a queryset filters periods by them)."""
    return frozenset(state for state in S if may_read(who, kind, state))


def write_refusal(who: Audience, kind: Stage | Obj, period: Period) -> str | None:
    """Why `who` may not write `kind` in the period's state now (None when the table allows it).

    Windows, locks and item statuses are the services' finer checks on top of this. Asked inside a
    write's transaction, it reads the period's state under a share lock (`_lock_state`).
    """
    _lock_state(period)
    if may_write(who, kind, period.state):
        return None
    if who not in _table(kind, True):
        return str(NOT_YOURS % {"what": str(WHAT[kind]).lower()})
    if refusal := period_inputs_refusal(period):
        return refusal
    return str(CLOSED % {"what": WHAT[kind], "state": period.get_state_display()})


AGENCY_SETTLED = gettext_lazy(
    "Which agencies %(period)s assesses, in which block and with which predecessors, is settled once its "
    "self-assessment opens (it is now “%(state)s”): this change would alter it."
)


def agency_change_refusal(
    who: Audience, agency: Agency, *, block_id: int | None, active_from, active_to, predecessor_ids
) -> str | None:
    """Why an agency (as stored; unsaved when new) may not get this block (None: deleted), these dates and
    these predecessors: they decide which agencies a period assesses, in which block, and what their ranks
    compare with, which is the period's setting (Obj.PERIOD). Refused when that would change for a period
    whose settings `who` may no longer write, so a recomputation of a closed round gives the same results.
    None when no such period is altered (a rename, or a period still a draft)."""
    stored = Agency.objects.filter(pk=agency.pk).first() if agency.pk else None
    stored_predecessors = set(stored.predecessors.values_list("pk", flat=True)) if stored else set()

    def assessed(period, blocks, block, starts, ends) -> bool:
        return (
            block in blocks
            and (starts is None or starts <= period.ends_on)
            and (ends is None or ends >= period.starts_on)
        )

    for period in Period.objects.exclude(state=S.DRAFT).prefetch_related("criteria_sets").order_by("year"):
        if may_write(who, Obj.PERIOD, period.state):
            continue
        blocks = {criteria_set.block_id for criteria_set in period.criteria_sets.all()}
        was = stored is not None and assessed(
            period, blocks, stored.block_id, stored.active_from, stored.active_to
        )
        will = assessed(period, blocks, block_id, active_from, active_to)
        if was != will or (
            was and (stored.block_id != block_id or stored_predecessors != set(predecessor_ids))
        ):
            return str(AGENCY_SETTLED % {"period": period.name, "state": period.get_state_display()})
    return None


# The class id of the advisory locks on a period's state (ASCII "PIDX"); the object id is the period's.
PERIOD_STATE_LOCK = 0x50494458


def _in_a_write(connection) -> bool:
    """Whether the connection is inside a transaction of the code (a test case's own wrapping
    transactions do not count: `_from_testcase`, as Django's on_commit does)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _lock_state(period: Period) -> None:
    """Inside a write's transaction (PostgreSQL), takes the period's state lock shared until the write
    commits, then re-reads the state. A step of the workflow takes it exclusively (`hold_state`), so it
    waits for the writes already allowed, and a write asked during the step waits for it and sees the new
    state: no change lands in a round that has just closed. An advisory lock, not a row lock: every save
    of the province shares it, and sharing a row lock writes to the row each time. Outside a transaction
    (a page deciding what to show) the state as loaded is enough."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or period.pk is None or not _in_a_write(connection):
        return  # SQLite, the embedded default, is for a demonstration: the guarantee is PostgreSQL's
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [PERIOD_STATE_LOCK, period.pk])
        # its own statement: a statement's snapshot is taken before its locks are granted
        cursor.execute(f'SELECT "state" FROM "{Period._meta.db_table}" WHERE "id" = %s', [period.pk])
        row = cursor.fetchone()
    if row is not None:
        period.state = row[0]


def state_for_write(period: Period) -> str:
    """The period's state as a write must judge it: under the state lock inside a write's transaction
    (`_lock_state`), for services that ask `may_write` with their own message."""
    _lock_state(period)
    return period.state


def hold_state(period: Period) -> None:
    """For a step of the workflow, inside its transaction and after it has locked the period's row: waits
    for the writes that were allowed in the old state and holds off new ones until the step commits."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or period.pk is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PERIOD_STATE_LOCK, period.pk])


def visible_stages(who: Audience, state: str) -> frozenset[Stage]:
    """The item stages `who` may read in `state` (history entries and API fields are filtered by it)."""
    return frozenset(stage for stage in Stage if may_read(who, stage, state))


# An item's status (assessment.models.ItemStatus), in workflow order, with the stage whose write sets it: a
# status tells that its stage was written, so it is shown only to who reads that stage. Anyone else reads
# the latest earlier status whose stage they read (a blind second appraiser reads an appraised item as
# submitted, as every item the first appraiser has not reached yet).
STATUS_STAGE: tuple[tuple[str, Stage], ...] = (
    ("not_started", Stage.SELF),
    ("self_scored", Stage.SELF),
    ("submitted", Stage.SELF),
    ("appraised", Stage.APPRAISED),
    ("disputed", Stage.EXPLANATION),
    ("reappraised", Stage.REAPPRAISED),
)


def status_as_read(status: str, stages: frozenset) -> str:
    """The status an item with `status` shows a reader of `stages` (`visible_stages`)."""
    order = [value for value, _stage in STATUS_STAGE]
    if status not in order:
        return status
    for value, stage in reversed(STATUS_STAGE[: order.index(status) + 1]):
        if stage in stages:
            return value
    return STATUS_STAGE[0][0]


def status_for(who: Audience, status: str, state: str) -> str:
    """The status an item with `status` shows `who` in the period state `state`."""
    return status_as_read(status, visible_stages(who, state))


# --- optimistic locking: which version of an item a reader is shown ------------------------------
# A save names the version it read and is refused as stale when another save moved it. Every stage's write
# moves the item's own `version` but the blind second appraisal's, which moves its own
# (assessment.models.SecondAppraisal.version): its writer saves in the same round as the first appraiser,
# whose writes they may not read, so a shared counter would tell them of each one and refuse their save.


class VersionOf(StrEnum):
    ITEM = "item"  # AssessmentItem.version
    SECOND = "second"  # SecondAppraisal.version, 0 before its first save


ITEM_VERSION_STAGES = frozenset(Stage) - {Stage.SECOND}


def _written_by(stage: Stage, state: str) -> bool:
    """Whether a write of `stage` may have happened by `state`: the table lets someone write it in `state`
    or in an earlier state of the workflow (a return to the secretariat goes back to an earlier state)."""
    order = list(S)
    reached = order[: order.index(state) + 1]
    return any(writable & frozenset(reached) for writable in STAGE_WRITE[stage].values())


def version_read(who: Audience, state: str, *, second_writer: bool = False) -> VersionOf | None:
    """The version of an item `who` reads in `state`, the one their save of it names: their second
    appraisal's when their saves of the item are the second appraisal (`second_writer`: the lead too
    where assigned second only, assessment.appraisal.appraiser_role); else the item's, unless a stage they
    may not read may have moved it by now (then None: no version, as the agency during the appraisal; the
    item is not theirs to write meanwhile)."""
    if who == A.SECOND or second_writer:
        return VersionOf.SECOND
    for stage in ITEM_VERSION_STAGES:
        if not may_read(who, stage, state) and _written_by(stage, state):
            return None
    return VersionOf.ITEM


def statuses_read_as(shown: str, stages: frozenset) -> list[str]:
    """The stored statuses a reader of `stages` reads as `shown` (a filter by the status they see)."""
    return [value for value, _stage in STATUS_STAGE if status_as_read(value, stages) == shown]


def period_inputs_frozen(period: Period) -> bool:
    return period.state in FROZEN_STATES


def period_inputs_refusal(period: Period) -> str | None:
    """Why no input of the period may change now (None while it may). Asked inside a write's transaction,
    it reads the period's state under the state lock (`_lock_state`), as `write_refusal` does: a survey
    entry, import or aggregation begun while the council approves waits for it and is refused."""
    _lock_state(period)
    if period_inputs_frozen(period):
        return _("The results of %(period)s are approved: its inputs can no longer change.") % {
            "period": period.name
        }
    return None


# --- the URL map: every named URL → what a GET reads and what a POST writes ---------------------
# tests/agencies/test_policy_urls.py walks every URL of the project against this registry; a URL
# without an entry fails it.

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in user (the page shows only what the user may see)
SUPERUSER_ONLY = "superuser"  # the Django admin


@dataclass(frozen=True)
class Access:
    read: Stage | Obj | str
    writes: tuple = ()  # item stages or objects a POST/PATCH may write (any one allowing it)
    agency: bool = False  # an object of one agency: what is hidden is a 404
    get: bool = True  # False: the URL takes only POST (or PATCH)
    method: str = "post"


SELF_READ = Access(Stage.SELF, agency=True)
ITEM_WRITES = (Stage.APPRAISED, Stage.SECOND, Stage.REAPPRAISED)
URLS: dict[str, Access] = {
    "admin:index": Access(SUPERUSER_ONLY),
    "set_language": Access(PUBLIC, (PUBLIC,), get=False),
    "login": Access(PUBLIC),
    "logout": Access(PUBLIC, (PUBLIC,), get=False),
    "password_reset": Access(PUBLIC),
    "password_reset_done": Access(PUBLIC),
    "password_reset_confirm": Access(PUBLIC),
    "password_reset_complete": Access(PUBLIC),
    "api-schema": Access(SIGNED_IN),  # the API's map is not public (SPECTACULAR_SETTINGS)
    "home": Access(SIGNED_IN),
    "results_index": Access(Obj.SNAPSHOT),
    "period": Access(Obj.WORKFLOW),  # one period's workflow as a timeline (web.views.period)
    "period_current": Access(Obj.WORKFLOW),  # redirects to the period under way
    "assessment-api:item-list": Access(SIGNED_IN),
    "assessment-api:item-detail": Access(Stage.SELF, (Stage.SELF,), agency=True, method="patch"),
    "assessment-api:appraisal-item-list": Access(SIGNED_IN),  # only the user's items
    "assessment-api:appraisal-item-detail": Access(Obj.INBOX_ITEM, ITEM_WRITES, agency=True, method="patch"),
    "evidence-api:file-list": Access(SIGNED_IN, (Obj.EVIDENCE,), agency=True),
    "evidence-api:file-detail": Access(Obj.EVIDENCE, agency=True),
    "surveys-api:responses-import": Access(Obj.SURVEY, (Obj.SURVEY,), get=False),
    "surveys-api:import-status": Access(Obj.SURVEY),
    "surveys-api:values": Access(Obj.SURVEY),
    "surveys-api:sipas": Access(Obj.SURVEY),
    "assessment:index": Access(Obj.ENTRY),
    "assessment:overview": Access(Obj.OVERVIEW),
    "assessment:overview_xlsx": Access(Obj.OVERVIEW),
    "assessment:page": SELF_READ,
    "assessment:item_save": Access(Stage.SELF, (Stage.SELF,), agency=True, get=False),
    "assessment:item_row": SELF_READ,
    "assessment:item_history": SELF_READ,
    "assessment:progress": SELF_READ,
    "assessment:submit": Access(Stage.SELF, (Obj.SUBMISSION,), agency=True, get=False),
    "assessment:sign_off": Access(Stage.SELF, (Obj.SIGN_OFF,), agency=True, get=False),
    "assessment:send_back": Access(Stage.SELF, (Obj.RETURN,), agency=True, get=False),
    "assessment:reopen": Access(Stage.SELF, (Obj.REOPEN,), agency=True, get=False),
    "appraisal:index": Access(Obj.ENTRY_APPRAISAL),
    "appraisal:notifications": Access(SIGNED_IN, (SIGNED_IN,)),
    "appraisal:inbox": Access(Obj.INBOX),
    "appraisal:item": Access(Obj.APPRAISAL_ITEM, ITEM_WRITES, agency=True),
    "appraisal:correct": Access(Obj.APPRAISAL_ITEM, (Stage.CORRECTION,), agency=True, get=False),
    "appraisal:assignments": Access(Obj.ASSIGNMENT, (Obj.ASSIGNMENT,)),
    "appraisal:review": Access(Obj.REVIEW),
    "appraisal:transition": Access(Obj.WORKFLOW, (Obj.WORKFLOW,), get=False),
    "appraisal:explain": Access(Obj.EXPLAIN_PAGE, (Stage.EXPLANATION,)),  # the user's own agency
    "surveys:index": Access(Obj.SURVEY),
    "surveys:questionnaire": Access(Obj.SURVEY, (Obj.SURVEY,)),
    "surveys:template": Access(Obj.SURVEY),
    "surveys:batch": Access(Obj.SURVEY),
    "surveys:entry": Access(Obj.SURVEY, (Obj.SURVEY,)),
    "surveys:second_entry": Access(Obj.SURVEY, (Obj.SURVEY,)),
    "surveys:mismatches": Access(Obj.SURVEY),
    "surveys:correct": Access(Obj.SURVEY, (Obj.SURVEY,)),  # a first entry corrected from the paper form
    "surveys:online": Access(Obj.SURVEY_LINKS, (Obj.SURVEY_LINKS,)),
    "surveys:online_csv": Access(Obj.SURVEY_LINKS),
    "surveys:printed": Access(Obj.SURVEY_LINKS, (Obj.SURVEY_LINKS,)),
    "surveys:refresh": Access(Obj.SURVEY_VALUES, (Obj.SURVEY_VALUES,), get=False),
    "surveys:answer": Access(PUBLIC, (Obj.SURVEY_ONLINE,)),
    "evidence:download": Access(Obj.EVIDENCE, agency=True),
    "evidence:item_files": Access(Obj.EVIDENCE, agency=True),
    "evidence:upload": Access(Obj.EVIDENCE, (Obj.EVIDENCE,), agency=True, get=False),
    "evidence:link": Access(Obj.EVIDENCE, (Obj.EVIDENCE,), agency=True, get=False),
    "evidence:unlink": Access(Obj.EVIDENCE, (Obj.EVIDENCE,), agency=True, get=False),
    "evidence:check_retry": Access(Obj.EVIDENCE, (Obj.EVIDENCE_CHECK,), agency=True, get=False),
    "evidence:search": Access(Obj.EVIDENCE_SEARCH),
    "evidence:trusted_roots": Access(Obj.TRUSTED_ROOTS, (Obj.TRUSTED_ROOTS,)),
    "accounts:import": Access(Obj.ACCOUNTS, (Obj.ACCOUNTS,)),
    "accounts:template": Access(Obj.ACCOUNTS),
    "accounts:list": Access(Obj.ACCOUNTS),
    "accounts:change": Access(Obj.ACCOUNTS, (Obj.ACCOUNTS,)),
    "accounts:import_job": Access(Obj.ACCOUNTS),
    "accounts:import_status": Access(Obj.ACCOUNTS),
    "measures:page": Access(Obj.MEASURED),
    "measures:template": Access(Obj.MEASURED),
    "measures:preview": Access(Obj.MEASURED),
    "measures:upload": Access(Obj.MEASURED, (Obj.MEASURED,), get=False),
    "measures:confirm": Access(Obj.MEASURED, (Obj.MEASURED,), get=False),
    "measures:discard": Access(Obj.MEASURED, (Obj.MEASURED,), get=False),
    "public:index": Access(PUBLIC),
    "public:language": Access(PUBLIC),
    "public:dictionary": Access(PUBLIC),
    "public:ranking": Access(Obj.PUBLISHED),
    "public:block": Access(Obj.PUBLISHED),
    "public:agency": Access(Obj.PUBLISHED),
    "public:data": Access(Obj.PUBLISHED),
    "public:download": Access(Obj.PUBLISHED),
    "public:method": Access(Obj.PUBLISHED),
    "reports:index": Access(Obj.REPORT),
    "reports:bundle_status": Access(Obj.REPORT),
    "reports:bundle_download": Access(Obj.REPORT),
    "reports:snapshot": Access(Obj.REPORT),
    "reports:bundle_start": Access(Obj.REPORT, (Obj.REPORT,), get=False),
    "reports:workbook": Access(Obj.REPORT),
    "reports:draft_report": Access(Obj.REPORT),
    "reports:table": Access(Obj.REPORT),
    "reports:table_download": Access(Obj.REPORT),
    "results:ranking": Access(Obj.SNAPSHOT),
    "results:agency": Access(Obj.SNAPSHOT),
    "results:compare": Access(Obj.SNAPSHOT),
    "results:compute": Access(Obj.COMPUTE, (Obj.COMPUTE,)),
    "results:job": Access(Obj.COMPUTE),
    "results:publish": Access(Obj.PUBLISH, (Obj.PUBLISH,)),
    "measures:status": Access(Obj.MEASURED),  # a file's check, polled while its job runs
    # The read API (api/): lists are filtered by the same tables; a hidden object is a 404.
    "api-v1:periods": Access(PUBLIC),
    "api-v1:period": Access(Obj.RESULTS),
    "api-v1:blocks": Access(PUBLIC),
    "api-v1:block": Access(PUBLIC),
    "api-v1:block-ranking": Access(Obj.PUBLISHED),  # the latest published ranking, for everyone
    "api-v1:agencies": Access(PUBLIC),
    "api-v1:agency": Access(PUBLIC),
    "api-v1:criteria-sets": Access(PUBLIC),
    "api-v1:criteria-set": Access(Obj.RESULTS),
    "api-v1:snapshots": Access(PUBLIC),
    "api-v1:snapshot": Access(Obj.RESULTS),
    "api-v1:snapshot-results": Access(Obj.RESULTS),
    "api-v1:publications": Access(PUBLIC),
    "api-v1:compute-jobs": Access(Obj.COMPUTE),
    "api-v1:compute-job": Access(Obj.COMPUTE),
    # Every other kind of job (api.jobs.KINDS), read where its pages are read.
    "api-v1:survey-imports-jobs": Access(Obj.SURVEY),
    "api-v1:survey-imports-job": Access(Obj.SURVEY),
    "api-v1:account-imports-jobs": Access(Obj.ACCOUNTS),
    "api-v1:account-imports-job": Access(Obj.ACCOUNTS),
    "api-v1:measure-imports-jobs": Access(Obj.MEASURED),
    "api-v1:measure-imports-job": Access(Obj.MEASURED),
    "api-v1:report-bundles-jobs": Access(Obj.REPORT),
    "api-v1:report-bundles-job": Access(Obj.REPORT),
    "api-v1:evidence-checks-jobs": Access(Obj.EVIDENCE_CHECK),
    "api-v1:evidence-checks-job": Access(Obj.EVIDENCE_CHECK, agency=True),
    "api-v1:printed-forms-jobs": Access(Obj.SURVEY_LINKS),
    "api-v1:printed-forms-job": Access(Obj.SURVEY_LINKS),
    # The API's writes (api.writes): a signed-in session only, through the pages' services.
    "api-v1:period-compute": Access(Obj.COMPUTE, (Obj.COMPUTE,), get=False),
    "api-v1:snapshot-publish": Access(Obj.PUBLISH, (Obj.PUBLISH,), get=False),
    "api-v1:period-measures": Access(Obj.MEASURED, (Obj.MEASURED,), get=False),
    "api-v1:period-measures-store": Access(Obj.MEASURED, (Obj.MEASURED,), get=False),
    "api-v1:criteria-set-import": Access(Obj.CRITERIA, (Obj.CRITERIA,), get=False),
    "api-v1:schema": Access(SIGNED_IN),
    "api-v1:docs": Access(SIGNED_IN),
    "api-clients:list": Access(Obj.API_CLIENTS, (Obj.API_CLIENTS,)),
}


class Outcome(StrEnum):
    ALLOW = "allow"  # 200, or a redirect inside the site
    HIDE = "hide"  # 404 (403 for a page of a role, no object's existence told)
    LOGIN = "login"  # the sign-in page (an API: 401/403)
    REFUSE = "refuse"  # readable, but this write is refused with a message


# A survey operator reaches the survey pages and the sign-in pages only (surveys.middleware's fence
# answers 403 elsewhere, whatever the object).
OPERATOR_URLS = frozenset(
    {"login", "logout", "set_language", "home", "password_reset", "password_reset_done",
     "password_reset_confirm", "password_reset_complete"}
)  # fmt: skip


# Of the API under /api/v1/, what the survey pages show besides the surveys API: their import jobs.
OPERATOR_API_URLS = frozenset({"api-v1:survey-imports-jobs", "api-v1:survey-imports-job"})


def operator_may_open(name: str) -> bool:
    return name in OPERATOR_URLS or name in OPERATOR_API_URLS or name.startswith(("surveys:", "surveys-api:"))


def url_outcome(name: str, who: Audience, state: str, *, write: bool = False) -> Outcome:
    """What the policy answers for `who` on the URL named `name` in `state`: reading it (GET), or
    writing (POST)."""
    access = URLS[name]
    if who == A.SURVEY_OPERATOR and not operator_may_open(name):
        return Outcome.HIDE
    if access.read == PUBLIC:
        readable = True
    elif who == A.ANONYMOUS and access.read not in (Obj.PUBLISHED, Obj.RESULTS):
        return Outcome.LOGIN
    elif access.read == SIGNED_IN:
        readable = True
    elif access.read == SUPERUSER_ONLY:
        return Outcome.ALLOW if who == A.SUPERUSER else Outcome.LOGIN
    else:
        readable = may_read(who, access.read, state)
    if not readable:
        return Outcome.HIDE
    if not write:
        return Outcome.ALLOW
    allowed = any(kind in (PUBLIC, SIGNED_IN) or may_write(who, kind, state) for kind in access.writes)
    return Outcome.ALLOW if allowed else Outcome.REFUSE
