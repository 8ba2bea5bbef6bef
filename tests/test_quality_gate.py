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
