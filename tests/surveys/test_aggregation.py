"""Survey aggregation: group means without "don't know", weighted by group, SIPAS shares, sample progress."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from scoring.services import period_compute
from surveys.models import SurveyValue, SurveyValueSource, stored_value
from surveys.selectors import (
    response_counts_by_group,
    sample_progress,
    sipas_satisfaction,
    survey_leaf_values,
)
from surveys.services import sample_size, survey_values_refresh
from tests.factories import AgencyFactory

from .factories import make_survey, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    """Answers about agency A (B gets one response) chosen so each rule changes the result:

    8.1 (questions 1, 2; weights hdnd 1, mttq 1, dan 2, huyen 3):
      hdnd  r1: 1 → 1, 2 → 0,75; r2: 9 (don't know), 3 → 0,5        mean 2,25 / 3 = 0,75
      mttq  r3: 4 → 0, 9 (don't know); r6: don't know twice           mean 0 / 1 = 0
      dan   r4: 0,75 and 0,75; r5: 0,5 and 1                          mean 3 / 4 = 0,75
      huyen no response: left out of the denominator
      value = (1·0,75 + 1·0 + 2·0,75) / (1 + 1 + 2) = 0,5625
      (the plain mean of all 8 valid answers would be 0,65625; counting "don't know" as 0, lower still)
    8.2 (SIPAS questions 3, 4; no weights, so groups weigh the same; satisfied = options 4 and 5):
      hdnd  r1: 3 → 2 (no), 4 → 4 (yes)                              share 1/2
      dan   r4: 5 (yes), 3 (no); r5: 4 (yes), 9 (don't know)          share 2/3
      value = (1/2 + 2/3) / 2 = 7/12 = 0,583333…
    Question 5 is informative and scores nothing.
    """
    s = make_survey()
    q, a = s.questionnaire, s.a
    respond(q, "r1", "hdnd", a, q1="1", q2="2", q3="2", q4="4", q5="a")
    respond(q, "r2", "hdnd", a, q1="9", q2="3")
    respond(q, "r3", "mttq", a, q1="4", q2="9", q5="b")
    respond(q, "r6", "mttq", a, q1="9", q2="9")
    respond(q, "r4", "dan", a, q1="2", q2="2", q3="5", q4="3")
    respond(q, "r5", "dan", a, q1="3", q2="1", q3="4", q4="9")
    respond(q, "b1", "dan", s.b, q1="1")
    return s


def test_leaf_value_is_the_weighted_mean_of_group_means_without_dont_know(survey):
    values = survey_leaf_values(period=survey.period)
    organisations = values[(survey.a.id, survey.leaf("8.1").id)]
    assert organisations.value == Decimal("0.5625")
    assert organisations.respondents == 5  # r6 gave only "don't know"
    assert {g.group_id: g.mean for g in organisations.groups} == {
        survey.group("hdnd").id: Decimal("0.75"),
        survey.group("mttq").id: Decimal("0"),
        survey.group("dan").id: Decimal("0.75"),
    }


def test_a_sipas_leaf_scores_the_satisfied_share_with_equal_group_weights(survey):
    values = survey_leaf_values(period=survey.period)
    sipas = values[(survey.a.id, survey.leaf("8.2").id)]
    assert sipas.value == Decimal("0." + "5" + "8" + "3" * 27 + "4")  # 7/12 rounded up to 30 decimals
    assert stored_value(sipas.value) == sipas.value
    assert sipas.respondents == 3


def test_a_single_group_gives_its_own_mean(survey):
    values = survey_leaf_values(period=survey.period)
    assert values[(survey.b.id, survey.leaf("8.1").id)].value == 1
    assert (survey.b.id, survey.leaf("8.2").id) not in values


def test_groups_weighing_zero_give_no_value(survey):
    survey.questionnaire.weights.update(weight=0)
    values = survey_leaf_values(period=survey.period)
    assert (survey.a.id, survey.leaf("8.1").id) not in values
    assert (survey.a.id, survey.leaf("8.2").id) in values


def test_refresh_writes_stored_values_keeps_overrides_and_drops_stale_ones(survey):
    sipas, organisations = survey.leaf("8.2"), survey.leaf("8.1")
    manual = SurveyValue.objects.create(
        agency=survey.b, node=organisations, value=Decimal("0.4"), source=SurveyValueSource.MANUAL
    )
    stale = SurveyValue.objects.create(agency=survey.b, node=sipas, value=Decimal("0.9"))
    assert survey_values_refresh(period=survey.period) == 2
    stored = {(v.agency_id, v.node_id): (v.value, v.respondents, v.source) for v in SurveyValue.objects.all()}
    assert stored == {
        (survey.a.id, organisations.id): (Decimal("0.562500"), 5, "aggregated"),
        (survey.a.id, sipas.id): (stored_value(Fraction(7, 12)), 3, "aggregated"),
        (survey.b.id, organisations.id): (Decimal("0.400000"), None, "manual"),
    }
    assert not SurveyValue.objects.filter(pk=stale.pk).exists()
    manual.refresh_from_db()
    assert manual.value == Decimal("0.4")


def test_refresh_leaves_values_of_leaves_no_question_scores(survey):
    """Values set without a questionnaire (e.g. the sample province's) are not the responses' to clear."""
    survey.questionnaire.questions.filter(number__in=["3", "4"]).update(node=None)
    kept = SurveyValue.objects.create(agency=survey.b, node=survey.leaf("8.2"), value=Decimal("0.9"))
    survey_values_refresh(period=survey.period)
    assert SurveyValue.objects.filter(pk=kept.pk, value=Decimal("0.9")).exists()


def test_refresh_updates_values_when_answers_change(survey):
    survey_values_refresh(period=survey.period)
    respond(survey.questionnaire, "r7", "huyen", survey.a, q1="4", q2="4")
    assert survey_values_refresh(period=survey.period) == 3
    # huyen now counts with weight 3 and mean 0: (0,75 + 0 + 1,5 + 0) / 7
    value = SurveyValue.objects.get(agency=survey.a, node=survey.leaf("8.1"))
    assert value.value == stored_value(Fraction(9, 28))
    assert value.respondents == 6


def test_survey_points_reach_the_index(survey):
    """The engine scores a survey leaf as max × stored value: 18,5 × 0,5625 = 10,40625, stored exactly."""
    survey_values_refresh(period=survey.period)
    snapshot = period_compute(period=survey.period)
    node = snapshot.node_results.get(agency=survey.a, node=survey.leaf("8.1"))
    assert node.final_points == Decimal("10.40625")


def test_sipas_satisfaction_overall_and_per_element(survey):
    result = sipas_satisfaction(period=survey.period)[survey.a.id]
    assert (result.overall.satisfied, result.overall.answered) == (3, 5)
    assert result.overall.percent == Decimal("60.00")
    assert {element: s.percent for element, s in result.elements.items()} == {
        "Kết quả": Decimal("50.00"),
        "Tiếp cận dịch vụ": Decimal("66.67"),
    }
    assert survey.b.id not in sipas_satisfaction(period=survey.period)


def test_sample_progress_compares_collected_with_planned(survey):
    rows = {
        (r.agency.code, r.group.code): (r.planned, r.collected, r.remaining)
        for r in sample_progress(questionnaire=survey.questionnaire)
    }
    assert rows == {
        ("so-a", "hdnd"): (2, 2, 0),
        ("so-a", "mttq"): (None, 2, 0),
        ("so-a", "dan"): (3, 2, 1),
        ("so-b", "dan"): (1, 1, 0),
    }


def test_counts_by_group(survey):
    counts = [(c.group_code, c.responses) for c in response_counts_by_group(period=survey.period)]
    assert counts == [("hdnd", 2), ("mttq", 2), ("dan", 3)]


def test_sample_size_follows_the_national_formula():
    """n = N / (1 + N·e²): 1,000 transactions at 5% → 285,7 → 286; a huge N tends to 400."""
    assert sample_size(1000) == 286
    assert sample_size(10**7) == 400
    assert sample_size(0) == 0


def _answer_about_every_agency(survey, prefix):
    for n, agency in enumerate(Agency.objects.filter(block=survey.block)):
        respond(survey.questionnaire, f"{prefix}{n}", "dan", agency, q1="1", q3="4")


def test_refresh_query_count_does_not_grow_with_agencies(django_assert_max_num_queries):
    survey = make_survey()
    _answer_about_every_agency(survey, "x")
    with CaptureQueriesContext(connection) as few:
        assert survey_values_refresh(period=survey.period) == 4

    for n in range(30):
        AgencyFactory(code=f"so-them-{n}", block=survey.block)
    _answer_about_every_agency(survey, "y")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert survey_values_refresh(period=survey.period) == 2 * 32


# --- the acting user, the policy and the audit entry (issue 13) -------------------------------------


def test_aggregation_records_who_ran_it_and_how_many(survey):
    from surveys.models import SurveyAggregation
    from tests.factories import UserFactory

    home_affairs = UserFactory(username="so-noi-vu", role="home_affairs")
    assert survey_values_refresh(period=survey.period, acting_user=home_affairs) == 3
    entry = SurveyAggregation.objects.get()
    assert (entry.period, entry.by, entry.written, entry.removed) == (survey.period, home_affairs, 3, 0)
    survey.questionnaire.responses.filter(agency=survey.b).delete()
    assert survey_values_refresh(period=survey.period) == 2  # the command: the system acts
    latest = SurveyAggregation.objects.first()
    assert (latest.by, latest.written, latest.removed) == (None, 2, 1)


@pytest.mark.parametrize("role", ["survey_operator", "secretariat_lead", "focal_point"])
def test_only_home_affairs_aggregates(survey, role):
    import re

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    from surveys.models import SurveyAggregation
    from tests.factories import UserFactory

    user = UserFactory(username="x", role=role)
    refusal = re.escape(gettext("Only Home Affairs aggregates the survey values."))
    with pytest.raises(ValidationError, match=refusal):
        survey_values_refresh(period=survey.period, acting_user=user)
    assert not SurveyValue.objects.exists() and not SurveyAggregation.objects.exists()


def test_an_approved_period_is_not_aggregated_again(survey):
    import re

    from django.core.exceptions import ValidationError

    from agencies.models import PeriodState
    from agencies.policy import period_inputs_refusal
    from tests.factories import UserFactory

    Period = type(survey.period)
    Period.objects.filter(pk=survey.period.pk).update(state=PeriodState.APPROVED)
    survey.period.refresh_from_db()
    home_affairs = UserFactory(username="so-noi-vu", role="home_affairs")
    with pytest.raises(ValidationError, match=re.escape(period_inputs_refusal(survey.period))):
        survey_values_refresh(period=survey.period, acting_user=home_affairs)
