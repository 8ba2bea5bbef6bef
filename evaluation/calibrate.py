"""Calibrate the abstention threshold on the gold set's answerable and unanswerable questions.

The engine judges every question with the threshold off; each question then has the strength of its best
evidence, and whether a rule (place, period, figure) already refuses it. The threshold chosen is the one
that refuses the most unanswerable questions while refusing at most `max_false` of the answerable ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Judged:
    should_abstain: bool
    by_rule: bool
    strength: float


@dataclass(frozen=True)
class Operating:
    threshold: float
    recall: float
    false_abstention: float


def sweep(judged: Sequence[Judged], thresholds: Sequence[float]) -> list[Operating]:
    """Abstention recall and false-abstention rate at each threshold."""
    unanswerable = [j for j in judged if j.should_abstain]
    answerable = [j for j in judged if not j.should_abstain]
    points = []
    for t in thresholds:
        refused = lambda j: j.by_rule or j.strength < t  # noqa: E731
        recall = sum(map(refused, unanswerable)) / len(unanswerable) if unanswerable else 1.0
        false = sum(map(refused, answerable)) / len(answerable) if answerable else 0.0
        points.append(Operating(round(t, 4), recall, false))
    return points


def choose(points: Sequence[Operating], max_false: float = 0.05) -> Operating:
    """The highest-recall point within the false-abstention budget (the lowest threshold among ties)."""
    allowed = [p for p in points if p.false_abstention <= max_false + 1e-12]
    if not allowed:
        raise ValueError(f"no threshold keeps false abstention at or under {max_false}: even the lowest refuses "
                         "too many answerable questions; check the place/period/figure rules first")
    return max(allowed, key=lambda p: (p.recall, -p.threshold))
