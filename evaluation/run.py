"""`lscb eval`: run the gold set against an index, compare systems, write reports, apply the gate."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from evaluation.goldset import GOLD_DIR, load_gold
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
                            depth=settings.retrieve_depth, rrf_k=settings.rrf_k,
                            dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight,
                           heading_weight=settings.heading_weight)
    notes = [f"index version {index.version} (corpus {index.manifest.corpus_version}), {len(index.passages)} passages",
             f"gold set: {len(questions)} questions from {gold_dir}"]
    peer_note = peer_status()
    if peer_note:
        notes.append(peer_note)
    rows = {name: run_retrieval(questions, search) for name, search in systems.items()}
    summaries = {name: summarise(r) for name, r in rows.items()}
    result = EvalResult(summaries, rows, notes, gate(summaries))
    if report_dir is not None:
        title = f"LSCB assistant evaluation {dt.date.today():%Y-%m-%d}"
        md = markdown_report(title, summaries, rows, notes)
        result.paths = write_reports(report_dir, f"eval-{dt.date.today():%Y-%m-%d}", md, html_report(title, md, summaries))
    return result


def peer_status() -> str | None:
    """Why the Haystack peer is not in the run, when it is not."""
    try:
        import haystack  # noqa: F401
    except ImportError:
        return "peer (Haystack) not run: install the optional extra with `pip install -e '.[bench]'`"
    return None
