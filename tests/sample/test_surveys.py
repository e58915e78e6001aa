"""sample.surveys: answer counts and step sums per group whose leaf value stores exactly the target."""

import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample.surveys import Stratum, leaf_value, splits_for

ORGANISATIONS = [Stratum("hdnd", 3, 20, 5, 4), Stratum("mttq", 2, 4, 5, 4), Stratum("huyen", 5, 96, 5, 4)]
SIPAS = [Stratum("dan", 7, 24, 10, 1), Stratum("dn", 3, 11, 10, 1)]


def stored(value) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.000001"), ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("target", "strata"),
    [
        (Decimal("0.879200"), ORGANISATIONS),
        (Decimal("0.948300"), ORGANISATIONS),
        (Decimal("0.718155"), SIPAS),
        (Decimal("0.938940"), SIPAS),
    ],
)
def test_the_answers_aggregate_to_the_target(target, strata):
    splits = splits_for(target, strata, random.Random(str(target)))
    assert stored(leaf_value(splits)) == target
    for split in splits:
        slots = split.stratum.slots
        assert 0.8 * slots <= split.answered <= slots  # at most a fifth "don't know"
        assert abs(split.mean - Fraction(target)) <= Fraction(12, 100)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=120_000, max_value=194_000).map(lambda n: Decimal(n * 5) / 1_000_000))
def test_any_sipas_value_of_the_calibration_is_reachable(target):
    """The calibration gives SIPAS values in steps of 5 millionths (0.72–0.94 today); a department's 35
    respondents reach any of them from 0.60 to 0.97."""
    assert stored(leaf_value(splits_for(target, SIPAS, random.Random(1)))) == target


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=6000, max_value=9900).map(lambda n: Decimal(n) / 10_000))
def test_any_organisations_value_of_the_calibration_is_reachable(target):
    """The calibration gives the organisations' values in steps of a ten-thousandth (0.74–0.95 today)."""
    assert stored(leaf_value(splits_for(target, ORGANISATIONS, random.Random(1)))) == target
