"""Selection, quoting, table rows and citation numbering, on hand-built passages and candidates."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.compose import Quote, compose, quotes_for, render_row, select, table_header
from assistant.evidence import Candidate
from assistant.types import DocumentMeta, Passage, PassageKind
from index.corpusdb import StoredDocument


def prose(pid: str, text: str, section: tuple[str, ...] = ("Report", "Referrals"), document_id: str = "report",
          start: int = 0, page: int | None = 2) -> Passage:
    return Passage(id=pid, document_id=document_id, title="Westshire LSCB Annual Report", section=list(section),
                   page=page, paragraph=None, start=start, end=start + len(text), kind=PassageKind.PROSE, text=text)


def table(pid: str, text: str, table_id: str = "tab-1", context: str = "", start: int = 0,
          section: tuple[str, ...] = ("Report", "Referrals by year")) -> Passage:
    return Passage(id=pid, document_id="report", title="Westshire LSCB Annual Report", section=list(section),
                   page=5, paragraph=None, start=start, end=start + len(text), kind=PassageKind.TABLE, text=text,
                   context=context, table_id=table_id)


def cand(p: Passage, piece: str, score: float) -> Candidate:
    start = p.text.index(piece)
    return Candidate(p, row=0, rank=1, start=start, end=start + len(piece), dense=score, lexical=0.0, score=score)


def texts(candidates: list[Candidate]) -> list[str]:
    return [c.text for c in candidates]


# --- select --------------------------------------------------------------------------------------------------

A = prose("a", "Referrals fell to 4,125. Most came from the police. Schools made 600.", start=1000)
B = prose("b", "Neglect was the main category. Emotional abuse came next.", section=("Report", "Categories"),
          start=3000)
C = prose("c", "Referrals are screened by the MASH within one working day.", section=("Report", "Referrals"),
          start=500)


def test_select_prefers_the_best_sections_sentences_over_close_ones_elsewhere():
    chosen = select([cand(A, "Referrals fell to 4,125.", 1.0),
                     cand(B, "Emotional abuse came next.", 0.88),  # elsewhere but within margin/2
                     cand(B, "Neglect was the main category.", 0.8),  # elsewhere, 0.2 behind: more than margin/2
                     cand(A, "Schools made 600.", 0.75)])  # same section, 0.25 behind: within the margin
    assert texts(chosen) == ["Referrals fell to 4,125.", "Schools made 600.", "Emotional abuse came next."]


def test_select_stops_at_the_margin():
    chosen = select([cand(A, "Referrals fell to 4,125.", 1.0), cand(A, "Most came from the police.", 0.69),
                     cand(A, "Schools made 600.", 0.68)], margin=0.3)
    assert texts(chosen) == ["Referrals fell to 4,125."]
    wider = select([cand(A, "Referrals fell to 4,125.", 1.0), cand(A, "Most came from the police.", 0.69)], margin=0.4)
    assert texts(wider) == ["Referrals fell to 4,125.", "Most came from the police."]


def test_another_passage_of_the_same_section_is_the_same_place():
    chosen = select([cand(A, "Referrals fell to 4,125.", 1.0), cand(C, "Referrals are screened", 0.75)])
    assert [c.passage.id for c in chosen] == ["c", "a"]  # C starts earlier in the document


def test_select_keeps_to_max_sentences_and_restores_document_order():
    candidates = [cand(A, "Schools made 600.", 1.0), cand(A, "Referrals fell to 4,125.", 0.95),
                  cand(A, "Most came from the police.", 0.9)]
    assert texts(select(candidates, max_sentences=2)) == ["Referrals fell to 4,125.", "Schools made 600."]
    assert texts(select(candidates)) == ["Referrals fell to 4,125.", "Most came from the police.",
                                         "Schools made 600."]


def test_document_order_is_by_document_then_offset():
    other_doc = prose("z", "Referrals fell to 4,125 in Westshire.", document_id="aaa-earlier-id", start=9000,
                      section=("Elsewhere",))
    chosen = select([cand(A, "Referrals fell to 4,125.", 1.0), cand(other_doc, "Referrals fell", 0.95)])
    assert [c.passage.document_id for c in chosen] == ["aaa-earlier-id", "report"]


def test_select_skips_overlapping_spans():
    whole = cand(A, "Referrals fell to 4,125. Most came from the police.", 1.0)
    part = cand(A, "Most came from the police.", 0.95)
    after = cand(A, "Schools made 600.", 0.9)
    assert texts(select([whole, part, after])) == ["Referrals fell to 4,125. Most came from the police.",
                                                   "Schools made 600."]


def test_a_table_answer_keeps_to_its_own_table_and_three_rows():
    t = table("t", "Year\t2014/15\t2015/16\nReferrals\t5175\t5086\nPlans\t280\t300\nCIN\t1900\t2000\nLAC\t290\t300")
    other = table("u", "Year\t2016/17\nContacts\t9000", table_id="tab-2")
    rows = [cand(t, "Referrals\t5175\t5086", 1.0), cand(other, "Contacts\t9000", 0.99),
            cand(A, "Referrals fell to 4,125.", 0.98), cand(t, "Plans\t280\t300", 0.97),
            cand(t, "CIN\t1900\t2000", 0.96), cand(t, "LAC\t290\t300", 0.95)]
    chosen = select(rows, max_sentences=8)
    assert texts(chosen) == ["Referrals\t5175\t5086", "Plans\t280\t300", "CIN\t1900\t2000"]


def test_select_of_nothing_is_nothing():
    assert select([]) == []


# --- quotes_for ----------------------------------------------------------------------------------------------


def test_adjacent_sentences_of_one_passage_become_one_quote():
    quotes = quotes_for([cand(A, "Referrals fell to 4,125.", 1.0), cand(A, "Most came from the police.", 0.9)])
    assert [q.text for q in quotes] == ["Referrals fell to 4,125. Most came from the police."]


def test_sentences_with_text_between_or_a_paragraph_break_stay_apart():
    apart = quotes_for([cand(A, "Referrals fell to 4,125.", 1.0), cand(A, "Schools made 600.", 0.9)])
    assert [q.text for q in apart] == ["Referrals fell to 4,125.", "Schools made 600."]
    p = prose("p", "First paragraph ends here.\n\nSecond paragraph starts here.")
    paragraphs = quotes_for([cand(p, "First paragraph ends here.", 1.0),
                             cand(p, "Second paragraph starts here.", 0.9)])
    assert [q.text for q in paragraphs] == ["First paragraph ends here.", "Second paragraph starts here."]


def test_sentences_of_different_passages_stay_apart():
    quotes = quotes_for([cand(C, "Referrals are screened by the MASH within one working day.", 1.0),
                         cand(A, "Referrals fell to 4,125.", 0.9)])
    assert [(q.passage.id, q.text) for q in quotes] == [
        ("c", "Referrals are screened by the MASH within one working day."), ("a", "Referrals fell to 4,125.")]


BOARD = ("The following must be represented on the Board:\n• the local authority\n• the police\n\n"
         "• health services\nOther agencies may attend. They are invited by the chair.")


def test_a_list_introduction_brings_its_bullet_items():
    p = prose("l", BOARD)
    quotes = quotes_for([cand(p, "The following must be represented on the Board:", 1.0)])
    assert [q.text for q in quotes] == ["The following must be represented on the Board:\n• the local authority\n"
                                        "• the police\n\n• health services"]


def test_a_chosen_item_inside_the_extended_list_is_not_quoted_twice():
    p = prose("l", BOARD)
    quotes = quotes_for([cand(p, "The following must be represented on the Board:", 1.0),
                         cand(p, "• the police", 0.9)])
    assert len(quotes) == 1 and quotes[0].text.endswith("• health services")


def test_a_list_extension_stops_after_eight_items():
    items = "\n".join(f"{n}. item {n}" for n in range(1, 11))
    p = prose("n", f"Members:\n{items}")
    quote = quotes_for([cand(p, "Members:", 1.0)])[0]
    assert quote.text == "Members:\n" + "\n".join(f"{n}. item {n}" for n in range(1, 9))


def test_a_colon_before_a_plain_paragraph_brings_that_paragraph_only():
    p = prose("d", "Private fostering is defined as follows:\n\nA child under 16 cared for by a non-relative.\n\n"
                   "Notify the council.")
    assert quotes_for([cand(p, "Private fostering is defined as follows:", 1.0)])[0].text == (
        "Private fostering is defined as follows:\n\nA child under 16 cared for by a non-relative.")


def test_a_sentence_without_a_colon_is_not_extended():
    p = prose("e", "The board met four times.\n• in May\n• in July")
    assert quotes_for([cand(p, "The board met four times.", 1.0)])[0].text == "The board met four times."


def test_table_rows_are_separate_quotes_marked_as_rows():
    t = table("t", "Year\t2014/15\t2015/16\nReferrals\t5175\t5086\nPlans\t280\t300")
    quotes = quotes_for([cand(t, "Referrals\t5175\t5086", 1.0), cand(t, "Plans\t280\t300", 0.9)])
    assert [(q.text, q.table_row) for q in quotes] == [("Referrals\t5175\t5086", True), ("Plans\t280\t300", True)]


# --- table rows ----------------------------------------------------------------------------------------------


def row_quote(p: Passage, row: str) -> Quote:
    start = p.text.index(row)
    return Quote(p, start, start + len(row), table_row=True)


def test_years_header_labels_the_values_row():
    t = table("t", "Year\t2014/15\t2015/16\t2016/17\nReferrals\t5175\t5086\t4125")
    quote = row_quote(t, "Referrals\t5175\t5086\t4125")
    assert table_header(quote) == ["Year", "2014/15", "2015/16", "2016/17"]
    assert render_row(quote) == "Year: Referrals; 2014/15: 5175; 2015/16: 5086; 2016/17: 4125"


def test_a_header_with_an_empty_first_cell_and_rows_with_empty_cells():
    t = table("t", "\t2014/15\t2015/16\nReferrals\t5175\t\nPlans\t\t300")
    assert table_header(row_quote(t, "Plans\t\t300")) == ["", "2014/15", "2015/16"]
    assert render_row(row_quote(t, "Referrals\t5175\t")) == "Referrals; 2014/15: 5175"
    assert render_row(row_quote(t, "Plans\t\t300")) == "Plans; 2015/16: 300"


def test_a_continuation_piece_takes_its_header_from_the_repeated_context():
    t = table("t", "Plans\t280\t300", context="Year\t2015/16\t2016/17")
    assert render_row(row_quote(t, "Plans\t280\t300")) == "Year: Plans; 2015/16: 280; 2016/17: 300"


def test_a_row_that_is_the_first_line_has_no_header():
    t = table("t", "Year\t2014/15\t2015/16\t2016/17\nReferrals\t5175\t5086\t4125")
    first = row_quote(t, "Year\t2014/15\t2015/16\t2016/17")
    assert table_header(first) is None
    assert render_row(first) == "Year · 2014/15 · 2015/16 · 2016/17"


def test_a_header_too_short_for_the_row_gives_the_cells_alone():
    t = table("t", "Children in need\nYear\t2016/17\nReferrals\t5175\t5086\t4125")
    quote = row_quote(t, "Referrals\t5175\t5086\t4125")
    assert table_header(quote) == ["Year", "2016/17"]  # labels half the cells, so it is taken...
    assert render_row(quote) == "Referrals · 5175 · 5086 · 4125"  # ...but cannot label all of them


def test_a_header_labelling_fewer_than_half_the_cells_is_no_header():
    t = table("t", "Referrals by year\tsource\nReferrals\t5175\t5086\t4125\t4000\t3900")
    assert table_header(row_quote(t, "Referrals\t5175\t5086\t4125\t4000\t3900")) is None


def test_a_row_with_more_cells_than_its_header_never_drops_or_shifts_a_value():
    t = table("t", "Year\t2015/16\t2016/17\nReferrals\t\t5086\t4125")
    rendered = render_row(row_quote(t, "Referrals\t\t5086\t4125"))
    assert "4125" in rendered and "2016/17: 5086" not in rendered


# --- compose and citations -----------------------------------------------------------------------------------

DOC_TEXT = ("# Report\fReferrals fell to 4,125. Most came from the police.\fSchools made 600.\n\n"
            "Year\t2014/15\nReferrals\t5175")


def document(text: str = DOC_TEXT) -> StoredDocument:
    meta = DocumentMeta(id="report", path="report.pdf", title="Westshire LSCB Annual Report",
                        published=dt.date(2017, 7, 1))
    return StoredDocument(meta, "hash", text, pages=3, warnings=[])


def test_compose_numbers_quotes_and_slices_them_from_the_document():
    start = DOC_TEXT.index("Referrals fell")
    end = DOC_TEXT.index("\n\nYear")
    p = prose("a", DOC_TEXT[start:end], start=start, page=2)
    quotes = [Quote(p, 0, len("Referrals fell to 4,125.")),
              Quote(p, p.text.index("Schools"), len(p.text))]
    text, citations = compose(quotes, {"report": document()})
    assert text == "Referrals fell to 4,125. [1]\nSchools made 600. [2]"
    assert [c.n for c in citations] == [1, 2]
    for c, q in zip(citations, quotes):
        assert DOC_TEXT[c.start:c.end] == c.quote == q.text
        assert c.passage_id == "a" and c.document_id == "report" and c.section == "Report › Referrals"
        assert c.published == dt.date(2017, 7, 1)
    assert [c.page for c in citations] == [2, 3]  # the second quote starts after a page break
    assert [c.url for c in citations] == ["/documents/report#page=2", "/documents/report#page=3"]


def test_citation_numbering_can_start_later():
    p = prose("a", "Referrals fell to 4,125.", start=DOC_TEXT.index("Referrals fell"))
    text, citations = compose([Quote(p, 0, len(p.text))], {"report": document()}, first=4)
    assert text == "Referrals fell to 4,125. [4]" and citations[0].n == 4


def test_a_page_break_exactly_at_the_quote_start_is_counted():
    start = DOC_TEXT.index("Most came")
    p = prose("a", DOC_TEXT[start:DOC_TEXT.index("\n\nYear")], start=start, page=2)
    quote = Quote(p, p.text.index("Schools"), len(p.text))
    assert p.text[quote.start - 1] == "\f"
    assert compose([quote], {"report": document()})[1][0].page == 3
    assert compose([Quote(p, 0, 5)], {"report": document()})[1][0].page == 2


def test_without_the_document_the_passage_page_stands_and_no_date_is_given():
    p = prose("a", "Referrals fell to 4,125.\fSchools made 600.", start=0, page=7)
    _, citations = compose([Quote(p, p.text.index("Schools"), len(p.text))], {})
    assert citations[0].page == 7 and citations[0].published is None
    undated = prose("u", "Referrals fell to 4,125.", page=None)
    _, none = compose([Quote(undated, 0, 9)], {"report": document()})
    assert none[0].page is None and none[0].url == "/documents/report"


def test_a_table_row_is_labelled_with_its_section_and_quoted_as_the_raw_row():
    start = DOC_TEXT.index("Year\t")
    t = table("t", DOC_TEXT[start:], start=start)
    quote = row_quote(t, "Referrals\t5175")
    text, citations = compose([quote], {"report": document()})
    assert text == "Referrals by year: Year: Referrals; 2014/15: 5175 [1]"
    assert citations[0].quote == "Referrals\t5175" == DOC_TEXT[citations[0].start:citations[0].end]
    untitled = table("t2", t.text, start=start, section=())
    assert compose([row_quote(untitled, "Referrals\t5175")], {})[0].startswith("Westshire LSCB Annual Report: ")


# --- the citation check on what compose produces (verify.py has no test file of its own yet) ---------------


class _Index:
    """What verify_citations reads from a LoadedIndex."""

    def __init__(self, passages: list[Passage], documents: dict[str, StoredDocument]) -> None:
        self.passages = passages
        self.documents = documents
        self.row_of = {p.id: row for row, p in enumerate(passages)}


def test_verify_accepts_what_compose_cites():
    from assistant.verify import verify_citations

    start = DOC_TEXT.index("Referrals fell")
    p = prose("a", DOC_TEXT[start:DOC_TEXT.index("\n\nYear")], start=start)
    _, citations = compose([Quote(p, 0, len("Referrals fell to 4,125."))], {"report": document()})
    verify_citations(citations, _Index([p], {"report": document()}))


def test_verify_refuses_offsets_of_the_same_words_in_another_passage():
    from assistant.verify import CitationError, verify_citations

    text = "Notify the council. Then wait.\n\nLater on: Notify the council."
    doc = document(text)
    first = prose("first", text[:30], start=0)
    second_at = text.rindex("Notify the council.")
    good, = compose([Quote(first, 0, 19)], {"report": doc})[1]
    moved = good.model_copy(update={"start": second_at, "end": second_at + 19})
    assert doc.text[moved.start:moved.end] == moved.quote and moved.quote in first.text
    with pytest.raises(CitationError):
        verify_citations([moved], _Index([first], {"report": doc}))
