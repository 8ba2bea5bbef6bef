"""The answer engine: a question in, a quoted, cited, verified `Answer` out (or a plain "not found").

question -> urgent check -> follow-up resolution -> hybrid retrieval -> sentence scoring -> evidence judge
-> selection -> quotes with [n] markers -> citation check -> Answer. No language model: every sentence of an
answer is a verbatim quote from a document, and the check refuses to send one that is not.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.abstain import EvidenceJudge, Judgement, asked_periods, wants_figure
from assistant.compose import Quote, compose, document_url, quotes_for, select
from assistant.contacts import find_contacts
from assistant.contract import Answer, Citation, IndicatorValue, Related
from assistant.conversation import ConversationStore, Turn
from assistant.editions import Editions
from assistant.evidence import Candidate, SentenceScorer, TermWeights
from assistant.followup import resolve_followup
from assistant.indicators.answer import figure_answer
from assistant.indicators.lookup import IndicatorLookup, LookupResult, Series
from assistant.redact import redact
from assistant.types import PassageKind, SearchHit
from assistant.urgent import UrgentDetector
from assistant.urgent_semantic import SemanticUrgency
from assistant.verify import verify_citations
from corpus.glossary import expand_query
from index.lexical import tokenize
from index.query import prepare_query
from index.retriever import HybridRetriever, Retrieval


_FRONT_DOOR = re.compile(r"\bMASH\b|multi-agency safeguarding hub|front door|children'?s social care|"
                         r"emergency duty team", re.IGNORECASE)


class QuestionError(ValueError):
    """The question cannot be asked as given; the message says how to fix it."""


@dataclass(frozen=True)
class EngineOptions:
    passages: int = 5
    max_sentences: int = 4
    margin: float = 0.3
    lexical_weight: float = 0.5
    rank_weight: float = 0.2
    min_strength: float = 0.62
    max_question_chars: int = 1000
    related: int = 3
    indicator_min_score: float = 0.8
    indicator_min_coverage: float = 0.5
    semantic_urgent: bool = True
    cache_dir: Path | None = None
    procedure_query: str = "what to do when a child is at risk of significant harm: referral to children's social care"


class AnswerEngine:
    """Answers questions from one loaded index version. Call `warm_up()` once before the first question."""

    def __init__(self, retriever: HybridRetriever, options: EngineOptions | None = None,
                 urgent: UrgentDetector | None = None, conversations: ConversationStore | None = None) -> None:
        self.retriever = retriever
        self.index = retriever.index
        self.options = options or EngineOptions()
        self.urgent = urgent or UrgentDetector.from_file()
        self.conversations = conversations
        self._scorer: SentenceScorer | None = None
        self._judge: EvidenceJudge | None = None
        self._contacts: list[Quote] | None = None
        self._lookup: IndicatorLookup | None = None
        self._semantic: SemanticUrgency | None = None
        self.editions = Editions({d.meta.id: d.meta for d in self.index.documents.values()})

    @property
    def indicator_lookup(self) -> IndicatorLookup | None:
        return self._lookup

    @property
    def corpus_version(self) -> str:
        return self.index.version

    def warm_up(self) -> None:
        """Build what the first question would otherwise pay for: term weights, the judge, contacts."""
        self.retriever.warm_up()
        weights = TermWeights([p.index_text() for p in self.index.passages])
        self._scorer = SentenceScorer(self.index, self.retriever.embedder, weights, self.options.passages,
                                      self.options.lexical_weight, self.options.rank_weight)
        areas = sorted({d.meta.area for d in self.index.documents.values() if d.meta.area})
        self._judge = EvidenceJudge(self.options.min_strength, areas, self.options.lexical_weight)
        local = {a for a in areas if "national" not in a.lower()}
        self._contacts = find_contacts(self.index, local)
        self._lookup = IndicatorLookup(self.index.indicators, self.retriever.embedder, weights,
                                       local_areas=tuple(local), min_coverage=self.options.indicator_min_coverage)
        self._lookup.warm_up()
        if self.options.semantic_urgent and self.retriever.embedder.name != "hashing":
            # The hashing test embedder has no notion of meaning to compare examples with.
            self._semantic = SemanticUrgency(self.retriever.embedder, self.options.cache_dir)
            self._semantic.warm_up()

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        """Answer one question; raises QuestionError for an empty or over-long question."""
        if self._scorer is None or self._judge is None or self._contacts is None:
            self.warm_up()
        assert self._scorer is not None and self._judge is not None and self._contacts is not None
        text = " ".join(question.split())
        if not text:
            raise QuestionError("the question is empty: type a question, for example 'what is private fostering?'")
        if len(text) > self.options.max_question_chars:
            raise QuestionError(f"the question is {len(text)} characters long; keep it under "
                                f"{self.options.max_question_chars} and ask one thing at a time")
        timings: dict[str, float] = {}
        started = clock = time.perf_counter()
        urgent = self.urgent.detect(text) is not None
        previous = self._previous(conversation_id)
        resolution = resolve_followup(text, previous)
        query = resolution.text
        timings["prepare"] = _ms(clock)

        retrieval, judgement = self.judge(query, timings)
        if not urgent and self._semantic is not None and retrieval.vector is not None:
            urgent = self._semantic.fires(retrieval.vector)
        if urgent and judgement.abstain:
            # Someone describing a child at risk needs the procedure even when their words match no passage.
            retrieval, judgement = self.judge(f"{query} {self.options.procedure_query}", timings)
            judgement = replace(judgement, abstain=False) if judgement.candidates else judgement
        clock = time.perf_counter()
        notices = self.urgent.notice(self._front_door()) if urgent else []
        figures = self._figures(retrieval) if not urgent else None
        indicators: list[IndicatorValue] = []
        if figures is not None and figures.missing_period:
            available = ", ".join(figures.available_periods) or "no period"
            judgement = Judgement(True, f"They give {figures.series.indicator if figures.series else 'this'} for "
                                        f"{available}, not for {' and '.join(figures.periods)}.", by_rule=True)
            answer_text, citations, edition = self._abstention(judgement)
        elif figures is not None and (stated := figure_answer(figures, self.index))[0]:
            answer_text, citations, indicators = stated
            if not judgement.abstain:
                # The figure first, then the sentences around it that explain it (trend, comparison, context).
                context = [c for c in select(judgement.candidates, 2, self.options.margin)
                           if c.passage.kind is not PassageKind.TABLE]
                more_text, more = compose(quotes_for(context), self.index.documents, first=len(citations) + 1)
                if more:
                    answer_text, citations = f"{answer_text}\n{more_text}", citations + more
            judgement = Judgement(False, "", judgement.candidates, figures.score)
            edition = self.editions.note(citations)
        elif judgement.abstain:
            answer_text, citations, edition = self._abstention(judgement)
        else:
            chosen = select(judgement.candidates, self.options.max_sentences, self.options.margin)
            answer_text, citations = compose(quotes_for(chosen), self.index.documents)
            edition = self.editions.note(citations)
        verify_citations(citations, self.index)
        timings["answer"] = _ms(clock)

        conversation_id = self._remember(conversation_id, query, judgement, indicators)
        return Answer(
            question=text, answer=answer_text, abstained=judgement.abstain, urgent=urgent, citations=citations,
            indicators=indicators,
            related=self._related(retrieval.hits, citations) if judgement.abstain else [], notices=notices,
            edition=edition, conversation_id=conversation_id,
            resolved_question=query if resolution.followup else None, corpus_version=self.index.version,
            answer_id=uuid.uuid4().hex, timings_ms={**timings, "total": _ms(started)})

    def is_urgent(self, text: str) -> bool:
        """The urgent route's decision for one message: the word rules, then the semantic backstop."""
        if self.urgent.detect(text) is not None:
            return True
        if self._semantic is None:
            return False
        prepared = prepare_query(text, self.retriever.glossary, self.retriever.speller)
        return self._semantic.fires(self.retriever.embedder.embed_query(prepared.dense))

    def judge(self, query: str, timings: dict[str, float] | None = None) -> tuple[Retrieval, Judgement]:
        """Retrieve for a standalone query and judge the evidence (used by `ask` and by calibration)."""
        if self._scorer is None or self._judge is None:
            self.warm_up()
        assert self._scorer is not None and self._judge is not None
        timings = timings if timings is not None else {}
        clock = time.perf_counter()
        retrieval = self.retriever.retrieve(query, k=max(10, self.options.passages))
        timings["retrieve"] = _ms(clock)
        clock = time.perf_counter()
        terms = tokenize(retrieval.query.dense)
        candidates = self.editions.prefer_newer(self._scorer.score(retrieval, terms), self.options.margin)
        judgement = self._judge.judge(retrieval.query.dense, candidates)
        timings["judge"] = _ms(clock)
        return retrieval, judgement

    def _figures(self, retrieval: Retrieval) -> LookupResult | None:
        """The indicator lookup for a figure question, when a series matches confidently enough."""
        if self._lookup is None or not wants_figure(retrieval.query.dense):
            return None
        top = retrieval.hits[: self.options.passages]
        tables = {h.passage.table_id for h in top if h.passage.table_id}
        spans = [(h.passage.document_id, h.passage.start, h.passage.end) for h in top]

        def retrieved(series: Series) -> bool:
            """A series is a candidate only when the passage that prints it was retrieved for the question."""
            record = series.records[0]
            if record.source == "table":
                return record.table_id in tables
            return any(doc == record.document_id and start <= (record.start or -1) < end for doc, start, end in spans)

        # Every acronym spelled out (not only the rare ones BM25 expands): "CCG" must find "Clinical
        # Commissioning Group" among a table's row labels.
        expanded = expand_query(retrieval.query.dense, self.index.glossary)
        result = self._lookup.lookup(retrieval.query.dense, retrieval.vector, expanded=expanded, allowed=retrieved)
        return result if result.series is not None and result.score >= self.options.indicator_min_score else None

    def _abstention(self, judgement: Judgement) -> tuple[str, list[Citation], str | None]:
        lines = [f"I could not find this in the documents. {judgement.reason}"]
        citations: list[Citation] = []
        if self._contacts:
            text, citations = compose(self._contacts[:1], self.index.documents)
            lines.append(f"For help, contact the board:\n{text}")
        return "\n".join(lines), citations, None

    def _front_door(self) -> str | None:
        """Contact lines for the children's social care front door, when the corpus publishes them.

        The board's own office contacts are not a front door: without a MASH or social care contact block the
        urgent notice uses its fallback wording rather than send a worried practitioner to an office line.
        """
        for quote in self._contacts or []:
            document = self.index.documents.get(quote.passage.document_id)
            if document is None or "national" in (document.meta.area or "national").lower():
                continue
            if _FRONT_DOOR.search(quote.passage.section_path + "\n" + quote.passage.text):
                return " · ".join(line.strip() for line in quote.text.split("\n") if line.strip())
        return None

    def _related(self, hits: list[SearchHit], citations: list[Citation]) -> list[Related]:
        cited = {c.passage_id for c in citations}
        related = []
        for hit in hits:
            p = hit.passage
            if p.id in cited:
                continue
            snippet = p.text if len(p.text) <= 240 else p.text[:240].rsplit(" ", 1)[0] + " …"
            related.append(Related(document_id=p.document_id, title=p.title, section=p.section_path, page=p.page,
                                   snippet=snippet, passage_id=p.id, url=document_url(p.document_id, p.page)))
            if len(related) >= self.options.related:
                break
        return related

    def _previous(self, conversation_id: str | None) -> Turn | None:
        if self.conversations is None or not conversation_id:
            return None
        try:
            turns = self.conversations.recent(conversation_id)
        except ValueError as exc:
            raise QuestionError(str(exc)) from exc
        return turns[-1] if turns else None

    def _remember(self, conversation_id: str | None, query: str, judgement: Judgement,
                  indicators: list[IndicatorValue]) -> str | None:
        if self.conversations is None:
            return conversation_id
        conversation_id = conversation_id or self.conversations.new_id()
        periods = asked_periods(query) or [p for p in dict.fromkeys(i.period for i in indicators) if p][:1]
        top: Candidate | None = judgement.candidates[0] if judgement.candidates and not judgement.abstain else None
        topic = top.passage.section[-1] if top and top.passage.section else None
        self.conversations.append(conversation_id, Turn(
            question=redact(query), topic=topic, period=str(periods[0]) if periods else None, area=None,
            at=time.time()))
        return conversation_id


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
