"""`lscb eval`: run the gold set against an index, compare systems, write reports, apply the gate."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.runtime import retriever_options
from evaluation.goldset import GOLD_DIR, load_gold
from evaluation.peer import HaystackPeer, PeerUnavailable
from evaluation.report import html_report, markdown_report, write_reports
from evaluation.retrieval import RetrievalRow, run_retrieval, summarise
from evaluation.systems import build_systems
from index.embedder import Embedder
from index.loaded import LoadedIndex

THRESHOLDS = Path(__file__).with_name("thresholds.toml")


@dataclass
class EvalResult:
    summaries: dict[str, dict[str, dict[str, float]]]
    rows: dict[str, list[RetrievalRow]]
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    paths: tuple[Path, Path] | None = None


def gate(summaries: dict[str, dict[str, dict[str, float]]], thresholds_path: Path = THRESHOLDS) -> list[str]:
    """Metrics below their recorded threshold, as readable lines (empty when the gate passes)."""
    thresholds = tomllib.loads(thresholds_path.read_text())
    failures = []
    for system, metrics in thresholds.get("retrieval", {}).items():
        overall = summaries.get(system, {}).get("all", {})
        for metric, minimum in metrics.items():
            value = overall.get(metric)
            if value is None:
                failures.append(f"{system} {metric}: not measured (threshold {minimum})")
            elif value + 1e-9 < minimum:
                failures.append(f"{system} {metric} = {value:.3f}, below the threshold {minimum}")
    return failures


def evaluate(settings: Settings, index: LoadedIndex, embedder: Embedder, gold_dir: Path = GOLD_DIR,
             baselines: bool = True, report_dir: Path | None = None) -> EvalResult:
    questions = load_gold(gold_dir)
    systems = build_systems(index, embedder, settings.data_dir / "eval-cache", baselines=baselines,
                            **retriever_options(settings))
    notes = [f"index version {index.version} (corpus {index.manifest.corpus_version}), {len(index.passages)} passages",
             f"gold set: {len(questions)} questions from {gold_dir}"]
    if baselines:
        try:
            peer = HaystackPeer(index)
            systems["haystack-peer"] = peer.search
            notes.append(f"peer: Haystack pipeline, {peer.chunk_count} chunks of 200 words (20 overlap), "
                         "BM25 + all-MiniLM-L6-v2 joined by RRF")
        except PeerUnavailable as exc:
            notes.append(f"peer not run: {exc}")
    rows = {name: run_retrieval(questions, search) for name, search in systems.items()}
    summaries = {name: summarise(r) for name, r in rows.items()}
    result = EvalResult(summaries, rows, notes, gate(summaries))
    if report_dir is not None:
        title = f"LSCB assistant evaluation {dt.date.today():%Y-%m-%d}"
        md = markdown_report(title, summaries, rows, notes)
        result.paths = write_reports(report_dir, f"eval-{dt.date.today():%Y-%m-%d}", md, html_report(title, md, summaries))
    return result


@dataclass
class Comparison:
    serving: str
    candidate: str
    serving_summary: dict[str, float]
    candidate_summary: dict[str, float]
    better: list[tuple[str, str, int | None, int | None]]
    worse: list[tuple[str, str, int | None, int | None]]
    unchanged: int


def compare(settings: Settings, serving: LoadedIndex, candidate: LoadedIndex, embedder: Embedder,
            gold_dir: Path = GOLD_DIR) -> Comparison:
    """Hybrid retrieval on the same questions over two index versions, question by question."""
    questions = load_gold(gold_dir)
    results = []
    for index in (serving, candidate):
        search = build_systems(index, embedder, None, baselines=False, **retriever_options(settings))["hybrid"]
        results.append({row.id: row for row in run_retrieval(questions, search)})
    before, after = results
    better, worse, same = [], [], 0
    for qid, old in before.items():
        new = after[qid]
        a, b = old.first_relevant or 99, new.first_relevant or 99
        entry = (qid, old.question, old.first_relevant, new.first_relevant)
        if b < a:
            better.append(entry)
        elif b > a:
            worse.append(entry)
        else:
            same += 1
    return Comparison(serving.version, candidate.version, summarise(list(before.values()))["all"],
                      summarise(list(after.values()))["all"], better, worse, same)
