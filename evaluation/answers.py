"""Score the answer engine on the gold set: key facts, citations, abstention, follow-ups, latency.

Follow-ups are asked for real: the question they follow first, then the follow-up in the same
conversation, so multi-turn accuracy measures the resolution, not a hand-written standalone form.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.contract import Answer
from evaluation.answer_metrics import (abstention_scores, citation_supports, citation_valid, indicator_match,
                                       key_fact_accuracy, numbers_in)
from evaluation.goldset import GoldQuestion
from evaluation.metrics import mean, percentile
from index.loaded import LoadedIndex

Ask = Callable[[str, str | None], Answer]


@dataclass
class AnswerRow:
    id: str
    category: str
    style: str
    question: str
    should_abstain: bool
    abstained: bool
    key_facts: float | None
    citations_valid: bool
    supported: bool | None
    urgent: bool
    latency_ms: float
    answer: str
    indicator_ok: bool | None = None  # expected figure found among the answer's indicators (value, unit, period, area)
    grounded: bool = True  # every number the answer states appears in one of its cited quotes


def _valid(answer: Answer, index: LoadedIndex) -> bool:
    for c in answer.citations:
        row = index.row_of.get(c.passage_id)
        document = index.documents.get(c.document_id)
        if row is None or document is None:
            return False
        if not citation_valid(c.quote, index.passages[row].text, document.text, c.start, c.end):
            return False
    return True


def _row(q: GoldQuestion, answer: Answer, latency_ms: float, index: LoadedIndex) -> AnswerRow:
    cited = [index.passages[index.row_of[c.passage_id]] for c in answer.citations if c.passage_id in index.row_of]
    cited_texts = [f"{p.context}\n{p.text}" if p.context else p.text for p in cited]
    answerable = not q.abstain
    # An abstention states no facts: scored 0 on an answerable question.
    facts = None if not answerable or not q.key_facts else \
        (0.0 if answer.abstained else key_fact_accuracy(answer.answer, q.key_facts))
    supported = None if not answerable or not q.relevant else \
        (not answer.abstained and citation_supports(cited_texts, [e.quote for e in q.relevant]))
    indicator_ok = None
    if q.indicator is not None and not q.abstain:
        expected = q.indicator.model_dump()
        indicator_ok = any(indicator_match(expected, i.model_dump()) for i in answer.indicators)
    return AnswerRow(q.id, q.category, q.style, q.question, q.abstain, answer.abstained, facts,
                     _valid(answer, index), supported, answer.urgent, latency_ms, answer.answer, indicator_ok,
                     numbers_grounded(answer))


def numbers_grounded(answer: Answer) -> bool:
    """Every figure the answer states as a value (its `indicators`) is printed in one of its cited quotes.

    Sentence answers are quotes by construction (verified verbatim); labels around them (section numbers,
    periods, indicator names such as "% of the 0-17 population") are not claims of a value.
    """
    quoted = set().union(*(numbers_in(c.quote) for c in answer.citations)) if answer.citations else set()
    for indicator in answer.indicators:
        value = f"{indicator.value:.10g}"
        forms = {value, value.rstrip("0").rstrip(".") if "." in value else value}
        if not forms & {q.rstrip("0").rstrip(".") if "." in q else q for q in quoted}:
            return False
    return True


def run_answers(questions: Sequence[GoldQuestion], ask: Ask, new_conversation: Callable[[], str],
                index: LoadedIndex) -> list[AnswerRow]:
    """Ask every gold question; a follow-up is asked after the question it follows, in one conversation."""
    by_id = {q.id: q for q in questions}
    rows = []
    for q in questions:
        conversation = None
        if q.follows and q.follows in by_id:
            conversation = new_conversation()
            ask(by_id[q.follows].question, conversation)
        t0 = time.perf_counter()
        answer = ask(q.question, conversation)
        rows.append(_row(q, answer, (time.perf_counter() - t0) * 1000, index))
    return rows


def summarise_answers(rows: Sequence[AnswerRow]) -> dict[str, dict[str, float]]:
    """Per category and overall: key facts, citation validity and support, abstention, latency."""
    groups: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        groups["all"].append(row)
        groups[row.category].append(row)
        if row.style == "slack":
            groups["style:slack"].append(row)
    summary = {}
    for name, members in sorted(groups.items()):
        facts = [r.key_facts for r in members if r.key_facts is not None]
        supported = [float(r.supported) for r in members if r.supported is not None]
        abstention = abstention_scores((r.should_abstain, r.abstained) for r in members)
        latencies = [r.latency_ms for r in members]
        summary[name] = {
            "n": float(len(members)),
            "key_facts": mean(facts) if facts else 1.0,
            "all_key_facts": mean([float(f == 1.0) for f in facts]) if facts else 1.0,
            "citation_validity": mean([float(r.citations_valid) for r in members]),
            "citation_support": mean(supported) if supported else 1.0,
            "abstention_precision": abstention["precision"],
            "abstention_recall": abstention["recall"],
            "false_abstention": abstention["false_abstention"],
            "indicator_exact": mean([float(r.indicator_ok) for r in members if r.indicator_ok is not None])
            if any(r.indicator_ok is not None for r in members) else 1.0,
            "figures_grounded": mean([float(r.grounded) for r in members]),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
        }
    followups = [r.key_facts for r in rows if r.category == "followup" and r.key_facts is not None]
    summary.setdefault("all", {"n": 0.0})
    summary["all"]["multi_turn"] = mean(followups) if followups else 1.0
    return summary


def urgent_scores(detect: Callable[[str], bool], urgent: Sequence[str], ordinary: Sequence[str]) -> dict[str, float]:
    """Recall on urgent phrasings and the false-alarm rate on ordinary questions."""
    hits = sum(detect(t) for t in urgent)
    alarms = sum(detect(t) for t in ordinary)
    return {"urgent": float(len(urgent)), "ordinary": float(len(ordinary)),
            "recall": hits / len(urgent) if urgent else 1.0,
            "false_alarm_rate": alarms / len(ordinary) if ordinary else 0.0}


ANSWER_METRICS = ("key_facts", "all_key_facts", "citation_validity", "citation_support", "abstention_precision",
                  "abstention_recall", "false_abstention", "indicator_exact", "figures_grounded")


def answers_markdown(summary: dict[str, dict[str, float]], rows: Sequence[AnswerRow],
                     urgent: dict[str, dict[str, float]]) -> str:
    lines = ["", "## Answers by category", "", "| category | n | " + " | ".join(ANSWER_METRICS) + " | p95 ms |",
             "|---" * (len(ANSWER_METRICS) + 3) + "|"]
    for name, s in summary.items():
        lines.append(f"| {name} | {int(s['n'])} | " + " | ".join(f"{s[m]:.3f}" for m in ANSWER_METRICS)
                     + f" | {s['p95_ms']:.1f} |")
    lines += ["", f"Multi-turn accuracy (key facts of follow-ups asked in conversation): "
              f"{summary['all']['multi_turn']:.3f}", "", "## Urgent route", "",
              "| list | urgent | ordinary | recall | false alarms |", "|---|---|---|---|---|"]
    for name, s in urgent.items():
        lines.append(f"| {name} | {int(s['urgent'])} | {int(s['ordinary'])} | {s['recall']:.3f} | "
                     f"{s['false_alarm_rate']:.3f} |")
    lines += ["", "## Answers that missed", "", "| id | category | expected | got | key facts | answer |",
              "|---|---|---|---|---|---|"]
    for r in rows:
        wrong = r.should_abstain != r.abstained or (r.key_facts is not None and r.key_facts < 1.0)
        if wrong:
            expected = "abstain" if r.should_abstain else "answer"
            got = "abstained" if r.abstained else "answered"
            facts = "-" if r.key_facts is None else f"{r.key_facts:.2f}"
            text = r.answer.replace("\n", " ").replace("|", "/")[:160]
            lines.append(f"| {r.id} | {r.category} | {expected} | {got} | {facts} | {text} |")
    return "\n".join(lines) + "\n"
