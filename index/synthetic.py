"""Synthetic passages for scale benchmarks, made from real ones so that they keep the real distribution.

Vectors (`VectorMixer`): each synthetic vector is a convex mix of 2 or 3 neighbouring real vectors (a seed
and one or two of its nearest real neighbours, Dirichlet(3, 1, 1) weights that favour the seed) plus
Gaussian noise with the real vectors' own covariance, scaled to the seed's distance to its nearest real
neighbour (dense regions get little noise, isolated points more), then normalised. The noise scale is
calibrated (`calibrate_noise`) so that a synthetic sample as large as the real set has the same
nearest-neighbour similarity distribution (`compare_distributions` reports it). Never uniform random
vectors: they have no neighbourhood structure, HNSW recall collapses on them and proves nothing.

Terms (`TermSampler`): embedding a million real texts is out of reach here (about 11 hours at ~25
passages/s), so the BM25 side is generated in the index's own term space (stemmed words, as `tokenize`
produces them). A synthetic passage's terms come mostly from the real passages its vector was mixed from,
so the dense and lexical sides agree on the topic, and partly from a corpus-wide Zipf distribution over the
real vocabulary extended by a Heaps'-law tail of new terms, so the vocabulary grows with the corpus as a
real one does. `build_lexical` turns term ids into the same bm25s index `LexicalIndex.build` makes, with
numpy instead of per-token Python, so a million passages index in seconds and within memory.

`grow` puts both together for an index version: its real passages first, then synthetic ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import faiss
import numpy as np

from index.lexical import LexicalIndex, tokenize
from index.loaded import LoadedIndex

QUANTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Mixed:
    """Synthetic vectors and what each was mixed from."""

    vectors: np.ndarray  # (n, d) float32, unit length
    parents: np.ndarray  # (n, 3) int64 rows of the real pool (an unused third part repeats the seed)
    weights: np.ndarray  # (n, 3) float32, each row sums to 1 (0 for an unused part)


class VectorMixer:
    """An endless, deterministic sequence of synthetic unit vectors around a pool of real ones."""

    def __init__(self, pool: np.ndarray, neighbours: int = 10,
                 concentration: tuple[float, float, float] = (3.0, 1.0, 1.0), noise: float = 0.7, seed: int = 0,
                 block: int = 10_000) -> None:
        pool = np.ascontiguousarray(pool, dtype=np.float32)
        if pool.ndim != 2 or len(pool) < neighbours + 2:
            raise ValueError(f"the pool must be 2-D with more than {neighbours + 1} vectors, got shape {pool.shape}")
        norms = np.linalg.norm(pool, axis=1)
        if not np.allclose(norms, 1.0, atol=1e-3):
            raise ValueError("the pool vectors must be unit length (normalised embeddings)")
        if noise < 0 or block < 1 or len(concentration) != 3 or min(concentration) <= 0:
            raise ValueError(f"invalid mixer settings: noise={noise}, block={block}, concentration={concentration}")
        self.pool, self.noise, self.seed, self.block = pool, noise, seed, block
        self.concentration = tuple(float(c) for c in concentration)
        similarities, rows = faiss.knn(pool, pool, neighbours + 1, faiss.METRIC_INNER_PRODUCT)
        own = rows == np.arange(len(pool))[:, None]
        # Each row's neighbours without itself (duplicates may push it off the first column).
        self.neighbours = np.stack([r[~o][:neighbours] for r, o in zip(rows, own)])
        nearest = np.where(own[:, 0], similarities[:, 1], similarities[:, 0])
        self.spacing = np.sqrt(np.clip(2.0 - 2.0 * nearest, 0.0, None)).astype(np.float32)
        centred = pool - pool.mean(axis=0)
        eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centred.T))
        eigenvalues = np.clip(eigenvalues, 0.0, None)
        # noise = z @ shape.T has the pool's covariance, rescaled to unit expected squared length.
        self._shape = (eigenvectors * np.sqrt(eigenvalues / eigenvalues.sum())).astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self.pool.shape[1])

    def generate(self, count: int, start: int = 0) -> Mixed:
        """Rows `start` to `start + count` of the sequence; the same rows always come out the same."""
        if count < 0 or start < 0:
            raise ValueError(f"count and start must be non-negative, got {count} and {start}")
        if not count:
            d = self.dimension
            return Mixed(np.zeros((0, d), np.float32), np.zeros((0, 3), np.int64), np.zeros((0, 3), np.float32))
        parts = [self._block(b) for b in range(start // self.block, (start + count - 1) // self.block + 1)]
        offset = start % self.block
        return Mixed(*(np.concatenate([getattr(p, f) for p in parts])[offset:offset + count]
                       for f in ("vectors", "parents", "weights")))

    def _block(self, number: int) -> Mixed:
        rng = np.random.default_rng([self.seed, number])
        n, k = self.block, self.neighbours.shape[1]
        seeds = rng.integers(0, len(self.pool), n)
        parents = np.stack([seeds, self.neighbours[seeds, rng.integers(0, k, n)],
                            self.neighbours[seeds, rng.integers(0, k, n)]], axis=1)
        weights = rng.dirichlet(self.concentration, n)
        two = rng.random(n) < 0.5  # half the mixes use two vectors, half three
        weights[two, 2] = 0.0
        parents[two, 2] = seeds[two]
        weights /= weights.sum(axis=1, keepdims=True)
        mixed = np.einsum("nj,njd->nd", weights.astype(np.float32), self.pool[parents])
        noise = rng.standard_normal((n, self.dimension), dtype=np.float32) @ self._shape.T
        mixed += (self.noise * self.spacing[seeds])[:, None] * noise
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        return Mixed(mixed.astype(np.float32), parents.astype(np.int64), weights.astype(np.float32))


def nearest_similarities(vectors: np.ndarray) -> np.ndarray:
    """Each vector's cosine similarity to its nearest other vector (exact search)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    similarities, rows = faiss.knn(vectors, vectors, 2, faiss.METRIC_INNER_PRODUCT)
    self_first = rows[:, 0] == np.arange(len(vectors))
    return np.where(self_first, similarities[:, 1], similarities[:, 0])


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical distributions."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    below_a, below_b = np.searchsorted(a, grid, "right") / len(a), np.searchsorted(b, grid, "right") / len(b)
    return float(np.max(np.abs(below_a - below_b)))


@dataclass(frozen=True)
class DistributionCheck:
    """How a synthetic sample compares with the real vectors (same sample size on both sides)."""

    size: int
    nn_real: tuple[float, ...]  # nearest-neighbour cosine at QUANTILES
    nn_synthetic: tuple[float, ...]
    nn_ks: float
    pair_median_real: float  # median cosine of random pairs
    pair_median_synthetic: float
    top10_variance_real: float  # share of variance in the first 10 principal components
    top10_variance_synthetic: float
    mean_norm_real: float  # length of the mean vector (how concentrated the cone is)
    mean_norm_synthetic: float


def compare_distributions(real: np.ndarray, synthetic: np.ndarray, pairs: int = 100_000,
                          seed: int = 0) -> DistributionCheck:
    """Nearest-neighbour, pairwise and spectral statistics of `real` against an equally large `synthetic`."""
    if len(real) != len(synthetic):
        raise ValueError(f"compare samples of the same size (density changes the neighbour distances), "
                         f"got {len(real)} and {len(synthetic)}")
    rng = np.random.default_rng(seed)
    nn_real, nn_syn = nearest_similarities(real), nearest_similarities(synthetic)

    def pair_median(x: np.ndarray) -> float:
        i, j = rng.integers(0, len(x), pairs), rng.integers(0, len(x), pairs)
        keep = i != j
        return float(np.median(np.einsum("nd,nd->n", x[i[keep]], x[j[keep]])))

    def top10(x: np.ndarray) -> float:
        values = np.linalg.eigvalsh(np.cov((x - x.mean(axis=0)).T))[::-1]
        return float(values[:10].sum() / values.sum())

    def q(x: np.ndarray) -> tuple[float, ...]:
        return tuple(round(float(v), 3) for v in np.percentile(x, QUANTILES))

    return DistributionCheck(len(real), q(nn_real), q(nn_syn), round(ks_distance(nn_real, nn_syn), 3),
                             round(pair_median(real), 3), round(pair_median(synthetic), 3),
                             round(top10(real), 3), round(top10(synthetic), 3),
                             round(float(np.linalg.norm(real.mean(axis=0))), 3),
                             round(float(np.linalg.norm(synthetic.mean(axis=0))), 3))


def calibrate_noise(pool: np.ndarray, grid: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2),
                    seed: int = 0, **mixer_options) -> tuple[float, dict[float, float]]:
    """The noise scale whose synthetic sample (as large as the pool) best matches the pool's nearest-neighbour
    similarities (smallest KS distance); also returns the distance for every scale tried."""
    real = nearest_similarities(pool)
    distances = {}
    for noise in grid:
        mixer = VectorMixer(pool, noise=noise, seed=seed, **mixer_options)
        distances[noise] = round(ks_distance(real, nearest_similarities(mixer.generate(len(pool)).vectors)), 4)
    return min(distances, key=distances.get), distances


class TermSampler:
    """Stemmed-term documents for BM25: terms of the real passages a synthetic one was mixed from, plus a share
    drawn from a corpus-wide Zipf distribution whose vocabulary grows by Heaps' law."""

    def __init__(self, documents: Sequence[Sequence[str]], global_share: float = 0.3,
                 max_passages: int = 1_000_000) -> None:
        if not documents or not any(documents):
            raise ValueError("the term sampler needs real documents with at least one term")
        if not 0 <= global_share <= 1:
            raise ValueError(f"global_share must be within [0, 1], got {global_share}")
        counts = Counter(t for doc in documents for t in doc)
        real_vocabulary = [t for t, _ in counts.most_common()]
        position = {t: i for i, t in enumerate(real_vocabulary)}
        self.lengths = np.array([max(1, len(d)) for d in documents], dtype=np.int64)
        self.doc_terms = np.array([position[t] for d in documents for t in d], dtype=np.int32)
        self.doc_offsets = np.concatenate([[0], np.cumsum([len(d) for d in documents])]).astype(np.int64)
        self.global_share = global_share
        self.heaps = _fit_heaps(documents)
        self.zipf_exponent, zipf_scale = _fit_zipf(np.array([c for _, c in counts.most_common()], dtype=np.float64))
        # The tail of new terms: Zipf-shaped, sized and weighted so that the expected vocabulary at
        # `max_passages` is what Heaps' law fitted on the real corpus predicts for that many tokens.
        real_weights = np.array([c for _, c in counts.most_common()], np.float64)
        tokens = max_passages * float(self.lengths.mean())
        self.expected_vocabulary = int(self.heaps[0] * tokens ** self.heaps[1])
        tail = max(0, 2 * (self.expected_vocabulary - len(real_vocabulary)))
        ranks = np.arange(len(real_vocabulary) + 1, len(real_vocabulary) + tail + 1, dtype=np.float64)
        tail_weights = zipf_scale * ranks ** -self.zipf_exponent
        tail_weights *= _tail_scale(real_weights, tail_weights, global_share * tokens,
                                    self.expected_vocabulary - len(real_vocabulary))
        weights = np.concatenate([real_weights, tail_weights])
        self._cumulative = np.cumsum(weights / weights.sum())
        self.vocabulary = real_vocabulary + [f"zz{i:x}" for i in range(tail)]  # new terms no question uses
        self.real_size = len(real_vocabulary)

    def real_documents(self) -> tuple[np.ndarray, np.ndarray]:
        """The real documents as (term ids, offsets), in the sampler's vocabulary."""
        return self.doc_terms.copy(), self.doc_offsets.copy()

    def generate(self, owners: np.ndarray, weights: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Term ids and offsets for synthetic documents whose vectors mixed the real documents `owners` (n, 3)
        with `weights` (n, 3); lengths follow the real documents' lengths."""
        n = len(owners)
        lengths = self.lengths[rng.integers(0, len(self.lengths), n)]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        total = int(offsets[-1])
        doc = np.repeat(np.arange(n), lengths)
        # Which parent each term comes from, by the mixing weights.
        choice = (rng.random(total)[:, None] > np.cumsum(weights, axis=1)[doc][:, :2]).sum(axis=1)
        source = owners[doc, choice]
        start, size = self.doc_offsets[source], np.diff(self.doc_offsets)[source]
        terms = self.doc_terms[start + (rng.random(total) * np.maximum(size, 1)).astype(np.int64)]
        background = rng.random(total) < self.global_share
        terms[background] = np.searchsorted(self._cumulative, rng.random(int(background.sum())), side="right")
        return np.minimum(terms, len(self.vocabulary) - 1).astype(np.int32), offsets


def _tail_scale(real: np.ndarray, tail: np.ndarray, draws: float, wanted: float) -> float:
    """The factor on the tail weights for which `draws` samples are expected to show `wanted` distinct tail terms."""
    if wanted <= 0 or not len(tail):
        return 0.0

    def distinct(scale: float) -> float:
        p = scale * tail / (real.sum() + scale * tail.sum())
        return float(np.sum(-np.expm1(-draws * p)))

    low, high = -30.0, 30.0  # bisection on log(scale); distinct() grows with the scale
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if distinct(np.exp(middle)) < wanted else (low, middle)
    return float(np.exp((low + high) / 2))


def _fit_heaps(documents: Sequence[Sequence[str]]) -> tuple[float, float]:
    """(K, beta) of V = K * tokens^beta, from the growth of the vocabulary along the real token stream."""
    seen: set[str] = set()
    points = []
    total = 0
    for doc in documents:
        seen.update(doc)
        total += len(doc)
        points.append((total, len(seen)))
    tokens, vocab = np.array(points, dtype=np.float64).T
    keep = tokens >= min(1000, tokens[-1] / 10)
    beta, log_k = np.polyfit(np.log(tokens[keep]), np.log(vocab[keep]), 1)
    return float(np.exp(log_k)), float(beta)


def _fit_zipf(frequencies: np.ndarray) -> tuple[float, float]:
    """(s, C) of frequency = C * rank^-s, fitted on the body of the curve (ranks 10 to half the vocabulary)."""
    ranks = np.arange(1, len(frequencies) + 1, dtype=np.float64)
    body = slice(min(9, len(ranks) - 2), max(len(ranks) // 2, min(10, len(ranks))))
    slope, intercept = np.polyfit(np.log(ranks[body]), np.log(frequencies[body]), 1)
    return float(-slope), float(np.exp(intercept))


def build_lexical(terms: np.ndarray, offsets: np.ndarray, vocabulary: Sequence[str], k1: float = 1.5,
                  b: float = 0.75, block: int = 100_000) -> LexicalIndex:
    """The BM25 (Lucene variant) index bm25s builds from these term ids, computed with numpy.

    Same scores as `bm25s.BM25().index(tokens)` (the test checks it); `LexicalIndex.search` then runs the
    library's own retrieval on it.
    """
    n, v = len(offsets) - 1, len(vocabulary)
    lengths = np.diff(offsets)
    docs, cols, tfs = [], [], []
    for first in range(0, n, block):
        last = min(n, first + block)
        lo, hi = offsets[first], offsets[last]
        doc = np.repeat(np.arange(first, last, dtype=np.int64), lengths[first:last])
        keys, counts = np.unique(doc * v + terms[lo:hi].astype(np.int64), return_counts=True)
        docs.append((keys // v).astype(np.int32))
        cols.append((keys % v).astype(np.int32))
        tfs.append(counts.astype(np.float32))
    doc, col, tf = (np.concatenate(x) if x else np.zeros(0, t) for x, t in
                    ((docs, np.int32), (cols, np.int32), (tfs, np.float32)))
    df = np.bincount(col, minlength=v).astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    norm = k1 * ((1 - b) + b * lengths[doc] / lengths.mean()) if n else np.zeros(0)
    scores = (idf[col] * (tf / (norm + tf))).astype(np.float32)
    order = np.argsort(col, kind="stable")  # column-major (CSC), documents ascending within a term
    indptr = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(np.bincount(col, minlength=v), out=indptr[1:])
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.scores = {"data": scores[order], "indices": doc[order], "indptr": indptr, "num_docs": n}
    retriever.vocab_dict = {term: i for i, term in enumerate(vocabulary)}
    retriever.vocab_dict[""] = v  # bm25s's empty-query token, as `index()` adds it
    retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
    retriever.nonoccurrence_array = None
    return LexicalIndex(retriever, n)


def real_pool(real: LoadedIndex) -> tuple[np.ndarray, np.ndarray]:
    """The real vectors synthetic ones are mixed from (passages, then sentence units) and each one's passage row."""
    passages = np.asarray(real.passage_vectors, dtype=np.float32)
    owners = np.arange(len(passages))
    if real.units is None:
        return passages, owners
    return np.vstack([passages, real.unit_vectors]).astype(np.float32), np.concatenate([owners, real.unit_owner])


def grow(real: LoadedIndex, size: int, noise: float, seed: int = 0, max_passages: int = 1_000_000
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """(vectors, term ids, term offsets, vocabulary, base passage rows) for `size` passages, the real ones first.

    Synthetic rows are generated in the mixer's fixed blocks, so a smaller size is a prefix of a larger one.
    """
    pool, owners = real_pool(real)
    mixer = VectorMixer(pool, noise=noise, seed=seed)
    sampler = TermSampler([tokenize(p.index_text()) for p in real.passages], max_passages=max(size, max_passages))
    n_real = len(real.passages)
    vectors = np.empty((size, pool.shape[1]), np.float32)
    vectors[: min(size, n_real)] = real.passage_vectors[: min(size, n_real)]
    base = np.arange(size, dtype=np.int64)
    real_terms, real_offsets = sampler.real_documents()
    terms, lengths = [real_terms[: real_offsets[min(size, n_real)]]], [np.diff(real_offsets)[: min(size, n_real)]]
    for number, start in enumerate(range(0, max(0, size - n_real), mixer.block)):
        take = min(mixer.block, size - n_real - start)
        mixed = mixer.generate(mixer.block, start=start)
        rows = slice(n_real + start, n_real + start + take)
        vectors[rows] = mixed.vectors[:take]
        base[rows] = owners[mixed.parents[:take, 0]]
        block_terms, block_offsets = sampler.generate(owners[mixed.parents], mixed.weights,
                                                      np.random.default_rng([seed, 7, number]))
        terms.append(block_terms[: block_offsets[take]])
        lengths.append(np.diff(block_offsets)[:take])
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    return vectors, np.concatenate(terms), offsets, sampler.vocabulary, base
