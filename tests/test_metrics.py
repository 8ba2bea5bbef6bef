import pytest

from evaluation.metrics import contains_quote, mean, ndcg_at_k, normalise, recall_at_k, reciprocal_rank


def test_recall_at_k():
    assert recall_at_k([False, False, True], 3) == 1.0
    assert recall_at_k([False, False, True], 2) == 0.0
    assert recall_at_k([], 5) == 0.0


def test_reciprocal_rank():
    assert reciprocal_rank([False, True]) == 0.5
    assert reciprocal_rank([False] * 10 + [True], k=10) == 0.0
    assert reciprocal_rank([True]) == 1.0


def test_ndcg():
    assert ndcg_at_k([True, False], 10, 1) == pytest.approx(1.0)
    assert ndcg_at_k([False, True], 10, 1) == pytest.approx(1 / __import__("math").log2(3))
    assert ndcg_at_k([True, True], 10, 2) == pytest.approx(1.0)
    assert ndcg_at_k([False, False], 10, 1) == 0.0


def test_quote_matching_is_whitespace_case_and_ligature_insensitive():
    assert contains_quote("A private ﬁnding\n was   MADE", "private finding was made")
    assert contains_quote("children’s social care – front door", "children's social care - front door")
    assert not contains_quote("private fostering", "private fostering arrangement")
    assert normalise("  A\tB  ") == "a b"


def test_mean_of_nothing_is_zero():
    assert mean([]) == 0.0
    assert mean([1.0, 0.0]) == 0.5


def test_percentile_interpolates():
    from evaluation.metrics import percentile

    assert percentile([], 95) == 0.0
    assert percentile([10.0], 95) == 10.0
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 10], 95) == pytest.approx(9.5)
