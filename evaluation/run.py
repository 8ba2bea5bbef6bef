"""`lscb eval`: run the gold set against an index, compare systems, write reports, apply the gate."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from assistant.config import Settings
from assistant.runtime import engine_options, retriever_options
from evaluation.answers import AnswerRow, answers_markdown, run_answers, summarise_answers, urgent_scores
from evaluation.calibrate import Judged, Operating, choose, sweep
from evaluation.goldset import GOLD_DIR, load_gold
from evaluation.peer import HaystackPeer, PeerUnavailable
from evaluation.report import html_report, markdown_report, write_reports
from evaluation.retrieval import RetrievalRow, run_retrieval, summarise
from evaluation.systems import build_systems
from index.embedder import Embedder
from index.loaded import LoadedIndex

THRESHOLDS = Path(__file__).with_name("thresholds.toml")


REDTEAM = Path(__file__).with_name("redteam") / "urgent.yaml"


@dataclass
class EvalResult:
    summaries: dict[str, dict[str, dict[str, float]]]
    rows: dict[str, list[RetrievalRow]]
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    paths: tuple[Path, Path] | None = None
    answers: dict[str, dict[str, float]] | None = None
    answer_rows: list[AnswerRow] = field(default_factory=list)
    urgent: dict[str, dict[str, float]] = field(default_factory=dict)


def gate(summaries: dict[str, dict[str, dict[str, float]]], thresholds_path: Path = THRESHOLDS,
         answers: dict[str, dict[str, float]] | None = None, urgent: dict[str, dict[str, float]] | None = None
         ) -> list[str]:
    """Metrics below their recorded threshold (or, for `[answers.max]`, above their ceiling), as readable lines."""
    thresholds = tomllib.loads(thresholds_path.read_text())
    failures = []
    if answers is not None:
        overall = answers.get("all", {})
        for metric, minimum in thresholds.get("answers", {}).get("min", {}).items():
            if overall.get(metric, 0.0) + 1e-9 < minimum:
                failures.append(f"answers {metric} = {overall.get(metric, 0.0):.3f}, below the threshold {minimum}")
        for metric, maximum in thresholds.get("answers", {}).get("max", {}).items():
            if overall.get(metric, 1.0) - 1e-9 > maximum:
                failures.append(f"answers {metric} = {overall.get(metric, 1.0):.3f}, above the ceiling {maximum}")
    if urgent is not None:
        limits = thresholds.get("urgent", {})
        for name, scores in urgent.items():
            if name != "red-team":
                continue  # the held-out list is reported, not gated: it must stay unseen by tuning
            if scores["recall"] + 1e-9 < limits.get("recall", 0.0):
                failures.append(f"urgent route recall on {name} = {scores['recall']:.3f}, below {limits['recall']}")
            if scores["false_alarm_rate"] - 1e-9 > limits.get("false_alarm_rate", 1.0):
                failures.append(f"urgent false alarms on {name} = {scores['false_alarm_rate']:.3f}, above "
                                f"{limits['false_alarm_rate']}")
    for system, metrics in thresholds.get("retrieval", {}).items():
        overall = summaries.get(system, {}).get("all", {})
        for metric, minimum in metrics.items():
            value = overall.get(metric)
            if value is None:
                failures.append(f"{system} {metric}: not measured (threshold {minimum})")
            elif value + 1e-9 < minimum:
                failures.append(f"{system} {metric} = {value:.3f}, below the threshold {minimum}")
    return failures


def evaluate_answers(settings: Settings, index: LoadedIndex, embedder: Embedder, questions: list,
                     redteam: Path = REDTEAM) -> tuple[dict, list[AnswerRow], dict[str, dict[str, float]]]:
    """The answer engine over the gold questions (follow-ups in conversation), and the urgent red-team lists."""
    from assistant.conversation import ConversationStore
    from assistant.engine import AnswerEngine
    from index.retriever import HybridRetriever

    retriever = HybridRetriever(index, embedder, **retriever_options(settings))
    store = ConversationStore(None, idle_seconds=settings.conversation_idle_minutes * 60)
    engine = AnswerEngine(retriever, engine_options(settings), conversations=store)
    engine.warm_up()
    rows = run_answers(questions, engine.ask, store.new_id, index)
    urgent: dict[str, dict[str, float]] = {}
    if redteam.exists():
        lists = yaml.safe_load(redteam.read_text(encoding="utf-8")) or {}
        detect = engine.is_urgent
        urgent["red-team"] = urgent_scores(detect, lists.get("urgent", []), lists.get("ordinary", []))
        if lists.get("heldout"):
            held = lists["heldout"]
            urgent["held-out"] = urgent_scores(detect, held.get("urgent", []), held.get("ordinary", []))
    return summarise_answers(rows), rows, urgent


def evaluate(settings: Settings, index: LoadedIndex, embedder: Embedder, gold_dir: Path = GOLD_DIR,
             baselines: bool = True, report_dir: Path | None = None, answers: bool = True) -> EvalResult:
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
    answer_summary, answer_rows, urgent = evaluate_answers(settings, index, embedder, questions) if answers \
        else (None, [], {})
    result = EvalResult(summaries, rows, notes, gate(summaries, answers=answer_summary, urgent=urgent or None),
                        answers=answer_summary, answer_rows=answer_rows, urgent=urgent)
    if report_dir is not None:
        title = f"LSCB assistant evaluation {dt.date.today():%Y-%m-%d}"
        md = markdown_report(title, summaries, rows, notes)
        if answer_summary is not None:
            md += answers_markdown(answer_summary, answer_rows, urgent)
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


def calibrate_abstention(settings: Settings, index: LoadedIndex, embedder: Embedder, gold_dir: Path = GOLD_DIR,
                         max_false: float = 0.05) -> tuple[list[Operating], Operating]:
    """Sweep the abstention threshold over the gold set; return every point and the one chosen."""
    from assistant.engine import AnswerEngine
    from index.retriever import HybridRetriever

    options = engine_options(settings)
    engine = AnswerEngine(HybridRetriever(index, embedder, **retriever_options(settings)),
                          replace(options, min_strength=float("-inf")))
    engine.warm_up()
    judged = []
    for q in load_gold(gold_dir):
        _, judgement = engine.judge(q.retrieval_query)
        judged.append(Judged(q.abstain, judgement.by_rule, judgement.strength))
    points = sweep(judged, [i / 100 for i in range(0, 151)])
    return points, choose(points, max_false)
