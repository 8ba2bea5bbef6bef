"""The quality gate on the full gold set: `make test` fails when retrieval drops below evaluation/thresholds.toml."""

from __future__ import annotations

import pytest

from assistant.runtime import open_index
from evaluation.run import evaluate, gate

pytestmark = pytest.mark.slow


def test_hybrid_retrieval_meets_the_recorded_thresholds(default_index_settings, minilm, tmp_path):
    result = evaluate(default_index_settings, open_index(default_index_settings), minilm, baselines=False,
                      report_dir=tmp_path)
    assert result.summaries["hybrid"]["all"]["n"] >= 150
    assert not result.failures, result.failures
    assert result.paths and result.paths[0].read_text().startswith("# LSCB assistant evaluation")


def test_gate_reports_a_metric_below_its_threshold(tmp_path):
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text('[retrieval.hybrid]\n"recall@5" = 0.9\n"mrr@10" = 0.5\n')
    summaries = {"hybrid": {"all": {"recall@5": 0.85, "mrr@10": 0.7}}}
    assert gate(summaries, thresholds) == ["hybrid recall@5 = 0.850, below the threshold 0.9"]
    assert gate({"hybrid": {"all": {"recall@5": 0.95, "mrr@10": 0.7}}}, thresholds) == []


def test_gate_checks_answer_floors_ceilings_and_the_urgent_list(tmp_path):
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text('[answers.min]\nkey_facts = 0.6\n[answers.max]\nfalse_abstention = 0.05\n'
                          '[urgent]\nrecall = 1.0\nfalse_alarm_rate = 0.02\n')
    answers = {"all": {"key_facts": 0.5, "false_abstention": 0.08}}
    urgent = {"red-team": {"recall": 0.99, "false_alarm_rate": 0.0}, "held-out": {"recall": 0.5, "false_alarm_rate": 0.5}}
    assert gate({}, thresholds, answers, urgent) == [
        "answers key_facts = 0.500, below the threshold 0.6",
        "answers false_abstention = 0.080, above the ceiling 0.05",
        "urgent route recall on red-team = 0.990, below 1.0",
    ]
    good = {"all": {"key_facts": 0.7, "false_abstention": 0.01}}
    assert gate({}, thresholds, good, {"red-team": {"recall": 1.0, "false_alarm_rate": 0.0}}) == []
