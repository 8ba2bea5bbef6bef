"""Ingest of real generated documents (PDF, DOCX, HTML) and bad files, end to end, with the hashing embedder."""

from __future__ import annotations

from corpus.ingest import ingest
from index.corpusdb import read_tables
from index.loaded import LoadedIndex
from index.store import IndexStore
from pdf_factory import (REPORT_TABLE, make_broken_pdf, make_docx, make_encrypted_pdf, make_html,
                         make_image_only_pdf, make_report_pdf)


def current(settings) -> LoadedIndex:
    return LoadedIndex(IndexStore(settings.index_root).current_dir())


def test_generated_pdf_sections_pages_paragraphs_and_table(settings, hashing_embedder):
    make_report_pdf(settings.corpus_dir / "testshire-report.pdf")
    report = ingest(settings, hashing_embedder)
    assert [f.status for f in report.files] == ["indexed"]
    assert report.files[0].pages == 3
    index = current(settings)
    timescales = next(p for p in index.passages if "45 working days" in p.text.replace("\n", " ")
                      or "45\nworking days" in p.text)
    assert timescales.section == ["Chapter 2: Assessment", "Timescales"]
    assert timescales.page == 3
    assert timescales.paragraph == "6"
    agencies = next(p for p in index.passages if "Relevant agencies are those organisations" in p.text)
    assert agencies.section == ["Chapter 1: Introduction", "Relevant agencies"]
    assert "safeguarding partners must publish" in agencies.text  # "safe-" / "guarding" repaired
    assert "multi-agency working" in agencies.text  # a real hyphen kept
    tables = read_tables(index.directory / "corpus.sqlite")
    assert len(tables) == 1
    table = tables[0]
    assert table.page == 2
    assert table.header_rows == [REPORT_TABLE[0]]
    assert table.rows == REPORT_TABLE[1:]  # "Emotional abuse" row, "2016/17" column is "52"
    assert table.rows[1][table.header_rows[0].index("2016/17")] == "52"
    table_passage = next(p for p in index.passages if p.table_id == table.id)
    assert table_passage.kind.value == "table" and table_passage.section[-1] == "Referrals"


def test_docx_and_html_ingest_with_their_headings(settings, hashing_embedder):
    make_docx(settings.corpus_dir / "policy.docx")
    make_html(settings.corpus_dir / "page.html")
    report = ingest(settings, hashing_embedder)
    assert sorted(f.status for f in report.files) == ["indexed", "indexed"]
    index = current(settings)
    assert all(p.page is None for p in index.passages)
    assert all(p.section for p in index.passages)
    assert not any("<script" in p.text or "function(" in p.text for p in index.passages)


def test_bad_files_are_reported_and_the_rest_indexed(settings, hashing_embedder):
    corpus = settings.corpus_dir
    make_report_pdf(corpus / "good.pdf")
    make_encrypted_pdf(corpus / "locked.pdf")
    make_broken_pdf(corpus / "broken.pdf")
    make_image_only_pdf(corpus / "scanned.pdf")
    (corpus / "empty.pdf").write_bytes(b"")
    (corpus / "page.pdf").write_text("<!DOCTYPE html><html><body>not a pdf</body></html>")
    (corpus / "archive.pdf").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    (corpus / "latin1.txt").write_bytes("Caf\xe9 policy\n\nThe caf\xe9 rule applies to everyone.\n".encode("latin-1"))
    (corpus / "data.xlsx").write_bytes(b"PK\x03\x04")
    report = ingest(settings, hashing_embedder)
    by_name = {f.path: f for f in report.files}
    assert by_name["good.pdf"].status == "indexed"
    assert by_name["latin1.txt"].status == "indexed" and by_name["latin1.txt"].warnings
    expected = {"locked.pdf": "encrypt", "broken.pdf": "corrupt", "scanned.pdf": "OCR", "empty.pdf": "zero-byte",
                "page.pdf": "HTML", "archive.pdf": "zip", "data.xlsx": "unsupported"}
    for name, word in expected.items():
        entry = by_name[name]
        assert entry.status == "skipped", name
        assert word.lower() in f"{entry.reason} {entry.advice}".lower(), (name, entry.reason)
        assert entry.advice, name
    assert report.usable


def test_file_over_the_size_cap_is_skipped(tmp_path, hashing_embedder):
    from conftest import make_settings

    settings = make_settings(tmp_path, max_file_mb=0.001)
    (settings.corpus_dir / "big.txt").write_text("word " * 2000)
    (settings.corpus_dir / "small.txt").write_text("A short note about escalation.")
    report = ingest(settings, hashing_embedder)
    by_name = {f.path: f for f in report.files}
    assert by_name["big.txt"].status == "skipped" and "cap" in by_name["big.txt"].reason
    assert by_name["small.txt"].status == "indexed"


def test_a_file_that_hangs_the_parser_is_stopped_and_the_next_one_parses(tmp_path):
    from assistant.types import DocumentMeta
    from corpus.worker import ChunkParams, ParsedDocument, ParseFailure, ParseWorker
    from slow_parser import parse_or_hang

    (tmp_path / "hang.txt").write_text("x")
    (tmp_path / "fine.md").write_text("# Escalation\n\nTalk to your manager first, then escalate.\n")
    meta = DocumentMeta(id="d", path="d", title="D")
    with ParseWorker(timeout_s=3, memory_mb=2048, parse=parse_or_hang) as worker:
        worker.submit(tmp_path / "hang.txt", meta, ChunkParams())
        failure = worker.result()
        assert isinstance(failure, ParseFailure) and "longer than 3 s" in failure.reason
        worker.submit(tmp_path / "fine.md", meta, ChunkParams())
        assert isinstance(worker.result(), ParsedDocument)


def test_a_parser_that_exhausts_memory_is_reported(tmp_path):
    from assistant.types import DocumentMeta
    from corpus.worker import ChunkParams, ParseFailure, ParseWorker
    from slow_parser import parse_or_hang

    (tmp_path / "bomb.txt").write_text("x")
    with ParseWorker(timeout_s=30, memory_mb=1024, parse=parse_or_hang) as worker:
        worker.submit(tmp_path / "bomb.txt", DocumentMeta(id="d", path="d", title="D"), ChunkParams())
        failure = worker.result()
    assert isinstance(failure, ParseFailure) and "memory" in failure.reason
