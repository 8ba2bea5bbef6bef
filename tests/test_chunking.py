"""Passages and tables from blocks, checked with the model's real word-piece tokenizer."""

from __future__ import annotations

import re

import pytest

from assistant.config import PROJECT_ROOT
from assistant.types import Block, BlockKind, DocumentMeta, Passage, PassageKind, Table
from corpus.chunking import chunk_document
from corpus.sentences import sentence_spans
from corpus.structure import parse_blocks
from corpus.tokens import TokenCounter

ANNUAL_REPORT = PROJECT_ROOT / "corpus" / "documents" / "redbridge-lscb-annual-report-2016-17.txt"
META = DocumentMeta(id="redbridge-ar-2016-17", path=ANNUAL_REPORT.name, title="Redbridge LSCB Annual Report 2016/17")
WT_META = DocumentMeta(id="wt-2023", path="wt.pdf", title="Working Together to Safeguard Children 2023")
CHAPTER = "Chapter 2: Multi-agency safeguarding arrangements"
LONG_71 = " ".join(
    f"Sentence {n} explains that relevant agencies must share information about children promptly and record "
    f"their decisions clearly." for n in range(1, 25))
WT_TEXT = f"""# {CHAPTER}

34. Protecting children from abuse, neglect and exploitation requires multi-agency join up and cooperation.

## Relevant agencies

65. Relevant agencies are those organisations and agencies whose involvement the safeguarding partners consider are required to safeguard and promote the welfare of local children.

66. Strong, effective multi-agency safeguarding arrangements should be responsive to local circumstances.
\f70. When identified by the LSPs as a relevant agency, an organisation must act in accordance with local safeguarding arrangements. As part of this, the organisation should:

• have a clear understanding of its responsibilities in relation to safeguarding children locally
• co-operate with safeguarding partners to improve the local safeguarding arrangements

71. {LONG_71}

## Independent scrutiny

86. The role of independent scrutiny is to provide assurance in judging the effectiveness of arrangements."""


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    tokens = TokenCounter()
    tokens.warm_up()
    return tokens


@pytest.fixture(scope="module")
def report(counter) -> tuple[str, list[Block], list[Passage], list[Table]]:
    text = ANNUAL_REPORT.read_text(encoding="utf-8")
    blocks = parse_blocks(text, paged=True)
    passages, tables = chunk_document(META, text, blocks, counter)
    return text, blocks, passages, tables


@pytest.fixture(scope="module")
def wt(counter) -> tuple[list[Passage], list[Block]]:
    blocks = parse_blocks(WT_TEXT, paged=True)
    return chunk_document(WT_META, WT_TEXT, blocks, counter)[0], blocks


def test_token_counter_counts_like_the_model(counter):
    assert counter.count("What is the LSCB?") == 9  # [CLS] what is the l ##sc ##b ? [SEP]
    texts = ["Private fostering", "", "Neglect\t69\t81"]
    assert counter.count_many(texts) == [counter.count(t) for t in texts]
    assert counter.count_many([]) == []
    assert counter.token_spans("Hello world.") == [(0, 5), (6, 11), (11, 12)]


def test_every_passage_slices_back_and_fits_the_model(report, counter):
    text, _, passages, _ = report
    assert passages
    assert all(text[p.start:p.end] == p.text for p in passages)
    counts = counter.count_many([p.index_text() for p in passages])
    assert max(counts) <= 256
    words = sorted(len(p.text.split()) for p in passages if p.kind is not PassageKind.TABLE)
    assert 100 <= words[len(words) // 2] <= 200  # typical passage length


def test_no_passage_mixes_sections_or_contains_a_heading(report):
    _, blocks, passages, _ = report
    for passage in passages:
        inside = [b for b in blocks if b.start < passage.end and b.end > passage.start]
        assert all(b.kind is not BlockKind.HEADING for b in inside)
        assert {tuple(b.section) for b in inside} == {tuple(passage.section)}


def test_no_text_is_lost(report):
    text, blocks, passages, _ = report
    covered = bytearray(len(text))
    for passage in passages:
        covered[passage.start:passage.end] = b"\x01" * (passage.end - passage.start)
    for block in blocks:
        if block.kind is not BlockKind.HEADING and not block.navigation:
            missing = [i for i in range(block.start, block.end) if not covered[i] and not text[i].isspace()]
            assert not missing, block.text[:80]


def test_passage_fields_and_stable_ids(report, counter):
    text, blocks, passages, _ = report
    assert all(p.document_id == META.id and p.title == META.title and p.page == 1 for p in passages)
    assert all(re.fullmatch(r"redbridge-ar-2016-17:[0-9a-f]{12}(-\d+)?", p.id) for p in passages)
    assert len({p.id for p in passages}) == len(passages)
    again, _ = chunk_document(META, text, blocks, counter)
    assert [p.id for p in again] == [p.id for p in passages]
    fostering = [p for p in passages if p.section[-1:] == ["Private Fostering"]]
    assert fostering and all(p.kind is PassageKind.PROSE for p in fostering)
    assert fostering[0].text.startswith("Private fostering is the care of a child")
    # Editing one paragraph changes only the ids of passages that hold it.
    edited_text = text.replace("Private fostering is the care", "Private fostering is the informal care")
    edited, _ = chunk_document(META, edited_text, parse_blocks(edited_text), counter)
    changed = {p.id for p in passages} - {p.id for p in edited}
    assert changed == {fostering[0].id}


def test_lists_stay_with_their_introduction(report):
    _, _, passages, _ = report
    intro = next(p for p in passages if "LSCBs should, as a minimum:" in p.text)
    assert "- assess whether LSCB partners are fulfilling their statutory functions;" in intro.text
    assert intro.kind in (PassageKind.PROSE, PassageKind.LIST)
    assert any(p.kind is PassageKind.LIST for p in passages)


def test_tables_become_records_and_row_passages(report):
    text, _, passages, tables = report
    assert [t.id for t in tables] == [f"{META.id}:t{i}" for i in range(len(tables))]
    referrals = next(t for t in tables if t.title == "Referrals to Children's Social Care")
    assert referrals.section == ["3. Safeguarding in Redbridge: need, risk and demand"]
    assert referrals.header_rows == [["2010/11", "2011/12", "2012/13", "2013/4", "2014/15", "2015/16", "2016/17"]]
    assert referrals.rows == [["4019", "3691", "3648", "4718", "5175", "5086", "4125"]]
    categories = next(t for t in tables if t.title and t.title.startswith("Number of children who became"))
    assert ["Neglect", "69", "81", "65", "108", "111", "140", "146"] in categories.rows
    health = next(t for t in tables if t.title == "Health Providers Safeguarding Children Training Compliance")
    assert len(health.header_rows) == 2
    for table in tables:
        own = [p for p in passages if p.table_id == table.id]
        assert own and all(p.kind is PassageKind.TABLE for p in own)
        assert own[0].start == table.start and own[-1].end == table.end
    budget = next(t for t in tables if t.header_rows == [["Income", "", "Expenditure", ""]])
    parts = [p for p in passages if p.table_id == budget.id]
    assert len(parts) == 2 and parts[0].context == ""
    assert parts[1].context == "Income\t\tExpenditure" and parts[1].text.startswith("Barking, Havering")
    for part in parts:  # whole rows: each slice starts at a line start and ends at a line end
        assert text[part.start - 1] == "\n" and text[part.end:part.end + 1] in ("\n", "\t")


def test_working_together_paragraph_and_section(wt):
    passages, _ = wt
    first = next(p for p in passages if p.text.startswith("65."))
    assert first.section == [CHAPTER, "Relevant agencies"] and first.paragraph == "65"
    assert first.index_text().startswith(f"{CHAPTER} › Relevant agencies\n65.")
    assert "• co-operate with safeguarding partners" in first.text and first.page == 1
    assert next(p for p in passages if p.text.startswith("34.")).section == [CHAPTER]
    last = passages[-1]
    assert last.paragraph == "86" and last.section == [CHAPTER, "Independent scrutiny"] and last.page == 2


def test_long_paragraph_splits_at_sentences_with_one_sentence_overlap(wt, counter):
    passages, _ = wt
    pieces = [p for p in passages if p.paragraph == "71"]
    assert len(pieces) >= 2
    assert pieces[0].text.startswith("71. Sentence 1 explains")
    assert pieces[-1].text.endswith("Sentence 24 explains that relevant agencies must share information about "
                                    "children promptly and record their decisions clearly.")
    for before, after in zip(pieces, pieces[1:]):
        shared = WT_TEXT[after.start:before.end]
        assert re.fullmatch(r"Sentence \d+ explains [^.]+\.", shared), shared
    assert all(counter.count(p.index_text()) <= 256 for p in pieces)
    assert all(len(p.text.split()) <= 160 for p in pieces)


def test_small_caps_and_overlong_text_still_fit(counter):
    text = "# Title\n\n" + " ".join(f"word{n}" for n in range(2000)) + "\n\nA\tB\n" + "\n".join(
        f"row {n}\t{' '.join(['cell'] * 40)}" for n in range(20))
    passages, tables = chunk_document(WT_META, text, parse_blocks(text), counter, max_tokens=64, target_words=30)
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert max(counter.count_many([p.index_text() for p in passages])) <= 64
    assert len(tables) == 1 and len(tables[0].rows) == 20
    with pytest.raises(ValueError, match="max_tokens"):
        chunk_document(WT_META, text, [], counter, max_tokens=8)


@pytest.mark.parametrize("text", ["ab." * 1500, "日本語のテキスト" * 300, "see https://example.org/" + "abc/def?" * 400])
def test_text_without_spaces_is_cut_at_tokens_and_nothing_is_lost(counter, text):
    passages, _ = chunk_document(WT_META, text, parse_blocks(text), counter, max_tokens=64)
    assert max(counter.count_many([p.index_text() for p in passages])) <= 64
    covered = {i for p in passages for i in range(p.start, p.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_sentence_spans_skip_abbreviations_and_number_markers():
    text = "65. Agencies, e.g. schools, act. Dr. Smith agreed! Next one? Yes it is.\nNew line here"
    sentences = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert sentences == ["65. Agencies, e.g. schools, act.", "Dr. Smith agreed!", "Next one? Yes it is.",
                         "New line here"]
