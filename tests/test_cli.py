"""The lscb command line, through click's CliRunner, on a scratch corpus with the hashing embedder."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assistant.cli import main
from samples import POLICY, THRESHOLDS


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
