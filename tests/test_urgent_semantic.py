"""The semantic backstop's mechanics with the hashing embedder (meaning is tested with the real model in
tests/test_answers_default.py)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.urgent_semantic import SemanticUrgency
from index.embedder import HashingEmbedder


def examples(tmp_path, urgent, ordinary):
    path = tmp_path / "examples.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"urgent": urgent, "ordinary": ordinary}))
    return path


def test_fires_near_urgent_examples_and_not_near_ordinary_ones(tmp_path):
    path = examples(tmp_path, ["dad hits her every night", "she is scared to go home tonight", "he hits the child",
                               "boy says dad hits him", "girl hit at home"],
                    ["how many referrals in 2016", "what is private fostering", "thresholds for referral",
                     "who chairs the board", "budget of the board"])
    embedder = HashingEmbedder()
    semantic = SemanticUrgency(embedder, tmp_path / "cache", path, k=2, margin=0.0, floor=0.2)
    assert semantic.fires(embedder.embed_query("her dad hits her at home"))
    assert not semantic.fires(embedder.embed_query("how many referrals to the board"))
    cached = list((tmp_path / "cache").glob("urgent-examples-*.npy"))
    assert len(cached) == 1 and np.load(cached[0]).shape == (10, embedder.dimension)


def test_too_few_examples_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="at least 5 urgent"):
        SemanticUrgency(HashingEmbedder(), None, examples(tmp_path, ["a"], ["b"] * 5))
