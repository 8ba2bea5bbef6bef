"""The lscb command line, through click's CliRunner, on a scratch corpus with the hashing embedder."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assistant.cli import main
from samples import POLICY, REPORT, REPORT_MANIFEST, THRESHOLDS


def run(settings, *args: str):
    env = {"LSCB_EMBEDDER": "hashing"}
    return CliRunner().invoke(main, ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir),
                                     *args], env=env, catch_exceptions=False)


def test_ingest_search_status_publish_rollback(settings):
    (settings.corpus_dir / "policy.md").write_text(POLICY)
    first = run(settings, "ingest")
    assert first.exit_code == 0, first.output
    assert "1 documents" in first.output and "Now serving" in first.output
    hits = json.loads(run(settings, "search", "private fostering", "--json", "-k", "2").output)
    assert hits[0]["passage"]["section"] == ["Escalation policy", "Private fostering"]
    (settings.corpus_dir / "thresholds.txt").write_text(THRESHOLDS)
    candidate = json.loads(run(settings, "ingest", "--json", "--no-switch").output)
    status = json.loads(run(settings, "index", "status", "--json").output)
    assert status["version"] != candidate["version"] and candidate["version"] in status["versions"]
    assert run(settings, "index", "publish", candidate["version"]).exit_code == 0
    assert json.loads(run(settings, "index", "status", "--json").output)["version"] == candidate["version"]
    rolled = run(settings, "index", "rollback")
    assert rolled.exit_code == 0 and status["version"] in rolled.output


def test_clear_errors_and_exit_codes(settings):
    no_index = run(settings, "search", "anything")
    assert no_index.exit_code == 1 and "lscb ingest" in no_index.output
    (settings.corpus_dir / "empty.pdf").write_bytes(b"")
    nothing = run(settings, "ingest")
    assert nothing.exit_code == 2 and "zero-byte" in nothing.output
    assert run(settings, "index", "publish", "nope").exit_code == 2


def test_corpus_list_shows_inferred_entries(settings):
    (settings.corpus_dir / "havering-thresholds-2019.md").write_text("# Thresholds\n\nLevel 1.\n")
    listed = json.loads(run(settings, "corpus", "list", "--json").output)
    assert listed[0]["kind"] == "thresholds-guidance" and listed[0]["in_manifest"] is False


# --- lscb ask and lscb chat ----------------------------------------------------------------------------------




def ask_corpus(settings):
    (settings.corpus_dir / "corpus.toml").write_text(REPORT_MANIFEST, encoding="utf-8")
    (settings.corpus_dir / "annual-report.md").write_text(REPORT, encoding="utf-8")
    ingested = run(settings, "ingest")
    assert ingested.exit_code == 0, ingested.output


def run_engine(settings, *args: str, input: str | None = None):
    """Like `run`, with the abstention threshold the hashing embedder needs (as in tests/test_engine.py)."""
    env = {"LSCB_EMBEDDER": "hashing", "LSCB_ABSTAIN_MIN_STRENGTH": "0.3"}
    return CliRunner().invoke(main, ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir),
                                     *args], env=env, input=input, catch_exceptions=False)


def test_ask_prints_the_quoted_answer_and_its_sources(settings):
    ask_corpus(settings)
    result = run_engine(settings, "ask", "what is private fostering?")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("Private fostering is the care of a child under 16 by someone who is not a parent or close relative "
            "for 28 days or more. [1]") in text
    assert "Sources" in text
    assert "[1] Westshire LSCB Annual Report 2016-17 · Annual report › Private fostering · July 2017" in text
    assert "corpus " in text and "could not find" not in text


def test_ask_json_prints_the_answer_contract(settings):
    ask_corpus(settings)
    result = run_engine(settings, "ask", "what is private fostering?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"question", "answer", "abstained", "urgent", "citations", "indicators", "related",
                         "notices", "edition", "conversation_id", "resolved_question", "corpus_version",
                         "answer_id", "timings_ms"}
    assert data["question"] == "what is private fostering?"
    assert data["abstained"] is False and data["urgent"] is False and data["resolved_question"] is None
    first = data["citations"][0]
    assert set(first) >= {"n", "document_id", "title", "section", "page", "paragraph", "quote", "start", "end",
                          "published", "url", "passage_id"}
    assert (first["n"], first["document_id"], first["published"]) == (1, "annual-report", "2017-07-01")
    assert first["quote"] in data["answer"] and "28 days" in first["quote"]
    assert data["conversation_id"], "ask remembers the turn so a follow-up can use --conversation"


def test_ask_follow_up_with_conversation_is_read_against_the_previous_turn(settings):
    ask_corpus(settings)
    first = json.loads(run_engine(settings, "ask", "how many referrals to children's social care in 2016/17",
                                  "--json").output)
    follow = json.loads(run_engine(settings, "ask", "and the year before?", "--conversation",
                                   first["conversation_id"], "--json").output)
    assert follow["conversation_id"] == first["conversation_id"]
    assert "2015/16" in follow["resolved_question"] and "5086" in follow["answer"]


def test_ask_an_empty_question_exits_2_with_a_message(settings):
    ask_corpus(settings)
    for question in ("", "   "):
        result = run_engine(settings, "ask", question)
        assert result.exit_code == 2
        assert "error: the question is empty" in " ".join(result.output.split())


def test_ask_without_an_index_says_to_ingest(settings):
    result = run_engine(settings, "ask", "what is private fostering?")
    assert result.exit_code == 1 and "lscb ingest" in result.output


def test_chat_answers_in_turn_and_reads_a_follow_up_against_the_first(settings):
    ask_corpus(settings)
    result = run_engine(settings, "chat", input="how many referrals to children's social care in 2016/17\n"
                                                "and the year before?\n\nwhat is private fostering?\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("lscb> ") == 3, "a blank line ends the chat: the third question is never asked"
    text = " ".join(result.output.split())
    assert "2016/17: 4125 [1]" in text and "2015/16: 5086 [1]" in text, "each turn answers its own period"
    assert text.count("(read as: ") == 1
    assert "lscb> (read as: how many referrals to children's social care in 2015/16)" in text
    assert "28 days" not in text


def test_chat_new_starts_a_fresh_conversation_and_bad_questions_do_not_end_it(settings):
    ask_corpus(settings)
    result = run_engine(settings, "chat", input="how many referrals to children's social care in 2016/17\n"
                                                "new\n" + "x" * 1500 + "\nwhat is private fostering?\n")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "keep it under 1000" in text, "an over-long question gets the message and the prompt comes back"
    assert "28 days" in text and "(read as: " not in text
    assert result.output.count("lscb> ") == 5  # four lines read, then end of input
