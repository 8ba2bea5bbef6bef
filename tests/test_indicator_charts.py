"""Indicator charts: real PNG and SVG renders (matplotlib), checked by decoding them, plus period ordering."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from assistant.indicators.charts import ChartError, comparison_chart, period_sort_key, trend_chart
from assistant.indicators.records import IndicatorRecord

SVG = "{http://www.w3.org/2000/svg}"
CP_RATE = "Children subject to a child protection plan per 10,000 children"


def rec(area: str | None, period: str | None, value: float, unit: str = "rate per 10,000",
        breakdown: str | None = None, indicator: str = CP_RATE, page: int = 12) -> IndicatorRecord:
    return IndicatorRecord(indicator=indicator, breakdown=breakdown, area=area, period=period, value=value, unit=unit,
                           document_id="redbridge-lscb-annual-report-2016-17", page=page,
                           table="Table 3: Child protection plans", raw=str(value))


# Given out of order on purpose: the chart puts the periods in time order.
TREND = [rec(area, period, value) for area, series in {
    "Redbridge": {"2015/16": 38.4, "2013/14": 31.2, "2016/17": 36.1, "2014/15": 35.0},
    "National": {"2013/14": 42.1, "2014/15": 42.9, "2015/16": 43.1, "2016/17": 43.3},
    "Statistical neighbours": {"2014/15": 37.5, "2016/17": 38.0}}.items() for period, value in series.items()]
COMPARE = [rec(area, "2016/17", value, unit="%") for area, value in
           {"National": 17.9, "Redbridge": 12.5, "Statistical neighbours": 15.2}.items()]


def svg_texts(svg: bytes) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(svg)
    return root, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_period_sort_key_orders_canonical_periods_in_time():
    shuffled = [None, "2017", "31 March 2017", "2016/17", "2016/17 Q4", "2016", "2016/17 Q1", "2010/11", "2015/16",
                "March 2016", "2016/17 Q3"]
    assert sorted(shuffled, key=period_sort_key) == [
        "2010/11", "March 2016", "2015/16", "2016/17 Q1", "2016/17 Q3", "2016", "31 March 2017", "2016/17 Q4",
        "2016/17", "2017", None]


def test_period_sort_key_handles_century_and_unparsed_text():
    assert period_sort_key("1999/00") < period_sort_key("2000/01") < period_sort_key("2001")
    assert period_sort_key("2016-17") == period_sort_key("2016/17")[:5] + ("2016-17",)
    assert period_sort_key("2016/17") < period_sort_key("not stated") < period_sort_key(None)
    assert period_sort_key("30 Sept 2016") < period_sort_key("31 December 2016")


def test_trend_png_is_a_640_by_360_image():
    png = trend_chart(TREND, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (640, 360)
    assert "Redbridge: 2013/14 31.2" in image.info["Description"]


def test_trend_svg_is_accessible_and_labels_periods_values_and_source():
    root, texts = svg_texts(trend_chart(TREND, "svg"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == CP_RATE and root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "National: 2013/14 42.1, 2014/15 42.9" in desc.text
    periods = [t for t in texts if t in {"2013/14", "2014/15", "2015/16", "2016/17"}]
    assert periods == ["2013/14", "2014/15", "2015/16", "2016/17"]  # tick labels, in time order
    for value in ("31.2", "35", "38.4", "36.1", "42.1", "43.3", "37.5", "38"):
        assert value in texts
    assert {"Redbridge", "National", "Statistical neighbours", "Rate per 10,000", "Period"} <= set(texts)
    assert "Source: redbridge-lscb-annual-report-2016-17, Table 3: Child protection plans, page 12" in texts


def test_comparison_svg_highlights_the_local_area_and_formats_the_unit():
    root, texts = svg_texts(comparison_chart(COMPARE, "svg", source="Redbridge LSCB Annual Report 2016-17, page 9"))
    assert root.find(f"{SVG}title").text == f"{CP_RATE}, 2016/17"
    assert {"12.5%", "17.9%", "15.2%", "Per cent (%)"} <= set(texts)
    assert "Source: Redbridge LSCB Annual Report 2016-17, page 9" in texts
    bold = [t for t in root.iter(f"{SVG}text") if "font-weight: 700" in t.get("style", "")]
    assert "Redbridge" in [t.text for t in bold]
    assert "National (comparator): 17.9%" in root.find(f"{SVG}desc").text
    assert [t for t in texts if t in {"Redbridge", "National", "Statistical neighbours"}][0] == "Redbridge"


def test_comparison_across_breakdowns_for_one_area():
    records = [rec("Redbridge", "31 March 2017", value, unit="count", breakdown=category,
                   indicator="Child protection plans by category of abuse")
               for category, value in {"Neglect": 120, "Emotional abuse": 95, "Sexual abuse": 8}.items()]
    root, texts = svg_texts(comparison_chart(records, "svg"))
    assert root.find(f"{SVG}title").text == "Child protection plans by category of abuse: Redbridge, 31 March 2017"
    assert {"Neglect", "Emotional abuse", "Sexual abuse", "120", "95", "8", "Count"} <= set(texts)
    png = comparison_chart(records, "png")
    assert Image.open(io.BytesIO(png)).size == (640, 360)


@pytest.mark.parametrize("chart", [trend_chart, comparison_chart])
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_same_input_gives_identical_bytes(chart, fmt):
    records = TREND if chart is trend_chart else COMPARE
    assert chart(records, fmt) == chart(list(records), fmt)


def test_renders_from_several_threads_match_a_lone_render():
    from concurrent.futures import ThreadPoolExecutor
    expected = {fmt: trend_chart(TREND, fmt) for fmt in ("svg", "png")}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda fmt: (fmt, trend_chart(TREND, fmt)), ["svg", "png"] * 4))
    assert all(data == expected[fmt] for fmt, data in results)


def test_svg_ids_differ_between_charts_so_two_can_share_a_page():
    one, two = ET.fromstring(trend_chart(TREND, "svg")), ET.fromstring(comparison_chart(COMPARE, "svg"))
    assert one.find(f"{SVG}title").get("id") != two.find(f"{SVG}title").get("id")


def test_a_single_point_series_still_renders():
    root, texts = svg_texts(trend_chart([rec("Redbridge", "2016/17", 36.1)], "svg"))
    assert {"2016/17", "36.1", "Redbridge"} <= set(texts)
    assert Image.open(io.BytesIO(trend_chart([rec(None, None, 4, unit="count")], "png"))).size == (640, 360)


def test_long_titles_wrap_and_the_full_title_stays_in_the_svg():
    title = "Number of contacts received by the Multi-Agency Safeguarding Hub from all partner agencies by quarter end"
    root, texts = svg_texts(trend_chart(TREND, "svg", title=title))
    assert root.find(f"{SVG}title").text == title
    assert any(t.startswith("Number of contacts") and "\n" not in t and len(t) <= 62 for t in texts)


def test_empty_input_is_refused():
    with pytest.raises(ChartError, match="no records"):
        trend_chart([], "png")


def test_mixed_units_are_refused():
    with pytest.raises(ChartError, match="these records mix % and count: chart one unit at a time"):
        comparison_chart([rec("Redbridge", "2016/17", 12.5, unit="%"), rec("National", "2016/17", 40, unit="count")],
                         "svg")


@pytest.mark.parametrize("records, message", [
    ([rec("Redbridge", "2016/17", 1), rec("Redbridge", "2016/17", 1, indicator="Referrals")], "mix indicators"),
    ([rec("Redbridge", "2016/17", 1, breakdown="Neglect"), rec("National", "2016/17", 2, breakdown="Physical")],
     "several areas .* and several breakdowns"),
    ([rec("Redbridge", "2016/17", 1), rec("Redbridge", "2016/17", 2)], "two values for Redbridge, 2016/17"),
    ([rec("Redbridge", "2016/17", float("nan"))], "not a finite number"),
])
def test_records_that_cannot_make_one_chart_are_refused(records, message):
    with pytest.raises(ChartError, match=message):
        trend_chart(records, "svg")


def test_comparison_needs_one_period_and_formats_are_checked():
    with pytest.raises(ChartError, match=r"several periods \(2013/14, 2014/15, 2015/16, 2016/17\)"):
        comparison_chart(TREND, "png")
    with pytest.raises(ChartError, match="Invalid format 'jpg'. Choose from 'svg', 'png'."):
        trend_chart(TREND, "jpg")  # type: ignore[arg-type]


def test_importing_the_module_does_not_import_matplotlib():
    import subprocess
    import sys
    code = "import sys, assistant.indicators.charts; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
