"""Block structure of canonical text: headings and section paths, paragraphs, lists, tables, contents lists."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT
from assistant.types import Block, BlockKind
from corpus.structure import parse_blocks, split_table

ANNUAL_REPORT = PROJECT_ROOT / "corpus" / "documents" / "redbridge-lscb-annual-report-2016-17.txt"
SECTION_1 = "1. Redbridge Local Safeguarding Children Board (LSCB): purpose, effectiveness and future"
# The body heading has a comma after "challenges" (the contents list has none); sections use the body's text.
SECTION_5 = "5. Safeguarding in Redbridge: themes, concerns, challenges, and scrutiny"

WT_MARKED = """Working Together to Safeguard Children 2023

# Chapter 2: Multi-agency safeguarding arrangements

34. Protecting children from abuse, neglect and exploitation requires multi-agency join up and cooperation at all levels.

## Relevant agencies

65. Relevant agencies are those organisations and agencies whose involvement the safeguarding partners consider are required to safeguard and promote the welfare of local children.

66. Strong, effective multi-agency safeguarding arrangements should be responsive to local circumstances.
\f70. When identified by the LSPs as a relevant agency, an organisation must act in accordance with local safeguarding arrangements. As part of this, the organisation should:

• have a clear understanding of its responsibilities in relation to safeguarding children locally
• co-operate with safeguarding partners to improve the local safeguarding arrangements

Safeguarding partners are defined in legislation as follows.

## Independent scrutiny

86. The role of independent scrutiny is to provide assurance in judging the effectiveness of arrangements."""

WT_PLAIN = WT_MARKED.replace("# Chapter", "Chapter").replace("## ", "")


@pytest.fixture(scope="module")
def report() -> tuple[str, list[Block]]:
    text = ANNUAL_REPORT.read_text(encoding="utf-8")
    return text, parse_blocks(text, paged=True)


def _heading(blocks: list[Block], text: str) -> Block:
    matches = [b for b in blocks if b.kind is BlockKind.HEADING and b.section[-1] == text]
    assert len(matches) == 1, [b.text for b in blocks if b.kind is BlockKind.HEADING]
    return matches[0]


def _table(blocks: list[Block], first_cell: str) -> tuple[str | None, list[list[str]], list[list[str]]]:
    tables = [split_table(b.text) for b in blocks if b.kind is BlockKind.TABLE]
    found = [t for t in tables if t[0] == first_cell or (t[1] and t[1][0][0] == first_cell)]
    assert len(found) == 1
    return found[0]


def test_offsets_slice_back_and_pages(report):
    text, blocks = report
    assert all(text[b.start:b.end] == b.text and b.text == b.text.strip("\n ") for b in blocks)
    assert all(b.page == 1 for b in blocks)  # the text file has no form feeds
    tables = [b for b in blocks if b.kind is BlockKind.TABLE]
    assert [b.table_index for b in tables if not b.navigation] == list(range(20))
    assert [b.navigation for b in tables[:2]] == [True, True]  # the contents page is navigation, not content
    assert all(b.table_index is None for b in tables if b.navigation)


def test_annual_report_headings_and_sections(report):
    _, blocks = report
    fostering = _heading(blocks, "Private Fostering")
    assert fostering.section == [SECTION_5, "Private Fostering"]
    assert fostering.heading_level == 2
    assert _heading(blocks, "What is the LSCB?").section == [SECTION_1, "What is the LSCB?"]
    foreword = _heading(blocks, "Chair's Foreword")
    assert foreword.heading_level == 1 and foreword.section == ["Chair's Foreword"]
    assert _heading(blocks, SECTION_1).heading_level == 1
    # Listed in the contents with different punctuation and case: still found.
    assert _heading(blocks, "Single agency audit").section == ["7. Learning and Improvement", "Single agency audit"]
    long_title = ("Ofsted's inspection of the London Borough of Redbridge – services for children in need of help "
                  "and protection, children looked after and care leavers")
    assert _heading(blocks, long_title).heading_level == 2


def test_contents_page_and_stray_lines_make_no_headings(report):
    _, blocks = report
    headings = [b for b in blocks if b.kind is BlockKind.HEADING]
    assert headings[0].text == "Chair's Foreword"
    texts = {b.text for b in headings}
    for line in ("John Goldup", "LSCB STRUCTURE CHART (as at March 2017)", "CONTACT INFORMATION",
                 "However, Working Together also makes clear that", "Contents"):
        assert line not in texts
    prose = next(b for b in blocks if b.text == "John Goldup")
    assert prose.kind is BlockKind.PROSE and prose.section == ["Chair's Foreword"]


def test_lists_split_from_their_paragraph(report):
    _, blocks = report
    lsbc = [b for b in blocks if b.section == [SECTION_1, "What is the LSCB?"]]
    kinds = [b.kind for b in lsbc[1:5]]
    assert kinds == [BlockKind.PROSE, BlockKind.LIST, BlockKind.PROSE, BlockKind.LIST]
    assert lsbc[2].text.startswith("- to co-ordinate") and lsbc[2].text.count("\n") == 1


def test_referrals_table_title_header_and_row(report):
    _, blocks = report
    title, header, body = _table(blocks, "Referrals to Children's Social Care")
    assert title == "Referrals to Children's Social Care"
    assert header == [["2010/11", "2011/12", "2012/13", "2013/4", "2014/15", "2015/16", "2016/17"]]
    assert body == [["4019", "3691", "3648", "4718", "5175", "5086", "4125"]]


def test_child_protection_category_table(report):
    _, blocks = report
    title, header, body = _table(blocks, "Number of children who became the subject of a child protection plan "
                                         "during the year by category of risk")
    assert header[0][:2] == ["", "2010/ 11"] and len(header[0]) == 8
    assert body[0] == ["Neglect", "69", "81", "65", "108", "111", "140", "146"]
    assert body[-1][0] == "Total"


def test_health_training_table_has_two_header_rows_and_joins_across_blank_line(report):
    _, blocks = report
    title, header, body = _table(blocks, "Health Providers Safeguarding Children Training Compliance")
    assert header == [["Agency", "Year End 2016 – 2017", "", "Year End 2015 - 2016", ""],
                      ["", "Level 2", "Level 3", "Level 2", "Level 3"]]
    assert [row[0] for row in body] == ["NELFT", "BHRUT", "PELC", "Bart's Health"]


def test_side_by_side_budget_table_stays_one_table(report):
    _, blocks = report
    title, header, body = _table(blocks, "Income")
    assert title is None and header == [["Income", "", "Expenditure", ""]]
    assert body[0] == ["Balance brought forward", "0", "Office Expenses", "1008.47"]
    assert body[-1] == ["Total Income", "231,831", "Total Expenditure", "273,874.73"]
    assert len(body) == 20


def test_caf_table_continues_after_blank_line_but_repeated_header_starts_new_table(report):
    _, blocks = report
    _, _, body = _table(blocks, "Agency completing CAF")
    assert body[-1] == ["Total", "1305", "943"] and len(body) == 8
    plan_tables = [split_table(b.text) for b in blocks if b.kind is BlockKind.TABLE and b.text.startswith("Action")]
    assert len(plan_tables) == 11


@pytest.mark.parametrize("text", [WT_MARKED, WT_PLAIN], ids=["hash-marked", "plain-lines"])
def test_working_together_paragraphs_and_sections(text):
    blocks = parse_blocks(text)
    chapter = "Chapter 2: Multi-agency safeguarding arrangements"
    by_start = {b.text.split()[0]: b for b in blocks if b.kind is not BlockKind.HEADING}
    assert by_start["34."].section == [chapter] and by_start["34."].paragraph == "34"
    assert by_start["65."].section == [chapter, "Relevant agencies"] and by_start["65."].paragraph == "65"
    assert by_start["70."].page == 2 and by_start["70."].paragraph == "70"
    items = next(b for b in blocks if b.kind is BlockKind.LIST)
    assert items.paragraph == "70" and items.section == [chapter, "Relevant agencies"]
    assert by_start["Safeguarding"].paragraph == "70"  # continues paragraph 70 until the next number or heading
    assert by_start["86."].section == [chapter, "Independent scrutiny"]
    headings = [(b.heading_level, b.section[-1]) for b in blocks if b.kind is BlockKind.HEADING]
    assert (1, chapter) in headings and (2, "Relevant agencies") in headings


def test_unpaged_documents_have_no_pages():
    assert {b.page for b in parse_blocks(WT_PLAIN, paged=False)} == {None}


def test_heading_shape_rules_without_contents():
    text = ("Early help\n\nThe Board considered the following. It said that\n\n"
            "young people were safe.\n\nWhat is the LSCB?\n\nIt is a board.\n\n"
            "16 Children Act 2004 Section 11\n\nPart 2 – Roles\n\nText here.\n\n"
            "2.1 Duties of the Board\n\nMore text.\n\nSection 11 Audit\n\nAudit text.")
    blocks = parse_blocks(text)
    headings = [(b.heading_level, b.section) for b in blocks if b.kind is BlockKind.HEADING]
    assert headings == [
        (1, ["Early help"]),
        (1, ["What is the LSCB?"]),
        (1, ["Part 2 – Roles"]),
        (2, ["Part 2 – Roles", "2.1 Duties of the Board"]),
        (3, ["Part 2 – Roles", "2.1 Duties of the Board", "Section 11 Audit"]),
    ]


def test_flat_contents_list_confirms_headings_in_order():
    contents = ("Table of Contents Introduction 3 Chapter 1: Working together 4 Information sharing 5 "
                "Section 11 Audit 6 Health 9 The Children Act 1989 10")
    body = ("Introduction\n\nSome text.\n\n"
            "Chapter 1: Working together\n\nMore text.\n\nA Short Caption Line\n\nText.\n\n"
            "Health\n\nA figure label that matches a later entry.\n\n"
            "Information sharing\n\nSharing text.\n\nSection 11 Audit\n\nAudit text.\n\n"
            "Health\n\nHealth text.\n\nThe Children Act 1989\n\nAct text.")
    blocks = parse_blocks(contents + "\f" + body)
    headings = [(b.page, b.heading_level, b.section[-1]) for b in blocks if b.kind is BlockKind.HEADING]
    assert headings == [
        (2, 1, "Introduction"),
        (2, 1, "Chapter 1: Working together"),
        (2, 2, "Information sharing"),
        (2, 2, "Section 11 Audit"),
        (2, 2, "Health"),
        (2, 2, "The Children Act 1989"),
    ]
    health = [b for b in blocks if b.text == "Health"]
    assert health[0].kind is BlockKind.PROSE and health[1].kind is BlockKind.HEADING


def test_split_table_pads_rows_drops_empty_end_columns_and_reads_title():
    title, header, body = split_table("Caption line\nA\tB\t\t\n1\t2\n3\t4\t\t")
    assert (title, header, body) == ("Caption line", [["A", "B"]], [["1", "2"], ["3", "4"]])
    assert split_table("Only\trow") == (None, [], [["Only", "row"]])
    title, header, body = split_table("Name\tScore\n\tSub\nx\t1")
    assert header == [["Name", "Score"]] and body == [["", "Sub"], ["x", "1"]]  # no merged cells over "Sub"


def test_caption_line_above_a_table_becomes_its_title():
    blocks = parse_blocks("Intro paragraph.\n\nReferrals by year\n\n2015\t2016\n10\t12")
    table = next(b for b in blocks if b.kind is BlockKind.TABLE)
    assert table.text.startswith("Referrals by year")
    assert split_table(table.text) == ("Referrals by year", [["2015", "2016"]], [["10", "12"]])
    assert not [b for b in blocks if b.kind is BlockKind.HEADING]


def test_numbered_list_inside_a_numbered_paragraph_keeps_the_paragraph():
    text = ("# Chapter 2: Arrangements\n\n48. The partners should:\n\n1. Review and sign off key documents\n\n"
            "2. Provide shared oversight of learning\n\n49. Delivery of functions should be clear.\n\n"
            "# Chapter 3: Help\n\n1. Numbering may start again after a heading.")
    blocks = [b for b in parse_blocks(text) if b.kind is not BlockKind.HEADING]
    assert [(b.kind, b.paragraph) for b in blocks] == [
        (BlockKind.PROSE, "48"), (BlockKind.LIST, "48"), (BlockKind.LIST, "48"), (BlockKind.PROSE, "49"),
        (BlockKind.PROSE, "1")]


def test_hash_marked_documents_trust_their_marks():
    text = ("# Chapter 1: A shared responsibility\n\nText.\n\n## Information sharing\n\nMore text.\n\n"
            "Safeguarding partners\n\nA box title above is not a heading.\n\nChapter 2: Arrangements\n\n"
            "## Relevant agencies\n\nEnd.")
    headings = [(b.heading_level, b.section) for b in parse_blocks(text) if b.kind is BlockKind.HEADING]
    assert headings == [
        (1, ["Chapter 1: A shared responsibility"]),
        (2, ["Chapter 1: A shared responsibility", "Information sharing"]),
        (1, ["Chapter 2: Arrangements"]),
        (2, ["Chapter 2: Arrangements", "Relevant agencies"]),
    ]


def test_cover_title_lines_before_the_contents_are_navigation(report):
    _, blocks = report
    cover = [b for b in blocks if "ANNUAL REPORT 2016" in b.text]
    assert cover and all(b.navigation for b in cover)
