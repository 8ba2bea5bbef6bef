"""`lscb bench scale`: the index grown to 10k, 100k and 1M passages from the real one. Figures, never pass/fail.

Embedding a million real texts would take about 11 hours here, so the large index is grown from the serving
version's real vectors and terms (`index/synthetic.py`): rows below the real passage count are the real
passages, the rest are convex mixes of neighbouring real vectors with shaped noise, with BM25 terms drawn
from the passages they were mixed from. Each size runs in two fresh processes, so memory is their own:

1. build: FAISS of the kind `choose_kind` picks for the size (or the one asked for) and BM25, saved to a
   scratch folder. Recall@10 against exact search on real question vectors: HNSW efSearch (IVF-PQ nprobe)
   is tuned on the even-numbered gold questions and reported on the odd-numbered ones (held out), and on
   real sentence vectors as a second query set.
2. serve: loads the saved files as a worker would, wraps them with the real corpus (`ScaledIndex`), and times
   the real `HybridRetriever` (dense, hybrid) and `AnswerEngine` on the gold questions.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from evaluation.metrics import percentile
from rich.console import Console
from rich.table import Table as RichTable

from assistant.config import Settings
from assistant.types import Passage
from index.dense import DenseIndex, DenseKind, DenseParams, IvfPqParams, choose_kind
from index.lexical import LexicalIndex
from index.loaded import LoadedIndex
from index.synthetic import VectorMixer, build_lexical, calibrate_noise, compare_distributions, grow, real_pool

SEARCH_LADDER = (16, 32, 64, 128, 256, 512, 768, 1024, 1536, 2048)  # HNSW efSearch values tried
NPROBE_LADDER = (4, 8, 16, 32, 64, 128, 256)  # IVF-PQ inverted lists visited
RECALL_AT = 10
NEAR_TIE = 0.001  # a hit this close in cosine to the exact 10th is counted by the tie-tolerant recall


@dataclass(frozen=True)
class ScaleOptions:
    """What `lscb bench scale` runs. Thresholds are the index-kind boundaries (docs/operations.md)."""

    sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    questions: int = 200  # latency questions (the gold set, cycled)
    hnsw_threshold: int = 50_000
    ivfpq_threshold: int = 3_000_000
    hnsw_m: int = 32
    ef_construction: int = 80
    target_recall: float = 0.98  # tuned on half the questions, so the held-out half clears 0.95
    ivfpq_at_largest: bool = True  # also build IVF-PQ at the largest size (the memory-bound alternative)
    baseline: bool = True  # first a row for the real corpus alone, through the same harness
    threads: int = 2  # FAISS build threads
    seed: int = 0
    scratch: Path | None = None

    def __post_init__(self) -> None:
        if not self.sizes or min(self.sizes) < 1:
            raise ValueError(f"sizes must be positive passage counts, got {self.sizes}")
        if not 0 < self.target_recall <= 1:
            raise ValueError(f"target_recall must be within (0, 1], got {self.target_recall}")


@dataclass(frozen=True)
class QuerySets:
    """Real query vectors: gold questions (tune on even, report on odd) and real sentence vectors."""

    tune: np.ndarray
    held_out: np.ndarray
    sentences: np.ndarray


@dataclass(frozen=True)
class BuildJob:
    size: int
    kind: DenseKind
    directory: Path
    real_dir: Path
    noise: float
    options: ScaleOptions
    queries: QuerySets


@dataclass(frozen=True)
class ServeJob:
    size: int
    directory: Path
    settings: Settings
    questions: list[str]
    ef_search: int | None
    nprobe: int | None
    full: bool = True  # False: FAISS alone (no retriever or engine warm-up)


class ScaledIndex:
    """A `LoadedIndex` look-alike: the real version's corpus with a grown FAISS and BM25 index.

    Row r below the real passage count is real passage r; a synthetic row answers with the real passage its
    vector was mixed from (its seed's passage), so sentence scoring, quoting and the citation check run on
    real text. Sentence units are not searched (`units` is None): at scale they would be about five times
    the passage vectors. Their stored vectors are still used to score the sentences of the top passages.
    """

    def __init__(self, real: LoadedIndex, dense: DenseIndex, lexical: LexicalIndex, base: np.ndarray) -> None:
        if not dense.size == lexical.size == len(base):
            raise ValueError(f"{dense.size} vectors, {lexical.size} BM25 rows and {len(base)} passages differ")
        self.real = real
        self.directory = real.directory
        self.manifest = real.manifest.model_copy(update={
            "version": f"scale-{len(base)}", "passage_count": len(base), "dense_kind": str(dense.kind)})
        self.passages = [real.passages[int(b)] for b in base]
        self.dense, self.lexical = dense, lexical
        self.glossary, self.documents, self.indicators = real.glossary, real.documents, real.indicators
        self.units = None
        self.unit_vectors, self.unit_offsets = real.unit_vectors, real.unit_offsets
        self.row_of = real.row_of  # a passage id names its real row (where its sentence vectors are)

    def unit_rows(self, row: int) -> range:
        return self.real.unit_rows(row)

    def table_passages(self, table_id: str) -> list[Passage]:
        return self.real.table_passages(table_id)

    def passage_covering(self, document_id: str, start: int, end: int) -> Passage | None:
        return self.real.passage_covering(document_id, start, end)

    @property
    def version(self) -> str:
        return self.manifest.version


def memory_mib() -> dict[str, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM from /proc/self/status), MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def recall_at(found: np.ndarray, exact: np.ndarray, k: int = RECALL_AT) -> float:
    """Mean share of the exact top-k that the approximate top-k found."""
    return float(np.mean([len(set(f[:k]) & set(e[:k])) / k for f, e in zip(found, exact)]))


def recall_within(found: np.ndarray, queries: np.ndarray, vectors: np.ndarray, tenth: np.ndarray,
                  tolerance: float = NEAR_TIE) -> float:
    """Share of the returned top-k whose exact similarity is within `tolerance` of the exact k-th similarity.

    At a million passages the 10th and 11th exact neighbours are often near ties (the bench reports how
    often), and strict recall then also counts which of two almost equal passages came back.
    """
    similarities = np.einsum("qd,qkd->qk", queries, vectors[np.maximum(found, 0)])
    return float(np.mean((similarities >= tenth[:, None] - tolerance) & (found >= 0)))


def _tune(dense: DenseIndex, queries: QuerySets, exact: dict[str, tuple[np.ndarray, np.ndarray]],
          vectors: np.ndarray, target: float) -> dict:
    """The smallest efSearch (nprobe) whose recall on the tuning questions reaches `target` (else the smallest
    within 0.001 of the best reached), with the recall curve.

    `exact` maps each query set to its exact (similarities, rows), k = RECALL_AT + 1.
    """
    def measure(row: dict) -> None:
        for name, (sims, rows) in exact.items():
            query_set = getattr(queries, name)
            t0 = time.perf_counter()
            found = dense.search_many(query_set, RECALL_AT)[1]
            row[f"batch_ms_per_query_{name}"] = round((time.perf_counter() - t0) * 1000 / len(query_set), 3)
            row[f"recall_{name}"] = round(recall_at(found, rows), 4)
            tenth = sims[:, RECALL_AT - 1]
            row[f"recall_near_tie_{name}"] = round(recall_within(found, query_set, vectors, tenth), 4)

    if dense.kind is DenseKind.FLAT:
        row: dict = {}
        measure(row)
        return {"setting": None, **{k: v for k, v in row.items() if k.startswith("recall_")}}
    knob, ladder = ("ef_search", SEARCH_LADDER) if dense.kind is DenseKind.HNSW else ("nprobe", NPROBE_LADDER)
    curve, chosen = [], None
    for value in ladder:
        dense.configure(**{knob: value})
        row = {knob: value}
        measure(row)
        curve.append(row)
        if chosen is None and row["recall_tune"] >= target:
            chosen = row
    if chosen is None:  # the target is out of reach: the cheapest setting on the plateau of the best recall
        best = max(row["recall_tune"] for row in curve)
        chosen = next(row for row in curve if row["recall_tune"] >= best - 0.001)
    return {"setting": chosen[knob], "knob": knob, **{k: v for k, v in chosen.items() if k.startswith("recall_")},
            "curve": curve}


def _build(job: BuildJob) -> dict:
    """Grow, index, save, and measure recall for one size (runs in its own process)."""
    import faiss

    faiss.omp_set_num_threads(job.options.threads)
    figures: dict = {"size": job.size, "kind": str(job.kind), "load_average_start": _load()}
    real = LoadedIndex(job.real_dir)
    t0 = time.perf_counter()
    vectors, terms, offsets, vocabulary, base = grow(real, job.size, job.noise, job.options.seed,
                                                     max(job.options.sizes))
    figures["generate_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    dense = DenseIndex.build(vectors, DenseParams(hnsw_m=job.options.hnsw_m,
                                                  ef_construction=job.options.ef_construction,
                                                  ivfpq=IvfPqParams(seed=job.options.seed)), kind=job.kind)
    figures["dense_build_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    lexical = build_lexical(terms, offsets, vocabulary)
    figures["bm25_build_s"] = round(time.perf_counter() - t0, 1)
    figures["vocabulary"] = int(np.count_nonzero(np.bincount(terms, minlength=len(vocabulary))))
    figures["mean_terms_per_passage"] = round(float(np.diff(offsets).mean()), 1)
    job.directory.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    dense.save(job.directory / "dense.faiss")
    lexical.save(job.directory / "bm25")
    np.save(job.directory / "base.npy", base)
    figures["save_s"] = round(time.perf_counter() - t0, 1)
    figures["disk_mib"] = round(sum(f.stat().st_size for f in job.directory.rglob("*") if f.is_file()) / 2**20, 1)
    names = ("tune", "held_out", "sentences")
    t0 = time.perf_counter()
    exact = {}
    for name in names:
        exact[name] = faiss.knn(getattr(job.queries, name), vectors, RECALL_AT + 1, faiss.METRIC_INNER_PRODUCT)
        sims = exact[name][0]
        figures[f"top1_similarity_median_{name}"] = round(float(np.median(sims[:, 0])), 3)
        if job.size > RECALL_AT:
            figures[f"near_ties_10_11_{name}"] = round(float(np.mean(sims[:, RECALL_AT - 1] - sims[:, RECALL_AT]
                                                                      < NEAR_TIE)), 3)
    figures["exact_batch_ms_per_query"] = round((time.perf_counter() - t0) * 1000 / sum(
        len(getattr(job.queries, n)) for n in names), 2)
    figures.update(_tune(dense, job.queries, exact, vectors, job.options.target_recall))
    figures.update({f"build_{k}": v for k, v in memory_mib().items()}, load_average_end=_load())
    return figures


def _serve(job: ServeJob) -> dict:
    """Load one grown index as a worker would and time search and answers over it (runs in its own process).

    FAISS runs single-threaded here, as a serving worker should: on two busy cores, two OpenMP threads made one
    exact search of 10k vectors take 16 ms instead of 0.3 ms (the same stall as torch's, see README).
    """
    import faiss

    from assistant.engine import AnswerEngine
    from assistant.runtime import build_embedder, engine_options, open_index, retriever_options
    from index.query import prepare_query
    from index.retriever import HybridRetriever, Mode

    faiss.omp_set_num_threads(1)
    figures: dict = {"size": job.size, "load_average_start": _load(), "rss_start_mib": memory_mib()["VmRSS"]}
    embedder = build_embedder(job.settings)
    embedder.warm_up()
    embedder.embed_query("warm up")
    real = open_index(job.settings)
    figures["rss_model_and_corpus_mib"] = memory_mib()["VmRSS"]
    t0 = time.perf_counter()
    defaults = DenseParams()
    dense = DenseIndex.load(job.directory / "dense.faiss", DenseParams(
        ef_search=job.ef_search or defaults.ef_search, ivfpq=IvfPqParams(nprobe=job.nprobe or defaults.ivfpq.nprobe)))
    lexical = LexicalIndex.load(job.directory / "bm25")
    base = np.load(job.directory / "base.npy")
    scaled = ScaledIndex(real, dense, lexical, base)
    figures["load_s"] = round(time.perf_counter() - t0, 1)
    figures["rss_after_load_mib"] = memory_mib()["VmRSS"]
    retriever = HybridRetriever(scaled, embedder, **retriever_options(job.settings))
    engine = AnswerEngine(retriever, engine_options(job.settings))
    if job.full:
        t0 = time.perf_counter()
        engine.warm_up()
        figures["warm_up_s"] = round(time.perf_counter() - t0, 1)
    glossary = retriever.glossary if job.full else real.glossary
    prepared = [prepare_query(q, glossary, retriever.speller if job.full else None) for q in job.questions]
    vectors = [embedder.embed_query(p.dense) for p in prepared]
    depth = job.settings.retrieve_depth
    runs = {"faiss": lambda i: dense.search(vectors[i], depth)}
    if job.full:
        runs.update({
            "bm25": lambda i: lexical.search(prepared[i].lexical, depth),
            "dense": lambda i: retriever.retrieve(job.questions[i], 10, Mode.DENSE),
            "hybrid": lambda i: retriever.retrieve(job.questions[i], 10, Mode.HYBRID),
            "answer": lambda i: engine.ask(job.questions[i]),
        })
    for name, run in runs.items():
        for i in range(min(10, len(job.questions))):
            run(i)
        wall, cpu = [], []
        for i in range(len(job.questions)):
            t0, c0 = time.perf_counter(), time.process_time()
            run(i)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        figures.update({f"{name}_p50_ms": round(statistics.median(wall), 2),
                        f"{name}_p95_ms": round(percentile(wall, 95), 2), f"{name}_max_ms": round(max(wall), 2),
                        f"{name}_cpu_p50_ms": round(statistics.median(cpu), 2),
                        f"{name}_cpu_p95_ms": round(percentile(cpu, 95), 2)})
    mem = memory_mib()
    figures.update(rss_end_mib=mem["VmRSS"], rss_peak_mib=mem["VmHWM"], load_average_end=_load())
    return figures


def _in_process(function, job):
    """Run `function(job)` in a fresh spawned process (its own memory figures), returning its result."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, job).result()


def passage_bytes(real: LoadedIndex) -> float:
    """Bytes one passage object takes in a serving process (measured on the real corpus with tracemalloc)."""
    from index.corpusdb import read_passages

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    passages = read_passages(real.directory / "corpus.sqlite")
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / max(1, len(passages))


def query_sets(real: LoadedIndex, embedder, seed: int = 0, sentences: int = 200) -> QuerySets:
    """Gold questions embedded with the real model (even for tuning, odd held out) and real sentence vectors."""
    from evaluation.goldset import load_gold

    questions = [q.retrieval_query for q in load_gold()]
    vectors = np.vstack([embedder.embed_query(q) for q in questions]).astype(np.float32)
    pool = real.unit_vectors if real.units is not None else real.passage_vectors
    rows = np.sort(np.random.default_rng(seed).choice(len(pool), min(sentences, len(pool)), replace=False))
    return QuerySets(vectors[0::2], vectors[1::2], np.ascontiguousarray(pool[rows], dtype=np.float32))


@dataclass
class ScaleReport:
    distribution: dict
    noise: float
    noise_ks: dict
    passage_bytes: float
    rows: list[dict] = field(default_factory=list)
    ingest: dict | None = None


def run_scale_bench(settings: Settings, console: Console, options: ScaleOptions | None = None,
                    ingest: bool = True) -> dict:
    """Grow the serving index to each size, build, tune, serve and time it; print and return the figures."""
    from assistant.bench import bench_questions
    from assistant.runtime import build_embedder, open_index

    options = options or ScaleOptions()
    real = open_index(settings)
    embedder = build_embedder(settings)
    embedder.warm_up()
    queries = query_sets(real, embedder, options.seed)
    pool, _ = real_pool(real)
    noise, noise_ks = calibrate_noise(pool, seed=options.seed)
    synthetic = VectorMixer(pool, noise=noise, seed=options.seed).generate(len(pool)).vectors
    check = compare_distributions(pool, synthetic)
    report = ScaleReport(asdict(check), noise, {str(k): v for k, v in noise_ks.items()}, round(passage_bytes(real)))
    _show_distribution(check, noise, console)
    questions = bench_questions(options.questions)
    n_real = len(real.passages)
    runs = [(size, choose_kind(size, options.hnsw_threshold, options.ivfpq_threshold), True)
            for size in sorted(set(options.sizes) | ({n_real} if options.baseline else set()))]
    if options.ivfpq_at_largest and runs[-1][1] is not DenseKind.IVFPQ and runs[-1][0] >= 100_000:
        runs.append((runs[-1][0], DenseKind.IVFPQ, False))  # the memory-bound alternative: FAISS figures only
    with tempfile.TemporaryDirectory(prefix="lscb-scale-", dir=options.scratch) as scratch:
        for size, kind, full in runs:
            directory = Path(scratch) / f"{size}-{kind}"
            console.print(f"[bold]{size:,} passages, {kind}[/bold]: building (load {_load()})")
            built = _in_process(_build, BuildJob(size, kind, directory, real.directory, noise, options, queries))
            console.print(f"  built in {built['dense_build_s']} s (dense) + {built['bm25_build_s']} s (BM25); "
                          f"recall@10 held out {built['recall_held_out']}; serving (load {_load()})")
            served = _in_process(_serve, ServeJob(
                size, directory, settings, questions,
                built["setting"] if kind is DenseKind.HNSW else None,
                built["setting"] if kind is DenseKind.IVFPQ else None, full=full))
            row = {**built, **{f"serve_{k}" if k in ("size", "load_average_start", "load_average_end") else k: v
                               for k, v in served.items()}}
            row["passages_est_mib"] = round(report.passage_bytes * size / 2**20)
            report.rows.append(row)
            shutil.rmtree(directory, ignore_errors=True)
    _show_rows(report.rows, console)
    if ingest:
        from assistant.bench import run_ingest_bench

        report.ingest = run_ingest_bench(settings, console)
    return asdict(report)


def _show_distribution(check, noise: float, console: Console) -> None:
    table = RichTable("measure", "real", "synthetic",
                      title=f"synthetic vectors vs real ({check.size} each; noise scale {noise})")
    table.add_row("nearest-neighbour cosine p5/p25/p50/p75/p95", " / ".join(map(str, check.nn_real)),
                  " / ".join(map(str, check.nn_synthetic)))
    table.add_row("KS distance of the NN distributions", "", str(check.nn_ks))
    table.add_row("median cosine of random pairs", str(check.pair_median_real), str(check.pair_median_synthetic))
    table.add_row("variance in the top 10 components", str(check.top10_variance_real),
                  str(check.top10_variance_synthetic))
    table.add_row("length of the mean vector", str(check.mean_norm_real), str(check.mean_norm_synthetic))
    console.print(table)


STAGES = ("faiss", "bm25", "dense", "hybrid", "answer")


def _show_rows(rows: list[dict], console: Console) -> None:
    def pair(r: dict, name: str, cpu: bool = False) -> str:
        middle = "_cpu" if cpu else ""
        if f"{name}{middle}_p50_ms" not in r:
            return "-"
        return f"{r[f'{name}{middle}_p50_ms']} / {r[f'{name}{middle}_p95_ms']}"

    table = RichTable("passages", "index", "build s dense + BM25", "RSS GiB end (peak)", "FAISS p50/p95",
                      "BM25 p50/p95", "dense p50/p95", "hybrid p50/p95", "answer p50/p95",
                      "recall@10 q / sent", "near-tie recall q / sent", "efSearch | nprobe",
                      title="lscb bench scale (wall-clock ms)")
    cpu = RichTable("passages", "index", "FAISS", "BM25", "dense", "hybrid", "answer", "warm-up s",
                    title="CPU ms of this process per query, p50 / p95 (what an idle core would take)")
    for r in rows:
        table.add_row(f"{r['size']:,}", r["kind"], f"{r['dense_build_s']} + {r['bm25_build_s']}",
                      f"{r['rss_end_mib'] / 1024:.2f} ({r['rss_peak_mib'] / 1024:.2f})",
                      *(pair(r, n) for n in STAGES),
                      f"{r['recall_held_out']} / {r['recall_sentences']}",
                      f"{r.get('recall_near_tie_held_out', '-')} / {r.get('recall_near_tie_sentences', '-')}",
                      str(r["setting"] or "-"))
        cpu.add_row(f"{r['size']:,}", r["kind"],
                    *(pair(r, n, cpu=True) for n in STAGES),
                    str(r.get("warm_up_s", "-")))
    console.print(table)
    console.print(cpu)
