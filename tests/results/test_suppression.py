"""Small-number suppression: a figure over too few answers is never shown nor recoverable."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback import questionnaires
from feedback.results.suppression import hidden_groups, suppress, threshold_for


def test_primary_suppression_hides_fewer_than_the_threshold():
    assert suppress(9, 10)
    assert suppress(1, 10)
    assert not suppress(10, 10)
    assert not suppress(0, 10)  # no answers identify nobody: shown as n = 0, no percentage
    assert not suppress(1, 1)
    with pytest.raises(ValueError):
        suppress(3, 0)


def test_a_group_of_nine_with_a_published_total_is_hidden_with_the_next_smallest():
    sizes = {"north": 9, "south": 50, "east": 40, "west": 120}
    hidden = hidden_groups(sizes, 10)
    assert hidden == {"north", "east"}
    # The total (219) is shown: subtracting the shown groups gives only north + east together.
    total = sum(sizes.values())
    recovered = total - sum(n for g, n in sizes.items() if g not in hidden)
    assert recovered == 49 and recovered >= 10


def test_no_group_is_hidden_when_none_is_small():
    assert hidden_groups({"a": 10, "b": 11, "c": 0}, 10) == frozenset()


def test_groups_with_no_answers_do_not_protect_a_small_one():
    # Hiding "empty" would not help: everyone knows it holds nothing.
    assert hidden_groups({"small": 4, "empty": 0, "big": 30}, 10) == {"small", "big"}


def test_several_small_groups_are_hidden_until_together_they_reach_the_threshold():
    assert hidden_groups({"a": 3, "b": 4, "c": 100, "d": 200}, 10) == {"a", "b", "c"}
    assert hidden_groups({"a": 6, "b": 7, "c": 100}, 10) == {"a", "b"}


def test_ties_are_broken_in_the_order_given():
    assert hidden_groups({"a": 5, "b": 20, "c": 20}, 10) == {"a", "b"}


def test_groups_hidden_for_another_reason_count_as_hidden():
    assert hidden_groups({"a": 30, "b": 40, "c": 50}, 10, also=["a"]) == {"a"}
    assert hidden_groups({"a": 0, "b": 40, "c": 50}, 10, also=["a"]) == {"a"}
    assert hidden_groups({"a": 3, "b": 40, "c": 50}, 10, also=["b"]) == {"a", "b"}


def test_when_every_group_is_small_all_are_hidden():
    assert hidden_groups({"a": 2, "b": 3}, 10) == {"a", "b"}


@settings(max_examples=300, deadline=None, database=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 40), max_size=8),
       st.integers(1, 15))
def test_no_hidden_figure_can_be_worked_out_from_the_total_and_the_others(sizes, threshold):
    hidden = hidden_groups(sizes, threshold)
    shown = {g: n for g, n in sizes.items() if g not in hidden}
    assert not any(0 < n < threshold for n in shown.values()), "a small group is shown"
    total = sum(sizes.values())
    if 0 < total < threshold:
        return  # the total itself is suppressed, and so is every group
    # What a reader can work out: the hidden groups' sum, from the total less the shown.
    recoverable = total - sum(shown.values())
    assert recoverable == 0 or recoverable >= threshold
    assert len([g for g in hidden if sizes[g] > 0]) != 1 or recoverable == 0


def test_the_threshold_comes_from_the_questionnaire_and_the_viewer():
    victims = questionnaires.get("youth-victims")
    evaluation = questionnaires.get("post-inspection-evaluation")
    assert threshold_for(victims) == victims.suppression_threshold == 10
    assert threshold_for(victims, "staff") == 10
    assert threshold_for(evaluation) == 10
    # An organisation's own return about its inspection: staff may see it one at a time.
    assert threshold_for(evaluation, "staff") == 1
    assert threshold_for(victims, override=3) == 3
    with pytest.raises(ValueError):
        threshold_for(victims, override=0)
    with pytest.raises(ValueError):
        threshold_for(victims, "everyone")
