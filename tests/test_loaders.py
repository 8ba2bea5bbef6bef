"""Loaders: the canonical text form from PDF, DOCX, HTML, text and Markdown; LoadError for bad input;
the normalisation helpers on their own."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from assistant.config import PROJECT_ROOT
from corpus.loaders import LoadError, load_file
from corpus.loaders.common import caption, guess_header_rows
from corpus.normalise import (
    build_vocabulary,
    clean_cell,
    collapse_spaces,
    fix_ligatures,
    flatten_cell_html,
    furniture_key,
    is_numbered_paragraph,
    is_page_number,
    join_hyphenated,
    join_lines,
    normalise_bullet,
    strip_invisible,
    strip_markdown_inline,
)
from corpus.sniff import FileType, sniff
from pdf_factory import (
    REPORT_TABLE,
    RUNNING_HEADER,
    make_broken_pdf,
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_image_only_pdf,
    make_ligature_pdf,
    make_markdown,
    make_report_pdf,
)

FIXTURES = Path(__file__).with_name("fixtures")
CAP = 50 * 1024 * 1024
REDBRIDGE = PROJECT_ROOT / "corpus" / "documents" / "redbridge-lscb-annual-report-2016-17.txt"
WORKING_TOGETHER = PROJECT_ROOT / "corpus" / "documents" / "working-together-to-safeguard-children-2023.pdf"


def blocks(text: str) -> list[str]:
    return [b for b in text.split("\n\n") if b.strip()]


def table_rows(block: str) -> list[list[str]]:
    return [line.split("\t") for line in block.split("\n")]


# --- normalise.py --------------------------------------------------------------------------------------


def test_ligatures_become_letters_and_other_characters_survive():
    text = "\ufb01rst \ufb02ow \ufb00 \ufb03 \ufb04 \ufb05 \ufb06 £5 – ½"
    assert fix_ligatures(text) == "first flow ff ffi ffl st st £5 – ½"


def test_invisible_characters_removed_and_odd_spaces_made_plain():
    assert strip_invisible("safe\u00adguard\u200bing\u00a0now\ufeff") == "safeguarding now"
    assert collapse_spaces("  a   b\t c  ") == "a b\t c"
    assert clean_cell(" line one\nline\ttwo ") == "line one line two"


@pytest.mark.parametrize(
    ("left", "right", "vocabulary", "expected"),
    [
        ("The safe-", "guarding partners", {"safeguarding"}, "The safeguarding partners"),  # 1: the document's spelling
        ("a child-", "centred approach", {"child-centred"}, "a child-centred approach"),  # 2: hyphenated elsewhere
        ("early inter-", "vention", {"intervention"}, "early intervention"),  # 1 beats the prefix rule
        ("with multi-", "agency working", set(), "with multi-agency working"),  # 3: compound prefix
        ("to co-", "operate", set(), "to co-operate"),
        ("non-", "statutory", set(), "non-statutory"),
        ("Covid-", "19 cases", set(), "Covid-19 cases"),  # 4: a digit follows
        ("Anglo-", "Saxon", set(), "Anglo-Saxon"),  # 4: a capital follows
        ("long-", "term plans", {"long", "term"}, "long-term plans"),  # 5: two words of the document
        ("the assess-", "ment of need", set(), "the assessment of need"),  # 6: a break inside a word
    ],
)
def test_line_end_hyphens(left, right, vocabulary, expected):
    assert join_hyphenated(left, right, vocabulary) == expected


def test_join_lines_spaces_soft_hyphens_and_dashes():
    assert join_lines("one", "two") == "one two"
    assert join_lines("safe\u00ad", "guarding") == "safeguarding"
    assert join_lines("1996 -", "2016") == "1996 - 2016"


def test_vocabulary_leaves_out_fragments_of_split_words():
    vocab = build_vocabulary(["the safe-", "guarding partners and child-centred work"])
    assert {"the", "partners", "child-centred", "child", "centred"} <= vocab
    assert "safe" not in vocab and "guarding" not in vocab


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- item", "• item"),
        ("* item", "• item"),
        ("▪ item", "• item"),
        ("\uf0b7 item", "• item"),
        ("•item", "• item"),
        ("– item", "• item"),
        ("-3.50 change", "-3.50 change"),
        ("*Note: figures provisional", "*Note: figures provisional"),
        ("a) lettered items stay", "a) lettered items stay"),
    ],
)
def test_bullets_normalised(line, expected):
    assert normalise_bullet(line) == expected


def test_word_o_bullet_only_when_caller_saw_a_lone_glyph():
    assert normalise_bullet("o sub item", allow_o=True) == "• sub item"
    assert normalise_bullet("o sub item") == "o sub item"


def test_numbered_paragraph_starts():
    assert is_numbered_paragraph("65. Relevant agencies are")
    assert is_numbered_paragraph("4.2 Scope of this protocol")
    assert not is_numbered_paragraph("2018. The Act")  # a year ending a sentence, not paragraph 2018
    assert not is_numbered_paragraph("1989 and 2004 make clear")


def test_page_number_lines():
    assert all(map(is_page_number, ["31", "Page 3 of 10", "- 4 -", "iv", "12 / 40"]))
    assert not any(map(is_page_number, ["31 March 2017", "Figure 3", "2. Scope"]))


def test_furniture_key_ignores_numbers_and_spacing():
    one, two = "© SafeLives 2019. Pl ease acknowledge 3", "© SafeLives 2019. Please acknowledge 4"
    assert furniture_key(one) == furniture_key(two)


def test_markdown_inline_markup_gives_its_text():
    text = "See [Working Together \\(2015\\)](#), **good** and *very* <u>4</u> <https://example.org/a>"
    assert strip_markdown_inline(text) == "See Working Together (2015), good and very 4 https://example.org/a"
    assert strip_markdown_inline("**Independent Chair,\nRedbridge Board**") == "Independent Chair,\nRedbridge Board"


def test_html_in_table_cells_flattened():
    unclosed_list = 'Intro <ul style="x"> • What is it? 7 • Review 8 '
    assert flatten_cell_html(unclosed_list) == "Intro • What is it? 7 • Review 8"
    assert flatten_cell_html("<p>x by 01 05 17</p> <p>y by 30 07 17</p>") == "x by 01 05 17; y by 30 07 17"
    assert flatten_cell_html("<p><u>34</u></p>") == "34"
    assert flatten_cell_html("<ul><li>a</li><li>b</li></ul>") == "a • b"


# --- errors ----------------------------------------------------------------------------------------------


def _reason(path: Path) -> str:
    with pytest.raises(LoadError) as info:
        load_file(path, CAP)
    assert info.value.advice
    return info.value.reason


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.touch()
    assert _reason(path) == "zero-byte file"


def test_html_named_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    assert _reason(path) == "file is HTML but named .pdf"


def test_zip_renamed_pdf(tmp_path):
    path = tmp_path / "bundle.pdf"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert _reason(path) == "zip archive renamed .pdf"


def test_unsupported_extension(tmp_path):
    path = tmp_path / "notes.xyz"
    path.write_text("some text")
    assert _reason(path) == "unsupported file type .xyz"


def test_file_over_the_cap(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as fh:
        fh.truncate(80 * 1024 * 1024)  # sparse: costs no disk
    assert _reason(path) == "file is 80.0 MB, over the 50 MB cap"


def test_encrypted_pdf(tmp_path):
    with pytest.raises(LoadError) as info:
        load_file(make_encrypted_pdf(tmp_path / "locked.pdf"), CAP)
    assert info.value.reason == "encrypted PDF"
    assert info.value.advice == "remove the password or export an unprotected copy"


def test_pdf_with_empty_user_password_loads_with_a_warning(tmp_path):
    loaded = load_file(make_encrypted_pdf(tmp_path / "open.pdf", user_password=""), CAP)
    assert loaded.pages[0].text == "Confidential strategy discussion notes."
    assert any("empty password" in w for w in loaded.warnings)


def test_image_only_pdf_needs_ocr(tmp_path):
    with pytest.raises(LoadError) as info:
        load_file(make_image_only_pdf(tmp_path / "scan.pdf"), CAP)
    assert info.value.reason == "no text layer (scanned PDF)"
    assert info.value.advice.startswith("needs OCR")


def test_truncated_pdf_is_corrupt(tmp_path):
    assert _reason(make_broken_pdf(tmp_path / "broken.pdf")).startswith("corrupt PDF: ")


def test_pdf_named_docx_is_read_as_pdf(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(make_report_pdf(tmp_path / "r.pdf").read_bytes())
    loaded = load_file(path, CAP)
    assert len(loaded.pages) == 3
    assert any("named .docx" in w for w in loaded.warnings)


def test_sniff_by_content_then_extension(tmp_path):
    assert sniff(make_docx(tmp_path / "a.docx")) is FileType.DOCX
    assert sniff(make_html(tmp_path / "a.htm")) is FileType.HTML
    assert sniff(make_markdown(tmp_path / "a.md")) is FileType.MARKDOWN
    (tmp_path / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "legacy Office" in _reason(tmp_path / "legacy.doc")


# --- PDF: the generated report ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return load_file(make_report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf"), CAP)


def test_report_pages_numbered_without_page_numbers_or_running_header(report):
    assert [p.number for p in report.pages] == [1, 2, 3]
    for page in report.pages:
        assert str(page.number) not in page.text.split("\n")
        assert RUNNING_HEADER not in page.text


def test_report_headings_by_size_and_bold(report):
    page1, page3 = blocks(report.pages[0].text), blocks(report.pages[2].text)
    assert page1[0] == "# Chapter 1: Introduction"
    assert "## Relevant agencies" in page1
    assert page3[:2] == ["# Chapter 2: Assessment", "### Timescales"]


def test_report_numbered_paragraphs_are_single_line_blocks(report):
    page1 = blocks(report.pages[0].text)
    assert page1[1] == ("1. This guidance sets out how safeguarding partners and relevant agencies work together "
                        "to protect children. It applies to every practitioner who works with children and families.")
    assert any(b.startswith("2. Relevant agencies are those") and "\n" not in b for b in page1)


def test_report_hyphenation_repaired_and_real_hyphens_kept(report):
    text = report.pages[0].text
    assert "The safeguarding partners must publish" in text
    assert "with multi-agency working at the heart" in text


def test_report_bullets_one_per_line_with_wrapped_item_joined(report):
    assert blocks(report.pages[0].text)[-1] == (
        "• health services\n• police forces\n"
        "• schools and colleges, including those that are part of a multi-academy trust or a federation of schools"
    )


def test_report_table_as_tsv_with_caption_block(report):
    page2 = blocks(report.pages[1].text)
    at = page2.index("Table 1: Referrals by category")
    rows = table_rows(page2[at + 1])
    assert rows == REPORT_TABLE
    assert rows[2][1] == "45"  # "Emotional abuse" row, 2015/16 column
    table = report.tables[0]
    assert table.page_index == 1 and table.title == "Table 1: Referrals by category"
    assert table.header_rows == [REPORT_TABLE[0]] and table.rows == REPORT_TABLE[1:]


def test_report_footnote_is_last_block_of_its_page(report):
    page2 = blocks(report.pages[1].text)
    assert page2[-1] == "1 Children in need statistics, Department for Education, 2017"
    assert page2[-2].startswith("5. Neglect remains")


def test_ligature_characters_become_letters(tmp_path):
    assert load_file(make_ligature_pdf(tmp_path / "lig.pdf"), CAP).pages[0].text == (
        "The first flow of findings was significant.")


# --- PDF: word spaces between separately drawn runs -------------------------------------------------------


def _make_pieces_pdf(path: Path) -> Path:
    """One page whose lines are drawn as several text runs, with and without gaps between them: what Word and
    other generators write (a space drawn as a run of its own in another font, a kerned "W" + "e", a letter-
    spaced word, word spacing)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    regular, bold, size = "Helvetica", "Helvetica-Bold", 12

    def width(text: str, font: str = regular) -> float:
        return stringWidth(text, font, size)

    c = Canvas(str(path), pagesize=(595, 842))
    x, y = 72.0, 760.0

    def pieces(parts: list[tuple[str, str, float]]) -> None:
        """(text, font, gap before it in points): each part is a drawString of its own."""
        nonlocal y
        at = x
        for text, font, gap in parts:
            at += gap
            c.setFont(font, size)
            c.drawString(at, y, text)
            at += width(text, font)
        y -= 48

    # Word's way: "day", a space drawn on its own in the bold font, "of" where the space ends.
    pieces([("153. Within one working day", regular, 0), (" ", bold, 0), ("of a referral being received", regular, 0)])
    # Touching runs are one word; a gap of a fifth of an em or more is a space (Helvetica's space is 0.28 em).
    pieces([("A safe", regular, 0), ("guarding", bold, 0), ("partner", regular, 0.3 * size),
            ("in relation to", regular, 0.2 * size)])
    # Kerning moves "e" back under the "W": no space.
    pieces([("W", regular, 0), ("e also", regular, -0.08 * size), ("have", regular, width(" "))])
    # A run drawn with character spacing (Tc) ends further right than its glyphs: the next run touches it.
    c.setFont(regular, size)
    c.drawString(x, y, "Letter", charSpace=2)
    c.drawString(x + width("Letter") + 6 * 2, y, "spacing")
    c.drawString(x + width("Letter") + 6 * 2 + width("spacing") + width(" "), y, "stays one word")
    y -= 48
    # One text object: word spacing (Tw) and character spacing, fonts changing inside a positioned run, and
    # runs placed with absolute positions where the spaced-out text ends.
    t = c.beginText(x, y)
    t.setCharSpace(1)
    t.setWordSpace(5)
    t.setFont(bold, size)
    t.textOut("Safe")
    end = x + width("Safe", bold) + 4 * 1
    t.setTextOrigin(end, y)
    t.setFont(regular, size)
    t.textOut("guarding partners")
    end += width("guarding partners") + 17 * 1 + 5
    t.setTextOrigin(end + width(" "), y)
    t.setFont(bold, size)
    t.textOut("agree")
    t.setFont(regular, size)
    t.textOut("d the plan")  # straight on from "agree", in another font: one word
    c.drawText(t)
    c.save()
    return path


def test_pdf_word_spaces_come_from_the_gaps_between_runs(tmp_path):
    loaded = load_file(_make_pieces_pdf(tmp_path / "pieces.pdf"), CAP)
    assert blocks(loaded.pages[0].text) == [
        "153. Within one working day of a referral being received",
        "A safeguarding partner in relation to",
        "We also have",
        "Letterspacing stays one word",
        "Safeguarding partners agreed the plan",
    ]


@pytest.fixture(scope="module")
def working_together():
    return load_file(WORKING_TOGETHER, CAP)


@pytest.mark.slow
def test_working_together_keeps_the_spaces_between_runs(working_together):
    loaded = working_together
    page = next(p for p in loaded.pages if "153. Within one working" in p.text)
    assert page.number == 58
    assert "153. Within one working day of a referral being received" in page.text
    text = "\n".join(p.text for p in loaded.pages)
    for glued in ("dayof", "partnerin", "agenciesare", "mustinclude", "dutyto", "decidenext", "thatchildren"):
        assert glued not in text


@pytest.mark.slow
def test_working_together_has_no_words_glued_that_plain_extraction_keeps_apart(working_together):
    """Against pypdf's plain extract_text(), page by page: no word of the loader's is two of plain extraction's
    words run together ("dayof"), and no word of plain extraction's that the loader writes elsewhere is split
    in two ("W e"). (Plain extraction glues a few words itself, "core groupdevelop": those are not counted.)"""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z]+", strip_invisible(fix_ligatures(text)).replace("\u00ad", "").lower())

    vocabulary = {w for page in working_together.pages for w in words(page.text)}
    glued, split = [], []
    for page, plain_page in zip(working_together.pages, PdfReader(WORKING_TOGETHER).pages):
        ours, plain_text = words(page.text), plain_page.extract_text()
        plain = words(plain_text)
        # a line-end hyphen may be the loader's to drop ("sub-\ngroups" -> "subgroups") or keep ("co-operate")
        plain_set, ours_set = set(plain) | set(words(re.sub(r"-\s*\n\s*", "", plain_text))), set(ours)
        plain_pairs = {a + b for a, b in zip(plain, plain[1:])}
        glued += [f"p{page.number}:{w}" for w in ours_set - plain_set if w in plain_pairs]
        split += [f"p{page.number}:{a} {b}" for a, b in zip(ours, ours[1:])
                  if a + b in plain_set - ours_set and a + b in vocabulary and not {a, b} <= plain_set]
    assert glued == []
    assert split == []


# --- PDF: real documents -----------------------------------------------------------------------------------


def test_london_report_has_no_ligatures():
    loaded = load_file(FIXTURES / "london-rapid-reviews-analysis-2024.pdf", CAP)
    text = "\n".join(p.text for p in loaded.pages)
    assert "\ufb01" not in text and "\ufb02" not in text
    assert "introduce the first pan-London Rapid Review Analysis" in text
    assert "reflect" in text
    assert len(loaded.pages) == 24


def test_west_sussex_indicator_table_cells_in_columns():
    loaded = load_file(FIXTURES / "west-sussex-cp-plan-rate-vs-statistical-neighbours-2015.pdf", CAP)
    lines = loaded.pages[0].text.split("\n")
    assert "938 West Sussex\t20.00\t23.00\t25.00\t29.90\t30.00\t24.30\t22.90\t29.30\t29.70\t-\t0.40" in lines
    assert "970 England\t25.00\t27.00\t31.00\t35.50\t38.70\t37.80\t37.90\t42.10\t42.90\t-\t0.80" in lines
    table = loaded.tables[0]
    england = next(r for r in table.rows if r[0] == "970 England")
    assert england[9] == "42.90"  # the 2015 column
    assert any("2015" in row for row in table.header_rows + table.rows[:2])


def test_flowchart_with_little_text_still_loads():
    loaded = load_file(FIXTURES / "ceraf-multi-agency-flowchart.pdf", CAP)
    assert len(loaded.pages) == 1
    assert "Complete Northamptonshire CERAF" in loaded.pages[0].text


@pytest.mark.slow
def test_working_together_structure(working_together):
    loaded = working_together
    assert len(loaded.pages) == 168
    all_blocks = [b for p in loaded.pages for b in blocks(p.text)]
    assert "# Chapter 1: A shared responsibility" in all_blocks
    assert "## Relevant agencies" in all_blocks
    assert any(b.startswith("155. ") for b in all_blocks)
    assert any(b.startswith("• ") for b in all_blocks)
    assert not any(b.strip().isdigit() for b in all_blocks)  # no page-number blocks
    assert not any(b.startswith(("2004. ", "1989. ", "2018. ")) for b in all_blocks)


# --- text, Markdown, DOCX, HTML -------------------------------------------------------------------------


def test_annual_report_text_keeps_tables_and_loses_markup():
    loaded = load_file(REDBRIDGE, CAP)
    assert [p.number for p in loaded.pages] == [None]
    text = loaded.pages[0].text
    assert "Neglect\t69\t81\t65\t108\t111\t140\t146" in text.split("\n")
    for markup in ("**", "](", "<u>", "<ul", "<p>", "\\("):
        assert markup not in text
    assert "As described in the statutory guidance, Working Together to Safeguard Children, the LSCB's" in text
    assert "Working Together to Safeguard Children (2015)" in text
    assert "• Extend the range of the performance data set" in text
    assert "Chair's Foreword\t4" in text.split("\n")
    assert any(t.rows and t.rows[0][0] for t in loaded.tables)


def test_text_form_feeds_are_pages_and_other_encodings_decode(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes("Page one costs \u00a35.\n\fPage two \u2013 done.\n".encode("cp1252"))
    loaded = load_file(path, CAP)
    assert [(p.number, p.text) for p in loaded.pages] == [(1, "Page one costs £5."), (2, "Page two – done.")]
    assert any("cp1252" in w for w in loaded.warnings)


def test_utf16_text_with_byte_order_mark(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("Costs \u00a35\n\nSecond block".encode("utf-16"))
    loaded = load_file(path, CAP)
    assert loaded.pages[0].text == "Costs £5\n\nSecond block" and not loaded.warnings


def test_table_captions_and_header_rows():
    assert caption("Table 1: Referrals by category") == "Table 1: Referrals by category"
    assert caption("## Referrals by year") == "Referrals by year"
    assert caption("The table below shows the figures:") is None
    assert caption("Performance has remained strong against national targets.") is None
    assert guess_header_rows([["Indicator", "2015/16", "2016/17"], ["Neglect", "69", "81"]]) == 1
    assert guess_header_rows([["Neglect", "69", "81"], ["Abuse", "12", "9"]]) == 0


def test_markdown(tmp_path):
    loaded = load_file(make_markdown(tmp_path / "report.md"), CAP)
    assert blocks(loaded.pages[0].text) == [
        "# Annual report",
        "The Board met four times in 2016/17; see the terms of reference. "
        "This line is a soft wrap of the same paragraph.",
        "## Priorities",
        "• Neglect\n• Child sexual exploitation\n• Mental health",
        "Indicator\tRedbridge\tEngland\nNeglect\t69\t81",
    ]


def test_docx_headings_lists_and_table(tmp_path):
    loaded = load_file(make_docx(tmp_path / "guide.docx"), CAP)
    assert blocks(loaded.pages[0].text) == [
        "# Threshold guidance",
        "This document explains the levels of need in Testshire.",
        "## Levels of need",
        "• Early help is offered at level 2.\n• Statutory services respond at level 4.",
        "Referrals by category",
        "Category\t2015\t2016\nNeglect\t69\t81\nSexual abuse\t12\t9",
        "After the table.",
    ]
    assert loaded.tables[0].title == "Referrals by category"
    assert loaded.tables[0].rows[1] == ["Sexual abuse", "12", "9"]


def test_html_drops_scripts_and_keeps_structure(tmp_path):
    loaded = load_file(make_html(tmp_path / "page.html"), CAP)
    text = loaded.pages[0].text
    for junk in ("SCRIPT TEXT", "STYLE TEXT", "font-family", "Home"):
        assert junk not in text
    assert blocks(text) == [
        "# Thresholds of need",
        "Practitioners should use the threshold document when making a referral.",
        "## Levels",
        "• Level 1: universal services\n• Level 2: early help",
        "Contacts by month",
        "Month\tContacts\tReferrals\nApril\t410\t120\nMay\t388\t115",
        "Last updated 2021.",
    ]
    assert loaded.tables[0].header_rows == [["Month", "Contacts", "Referrals"]]
