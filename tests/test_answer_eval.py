"""Scoring the answer engine on gold questions: the runner (with a fake engine), the summary, the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from assistant.contract import Answer, Citation
from assistant.types import DocumentMeta, Passage, PassageKind
from evaluation.answers import AnswerRow, answers_markdown, run_answers, summarise_answers, urgent_scores
from evaluation.goldset import Evidence, GoldQuestion
from index.corpusdb import StoredDocument

DOC = "# Referrals\n\nThere were 4,125 referrals in 2016/17. In 2015/16 there were 5,086.\n\nNotify the council."
FIRST = "There were 4,125 referrals in 2016/17."
SECOND = "In 2015/16 there were 5,086."


@dataclass
class FakeIndex:
    """What the answer scoring reads from a LoadedIndex: passages, row_of and documents."""

    passages: list[Passage] = field(default_factory=list)
    documents: dict[str, StoredDocument] = field(default_factory=dict)

    @property
    def row_of(self) -> dict[str, int]:
        return {p.id: row for row, p in enumerate(self.passages)}


def make_index() -> FakeIndex:
    start = DOC.index(FIRST)
    end = DOC.index("\n\nNotify")
    passage = Passage(id="p1", document_id="report", title="Annual Report", section=["Referrals"], page=1,
                      paragraph=None, start=start, end=end, kind=PassageKind.PROSE, text=DOC[start:end])
    meta = DocumentMeta(id="report", path="report.md", title="Annual Report", published=dt.date(2017, 7, 1))
    return FakeIndex([passage], {"report": StoredDocument(meta, "h", DOC, 1, [])})


def cite(quote: str, n: int = 1, shift: int = 0, passage_id: str = "p1") -> Citation:
    start = DOC.index(quote) + shift
    return Citation(n=n, document_id="report", title="Annual Report", section="Referrals", quote=quote, start=start,
                    end=start + len(quote), passage_id=passage_id)


def answer(question: str, text: str, citations: list[Citation] = (), abstained: bool = False,
           urgent: bool = False) -> Answer:
    return Answer(question=question, answer=text, abstained=abstained, urgent=urgent, citations=list(citations),
                  corpus_version="v1", answer_id="a")


QUESTIONS = [
    GoldQuestion(id="fu-1", question="and the year before?", category="followup", style="followup",
                 follows="fig-1", key_facts=["5,086", "2015/16"],
                 relevant=[Evidence(document="report", quote="5,086")]),
    GoldQuestion(id="fig-1", question="how many referrals in 2016/17", category="figures", key_facts=[4125],
                 relevant=[Evidence(document="report", quote="4,125 referrals")]),
    GoldQuestion(id="un-1", question="referrals in Havering", category="unanswerable", abstain=True),
    GoldQuestion(id="pf-1", question="pf?", category="private-fostering", style="slack", key_facts=["28 days"],
                 relevant=[Evidence(document="report", quote="28 days")]),
    GoldQuestion(id="un-2", question="parking permits", category="unanswerable", style="slack", abstain=True),
]

ANSWERS = {
    "how many referrals in 2016/17": answer("how many referrals in 2016/17", f"{FIRST} [1]", [cite(FIRST)]),
    "and the year before?": answer("and the year before?", f"{SECOND} [1]", [cite(SECOND)]),
    "referrals in Havering": answer("referrals in Havering", f"{FIRST} [1]", [cite(FIRST)]),
    "pf?": answer("pf?", "I could not find this | in the documents.\nAsk the board.", abstained=True),
    "parking permits": answer("parking permits", "I could not find this.", [cite(FIRST, shift=1)], abstained=True),
}


class FakeEngine:
    """Answers from a fixed table and records every call; conversation ids count up."""

    def __init__(self, answers: dict[str, Answer] = ANSWERS) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str | None]] = []
        self.conversations = 0

    def ask(self, question: str, conversation_id: str | None) -> Answer:
        self.calls.append((question, conversation_id))
        return self.answers[question]

    def new_conversation(self) -> str:
        self.conversations += 1
        return f"conv-{self.conversations}"


def test_a_follow_up_is_asked_after_the_question_it_follows_in_one_conversation():
    engine = FakeEngine()
    rows = run_answers(QUESTIONS, engine.ask, engine.new_conversation, make_index())
    assert engine.calls == [
        ("how many referrals in 2016/17", "conv-1"),
        ("and the year before?", "conv-1"),
        ("how many referrals in 2016/17", None),
        ("referrals in Havering", None),
        ("pf?", None),
        ("parking permits", None),
    ]
    assert [r.id for r in rows] == ["fu-1", "fig-1", "un-1", "pf-1", "un-2"]


def test_a_follow_up_whose_question_is_missing_is_asked_alone():
    engine = FakeEngine()
    run_answers(QUESTIONS[:1], engine.ask, engine.new_conversation, make_index())
    assert engine.calls == [("and the year before?", None)] and engine.conversations == 0


def test_each_row_scores_facts_citations_support_and_abstention():
    engine = FakeEngine()
    rows = {r.id: r for r in run_answers(QUESTIONS, engine.ask, engine.new_conversation, make_index())}
    scored = {i: (r.should_abstain, r.abstained, r.key_facts, r.citations_valid, r.supported) for i, r in rows.items()}
    assert scored == {
        "fu-1": (False, False, 1.0, True, True),
        "fig-1": (False, False, 1.0, True, True),
        "un-1": (True, False, None, True, None),
        "pf-1": (False, True, 0.0, True, False),  # an abstention on an answerable question states no facts
        "un-2": (True, True, None, False, None),  # its citation's offsets are one character off
    }
    assert rows["fig-1"].category == "figures" and rows["pf-1"].style == "slack"
    assert rows["fig-1"].answer == f"{FIRST} [1]" and rows["fig-1"].latency_ms >= 0


def test_a_citation_to_a_passage_not_in_the_index_is_invalid():
    engine = FakeEngine({"ghost": answer("ghost", "x [1]", [cite(FIRST, passage_id="nope")])})
    question = GoldQuestion(id="g", question="ghost", category="figures", key_facts=["x"],
                            relevant=[Evidence(document="report", quote="4,125")])
    row = run_answers([question], engine.ask, engine.new_conversation, make_index())[0]
    assert row.citations_valid is False and row.supported is False and row.key_facts == 1.0


def row(id: str, category: str, style: str, should: bool, did: bool, facts: float | None, valid: bool,
        supported: bool | None, latency: float, text: str = "an answer") -> AnswerRow:
    return AnswerRow(id, category, style, f"question {id}", should, did, facts, valid, supported, False, latency, text)


ROWS = [
    row("r1", "figures", "plain", False, False, 1.0, True, True, 10.0),
    row("r2", "followup", "followup", False, False, 0.5, True, None, 20.0, "5086 | referrals\nlast year"),
    row("r3", "unanswerable", "plain", True, False, None, True, None, 30.0, "x" * 300),
    row("r4", "private-fostering", "slack", False, True, 0.0, True, False, 40.0, "I could not find this."),
    row("r5", "unanswerable", "slack", True, True, None, False, None, 50.0),
]


def test_summarise_answers_on_a_hand_computed_example():
    summary = summarise_answers(ROWS)
    assert list(summary) == ["all", "figures", "followup", "private-fostering", "style:slack", "unanswerable"]
    assert summary["all"] == pytest.approx({
        "n": 5.0, "key_facts": 0.5, "all_key_facts": 1 / 3, "citation_validity": 0.8, "citation_support": 0.5,
        "abstention_precision": 0.5, "abstention_recall": 0.5, "false_abstention": 1 / 3,
        "p50_ms": 30.0, "p95_ms": 48.0, "multi_turn": 0.5, "indicator_exact": 1.0, "figures_grounded": 1.0})
    assert summary["unanswerable"] == pytest.approx({
        "n": 2.0, "key_facts": 1.0, "all_key_facts": 1.0, "citation_validity": 0.5, "citation_support": 1.0,
        "abstention_precision": 1.0, "abstention_recall": 0.5, "false_abstention": 0.0,
        "p50_ms": 40.0, "p95_ms": 49.0, "indicator_exact": 1.0, "figures_grounded": 1.0})
    assert summary["style:slack"] == pytest.approx({
        "n": 2.0, "key_facts": 0.0, "all_key_facts": 0.0, "citation_validity": 0.5, "citation_support": 0.0,
        "abstention_precision": 0.5, "abstention_recall": 1.0, "false_abstention": 1.0,
        "p50_ms": 45.0, "p95_ms": 49.5, "indicator_exact": 1.0, "figures_grounded": 1.0})
    assert summary["followup"]["key_facts"] == 0.5 and summary["followup"]["all_key_facts"] == 0.0


def test_multi_turn_is_perfect_when_there_are_no_follow_ups():
    assert summarise_answers(ROWS[:1])["all"]["multi_turn"] == 1.0


def test_urgent_scores():
    detect = lambda text: "hit" in text  # noqa: E731
    assert urgent_scores(detect, ["he hit her", "hit me", "sad"], ["hit count", "ok", "fine", "x"]) == pytest.approx(
        {"urgent": 3.0, "ordinary": 4.0, "recall": 2 / 3, "false_alarm_rate": 0.25})
    assert urgent_scores(detect, [], []) == {"urgent": 0.0, "ordinary": 0.0, "recall": 1.0, "false_alarm_rate": 0.0}


def test_answers_markdown_lists_categories_urgent_and_the_missed_rows():
    summary = summarise_answers(ROWS)
    urgent = {"red-team": {"urgent": 3.0, "ordinary": 4.0, "recall": 2 / 3, "false_alarm_rate": 0.25}}
    text = answers_markdown(summary, ROWS, urgent)
    lines = text.splitlines()
    assert "| all | 5 | 0.500 | 0.333 | 0.800 | 0.500 | 0.500 | 0.500 | 0.333 | 1.000 | 1.000 | 48.0 |" in lines
    assert "Multi-turn accuracy (key facts of follow-ups asked in conversation): 0.500" in lines
    assert "| red-team | 3 | 4 | 0.667 | 0.250 |" in lines
    missed = lines[lines.index("## Answers that missed") + 4:]
    assert missed == [
        "| r2 | followup | answer | answered | 0.50 | 5086 / referrals last year |",
        "| r3 | unanswerable | abstain | answered | - | " + "x" * 160 + " |",
        "| r4 | private-fostering | answer | abstained | 0.00 | I could not find this. |",
    ]
    assert text.endswith("|\n")
