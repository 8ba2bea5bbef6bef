"""The default corpus, ingested once with the real model: structure, tables and search results on the real text."""

from __future__ import annotations

import pytest

from assistant.runtime import open_retriever
from index.corpusdb import read_documents, read_tables
from index.loaded import LoadedIndex
from index.store import IndexStore

pytestmark = pytest.mark.slow
REPORT = "redbridge-lscb-annual-report-2016-17"
WT = "working-together-2023"


@pytest.fixture(scope="module")
def index(default_index_settings) -> LoadedIndex:
    return LoadedIndex(IndexStore(default_index_settings.index_root).current_dir())


@pytest.fixture(scope="module")
def retriever(default_index_settings, minilm):
    return open_retriever(default_index_settings, minilm)


def test_both_documents_indexed_with_their_metadata(index):
    docs = {d.id: d for d in index.manifest.documents}
    assert docs[REPORT].pages == 1 and docs[REPORT].tables >= 18
    assert docs[WT].pages == 168 and docs[WT].passages > 300
    assert index.manifest.model == "sentence-transformers/all-MiniLM-L6-v2" and index.manifest.dimension == 384


def test_private_fostering_finds_the_private_fostering_section_first(retriever):
    top = retriever.search("private fostering", k=3)[0].passage
    assert top.section[-1] == "Private Fostering"
    assert top.section[0].startswith("5. Safeguarding in Redbridge")


def test_s47_finds_the_section_47_passage_first(retriever):
    top = retriever.search("S47", k=3)[0].passage
    assert "section 47" in top.text.lower()


def test_working_together_paragraph_numbers_and_chapters(index):
    para = next(p for p in index.passages if p.document_id == WT and p.text.startswith("65. Relevant agencies"))
    assert para.paragraph == "65"
    assert para.section[0].startswith("Chapter 2") and para.section[-1] == "Relevant agencies"
    assert para.page == 31


def test_annual_report_table_cells_land_in_row_and_column(index):
    tables = read_tables(index.directory / "corpus.sqlite", REPORT)
    indicators = next(t for t in tables if t.header_rows and t.header_rows[0][0] == "Indicator")
    row = next(r for r in indicators.rows if r[0] == "% of assessments completed within 45 days")
    assert row[indicators.header_rows[0].index("National 2015/16*")] == "83.4%"
    assert row[indicators.header_rows[0].index("Redbridge 2016/17")] == "93.5%"


def test_offsets_slice_back_for_every_passage(index):
    texts = {d.meta.id: d.text for d in read_documents(index.directory / "corpus.sqlite")}
    for passage in index.passages:
        assert texts[passage.document_id][passage.start:passage.end] == passage.text


def test_no_passage_exceeds_the_model_limit(index):
    from corpus.tokens import TokenCounter

    counter = TokenCounter()
    assert max(counter.count_many([p.index_text() for p in index.passages])) <= 256


def test_ligatures_are_gone_from_working_together(index):
    assert not any(ch in p.text for p in index.passages for ch in "ﬁﬂﬀﬃﬄ")
