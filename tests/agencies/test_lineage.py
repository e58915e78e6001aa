"""The one rule for what a renamed or merged agency compares with last period (agencies/lineage.py)."""

from decimal import Decimal

from agencies.lineage import Former, carried_key, is_merged, predecessor_ranks


def test_an_agency_compares_with_its_own_value_first():
    assert carried_key("new", ["old"], {"new": 3, "old": 5}) == "new"


def test_a_single_predecessor_carries_its_value():
    assert carried_key("new", ["old"], {"old": 5}) == "old"


def test_two_predecessors_carry_nothing():
    assert carried_key("new", ["a", "b"], {"a": 1, "b": 2}) is None


def test_nothing_to_carry_without_a_value():
    assert carried_key("new", ["old"], {}) is None
    assert carried_key("new", [], {"other": 1}) is None


def test_merged_means_two_or_more():
    one, two = Former(1, "a", "A"), Former(2, "b", "B")
    assert not is_merged([one])
    assert is_merged([one, two])


def test_predecessor_ranks_best_first_and_unranked_last():
    formers = [Former(1, "a", "Xã A"), Former(2, "b", "Xã B"), Former(3, "c", "Xã C")]
    previous = {1: (7, Decimal("80.1")), 2: (2, Decimal("91.5"))}
    ranks = predecessor_ranks(formers, previous)
    assert [(r.code, r.rank, r.index) for r in ranks] == [
        ("b", 2, Decimal("91.5")),
        ("a", 7, Decimal("80.1")),
        ("c", None, None),
    ]
