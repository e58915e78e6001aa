"""Writes for surveys: forms typed by hand (and their blind second entry), online answers through
one-time links, and the period's responses turned into the survey values the scoring engine reads."""

from __future__ import annotations

import math
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policy
from agencies.models import Period
from agencies.policy import period_inputs_refusal

from .models import (
    Answer,
    AnswerOption,
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    ResponseCorrection,
    ResponseSource,
    SamplePlan,
    SecondEntry,
    SurveyAggregation,
    SurveyToken,
    SurveyValue,
    SurveyValueSource,
)
from .printing import form_serial, token_for_serial
from .selectors import survey_leaf_values

UPSERT_BATCH = 5000
AGGREGATION_NOT_YOURS = _("Only Home Affairs aggregates the survey values.")


def survey_inputs_check(period: Period) -> None:
    """Approval freezes the survey inputs of the period (agencies.policy): raises ValidationError."""
    if refusal := period_inputs_refusal(period):
        raise ValidationError(refusal, code="frozen")


@transaction.atomic
def survey_values_refresh(*, period: Period, acting_user=None) -> int:
    """Writes the aggregated value (selectors.combine_group_means) of every agency × survey leaf of the
    period that has valid answers, and returns how many were written.

    `acting_user` asks the policy (SURVEY_VALUES: Home Affairs while the period's inputs are open); None
    is the system (the command, the sample), held only by approval's freeze. Each run is recorded
    (SurveyAggregation: who, when, how many written and removed).

    Values entered by hand or imported are overrides and are kept; an aggregated value of a leaf the
    questionnaires score whose answers are gone is deleted. A fixed number of queries: two to aggregate,
    one to find overrides, one upsert per 5,000 values and one delete.
    """
    who = policy.audience(acting_user) if acting_user is not None else None
    if who is None:
        survey_inputs_check(period)
    elif not policy.may_use(who, policy.Obj.SURVEY_VALUES, write=True):
        raise ValidationError(AGGREGATION_NOT_YOURS, code="not_yours")
    elif refusal := policy.write_refusal(who, policy.Obj.SURVEY_VALUES, period):
        raise ValidationError(refusal, code="frozen")
    started = timezone.now()
    values = survey_leaf_values(period=period)
    overrides = set(
        SurveyValue.objects.filter(node__criteria_set__period=period)
        .exclude(source=SurveyValueSource.AGGREGATED)
        .values_list("agency_id", "node_id")
    )
    rows = [
        SurveyValue(
            agency_id=leaf.agency_id,
            node_id=leaf.node_id,
            value=leaf.value,
            respondents=leaf.respondents,
            source=SurveyValueSource.AGGREGATED,
        )
        for key, leaf in sorted(values.items())
        if key not in overrides
    ]
    SurveyValue.objects.bulk_create(
        rows,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["agency", "node"],
        update_fields=["value", "respondents", "source", "updated_at"],
    )
    # Every row written above has updated_at ≥ started; an older aggregated value of a leaf the period's
    # questionnaires score has lost its answers. Leaves no question scores are not the responses' to clear.
    removed, _by_model = SurveyValue.objects.filter(
        node__in=Question.objects.filter(questionnaire__period=period, node__isnull=False).values("node_id"),
        source=SurveyValueSource.AGGREGATED,
        updated_at__lt=started,
    ).delete()
    SurveyAggregation.objects.create(period=period, by=acting_user, written=len(rows), removed=removed)
    return len(rows)


def sample_size(transactions: int, error: Decimal = Decimal("0.05")) -> int:
    """The planned count the national satisfaction survey proposes: n = N ÷ (1 + N·e²), rounded up
    (domain.md §5), N the number of transactions of the service in the period, e the allowed error."""
    if transactions <= 0:
        return 0
    n = Decimal(transactions) / (1 + Decimal(transactions) * error * error)
    return math.ceil(n)


# --- hand entry of paper forms ------------------------------------------------------------------------

SERIAL_MISSING = _("Type the serial number printed on the form.")
SERIAL_TOO_LONG = _("A serial number has at most 40 characters.")
SERIAL_OTHER_RESPONDENT = _(
    "Serial %(serial)s was printed for %(group)s of %(agency)s: check the serial, the group and the agency."
)
SERIAL_TAKEN = _("Serial %(serial)s has already been entered for this questionnaire.")
SERIAL_NOT_ENTERED = _("Serial %(serial)s has not been entered yet: enter it first, then check it.")
SERIAL_CHECKED = _("Serial %(serial)s has already been entered a second time.")
SAME_OPERATOR = _("Serial %(serial)s was entered by you: the second entry must be typed by another operator.")
NOT_AN_OPTION = _("%(value)s is not an answer option of question %(number)s (options: %(options)s).")
NO_ANSWER = _("Type at least one answer.")
GROUP_FOREIGN = _("The respondent group is not one of this questionnaire.")
AGENCY_FOREIGN = _("%(agency)s is not assessed by this questionnaire in this period.")


def _entry_check(
    *, questionnaire: Questionnaire, serial: str, group: RespondentGroup, agency, answers: dict[int, str]
) -> tuple[dict[str, list[ValidationError]], list[tuple[int, int]]]:
    """Problems by form field (serial, group, agency, q<question id>) and the (question id, option id)
    pairs of the answers typed: two queries."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message, **params):
        errors.setdefault(field, []).append(ValidationError(message, params=params or None))

    serial = serial.strip()
    if not serial:
        add("serial", SERIAL_MISSING)
    elif len(serial) > 40:
        add("serial", SERIAL_TOO_LONG)
    if group.questionnaire_id != questionnaire.pk:
        add("group", GROUP_FOREIGN)
    if (
        agency.block_id != questionnaire.block_id
        or not questionnaire.period.agencies().filter(pk=agency.pk).exists()
    ):
        add("agency", AGENCY_FOREIGN, agency=agency.name)
    keys: dict[int, dict[str, int]] = {}
    numbers: dict[int, str] = {}
    for option_id, question_id, number, key in AnswerOption.objects.filter(
        question__questionnaire=questionnaire
    ).values_list("id", "question_id", "question__number", "key"):
        keys.setdefault(question_id, {})[key] = option_id
        numbers[question_id] = number
    chosen = []
    for question_id, key in answers.items():
        key = key.strip()
        if not key:
            continue
        option_id = keys.get(question_id, {}).get(key)
        if option_id is None:
            add(
                f"q{question_id}",
                NOT_AN_OPTION,
                value=key,
                number=numbers.get(question_id, "?"),
                options=", ".join(keys.get(question_id, {})),
            )
        else:
            chosen.append((question_id, option_id))
    if not chosen and not any(field.startswith("q") for field in errors):
        add("__all__", NO_ANSWER)
    return errors, chosen


@transaction.atomic
def response_enter(
    *,
    questionnaire: Questionnaire,
    serial: str,
    group: RespondentGroup,
    agency,
    answers: dict[int, str],
    acting_user,
) -> Response:
    """Stores one paper form typed by an operator (source "entered"): refused whole, with every problem
    by field, when the serial is already stored or an answer is not one of the question's options."""
    survey_inputs_check(questionnaire.period)
    errors, chosen = _entry_check(
        questionnaire=questionnaire, serial=serial, group=group, agency=agency, answers=answers
    )
    serial = serial.strip()
    # A printed form's serial names its one-time link: stored as printed, and the link is used up.
    link = token_for_serial(questionnaire, serial)
    if link is not None:
        serial = form_serial(link)
        if None not in (group, agency) and (link.group_id, link.agency_id) != (group.pk, agency.pk):
            errors.setdefault("serial", []).append(
                ValidationError(
                    SERIAL_OTHER_RESPONDENT,
                    params={"serial": serial, "group": link.group.name, "agency": link.agency.name},
                )
            )
    if (
        "serial" not in errors
        and Response.objects.filter(questionnaire=questionnaire, serial=serial).exists()
    ):
        errors.setdefault("serial", []).append(ValidationError(SERIAL_TAKEN, params={"serial": serial}))
    if errors:
        raise ValidationError(errors)
    response = Response(
        questionnaire=questionnaire,
        serial=serial,
        group=group,
        agency=agency,
        source=ResponseSource.ENTERED,
        entered_by=acting_user,
    )
    response.full_clean(exclude=["questionnaire", "group", "agency", "entered_by", "import_batch"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # typed at the same moment by another operator
        raise ValidationError({"serial": ValidationError(SERIAL_TAKEN, params={"serial": serial})}) from None
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, option_id=option_id)
        for question_id, option_id in chosen
    )
    if link is not None and link.used_at is None:
        link.used_at, link.response = timezone.now(), response
        link.save(update_fields=["used_at", "response"])
    return response


@transaction.atomic
def second_entry_record(
    *,
    questionnaire: Questionnaire,
    serial: str,
    group: RespondentGroup,
    agency,
    answers: dict[int, str],
    acting_user,
) -> SecondEntry:
    """Stores a blind second typing of a form already entered, by another operator. It is only compared
    with the first (selectors.second_entry_mismatches); the response counts once."""
    survey_inputs_check(questionnaire.period)
    errors, chosen = _entry_check(
        questionnaire=questionnaire, serial=serial, group=group, agency=agency, answers=answers
    )
    serial = serial.strip()
    if "serial" not in errors:
        first = Response.objects.filter(questionnaire=questionnaire, serial=serial).first()
        if first is None:
            errors["serial"] = [ValidationError(SERIAL_NOT_ENTERED, params={"serial": serial})]
        elif SecondEntry.objects.filter(questionnaire=questionnaire, serial=serial).exists():
            errors["serial"] = [ValidationError(SERIAL_CHECKED, params={"serial": serial})]
        elif first.entered_by_id is not None and first.entered_by_id == getattr(acting_user, "pk", None):
            errors["serial"] = [ValidationError(SAME_OPERATOR, params={"serial": serial})]
    if errors:
        raise ValidationError(errors)
    numbers = dict(questionnaire.questions.values_list("id", "number"))
    keys = dict(AnswerOption.objects.filter(pk__in=[o for _, o in chosen]).values_list("id", "key"))
    try:
        with transaction.atomic():
            return SecondEntry.objects.create(
                questionnaire=questionnaire,
                serial=serial,
                group=group,
                agency=agency,
                answers={numbers[question_id]: keys[option_id] for question_id, option_id in chosen},
                entered_by=acting_user,
            )
    except IntegrityError:
        raise ValidationError(
            {"serial": ValidationError(SERIAL_CHECKED, params={"serial": serial})}
        ) from None


REASON_MISSING = _("Say why the first entry is corrected (e.g. checked against the paper form).")


def _typed(response: Response) -> dict:
    """The form as stored: group and agency codes, question number → option key."""
    return {
        "group": response.group.code,
        "agency": response.agency.code,
        "answers": dict(
            Answer.objects.filter(response=response)
            .order_by("question__position", "question_id")
            .values_list("question__number", "option__key")
        ),
    }


@transaction.atomic
def response_correct(
    *,
    questionnaire: Questionnaire,
    serial: str,
    group: RespondentGroup,
    agency,
    answers: dict[int, str],
    reason: str,
    acting_user,
) -> Response:
    """Corrects the first entry of a form from its paper copy (the mismatch report shows where the two
    typings differ): group, agency and every answer replaced at once, with the reason and the form before
    and after kept in a ResponseCorrection. The policy's survey entry rule applies (closed after approval)."""
    survey_inputs_check(questionnaire.period)
    if acting_user is not None:
        period = Period.objects.get(pk=questionnaire.period_id)
        if refusal := policy.write_refusal(policy.audience(acting_user), policy.Obj.SURVEY, period):
            raise ValidationError(refusal, code="refused")
    errors, chosen = _entry_check(
        questionnaire=questionnaire, serial=serial, group=group, agency=agency, answers=answers
    )
    serial = serial.strip()
    response = (
        Response.objects.select_for_update()
        .select_related("group", "agency")
        .filter(questionnaire=questionnaire, serial=serial)
        .first()
    )
    if response is None and "serial" not in errors:
        errors["serial"] = [ValidationError(SERIAL_NOT_ENTERED, params={"serial": serial})]
    if not reason.strip():
        errors["reason"] = [ValidationError(REASON_MISSING)]
    if errors:
        raise ValidationError(errors)
    before = _typed(response)
    response.group, response.agency = group, agency
    response.save(update_fields=["group", "agency"])
    Answer.objects.filter(response=response).delete()
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, option_id=option_id)
        for question_id, option_id in chosen
    )
    ResponseCorrection.objects.create(
        response=response,
        corrected_by=acting_user,
        reason=reason.strip(),
        before=before,
        after=_typed(response),
    )
    return response


# --- online survey --------------------------------------------------------------------------------

TOKEN_USED = _("This link has already been used: the answers were received. Thank you.")


@transaction.atomic
def tokens_generate(*, questionnaire: Questionnaire, acting_user=None) -> int:
    """One link per planned respondent of the sample plan: tops up each agency × group to its planned
    count (links already made are kept) and returns how many were made. Tokens are 128-bit random.
    Refused (ValidationError) to a person where the policy closes the links (Obj.SURVEY_LINKS: after
    approval), asked in the links' own transaction so that an approval being taken is waited for; None is
    the operator at the server (commands, the sample loader, tests)."""
    if acting_user is not None:
        period = Period.objects.get(pk=questionnaire.period_id)
        if refusal := policy.write_refusal(policy.audience(acting_user), policy.Obj.SURVEY_LINKS, period):
            raise ValidationError(refusal, code="frozen")
    made = {
        (row["agency_id"], row["group_id"]): row["count"]
        for row in SurveyToken.objects.filter(questionnaire=questionnaire)
        .values("agency_id", "group_id")
        .annotate(count=Count("id"))
        .order_by()
    }
    tokens = [
        SurveyToken(
            token=secrets.token_urlsafe(16),
            questionnaire=questionnaire,
            group_id=plan.group_id,
            agency_id=plan.agency_id,
        )
        for plan in SamplePlan.objects.filter(questionnaire=questionnaire).order_by("id")
        for _ in range(max(plan.planned - made.get((plan.agency_id, plan.group_id), 0), 0))
    ]
    SurveyToken.objects.bulk_create(tokens, batch_size=UPSERT_BATCH)
    return len(tokens)


class TokenUsed(Exception):
    """The link's one response has been received already."""


@transaction.atomic
def online_response_store(*, token: str, answers: dict[int, str]) -> Response:
    """Stores the response sent through a one-time link (source "online") and uses the link up; a used
    link raises TokenUsed, an answer outside the options ValidationError (nothing stored)."""
    link = (
        SurveyToken.objects.select_for_update()
        .select_related("questionnaire__period", "group", "agency")
        .get(token=token)
    )
    if link.used_at is not None:
        raise TokenUsed(token)
    survey_inputs_check(link.questionnaire.period)
    serial = form_serial(link)
    # The printed form of this link was typed in already: one respondent, one response.
    if Response.objects.filter(questionnaire=link.questionnaire, serial=serial).exists():
        raise TokenUsed(token)
    errors, chosen = _entry_check(
        questionnaire=link.questionnaire, serial=serial, group=link.group, agency=link.agency, answers=answers
    )
    if errors:
        raise ValidationError(errors)
    response = Response.objects.create(
        questionnaire=link.questionnaire,
        serial=serial,
        group=link.group,
        agency=link.agency,
        source=ResponseSource.ONLINE,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=question_id, option_id=option_id)
        for question_id, option_id in chosen
    )
    link.used_at = timezone.now()
    link.response = response
    link.save(update_fields=["used_at", "response"])
    return response
