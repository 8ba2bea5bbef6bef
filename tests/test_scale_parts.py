"""The parts behind `lscb bench scale`: synthetic vectors and terms, index kinds, IVF-PQ, BM25 built with numpy.

Fast: vectors come from the hashing embedder over the real annual report's paragraphs, so the mixer is
checked against a real text distribution without the model.
"""

from __future__ import annotations

import re

import bm25s
import faiss
import numpy as np
import pytest

from assistant.bench_scale import ScaledIndex, recall_at
from assistant.config import PROJECT_ROOT
from index.dense import DenseIndex, DenseKind, DenseParams, IvfPqParams, choose_kind
from index.embedder import HashingEmbedder
from index.lexical import LexicalIndex, tokenize
from index.synthetic import (TermSampler, VectorMixer, build_lexical, calibrate_noise, compare_distributions, grow,
                             ks_distance, nearest_similarities)

REPORT = PROJECT_ROOT / "corpus" / "documents" / "redbridge-lscb-annual-report-2016-17.txt"


@pytest.fixture(scope="module")
def paragraphs() -> list[str]:
    """The annual report's sentences of eight words or more (about 900)."""
    texts = [" ".join(p.split()) for p in re.split(r"(?<=[.!?])\s+|\n\n", REPORT.read_text(encoding="utf-8"))]
    return [t for t in texts if len(t.split()) >= 8]


@pytest.fixture(scope="module")
def pool(paragraphs) -> np.ndarray:
    return HashingEmbedder().embed_batch(paragraphs)


@pytest.fixture
def one_faiss_thread():
    """IVF-PQ training is quick on one thread; two OpenMP threads on busy cores stall (see index/dense.py)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


def test_mixed_vectors_are_unit_length_and_the_same_rows_come_out_the_same(pool):
    mixer = VectorMixer(pool, noise=0.7, seed=3, block=100)
    whole = mixer.generate(450)
    part = mixer.generate(120, start=230)
    assert np.allclose(np.linalg.norm(whole.vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(whole.vectors[230:350], part.vectors)
    assert np.allclose(whole.weights.sum(axis=1), 1.0, atol=1e-5)
    assert whole.parents.min() >= 0 and whole.parents.max() < len(pool)


def test_calibrated_mix_keeps_the_real_neighbour_distribution_and_uniform_noise_does_not(pool):
    noise, distances = calibrate_noise(pool, grid=(0.3, 0.5, 0.7, 0.9, 1.1))
    synthetic = VectorMixer(pool, noise=noise).generate(len(pool)).vectors
    check = compare_distributions(pool, synthetic)
    assert distances[noise] == min(distances.values())
    assert check.nn_ks <= 0.15
    assert abs(check.nn_real[2] - check.nn_synthetic[2]) <= 0.05  # median nearest-neighbour cosine
    assert abs(check.pair_median_real - check.pair_median_synthetic) <= 0.05
    uniform = np.random.default_rng(0).standard_normal(pool.shape).astype(np.float32)
    uniform /= np.linalg.norm(uniform, axis=1, keepdims=True)
    assert ks_distance(nearest_similarities(pool), nearest_similarities(uniform)) > 0.9


def test_mixer_refuses_vectors_that_are_not_unit_length(pool):
    with pytest.raises(ValueError, match="unit length"):
        VectorMixer(pool * 2)


@pytest.mark.parametrize(("count", "kind"), [(1, "flat"), (50_000, "flat"), (50_001, "hnsw"),
                                             (3_000_000, "hnsw"), (3_000_001, "ivfpq")])
def test_index_kind_follows_the_size(count, kind):
    assert choose_kind(count, hnsw_threshold=50_000, ivfpq_threshold=3_000_000) == kind


def test_index_kind_without_ivfpq_threshold_stays_hnsw_and_bad_thresholds_are_refused():
    assert choose_kind(10**9, hnsw_threshold=200_000) is DenseKind.HNSW
    with pytest.raises(ValueError, match="thresholds"):
        choose_kind(10, hnsw_threshold=100, ivfpq_threshold=50)


def test_ivfpq_recall_against_exact_search(pool, one_faiss_thread):
    vectors = VectorMixer(pool, noise=0.7).generate(6000).vectors
    queries = VectorMixer(pool, noise=0.7, seed=99).generate(100).vectors
    exact = DenseIndex.build(vectors, kind="flat").search_many(queries, 10)[1]
    ivfpq = DenseIndex.build(vectors, DenseParams(ivfpq=IvfPqParams(lists=32, code_bytes=16, nprobe=16)), kind="ivfpq")
    assert ivfpq.kind is DenseKind.IVFPQ
    assert recall_at(ivfpq.search_many(queries, 10)[1], exact) >= 0.9
    ivfpq.configure(nprobe=1, refine=1)
    assert recall_at(ivfpq.search_many(queries, 10)[1], exact) < 0.9  # the knobs do act


def test_ivfpq_refuses_too_few_vectors_to_train(pool):
    with pytest.raises(ValueError, match="at least"):
        DenseIndex.build(pool[:500], kind="ivfpq")


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_save_and_load_keep_the_kind_and_the_results(kind, pool, tmp_path, one_faiss_thread):
    vectors = VectorMixer(pool, noise=0.7).generate(3000).vectors
    built = DenseIndex.build(vectors, DenseParams(ivfpq=IvfPqParams(lists=16, code_bytes=16)), kind=kind)
    built.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss",
                             DenseParams(ef_search=128, ivfpq=IvfPqParams(nprobe=32, refine=10)))
    built.configure(ef_search=128, nprobe=32, refine=10)
    assert loaded.kind == built.kind == kind and loaded.size == 3000
    assert loaded.search(vectors[7], 5) == built.search(vectors[7], 5)
    assert loaded.search(vectors[7], 1)[0][0] == 7


def test_hnsw_finds_the_exact_neighbours_of_mixed_vectors(pool):
    vectors = VectorMixer(pool, noise=0.7).generate(5000).vectors
    queries = VectorMixer(pool, noise=0.7, seed=5).generate(100).vectors
    exact = DenseIndex.build(vectors, kind="flat").search_many(queries, 10)[1]
    hnsw = DenseIndex.build(vectors, DenseParams(ef_construction=40, ef_search=64), kind="hnsw")
    assert recall_at(hnsw.search_many(queries, 10)[1], exact) >= 0.95


def test_numpy_bm25_matches_the_library(paragraphs):
    documents = [tokenize(p) or ["_empty_"] for p in paragraphs[:300]]
    vocabulary = sorted({t for d in documents for t in d})
    position = {t: i for i, t in enumerate(vocabulary)}
    terms = np.array([position[t] for d in documents for t in d], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(d) for d in documents])]).astype(np.int64)
    ours = build_lexical(terms, offsets, vocabulary, block=70)
    library = bm25s.BM25()
    library.index(documents, show_progress=False)
    reference = LexicalIndex(library, len(documents))
    for query in ("private fostering", "referrals to children's social care", "LSCB training attendance"):
        got, expected = ours.search(query, 10), reference.search(query, 10)
        assert [r for r, _ in got] == [r for r, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-5)


def test_top_k_over_positive_scores_gives_the_library_hits(paragraphs):
    lexical = LexicalIndex.build(paragraphs)
    library = lexical._bm25
    for query in ("private fostering", "child sexual exploitation", "qqq nothing", "the", "referral"):
        got = lexical.search(query, 20)
        tokens = [t for t in tokenize(query) if t in library.vocab_dict]
        if not tokens:
            assert got == []
            continue
        ids, scores = library.retrieve([tokens], k=20, show_progress=False, n_threads=1)
        expected = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if s > 0]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected])
        assert {r for r, _ in got} == {r for r, _ in expected} or len(expected) == 20  # ties at the 20th may differ
        assert all(a[1] > b[1] or (a[1] == b[1] and a[0] < b[0]) for a, b in zip(got, got[1:]))


def test_term_sampler_draws_from_the_parents_and_grows_the_vocabulary(paragraphs):
    documents = [tokenize(p) for p in paragraphs]
    sampler = TermSampler(documents, global_share=0.0)
    owners = np.full((50, 3), 4)
    terms, offsets = sampler.generate(owners, np.array([[1.0, 0.0, 0.0]] * 50), np.random.default_rng(0))
    assert len(offsets) == 51 and offsets[-1] == len(terms)
    assert {sampler.vocabulary[t] for t in terms} <= set(documents[4])
    rich = TermSampler(documents, global_share=0.3, max_passages=200_000)
    assert len(rich.vocabulary) > rich.real_size  # a Heaps'-law tail of new terms
    assert 0.2 < rich.heaps[1] < 1.0


def test_grown_index_keeps_the_real_passages_first_and_answers_from_real_text(settings, hashing_embedder):
    from assistant.engine import AnswerEngine
    from corpus.ingest import ingest
    from index.loaded import LoadedIndex
    from index.retriever import HybridRetriever
    from index.store import IndexStore

    text = REPORT.read_text(encoding="utf-8")
    (settings.corpus_dir / "report.txt").write_text(text[: text.find("\n", 30_000)], encoding="utf-8")
    assert ingest(settings, hashing_embedder).usable
    real = LoadedIndex(IndexStore(settings.index_root).current_dir())
    n_real = len(real.passages)
    vectors, terms, offsets, vocabulary, base = grow(real, 1200, noise=0.7, max_passages=10_000)
    smaller = grow(real, 700, noise=0.7, max_passages=10_000)
    assert np.array_equal(vectors[:n_real], real.passage_vectors)
    assert np.array_equal(smaller[0], vectors[:700]) and np.array_equal(smaller[4], base[:700])
    assert np.array_equal(base[:n_real], np.arange(n_real)) and base.max() < n_real
    scaled = ScaledIndex(real, DenseIndex.build(vectors), build_lexical(terms, offsets, vocabulary), base)
    engine = AnswerEngine(HybridRetriever(scaled, hashing_embedder))
    hits = engine.retriever.search("private fostering arrangements", k=10)
    assert len(hits) == 10 and all(h.passage.id in real.row_of for h in hits)
    answer = engine.ask("How many private fostering arrangements were there?")
    assert answer.abstained or answer.citations  # citations were verified verbatim against the real documents


def test_settings_choose_the_serving_index_kind(tmp_path):
    """An ingest with a low HNSW threshold serves HNSW with the efSearch Settings give, and still answers."""
    from conftest import make_settings
    from samples import REPORT as SAMPLE_REPORT
    from samples import REPORT_MANIFEST

    from assistant.runtime import open_index
    from corpus.ingest import ingest

    settings = make_settings(tmp_path, hnsw_threshold=2, hnsw_ef_search=40, ivfpq_threshold=10**6)
    (settings.corpus_dir / "corpus.toml").write_text(REPORT_MANIFEST, encoding="utf-8")
    (settings.corpus_dir / "annual-report.md").write_text(SAMPLE_REPORT, encoding="utf-8")
    assert ingest(settings, HashingEmbedder()).usable
    index = open_index(settings)
    assert index.dense.kind is DenseKind.HNSW and index.manifest.dense_kind == "hnsw"
    assert index.dense._index.hnsw.efSearch == 40
    row, _ = index.dense.search(HashingEmbedder().embed_query("private fostering"), 1)[0]
    assert "Private fostering" in index.passages[row].text


def test_settings_refuse_thresholds_out_of_order(tmp_path):
    from conftest import make_settings

    with pytest.raises(ValueError, match="LSCB_IVFPQ_THRESHOLD"):
        make_settings(tmp_path, hnsw_threshold=100, ivfpq_threshold=10)
