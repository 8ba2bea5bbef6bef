"""The answer engine end to end on a small corpus (hashing embedder, real FAISS, BM25 and SQLite)."""

from __future__ import annotations

import pytest

from assistant.contract import Citation
from assistant.conversation import ConversationStore
from assistant.engine import AnswerEngine, EngineOptions, QuestionError
from assistant.runtime import open_retriever
from assistant.verify import CitationError, verify_citations
from conftest import make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder
from samples import MANIFEST, NEW_EDITION, OLD_EDITION, REPORT

@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("engine"))
    hashing_embedder = HashingEmbedder()
    corpus = settings.corpus_dir
    (corpus / "corpus.toml").write_text(MANIFEST, encoding="utf-8")
    (corpus / "thresholds-2015.md").write_text(OLD_EDITION, encoding="utf-8")
    (corpus / "thresholds-2018.md").write_text(NEW_EDITION, encoding="utf-8")
    (corpus / "annual-report.md").write_text(REPORT, encoding="utf-8")
    report = ingest(settings, hashing_embedder)
    assert report.usable
    store = ConversationStore(None, idle_seconds=600)
    engine = AnswerEngine(open_retriever(settings, hashing_embedder), EngineOptions(min_strength=0.3),
                          conversations=store)
    engine.warm_up()
    return engine


def _check_quotes(answer, engine):
    """Every [n] in the text has its citation, and each quote slices out of its document at start:end."""
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        text = engine.index.documents[citation.document_id].text
        assert text[citation.start:citation.end] == citation.quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_answer_quotes_the_document_and_cites_section_and_date(engine):
    answer = engine.ask("what is private fostering?")
    assert not answer.abstained and not answer.urgent
    assert "28 days" in answer.answer
    first = answer.citations[0]
    assert first.document_id == "annual-report" and first.section.endswith("Private fostering")
    assert str(first.published) == "2017-07-01" and first.url.startswith("/documents/annual-report")
    _check_quotes(answer, engine)


def test_table_question_answers_with_the_row_and_its_header(engine):
    answer = engine.ask("how many referrals to children's social care in 2016/17")
    assert not answer.abstained
    assert "2016/17: 4125" in answer.answer
    assert any(c.quote == "Referrals\t5175\t5086\t4125" for c in answer.citations)
    _check_quotes(answer, engine)


def test_newer_edition_leads_and_the_answer_says_which_it_quotes(engine):
    answer = engine.ask("within how many working days should a practitioner escalate a threshold disagreement?")
    assert not answer.abstained
    assert "five working days" in answer.answer and "ten working days" not in answer.answer
    assert answer.citations[0].document_id == "thresholds-2018"
    assert answer.edition and "2018" in answer.edition and "supersedes" in answer.edition


@pytest.mark.parametrize("question, reason", [
    ("What are Havering's thresholds for a referral?", "Havering"),
    ("how many referrals to children's social care in 2019/20", "2019/20"),
])
def test_abstains_with_the_reason_and_points_to_contacts_from_the_corpus(engine, question, reason):
    answer = engine.ask(question)
    assert answer.abstained
    assert reason in answer.answer and "could not find" in answer.answer
    assert answer.citations and "020 8708 0000" in answer.citations[0].quote
    assert answer.related, "closest passages are offered as related"
    _check_quotes(answer, engine)


def test_weak_evidence_abstains(engine):
    answer = engine.ask("how do I renew a parking permit for my car")
    assert answer.abstained


def test_urgent_message_gets_the_emergency_route_first(engine):
    answer = engine.ask("a child just told me her dad hits her, what do I do")
    assert answer.urgent
    assert answer.notices[0] == "If a child is in immediate danger, call 999 now."
    assert "MASH" in answer.notices[1] or "social care" in answer.notices[1]
    ordinary = engine.ask("what are the thresholds for a referral to the MASH?")
    assert not ordinary.urgent and not ordinary.notices


def test_follow_up_is_resolved_against_the_previous_turn(engine):
    first = engine.ask("how many referrals to children's social care in 2016/17")
    follow = engine.ask("and the year before?", first.conversation_id)
    assert follow.conversation_id == first.conversation_id
    assert follow.resolved_question and "2015/16" in follow.resolved_question
    assert "5086" in follow.answer


def test_conversation_turns_are_stored_redacted(engine):
    first = engine.ask("my client Jayden Smith is privately fostered, what is private fostering?")
    turns = engine.conversations.recent(first.conversation_id)
    assert turns and "Jayden" not in turns[-1].question and "Smith" not in turns[-1].question


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_get_a_clear_error(engine, question):
    with pytest.raises(QuestionError) as error:
        engine.ask(question)
    assert "question" in str(error.value)


def test_unknown_conversation_id_format_is_a_question_error(engine):
    with pytest.raises(QuestionError):
        engine.ask("what is private fostering?", "bad id with spaces")


def test_a_citation_that_does_not_match_its_source_is_refused(engine):
    answer = engine.ask("what is private fostering?")
    good = answer.citations[0]
    verify_citations([good], engine.index)
    for bad in (good.model_copy(update={"quote": good.quote + " (paraphrased)"}),
                good.model_copy(update={"start": good.start + 1}),
                good.model_copy(update={"passage_id": "nope"})):
        with pytest.raises(CitationError):
            verify_citations([bad], engine.index)


def test_answer_contract_round_trips_as_json(engine):
    from assistant.contract import Answer

    answer = engine.ask("what is private fostering?")
    data = answer.model_dump(mode="json", by_alias=True)
    assert set(data) >= {"question", "answer", "abstained", "urgent", "citations", "indicators", "related",
                         "conversation_id", "corpus_version", "timings_ms"}
    assert set(data["citations"][0]) >= {"n", "document_id", "title", "section", "page", "paragraph", "quote",
                                         "start", "end", "published", "url"}
    assert Answer.model_validate(data) == answer
    assert isinstance(Citation.model_validate(data["citations"][0]), Citation)
