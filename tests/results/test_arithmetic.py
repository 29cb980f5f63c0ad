"""Whole percentages, rounded half up as the inspectorate publishes them."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.results.arithmetic import percent, points, round_half_up


@pytest.mark.parametrize("part, whole, expected", [
    (183, 200, 92),  # 91.5 → 92 (round() and Babel give 92 here, but 0.5 → 0 below)
    (1, 200, 1),  # 0.5 → 1
    (1, 8, 13),  # 12.5 → 13
    (5, 200, 3),  # 2.5 → 3 (half to even would give 2)
    (43, 47, 91),  # 91.49 → 91
    (44, 48, 92),  # 91.67 → 92
    (0, 7, 0),
    (7, 7, 100),
    (2, 3, 67),
])
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.mark.parametrize("value, expected", [
    (Decimal("91.5"), 92), (Decimal("0.5"), 1), (Decimal("12.5"), 13), (Decimal("2.5"), 3),
    ("91.49", 91), (Fraction(183, 2), 92), (Fraction(1, 2), 1), (Fraction(-1, 2), -1), (7, 7),
])
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


def test_floats_and_nonsense_are_refused():
    with pytest.raises(TypeError):
        round_half_up(91.5)
    with pytest.raises(ValueError):
        percent(1, 0)
    with pytest.raises(ValueError):
        percent(5, 4)
    with pytest.raises(ValueError):
        percent(-1, 4)
    with pytest.raises(TypeError):
        percent(True, 2)


def test_points_is_the_difference_of_published_percentages():
    assert points(94, 90) == 4
    assert points(90, 94) == -4
    assert points(None, 90) is None
    assert points(90, None) is None


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers(min_value=1, max_value=100_000).flatmap(
    lambda whole: st.tuples(st.integers(min_value=0, max_value=whole), st.just(whole))))
def test_percent_is_exactly_floor_of_the_share_plus_a_half(pair):
    part, whole = pair
    exact = Fraction(100 * part, whole)
    assert percent(part, whole) == (exact + Fraction(1, 2)).__floor__()
