"""A published survey figure is the exact value rounded once, half up, to 2 decimals (docs/formats.md,
"Rounding once"): the stored survey value must not round it a first time, on either side of a half cent."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import engine
from scoring.engine import publish_round
from scoring.exports import results_rows
from scoring.services import period_compute
from surveys.models import Answer, AnswerOption, Response, ResponseSource, SurveyValue, stored_value
from surveys.selectors import GroupMean, combine_group_means
from surveys.services import survey_values_refresh

from .factories import make_survey


def exact_published(points: Fraction) -> Decimal:
    """The exact points rounded once, half up, to 2 decimals, with no Decimal arithmetic in between."""
    return Decimal(math.floor(points * 100 + Fraction(1, 2))) / 100


def published_from_store(max_points: str, total: Decimal, answers: int) -> Decimal:
    """One group's answers → the value as stored → the engine's points → the published figure."""
    node = engine.Node("9", "Khảo sát", Decimal(max_points), None, "survey")
    (value,) = combine_group_means([GroupMean(1, 9, 1, total, answers, answers)], {}).values()
    return publish_round(engine.leaf_points(node, engine.LeafInput(), value.value))


def test_survey_leaf_points_are_the_exact_value_rounded_once():
    """A SIPAS-type leaf (max 10) whose group answered 1,199 valid answers scoring 1,078.5 in total:
    exact value 1078.5/1199 = 0.89949958…, exact points 8.9949958… → published 8,99. The survey value
    stored rounded to 6 decimals (0.899500) made the engine score 8.995 and publish 9,00: rounded twice."""
    node = engine.Node("9", "SIPAS", Decimal("10"), None, "survey")
    values = combine_group_means([GroupMean(1, 9, 1, Decimal("1078.5"), 1199, 1199)], {})
    exact = values[(1, 9)].value
    stored = stored_value(exact)  # what survey_values_refresh writes and period_inputs reads
    published = publish_round(engine.leaf_points(node, engine.LeafInput(), stored))
    assert published == publish_round(node.max_points * exact), (exact, stored, published)
    assert published == exact_published(10 * Fraction(10785, 11990)) == Decimal("8.99")


@pytest.mark.parametrize(
    ("max_points", "total", "answers", "published"),
    [
        ("10", "1799", 2000, "9.00"),  # 1799/2000 = 0.8995 exactly: 8.995 → 9,00
        # A value stored to the nearest 28 digits (the engine's precision): 0.2083…3 × 3 = 0.6249…9 → 0,62
        ("3", "5", 24, "0.63"),  # 5/24 = 0.208333…: 0.625 → 0,63
        ("18.5", "5", 148, "0.63"),  # 5/148 = 0.0337837…: 0.625 → 0,63
        ("1.5", "299", 300, "1.50"),  # 299/300 = 0.99666…: 1.495 → 1,50
        # … and to the nearest 30 decimals: 0.000833…333 × 6 = 0.004999…998 → 0,00
        ("6", "1", 1200, "0.01"),  # 1/1200: 0.005 → 0,01
    ],
)
def test_points_exactly_on_a_half_cent_round_up(max_points, total, answers, published):
    assert published_from_store(max_points, Decimal(total), answers) == Decimal(published)
    assert exact_published(Fraction(max_points) * Fraction(total) / answers) == Decimal(published)


def test_every_half_cent_of_up_to_300_answers_rounds_up():
    """Each count of answers up to 300 and each score (SIPAS: satisfied or not) that puts a leaf's exact
    points on a half cent publishes rounded up, for maxima with and without a factor other than 2 and 5.
    A value rounded to the nearest 28 or 30 digits, or down, or to 6 decimals, misses some of them."""
    hits = 0
    for max_points in ("0.5", "1", "1.5", "2.5", "3", "4.5", "6", "7", "9", "10", "18.5"):
        top = Fraction(max_points)
        for answers in range(1, 301):
            for satisfied in range(answers + 1):
                # points = top × satisfied / answers is on a half cent: × 200 whole, × 100 not
                scaled, whole = top.numerator * satisfied, top.denominator * answers
                if (200 * scaled) % whole or not (100 * scaled) % whole:
                    continue
                hits += 1
                points = top * Fraction(satisfied, answers)
                published = published_from_store(max_points, Decimal(satisfied), answers)
                assert published == exact_published(points), (max_points, satisfied, answers)
    assert hits > 1000


@pytest.mark.parametrize(
    ("exact", "stored"),
    [
        (Fraction(5, 24), "0.208333333333333333333333333334"),  # up, at the 30th decimal
        (Fraction(2, 3), "0.666666666666666666666666666667"),
        (Decimal("0.8995"), "0.899500000000000000000000000000"),  # a finite value is kept as it is
        (Decimal("0." + "0" * 30 + "1"), "0.000000000000000000000000000001"),  # up, not to the nearest
        (Decimal("1.2"), "1.000000000000000000000000000000"),  # within 0…1
        (Decimal("-0.1"), "0.000000000000000000000000000000"),
        (Fraction(1), "1.000000000000000000000000000000"),
    ],
)
def test_a_survey_value_is_stored_rounded_up_to_30_decimals(exact, stored):
    value = stored_value(exact)
    assert format(value, "f") == stored


def _bulk_answers(survey, agency, answers_by_question: dict[str, list[str]]) -> None:
    """Responses of group "dan" about `agency`; response r answers each question whose list has an r-th
    option key. Two inserts for any number of answers."""
    questionnaire = survey.questionnaire
    options = {
        (o.question.number, o.key): o
        for o in AnswerOption.objects.filter(question__questionnaire=questionnaire).select_related("question")
    }
    count = max(len(keys) for keys in answers_by_question.values())
    responses = Response.objects.bulk_create(
        Response(
            questionnaire=questionnaire,
            serial=f"R{r:05d}",
            group=survey.group("dan"),
            agency=agency,
            source=ResponseSource.ENTERED,
        )
        for r in range(count)
    )
    Answer.objects.bulk_create(
        Answer(response=responses[r], question=options[(number, key)].question, option=options[(number, key)])
        for number, keys in answers_by_question.items()
        for r, key in enumerate(keys)
    )


@pytest.mark.django_db
def test_published_survey_figures_are_the_exact_values_rounded_once():
    """From stored answers to the published snapshot and export, through the stored survey value.
    8.2 (SIPAS, max 10): 836 of 1,003 answers satisfied: 8.3349950… → 8,33 (6 decimals: 8.335 → 8,34).
    8.1 (max 18,5): 5 answers "Rất tốt" (1) and 143 "Kém" (0): 18.5 × 5/148 = 0.625 → 0,63
    (to the nearest 28 digits: 0,62). Area 8 and the agency: 8.3349950… + 0.625 = 8.9599950… → 8,96."""
    survey = make_survey()
    _bulk_answers(
        survey,
        survey.a,
        {"3": ["5"] * 836 + ["3"] * 167, "1": ["1"] * 5 + ["4"] * 143},
    )
    survey_values_refresh(period=survey.period)
    sipas, organisations = survey.leaf("8.2"), survey.leaf("8.1")
    stored = dict(SurveyValue.objects.filter(agency=survey.a).values_list("node_id", "value"))
    assert stored == {
        sipas.id: stored_value(Fraction(836, 1003)),
        organisations.id: stored_value(Fraction(5, 148)),
    }

    snapshot = period_compute(period=survey.period)
    points = {
        row.node.code: publish_round(row.final_points)
        for row in snapshot.node_results.filter(agency=survey.a).select_related("node")
    }
    sipas_exact, organisations_exact = 10 * Fraction(836, 1003), Fraction("18.5") * Fraction(5, 148)
    assert points["8.2"] == exact_published(sipas_exact) == Decimal("8.33")
    assert points["8.1"] == exact_published(organisations_exact) == Decimal("0.63")
    assert points["8"] == exact_published(sipas_exact + organisations_exact) == Decimal("8.96")
    (row,) = [r for r in results_rows(snapshot) if r["agency_code"] == survey.a.code]
    assert row["points"] == "8.96"
