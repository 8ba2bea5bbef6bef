"""Benchmarks behind `lscb bench …`. Figures, never pass/fail: speed is proven here, not in tests."""

from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

from evaluation.metrics import percentile
from rich.console import Console
from rich.table import Table as RichTable

from assistant.config import Settings
from assistant.runtime import build_embedder, open_retriever


def _show(title: str, figures: dict, console: Console) -> None:
    table = RichTable("measure", "value", title=title)
    for key, value in figures.items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)


def run_ingest_bench(settings: Settings, console: Console) -> dict:
    """Ingest the corpus into a scratch data folder, then time the raw encode of the same passages."""
    from corpus.ingest import ingest
    from index.loaded import LoadedIndex
    from index.store import IndexStore

    embedder = build_embedder(settings)
    embedder.warm_up()
    embedder.embed_batch(["warm up the kernels"] * settings.embed_batch_size)
    encode_before = 0.0
    with tempfile.TemporaryDirectory(prefix="lscb-bench-") as scratch:
        bench_settings = settings.model_copy(update={"data_dir": Path(scratch)})
        previous = _previous_texts(settings)
        if previous:
            encode_before = _encode_seconds(embedder, previous, settings.embed_batch_size)
        t0 = time.perf_counter()
        report = ingest(bench_settings, embedder)
        ingest_s = time.perf_counter() - t0
        if report.manifest is None:
            raise RuntimeError("nothing was indexed: see `lscb ingest`")
        index = LoadedIndex(IndexStore(bench_settings.index_root).current_dir())
        texts = _embedded_texts(index.passages, settings.sentence_units)
        encode_after = _encode_seconds(embedder, texts, settings.embed_batch_size)
    # The machine is noisy: time the raw encode on both sides of the ingest and compare with their mean.
    encode_s = (encode_before + encode_after) / 2 if encode_before else encode_after
    documents = len([f for f in report.files if f.status == "indexed"])
    figures = {
        "documents": documents,
        "pages": sum(f.pages for f in report.files),
        "passages": len(index.passages),
        "vectors_embedded": len(texts),
        "ingest_seconds": round(ingest_s, 2),
        "raw_encode_seconds": round(encode_s, 2),
        "raw_encode_seconds_before_after": f"{encode_before:.2f} / {encode_after:.2f}",
        "ingest_to_encode_ratio": round(ingest_s / encode_s, 3) if encode_s else None,
        "documents_per_s": round(documents / ingest_s, 3),
        "passages_per_s": round(len(index.passages) / ingest_s, 2),
        "parse_wait_seconds": round(report.parse_seconds, 2),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, torch threads {settings.torch_threads}",
    }
    _show("lscb bench ingest", figures, console)
    return figures


def _encode_seconds(embedder, texts: list[str], batch_size: int) -> float:
    t0 = time.perf_counter()
    for _ in embedder.embed_documents(texts, batch_size):
        pass
    return time.perf_counter() - t0


def _previous_texts(settings: Settings) -> list[str]:
    """The serving index's passage texts, if there is one (the same corpus, timed before the ingest)."""
    from index.loaded import LoadedIndex
    from index.store import IndexStore, StoreError

    try:
        passages = LoadedIndex(IndexStore(settings.index_root).current_dir()).passages
    except StoreError:
        return []
    return _embedded_texts(passages, settings.sentence_units)


def _embedded_texts(passages, units: bool) -> list[str]:
    """Exactly what the ingest embeds: each passage, then (when on) every sentence unit."""
    from corpus.units import passage_units

    return [p.embed_text() for p in passages] + ([u for p in passages for u in passage_units(p)] if units else [])


def bench_questions(n: int) -> list[str]:
    """Questions for latency runs: the gold set's, cycled to `n`."""
    from evaluation.goldset import load_gold

    questions = [q.question for q in load_gold()]
    if not questions:
        raise RuntimeError("the gold set is empty: evaluation/gold/*.yaml")
    return [questions[i % len(questions)] for i in range(n)]


def run_search_bench(settings: Settings, n: int, console: Console) -> dict:
    """Latency of hybrid search (query embedding, FAISS, BM25, fusion) over the serving index."""
    retriever = open_retriever(settings)
    questions = bench_questions(n)
    for q in questions[:10]:
        retriever.search(q, k=10)
    timings, embed_timings = [], []
    for q in questions:
        t0 = time.perf_counter()
        retriever.embedder.embed_query(q)
        embed_timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        retriever.search(q, k=10)
        timings.append((time.perf_counter() - t0) * 1000)
    figures = {
        "queries": n,
        "passages": len(retriever.index.passages),
        "search_p50_ms": round(statistics.median(timings), 2),
        "search_p95_ms": round(percentile(timings, 95), 2),
        "search_max_ms": round(max(timings), 2),
        "query_embed_p50_ms": round(statistics.median(embed_timings), 2),
        "query_embed_p95_ms": round(percentile(embed_timings, 95), 2),
    }
    _show("lscb bench search", figures, console)
    return figures


def run_ask_bench(settings: Settings, n: int, console: Console) -> dict:
    """Latency of whole answers (urgent check, retrieval, sentence scoring, judging, citation check)."""
    from assistant.runtime import open_engine

    engine = open_engine(settings, remember=False)
    questions = bench_questions(n)
    for q in questions[:10]:
        engine.ask(q)
    timings, abstained = [], 0
    for q in questions:
        t0 = time.perf_counter()
        answer = engine.ask(q)
        timings.append((time.perf_counter() - t0) * 1000)
        abstained += answer.abstained
    figures = {
        "questions": n,
        "passages": len(engine.index.passages),
        "answer_p50_ms": round(statistics.median(timings), 2),
        "answer_p95_ms": round(percentile(timings, 95), 2),
        "answer_max_ms": round(max(timings), 2),
        "abstained": abstained,
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, query threads {settings.query_threads}",
    }
    _show("lscb bench ask", figures, console)
    return figures


def run_indicator_bench(settings: Settings, n: int, console: Console) -> dict:
    """Latency of indicator lookups (query embedding included) for the gold set's figure questions."""
    from assistant.runtime import open_indicator_lookup
    from evaluation.goldset import load_gold

    lookup = open_indicator_lookup(settings)
    figure_questions = [q.retrieval_query for q in load_gold() if q.indicator is not None] or bench_questions(10)
    questions = [figure_questions[i % len(figure_questions)] for i in range(n)]
    for q in questions[:10]:
        lookup.lookup(q)
    timings, reused = [], []
    for q in questions:
        t0 = time.perf_counter()
        vector = lookup.embedder.embed_query(q)
        t1 = time.perf_counter()
        lookup.lookup(q, vector)
        t2 = time.perf_counter()
        timings.append((t2 - t0) * 1000)
        reused.append((t2 - t1) * 1000)
    figures = {
        "lookups": n,
        "records": len(lookup.records),
        "series": len(lookup.series),
        "lookup_p50_ms (query embedding included)": round(statistics.median(timings), 2),
        "lookup_p95_ms (query embedding included)": round(percentile(timings, 95), 2),
        "lookup_p50_ms (vector reused, as in the engine)": round(statistics.median(reused), 2),
        "lookup_p95_ms (vector reused, as in the engine)": round(percentile(reused, 95), 2),
    }
    _show("lscb bench indicators", figures, console)
    return figures
