"""Reads for surveys: per-group means, survey leaf values, SIPAS satisfaction, sample progress, the entry
form's questions, the second-entry mismatch report and the online links made.

Answers are aggregated in the database (GROUP BY through the ORM); Python only combines the few
per-group aggregates, so the work in Python grows with agencies × leaves × groups, never with answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils.translation import gettext

from agencies.models import Agency, Period
from parindex.history import Entry, value_text, who_text

from .models import (
    Answer,
    AnswerOption,
    GroupWeight,
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    ResponseCorrection,
    SamplePlan,
    SecondEntry,
    SurveyToken,
    SurveyValue,
    SurveyValueSource,
    stored_value,
)

HUNDRED = Decimal(100)
PERCENT = Decimal("0.01")

# The score of one valid answer: the option's coefficient, or for a SIPAS question 1 when the option
# counts as satisfied (satisfied / very satisfied) and 0 otherwise, so a leaf scored by SIPAS questions
# gets max × satisfaction share (domain.md §5).
ANSWER_SCORE = Case(
    When(question__is_sipas=True, option__satisfied=True, then=Value(Decimal(1))),
    When(question__is_sipas=True, then=Value(Decimal(0))),
    default=F("option__coefficient"),
    output_field=DecimalField(max_digits=5, decimal_places=4),
)


def valid_answers(*, period: Period):
    """Answers of the period's questionnaires that count: "don't know" (no coefficient) is left out."""
    return Answer.objects.filter(response__questionnaire__period=period, option__coefficient__isnull=False)


@dataclass(frozen=True)
class GroupMean:
    """One respondent group's answers about one agency on one survey leaf."""

    agency_id: int
    node_id: int
    group_id: int
    total: Decimal  # sum of answer scores
    answers: int  # valid answers
    respondents: int  # responses with at least one valid answer

    @property
    def mean(self) -> Decimal:
        return self.total / self.answers


def survey_group_means(*, period: Period) -> list[GroupMean]:
    """Σ score and count of valid answers per agency × survey leaf × respondent group: one query.

    The sum and the count come from the database and are divided here with Decimal, so the mean is
    exact on every backend (SQLite's AVG is a float)."""
    rows = (
        valid_answers(period=period)
        .filter(question__node__isnull=False)
        .values("response__agency_id", "question__node_id", "response__group_id")
        .annotate(
            total=Sum(ANSWER_SCORE), answers=Count("id"), respondents=Count("response_id", distinct=True)
        )
        .order_by()
    )
    return [
        GroupMean(
            agency_id=row["response__agency_id"],
            node_id=row["question__node_id"],
            group_id=row["response__group_id"],
            total=Decimal(row["total"]),
            answers=row["answers"],
            respondents=row["respondents"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LeafValue:
    agency_id: int
    node_id: int
    value: Decimal  # as stored (models.stored_value): the exact value rounded up to 30 decimals
    respondents: int
    groups: tuple[GroupMean, ...] = field(default=(), compare=False)


def survey_group_weights(*, period: Period) -> dict[tuple[int, int], Decimal]:
    """(leaf id, group id) → configured weight, for the period's questionnaires: one query."""
    return {
        (node_id, group_id): weight
        for node_id, group_id, weight in GroupWeight.objects.filter(questionnaire__period=period).values_list(
            "node_id", "group_id", "weight"
        )
    }


def combine_group_means(
    means: list[GroupMean], weights: dict[tuple[int, int], Decimal]
) -> dict[tuple[int, int], LeafValue]:
    """The value of each agency × survey leaf from its group means (domain.md §5: "a leaf's value =
    weighted mean of its questions' coefficients over valid answers, by respondent group with
    configured group weights"):

        mean_g  = Σ scores of group g's valid answers to the leaf's questions about the agency
                  ÷ the number of those answers          ("don't know" is in neither)
        value   = Σ_g (w_g × mean_g) ÷ Σ_g w_g           over the groups g with at least one valid answer

    w_g is the GroupWeight of (leaf, g). A leaf with no weights configured weighs every group 1 (the
    plain mean of the group means); in a leaf with weights, a group without one weighs 0 and is left
    out, as is any group weighing 0. A leaf whose answering groups all weigh 0 gets no value.
    Respondents are those of the groups counted.
    """
    weighted_leaves = {node_id for node_id, _ in weights}
    by_leaf: dict[tuple[int, int], list[GroupMean]] = defaultdict(list)
    for mean in means:
        by_leaf[(mean.agency_id, mean.node_id)].append(mean)
    values = {}
    for (agency_id, node_id), groups in by_leaf.items():
        # Fractions keep the sum exact; the value is rounded once, as stored (models.stored_value).
        numerator = denominator = Fraction(0)
        respondents = 0
        counted = []
        for group in groups:
            weight = weights.get((node_id, group.group_id), Decimal(0)) if node_id in weighted_leaves else 1
            if not weight:
                continue
            numerator += Fraction(weight) * Fraction(group.total) / group.answers
            denominator += Fraction(weight)
            respondents += group.respondents
            counted.append(group)
        if denominator:
            values[(agency_id, node_id)] = LeafValue(
                agency_id, node_id, stored_value(numerator / denominator), respondents, tuple(counted)
            )
    return values


def survey_leaf_values(*, period: Period) -> dict[tuple[int, int], LeafValue]:
    """(agency id, leaf id) → value, for every agency × survey leaf with valid answers: two queries."""
    return combine_group_means(survey_group_means(period=period), survey_group_weights(period=period))


# --- SIPAS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int  # valid answers whose option counts as satisfied or very satisfied
    answered: int  # valid answers ("don't know" left out)

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.satisfied) / self.answered if self.answered else None

    @property
    def percent(self) -> Decimal | None:
        """Rounded half up to 2 decimals, as published (90,15%)."""
        return None if self.share is None else (self.share * HUNDRED).quantize(PERCENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class AgencySatisfaction:
    agency_id: int
    overall: Satisfaction
    elements: dict[str, Satisfaction]


def sipas_satisfaction(
    *, period: Period, questionnaire: Questionnaire | None = None
) -> dict[int, AgencySatisfaction]:
    """Agency id → SIPAS satisfaction, overall and per element: two queries.

    Satisfaction % = satisfied answers ÷ valid answers × 100, pooled over the SIPAS questions (of an
    element, or all of them for the overall figure); with every respondent answering every question this
    is the mean over questions of the share of respondents satisfied or very satisfied (domain.md §5).
    """
    answers = valid_answers(period=period).filter(question__is_sipas=True)
    if questionnaire is not None:
        answers = answers.filter(response__questionnaire=questionnaire)
    counts = {
        "satisfied": Count("id", filter=Q(option__satisfied=True)),
        "answered": Count("id"),
    }
    result: dict[int, AgencySatisfaction] = {}
    for row in answers.values("response__agency_id").annotate(**counts).order_by():
        result[row["response__agency_id"]] = AgencySatisfaction(
            row["response__agency_id"], Satisfaction(row["satisfied"], row["answered"]), {}
        )
    for row in (
        answers.values("response__agency_id", "question__sipas_element")
        .annotate(**counts)
        .order_by("question__sipas_element")
    ):
        result[row["response__agency_id"]].elements[row["question__sipas_element"]] = Satisfaction(
            row["satisfied"], row["answered"]
        )
    return result


# --- counts and the sample plan -------------------------------------------------------------------


@dataclass(frozen=True)
class SampleProgress:
    agency: Agency
    group: RespondentGroup
    planned: int | None  # None when the plan says nothing for this agency × group
    collected: int

    @property
    def remaining(self) -> int:
        return max((self.planned or 0) - self.collected, 0)


def sample_progress(*, questionnaire: Questionnaire) -> list[SampleProgress]:
    """Responses collected vs planned per agency × group (both where either exists): four queries."""
    collected = {
        (row["agency_id"], row["group_id"]): row["count"]
        for row in Response.objects.filter(questionnaire=questionnaire)
        .values("agency_id", "group_id")
        .annotate(count=Count("id"))
        .order_by()
    }
    planned = {
        (agency_id, group_id): count
        for agency_id, group_id, count in SamplePlan.objects.filter(questionnaire=questionnaire).values_list(
            "agency_id", "group_id", "planned"
        )
    }
    keys = set(collected) | set(planned)
    agencies = Agency.objects.in_bulk({agency_id for agency_id, _ in keys})
    groups = {group.id: group for group in questionnaire.groups.all()}
    rows = [
        SampleProgress(agencies[agency_id], groups[group_id], planned.get(key), collected.get(key, 0))
        for key in keys
        for agency_id, group_id in [key]
    ]
    rows.sort(key=lambda r: (r.agency.position, r.agency.code, r.group.position, r.group.code))
    return rows


@dataclass(frozen=True)
class GroupCount:
    questionnaire_code: str
    group_code: str
    group_name: str
    responses: int


def response_counts_by_group(*, period: Period) -> list[GroupCount]:
    """Responses per questionnaire × respondent group, as the report's survey section lists them: one query."""
    rows = (
        Response.objects.filter(questionnaire__period=period)
        .values("questionnaire__code", "group__code", "group__name", "group__position")
        .annotate(count=Count("id"))
        .order_by("questionnaire__code", "group__position", "group__code")
    )
    return [
        GroupCount(row["questionnaire__code"], row["group__code"], row["group__name"], row["count"])
        for row in rows
    ]


# --- entry and second entry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryQuestion:
    question: Question
    options: tuple[AnswerOption, ...]
    groups: frozenset[int]  # ids of the respondent groups asked this question

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)


def entry_questions(*, questionnaire: Questionnaire) -> list[EntryQuestion]:
    """The questions in order with their options and the groups that answer them, for the entry and online
    forms: three queries. A question scoring a leaf with group weights is asked of the groups weighing more
    than 0; any other question of every group."""
    questions = list(questionnaire.questions.order_by("position", "id"))
    options: dict[int, list[AnswerOption]] = defaultdict(list)
    for option in AnswerOption.objects.filter(question__questionnaire=questionnaire).order_by(
        "position", "id"
    ):
        options[option.question_id].append(option)
    weighted: dict[int, set[int]] = {}
    for node_id, group_id, weight in GroupWeight.objects.filter(questionnaire=questionnaire).values_list(
        "node_id", "group_id", "weight"
    ):
        asked = weighted.setdefault(node_id, set())  # a leaf with weights, even if all are 0
        if weight > 0:
            asked.add(group_id)
    every = frozenset(questionnaire.groups.values_list("id", flat=True))
    return [
        EntryQuestion(
            question,
            tuple(options[question.id]),
            frozenset(weighted[question.node_id]) if question.node_id in weighted else every,
        )
        for question in questions
    ]


@dataclass(frozen=True)
class Mismatch:
    serial: str
    item: str  # a question number, or the group or agency field
    first: str
    second: str


@dataclass(frozen=True)
class SecondEntryReport:
    checked: int
    matching: int
    mismatches: list[Mismatch]


def second_entry_mismatches(*, questionnaire: Questionnaire) -> SecondEntryReport:
    """Each form typed twice, compared field by field with its first entry: four queries."""
    seconds = list(
        SecondEntry.objects.filter(questionnaire=questionnaire)
        .select_related("group", "agency")
        .order_by("serial")
    )
    firsts = {
        response.serial: response
        for response in Response.objects.filter(
            questionnaire=questionnaire, serial__in=[s.serial for s in seconds]
        ).select_related("group", "agency")
    }
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, number, key in Answer.objects.filter(response__in=list(firsts.values())).values_list(
        "response_id", "question__number", "option__key"
    ):
        answers[response_id][number] = key
    order = {
        number: position
        for position, number in enumerate(
            questionnaire.questions.order_by("position", "id").values_list("number", flat=True)
        )
    }
    group_label, agency_label = gettext("respondent group"), gettext("agency")
    mismatches: list[Mismatch] = []
    matching = 0
    for second in seconds:
        first = firsts.get(second.serial)
        if first is None:  # the first entry was deleted since
            continue
        found = []
        if first.group_id != second.group_id:
            found.append(Mismatch(second.serial, group_label, first.group.name, second.group.name))
        if first.agency_id != second.agency_id:
            found.append(Mismatch(second.serial, agency_label, first.agency.name, second.agency.name))
        typed = answers.get(first.pk, {})
        for number in sorted(set(typed) | set(second.answers), key=lambda n: order.get(n, len(order))):
            if typed.get(number, "") != second.answers.get(number, ""):
                found.append(
                    Mismatch(second.serial, number, typed.get(number, "—"), second.answers.get(number, "—"))
                )
        mismatches += found
        matching += not found
    return SecondEntryReport(len(seconds), matching, mismatches)


# --- online links -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkCount:
    agency: Agency
    group: RespondentGroup
    planned: int
    links: int
    used: int


def survey_link_counts(*, questionnaire: Questionnaire) -> list[LinkCount]:
    """Planned respondents, links made and links used per agency × group of the sample plan: three queries."""
    counts = {
        (row["agency_id"], row["group_id"]): (row["links"], row["used"])
        for row in SurveyToken.objects.filter(questionnaire=questionnaire)
        .values("agency_id", "group_id")
        .annotate(links=Count("id"), used=Count("id", filter=Q(used_at__isnull=False)))
        .order_by()
    }
    return [
        LinkCount(plan.agency, plan.group, plan.planned, *counts.get((plan.agency_id, plan.group_id), (0, 0)))
        for plan in SamplePlan.objects.filter(questionnaire=questionnaire)
        .select_related("agency", "group")
        .order_by("agency__position", "agency__code", "group__position", "group__code")
    ]


@dataclass(frozen=True)
class RefreshSummary:
    """What an aggregation left in place, for the sentence that reports it (surveys.views.values_refresh)."""

    questionnaires: tuple[str, ...]  # titles
    responses: int
    aggregated: int  # values aggregated from responses
    agencies: int
    criteria: int
    kept: int  # values entered by hand or imported, kept as overrides


def survey_refresh_summary(*, period) -> RefreshSummary:
    """Three queries whatever the number of agencies: the questionnaires with their responses counted,
    and the period's survey values by source."""
    questionnaires = list(
        Questionnaire.objects.filter(period=period).annotate(n=Count("responses")).values_list("title", "n")
    )
    values = SurveyValue.objects.filter(node__criteria_set__period=period).aggregate(
        aggregated=Count("pk", filter=Q(source=SurveyValueSource.AGGREGATED)),
        agencies=Count("agency", filter=Q(source=SurveyValueSource.AGGREGATED), distinct=True),
        criteria=Count("node", filter=Q(source=SurveyValueSource.AGGREGATED), distinct=True),
        kept=Count("pk", filter=~Q(source=SurveyValueSource.AGGREGATED)),
    )
    return RefreshSummary(
        questionnaires=tuple(title for title, _n in questionnaires),
        responses=sum(n for _title, n in questionnaires),
        **values,
    )


def response_corrections(*, questionnaire: Questionnaire, serials=None) -> dict[str, list[Entry]]:
    """The corrections of these forms (None: every form of the questionnaire) as history entries (parindex.history): who, when, the reason, and
    each change from what to what in words (a group and an agency by name, an answer by its option's
    label), oldest first. Four queries whatever the number of forms."""
    corrections = ResponseCorrection.objects.filter(response__questionnaire=questionnaire)
    if serials is not None:
        corrections = corrections.filter(response__serial__in=serials)
    corrections = list(
        corrections.select_related("response", "corrected_by").order_by(
            "response__serial", "corrected_at", "pk"
        )
    )
    if not corrections:
        return {}
    groups = dict(questionnaire.groups.values_list("code", "name"))
    agencies = dict(Agency.objects.values_list("code", "name"))
    options = {
        (number, key): label
        for number, key, label in AnswerOption.objects.filter(
            question__questionnaire=questionnaire
        ).values_list("question__number", "key", "label")
    }
    entries = defaultdict(list)
    for correction in corrections:
        before, after = correction.before or {}, correction.after or {}
        changes = []
        for part, label, names in (
            ("group", gettext("group"), groups),
            ("agency", gettext("agency"), agencies),
        ):
            if before.get(part) != after.get(part):
                changes.append(
                    (label, value_text(before.get(part), names), value_text(after.get(part), names))
                )
        old, new = before.get("answers") or {}, after.get("answers") or {}
        for number in sorted(set(old) | set(new), key=lambda n: (len(n), n)):
            if old.get(number) != new.get(number):
                changes.append(
                    (
                        gettext("question %(question)s") % {"question": number},
                        value_text(options.get((number, old.get(number)), old.get(number))),
                        value_text(options.get((number, new.get(number)), new.get(number))),
                    )
                )
        entries[correction.response.serial].append(
            Entry(
                when=correction.corrected_at,
                who=who_text(correction.corrected_by),
                stage=gettext("Correction of the first entry"),
                changes=changes,
                detail=correction.reason,
            )
        )
    return dict(entries)
