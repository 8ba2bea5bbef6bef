"""Score a retrieval system on gold questions: per-question rows and per-category summaries."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from evaluation.goldset import Evidence, GoldQuestion
from evaluation.metrics import contains_quote, mean, ndcg_at_k, reciprocal_rank, recall_at_k, percentile

K_VALUES = (1, 3, 5, 10)


class PassageLike(Protocol):
    document_id: str
    text: str


Search = Callable[[str, int], Sequence[PassageLike]]


def is_relevant(passage: PassageLike, evidence: Sequence[Evidence]) -> bool:
    """A passage is relevant when it is from the evidence's document and contains its quote."""
    text = passage.text
    context = getattr(passage, "context", "")
    if context:
        text = f"{context}\n{text}"
    return any(passage.document_id == e.document and contains_quote(text, e.quote) for e in evidence)


def _label(passage: PassageLike) -> str:
    """Where a retrieved passage sits, for reading a report: document and innermost section."""
    section = getattr(passage, "section", None)
    return f"{passage.document_id} › {section[-1]}" if section else f"{passage.document_id} › {passage.text[:40]!r}"


@dataclass
class RetrievalRow:
    id: str
    category: str
    style: str
    question: str
    relevance: list[bool]
    n_relevant: int
    latency_ms: float
    top: list[str] = field(default_factory=list)

    @property
    def first_relevant(self) -> int | None:
        return next((i + 1 for i, r in enumerate(self.relevance) if r), None)

    def metrics(self) -> dict[str, float]:
        out = {f"recall@{k}": recall_at_k(self.relevance, k) for k in K_VALUES}
        out["mrr@10"] = reciprocal_rank(self.relevance, 10)
        out["ndcg@10"] = ndcg_at_k(self.relevance, 10, self.n_relevant)
        return out


def run_retrieval(questions: Sequence[GoldQuestion], search: Search, k: int = 10) -> list[RetrievalRow]:
    """Search every answerable question (follow-ups by their standalone form) and judge the top `k`."""
    rows = []
    for q in questions:
        if q.abstain or not q.relevant:
            continue
        t0 = time.perf_counter()
        hits = list(search(q.retrieval_query, k))[:k]
        latency = (time.perf_counter() - t0) * 1000
        relevance = [is_relevant(h, q.relevant) for h in hits]
        top = [_label(h) for h in hits[:3]]
        rows.append(RetrievalRow(q.id, q.category, q.style, q.retrieval_query, relevance, len(q.relevant), latency, top))
    return rows


def summarise(rows: Sequence[RetrievalRow]) -> dict[str, dict[str, float]]:
    """Mean metrics per category and overall ("all"), with counts and latency percentiles."""
    groups: dict[str, list[RetrievalRow]] = defaultdict(list)
    for row in rows:
        groups[row.category].append(row)
        groups["all"].append(row)
        if row.style == "slack":
            groups["style:slack"].append(row)
    summary = {}
    for name, members in sorted(groups.items()):
        per_question = [m.metrics() for m in members]
        summary[name] = {key: mean([pq[key] for pq in per_question]) for key in per_question[0]}
        summary[name]["n"] = float(len(members))
        latencies = [m.latency_ms for m in members]
        summary[name]["p50_ms"] = percentile(latencies, 50)
        summary[name]["p95_ms"] = percentile(latencies, 95)
    return summary
