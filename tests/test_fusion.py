import pytest

from index.fusion import reciprocal_rank_fusion


def test_rrf_scores_and_order():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 2]], k=60)
    assert [item for item, _ in fused] == [2, 3, 1] or [item for item, _ in fused] == [3, 2, 1]
    scores = dict(fused)
    assert scores[2] == pytest.approx(1 / 62 + 1 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[1] == pytest.approx(1 / 61)


def test_rrf_item_in_both_lists_beats_single_list_top():
    fused = reciprocal_rank_fusion([[7, 8], [8, 9]], k=1)
    assert fused[0][0] == 8


def test_rrf_weights_and_ties():
    assert [i for i, _ in reciprocal_rank_fusion([[1], [2]], weights=[1.0, 1.0])] == [1, 2]
    assert [i for i, _ in reciprocal_rank_fusion([[1], [2]], weights=[1.0, 2.0])] == [2, 1]


def test_rrf_rejects_bad_arguments():
    with pytest.raises(ValueError, match="k must be"):
        reciprocal_rank_fusion([[1]], k=0)
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([[1], [2]], weights=[1.0])
    assert reciprocal_rank_fusion([]) == []
