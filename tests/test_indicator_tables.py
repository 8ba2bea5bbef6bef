"""Indicator records from saved tables: the default annual report cell by cell against a hand-written
fixture, a real PDF (West Sussex statistical neighbours), and small tables of other shapes."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant.indicators.records import IndicatorRecord
from assistant.indicators.tables import extract_table, extract_tables
from assistant.types import FORM_FEED, DocumentMeta, Table
from corpus.loaders import load_file
from corpus.manifest import load_manifest
from corpus.structure import parse_blocks
from corpus.tokens import TokenCounter
from corpus.worker import ChunkParams, ParsedDocument, parse_document
from tests.conftest import DEFAULT_CORPUS, FIXTURES

REPORT_FILE = "redbridge-lscb-annual-report-2016-17.txt"
EXPECTED = FIXTURES / "indicators" / "redbridge-lscb-annual-report-2016-17.yaml"
WEST_SUSSEX = FIXTURES / "west-sussex-cp-plan-rate-vs-statistical-neighbours-2015.pdf"
_STOP = frozenset("the a an of to in on by for and or who which with was were as at from no".split())


# -- helpers -------------------------------------------------------------------------------------------
def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")) if w not in _STOP}


def _norm(text: str | None) -> str | None:
    return " ".join(text.replace("’", "'").lower().split()) if text else None


def _key(table_id: str, breakdown: str | None, area: str | None, period: str | None) -> tuple:
    return table_id, _norm(breakdown), _norm(area), period


def _match(expected: dict, candidates: list[IndicatorRecord]) -> IndicatorRecord | None:
    """The candidate whose indicator shares the most words with the expected name (at least 60% of them)."""
    want = _words(expected["indicator"])

    def score(record: IndicatorRecord) -> float:
        got = _words(record.indicator)
        return len(want & got) / len(want | got)

    best = max(candidates, key=score, default=None)
    if best is None or len(want & _words(best.indicator)) < 0.6 * len(want):
        return None
    return best


@pytest.fixture(scope="module")
def report() -> ParsedDocument:
    """The annual report through the ingest's own load, structure and chunk step (no index, no var/)."""
    meta = load_manifest(DEFAULT_CORPUS / "corpus.toml")[REPORT_FILE]
    counter = TokenCounter()
    parsed = parse_document(DEFAULT_CORPUS / REPORT_FILE, meta, ChunkParams(), counter)
    assert isinstance(parsed, ParsedDocument), parsed
    return parsed


@pytest.fixture(scope="module")
def report_records(report) -> list[IndicatorRecord]:
    return extract_tables(report.tables, {report.meta.id: report.text})


@pytest.fixture(scope="module")
def expected() -> dict:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


def _table_doc(header: list[list[str]], rows: list[list[str]], title: str | None = None, before: str = "",
               after: str = "", section: list[str] | None = None, doc: str = "synthetic") -> tuple[Table, str]:
    """A table placed in a small document text, as ingestion would save it."""
    lines = ([title] if title else []) + ["\t".join(r) for r in header + rows]
    block = "\n".join(lines)
    head = f"{before}\n\n" if before else ""
    text = f"{head}{block}\n\n{after}" if after else f"{head}{block}"
    start = len(head)
    table = Table(id=f"{doc}:t0", document_id=doc, title=title, section=section or [], page=None,
                  header_rows=header, rows=rows, start=start, end=start + len(block))
    return table, text


def _facts(records: list[IndicatorRecord]) -> set[tuple]:
    return {(r.breakdown, r.area, r.period, r.value, r.unit) for r in records}


# -- the default annual report, cell by cell ---------------------------------------------------------------
def test_fixture_covers_every_figure_table(expected, report):
    ids = {t.id.rsplit(":", 1)[1] for t in report.tables}
    with_records = {r["table"] for r in expected["records"]}
    assert with_records == {f"t{i}" for i in range(9)}
    assert with_records | set(expected["no_records"]) == ids


def test_every_expected_figure_is_extracted_exactly(expected, report_records):
    doc = expected["document"]
    by_key: dict[tuple, list[IndicatorRecord]] = {}
    for record in report_records:
        by_key.setdefault(_key(record.table_id, record.breakdown, record.area, record.period), []).append(record)
    problems = []
    for want in expected["records"]:
        table_id = f"{doc}:{want['table']}"
        candidates = by_key.get(_key(table_id, want["breakdown"], want["area"], want["period"]), [])
        got = _match(want, candidates)
        if got is None:
            problems.append(f"missing {want} (same table/breakdown/area/period: {[r.indicator for r in candidates]})")
            continue
        if got.value != pytest.approx(want["value"]) or got.unit != want["unit"]:
            problems.append(f"{want}: got value {got.value} unit {got.unit!r} ({got.raw!r})")
        if "note" in want and got.note != want["note"]:
            problems.append(f"{want}: got note {got.note!r}")
        candidates.remove(got)
    extra = [r for records in by_key.values() for r in records]
    assert not problems, "\n".join(problems)
    assert not extra, "records not in the fixture:\n" + "\n".join(map(repr, extra))


def test_counts_per_table(expected, report_records):
    doc = expected["document"]
    want: dict[str, int] = {}
    for record in expected["records"]:
        want[f"{doc}:{record['table']}"] = want.get(f"{doc}:{record['table']}", 0) + 1
    got: dict[str, int] = {}
    for record in report_records:
        got[record.table_id] = got.get(record.table_id, 0) + 1
    assert got == want


def test_business_plan_tables_yield_nothing(expected, report):
    plan = [t for t in report.tables if t.id.rsplit(":", 1)[1] in expected["no_records"]]
    assert len(plan) == 11
    for table in plan:
        assert extract_table(table, report.text) == [], table.id


def test_records_carry_their_source(report, report_records):
    tables = {t.id: t for t in report.tables}
    for record in report_records:
        table = tables[record.table_id]
        assert record.document_id == report.meta.id and record.source == "table"
        assert record.section == " › ".join(table.section)
        assert record.raw in report.text[table.start:table.end]
    budget = [r for r in report_records if r.table_id.endswith(":t0")]
    assert {r.raw for r in budget} >= {"1008.47", "54,000", "2,422.50"}
    assert all(r.table == "The contributions from partner agencies in 2016 -17, and the expenditure incurred"
               for r in budget)


# -- a real PDF: LA against statistical neighbours and England, rate per 10,000 by year -------------------------
# Read by hand from the PDF ("West Sussex - Statistical Neighbour View"): rows of authorities, then the
# statistical neighbours' average and England; columns 2007 to 2015; "-" where an authority has no figure.
WS_YEARS = [str(y) for y in range(2007, 2016)]
WS_RATES = {
    "Essex": [21.00, 18.00, 22.00, 25.60, 30.20, 26.20, 18.40, 14.10, 15.40],
    "North Somerset": [20.00, 23.00, 28.00, 22.30, 29.00, 28.40, 23.00, 26.30, 28.70],
    "Bath and North East Somerset": [20.00, 18.00, 22.00, 20.80, 29.80, 20.80, 36.20, 23.20, 28.80],
    "Leicestershire": [11.00, 18.00, 19.00, None, 30.50, 39.10, 29.30, 32.70, 29.20],
    "West Sussex": [20.00, 23.00, 25.00, 29.90, 30.00, 24.30, 22.90, 29.30, 29.70],
    "South Gloucestershire": [14.00, 15.00, 25.00, 26.00, 32.00, 39.50, 33.90, 20.40, 30.10],
    "Worcestershire": [24.00, 23.00, 28.00, 31.60, 36.70, 39.80, 37.40, 33.20, 32.00],
    "Gloucestershire": [17.00, 17.00, 21.00, None, 37.50, 32.70, 33.80, 36.50, 34.70],
    "Poole": [23.00, 27.00, 28.00, 47.10, 27.50, 43.50, 39.30, 45.20, 41.40],
    "Hampshire": [16.00, 17.00, 23.00, 23.20, 26.60, 28.40, 32.40, 39.40, 48.10],
    "Dorset": [19.00, 21.00, 29.00, 42.70, 37.70, 41.50, 31.10, 34.90, 48.20],
    "Statistical neighbours": [18.50, 19.70, 24.50, 29.91, 31.75, 33.99, 31.48, 30.59, 33.66],
    "National": [25.00, 27.00, 31.00, 35.50, 38.70, 37.80, 37.90, 42.10, 42.90],
}


def test_west_sussex_pdf_rates_by_authority_and_year():
    loaded = load_file(WEST_SUSSEX, 50 * 1024 * 1024)
    text = FORM_FEED.join(page.text for page in loaded.pages)
    meta = DocumentMeta(id="west-sussex-cp-rate-2015", path=WEST_SUSSEX.name, title="West Sussex CP plan rate")
    parsed = parse_document(WEST_SUSSEX, meta, ChunkParams(), TokenCounter())
    assert isinstance(parsed, ParsedDocument) and parsed.text == text
    assert parse_blocks(text, paged=True)  # the same text the ingest structures
    records = extract_tables(parsed.tables, {meta.id: parsed.text})
    expected = {(None, area, year, value, "rate per 10,000")
                for area, values in WS_RATES.items() for year, value in zip(WS_YEARS, values) if value is not None}
    assert _facts(records) == expected
    assert len(records) == len(expected) == 115  # "Change from previous year", rank and banding give none
    assert {r.indicator for r in records} == {
        "Children who are the subject of a Child Protection Plan - rate per 10,000"}
    assert {r.table_id for r in records} == {f"{meta.id}:t0"} and {r.page for r in records} == {1}


# -- other shapes --------------------------------------------------------------------------------------
def test_periods_down_the_rows_with_comparator_columns():
    table, text = _table_doc(
        [["Year", "Havering", "Statistical neighbours", "England"]],
        [["2014", "45.1", "50.2", "60.0"], ["2015", "47.0", "-", "60.3"], ["2016", "", "52.0", "60.5"]],
        before="# Children looked after: rate per 10,000 children aged under 18")
    records = extract_table(table, text)
    rate = "rate per 10,000"
    assert _facts(records) == {
        (None, "Havering", "2014", 45.1, rate), (None, "Statistical neighbours", "2014", 50.2, rate),
        (None, "National", "2014", 60.0, rate), (None, "Havering", "2015", 47.0, rate),
        (None, "National", "2015", 60.3, rate), (None, "Statistical neighbours", "2016", 52.0, rate),
        (None, "National", "2016", 60.5, rate)}
    assert {r.indicator for r in records} == {"Children looked after: rate per 10,000 children aged under 18"}


def test_la_column_is_the_documents_own_area_and_footnote_marks_become_notes():
    table, text = _table_doc(
        [["Indicator", "LA 2016/17", "England 2015/16*"]],
        [["Rate of referrals per 10,000", "512.3", "532.2"], ["% of re-referrals", "17.9%", "22.3%"]],
        before="Performance is compared below:", after="*Latest published figure")
    records = {(r.indicator, r.area, r.period): r for r in extract_table(table, text)}
    assert set(records) == {("Rate of referrals per 10,000", None, "2016/17"),
                            ("Rate of referrals per 10,000", "National", "2015/16"),
                            ("% of re-referrals", None, "2016/17"), ("% of re-referrals", "National", "2015/16")}
    assert records[("Rate of referrals per 10,000", None, "2016/17")].unit == "rate per 10,000"
    assert records[("% of re-referrals", "National", "2015/16")].unit == "%"
    assert records[("% of re-referrals", "National", "2015/16")].note == "Latest published figure"
    assert records[("% of re-referrals", None, "2016/17")].note is None


def test_money_table_with_blank_and_placeholder_cells():
    table, text = _table_doc(
        [["Partner", "Contribution"]],
        [["Police", "£5,000"], ["Health", "£42000"], ["Probation", "-"], ["Cafcass", ""], ["Total", "£47,000"]],
        before="The board's budget for 2017/18 is shown below:")
    records = extract_table(table, text)
    assert _facts(records) == {("Police", None, "2017/18", 5000.0, "£"), ("Health", None, "2017/18", 42000.0, "£"),
                               ("Total", None, "2017/18", 47000.0, "£")}
    assert {r.indicator for r in records} == {"The board's budget: Contribution"}
    assert {r.raw for r in records} == {"£5,000", "£42000", "£47,000"}


def test_two_row_header_of_years_over_count_and_percentage():
    table, text = _table_doc(
        [["Source", "2015/16", "", "2016/17", ""], ["", "No.", "%", "No.", "%"]],
        [["Police", "1,200", "24%", "1,100", "26%"], ["Schools", "800", "16%", "n/a", "n/a"]],
        title="Referrals by source")
    records = extract_table(table, text)
    assert {(r.indicator, r.breakdown, r.period, r.value, r.unit) for r in records} == {
        ("Referrals by source: No.", "Police", "2015/16", 1200.0, "count"),
        ("Referrals by source: %", "Police", "2015/16", 24.0, "%"),
        ("Referrals by source: No.", "Police", "2016/17", 1100.0, "count"),
        ("Referrals by source: %", "Police", "2016/17", 26.0, "%"),
        ("Referrals by source: No.", "Schools", "2015/16", 800.0, "count"),
        ("Referrals by source: %", "Schools", "2015/16", 16.0, "%")}


def test_quarters_take_the_year_from_the_title_and_run_together_numbers_are_dropped():
    table, text = _table_doc([["", "Q1", "Q2", "Q3", "Q4"]], [["Contacts", "1,001", "998", "1,102", "12.515.3"]],
                             title="Contacts to the MASH 2016/17")
    records = extract_table(table, text)
    assert _facts(records) == {("Contacts", None, "2016/17 Q1", 1001.0, "count"),
                               ("Contacts", None, "2016/17 Q2", 998.0, "count"),
                               ("Contacts", None, "2016/17 Q3", 1102.0, "count")}
    assert {r.indicator for r in records} == {"Contacts to the MASH"}  # one name across years
    assert {r.table for r in records} == {"Contacts to the MASH 2016/17"}


def test_quarters_and_months_without_a_year_give_no_record():
    table, text = _table_doc([["", "Q1", "Q2"]], [["Contacts", "1,001", "998"]], title="Contacts to the MASH")
    assert extract_table(table, text) == []
    table, text = _table_doc([["", "Apr", "May - Jun"]], [["Contacts", "1,001", "998"]], title="Contacts 2016/17")
    assert extract_table(table, text) == []


def test_footnote_row_inside_the_table_and_a_marked_cell():
    table, text = _table_doc([["Indicator", "2016/17"]],
                             [["Average time to complete an assessment (days)", "31.5*"],
                              ["Children subject to a plan", "459"], ["*Provisional figure", ""]])
    records = {r.indicator: r for r in extract_table(table, text)}
    assert set(records) == {"Average time to complete an assessment (days)", "Children subject to a plan"}
    assert (records["Average time to complete an assessment (days)"].unit,
            records["Average time to complete an assessment (days)"].note) == ("days", "Provisional figure")
    assert (records["Children subject to a plan"].unit, records["Children subject to a plan"].note) == ("count", None)


def test_rows_of_agencies_are_areas_and_totals_keep_tables_as_breakdowns():
    agencies, text = _table_doc([["Provider", "2016/17"]], [["Trust A", "91%"], ["Trust B", "88.5%"]],
                                title="Staff trained in safeguarding")
    assert _facts(extract_table(agencies, text)) == {(None, "Trust A", "2016/17", 91.0, "%"),
                                                     (None, "Trust B", "2016/17", 88.5, "%")}
    totals, text = _table_doc([["Agency", "2016/17"]], [["Police", "40"], ["Total", "90"]],
                              title="Referrals by agency")
    assert _facts(extract_table(totals, text)) == {("Police", None, "2016/17", 40.0, "count"),
                                                   ("Total", None, "2016/17", 90.0, "count")}


def test_text_tables_give_nothing():
    plan, text = _table_doc(
        [["Action", "Lead Officer", "Timescale", "Success measure"]],
        [["1.1", "Train staff", "01 04 17", "95% take up"], ["1.2", "Publish guide", "July 2017", "Guide published"],
         ["2.1", "Audit cases", "31 March 2018", "Six audits"]])
    assert extract_table(plan, text) == []
    grid, text = _table_doc([["LEVEL 1", "LEVEL 2", "LEVEL 3"]],
                            [["Attends education regularly > 95% and on time", "Slow progress", "Delayed"]])
    assert extract_table(grid, text) == []


def test_without_document_text_only_the_title_is_known():
    table, _ = _table_doc([["", "2015/16", "2016/17"]], [["Neglect", "140", "146"]],
                          title="Children subject to a plan by category")
    records = extract_table(table)
    assert _facts(records) == {("Neglect", None, "2015/16", 140.0, "count"),
                               ("Neglect", None, "2016/17", 146.0, "count")}
    assert {r.indicator for r in records} == {"Children subject to a plan by category"}
    assert extract_tables([table], {}) == records


def test_periods_in_row_labels_and_estimates_as_notes():
    table, text = _table_doc(
        [["", "No. of children", "Average no. of episodes per child"]],
        [["Missing from care 2016-17", "60", "8.05"], ["Missing from care 2014/15 (provisional)", "74", "-"]],
        before="# Missing children")
    records = {(r.indicator, r.period): r for r in extract_table(table, text)}
    assert set(records) == {("Missing children: No. of children", "2016/17"),
                            ("Missing children: Average no. of episodes per child", "2016/17"),
                            ("Missing children: No. of children", "2014/15")}
    assert records[("Missing children: No. of children", "2014/15")].note == "provisional"
    assert records[("Missing children: Average no. of episodes per child", "2016/17")].unit == "average per child"
    assert {r.breakdown for r in records.values()} == {"Missing from care"}


def test_scorecard_with_target_rag_and_comment_columns():
    table, text = _table_doc(
        [["Indicator", "Target", "2015/16", "2016/17", "RAG", "Comment"]],
        [["% of CP plans reviewed on time", "100%", "96%", "98%", "Green", "Improved"],
         ["Number of LADO referrals", "-", "200", "282", "n/a", ""]],
        title="Safeguarding scorecard")
    assert {(r.indicator, r.breakdown, r.period, r.value, r.unit) for r in extract_table(table, text)} == {
        ("% of CP plans reviewed on time", "Target", None, 100.0, "%"),
        ("% of CP plans reviewed on time", None, "2015/16", 96.0, "%"),
        ("% of CP plans reviewed on time", None, "2016/17", 98.0, "%"),
        ("Number of LADO referrals", None, "2015/16", 200.0, "count"),
        ("Number of LADO referrals", None, "2016/17", 282.0, "count")}


def test_period_in_the_title_dates_the_table_but_stays_out_of_the_name():
    table, text = _table_doc([["Category of abuse", "Number", "%"]], [["Neglect", "146", "32%"], ["Total", "459", ""]],
                             title="Child protection plans by category, 2016/17")
    assert {(r.indicator, r.breakdown, r.period, r.value, r.unit) for r in extract_table(table, text)} == {
        ("Child protection plans by category: Number", "Neglect", "2016/17", 146.0, "count"),
        ("Child protection plans by category: %", "Neglect", "2016/17", 32.0, "%"),
        ("Child protection plans by category: Number", "Total", "2016/17", 459.0, "count")}


def test_unlabelled_rows_give_no_records():
    table, text = _table_doc([["2015/16", "2016/17"]], [["10", "12"], ["20", "22"]], title="Referrals")
    assert extract_table(table, text) == []


def test_a_year_stub_over_period_columns_makes_the_row_labels_the_indicators():
    table, text = _table_doc([["Year", "2014/15", "2015/16", "2016/17"]], [["Referrals", "5175", "5086", "4125"]],
                             before="The number of referrals to children's social care, by year:")
    assert {(r.indicator, r.breakdown, r.period, r.value, r.unit) for r in extract_table(table, text)} == {
        ("Referrals", None, "2014/15", 5175.0, "count"), ("Referrals", None, "2015/16", 5086.0, "count"),
        ("Referrals", None, "2016/17", 4125.0, "count")}
