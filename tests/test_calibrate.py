"""Calibrating the abstention threshold: the sweep and the choice of an operating point."""

from __future__ import annotations

import pytest

from evaluation.calibrate import Judged, Operating, choose, sweep

# Four unanswerable questions (one refused by a rule whatever its strength) and five answerable ones.
JUDGED = [
    Judged(should_abstain=True, by_rule=True, strength=0.9),
    Judged(should_abstain=True, by_rule=False, strength=0.3),
    Judged(should_abstain=True, by_rule=False, strength=0.5),
    Judged(should_abstain=True, by_rule=False, strength=0.7),
    Judged(should_abstain=False, by_rule=False, strength=0.45),
    Judged(should_abstain=False, by_rule=False, strength=0.6),
    Judged(should_abstain=False, by_rule=False, strength=0.8),
    Judged(should_abstain=False, by_rule=False, strength=0.85),
    Judged(should_abstain=False, by_rule=True, strength=0.95),
]


def test_sweep_counts_rule_refusals_and_strengths_below_each_threshold():
    points = sweep(JUDGED, [0.0, 0.4, 0.5, 0.55, 0.65, 0.75])
    assert points == [
        Operating(0.0, 0.25, 0.2),
        Operating(0.4, 0.5, 0.2),
        Operating(0.5, 0.5, 0.4),  # strength 0.5 is not below 0.5; 0.45 is
        Operating(0.55, 0.75, 0.4),
        Operating(0.65, 0.75, 0.6),
        Operating(0.75, 1.0, 0.6),
    ]


def test_sweep_rounds_thresholds_and_handles_one_sided_sets():
    assert sweep(JUDGED[:1], [0.1 + 0.2]) == [Operating(0.3, 1.0, 0.0)]
    assert sweep([Judged(False, False, 0.5)], [0.6]) == [Operating(0.6, 1.0, 1.0)]
    assert sweep([], [0.5]) == [Operating(0.5, 1.0, 0.0)]


def test_choose_takes_the_best_recall_within_the_budget():
    points = sweep(JUDGED, [0.0, 0.4, 0.5, 0.55, 0.65, 0.75])
    assert choose(points, max_false=0.2) == Operating(0.4, 0.5, 0.2)
    assert choose(points, max_false=0.4) == Operating(0.55, 0.75, 0.4)
    assert choose(points, max_false=1.0) == Operating(0.75, 1.0, 0.6)


def test_choose_takes_the_lowest_threshold_among_ties():
    points = [Operating(0.6, 0.8, 0.0), Operating(0.5, 0.8, 0.0), Operating(0.7, 0.8, 0.05), Operating(0.4, 0.7, 0.0)]
    assert choose(points, max_false=0.05) == Operating(0.5, 0.8, 0.0)


def test_choose_allows_a_rate_equal_to_the_budget_despite_float_error():
    exact = Operating(0.5, 0.9, 0.1 + 0.2 - 0.25)  # 0.050000000000000044, a hair over 0.05
    assert choose([Operating(0.4, 0.1, 0.0), exact], max_false=0.05) == exact


def test_choose_explains_when_no_threshold_fits():
    points = sweep(JUDGED, [0.0, 0.5])  # the answerable question refused by a rule costs 0.2 already
    with pytest.raises(ValueError) as error:
        choose(points, max_false=0.1)
    assert str(error.value).startswith("no threshold keeps false abstention at or under 0.1:")
    assert "place/period/figure rules" in str(error.value)
    with pytest.raises(ValueError):
        choose([], max_false=0.05)
