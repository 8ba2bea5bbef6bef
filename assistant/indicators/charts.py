"""Pictures of indicator series: a trend chart and a comparison bar chart, as deterministic PNG or SVG bytes.

matplotlib draws both formats from one code path. It is imported inside the functions (importing this module costs
nothing) and driven through `Figure` objects, never pyplot: no GUI, no global list of open figures. A lock
serialises renders because matplotlib's settings (rcParams) are process-wide and not thread-safe.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import math
import re
import textwrap
import threading
from typing import Literal
from xml.sax.saxutils import escape

from assistant.indicators.records import IndicatorRecord

Format = Literal["svg", "png"]

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.6, 100  # 640 x 360 px: fits a chat widget and a Slack image block
# Okabe-Ito colours, told apart with every common colour-vision deficiency; markers and dashes add a non-colour cue.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00")
LABEL_COLOURS = ("#005686", "#A04600", "#007656", "#995B7D", "#000000", "#AC7700")  # 25% darker, for value text
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)))
GREY, TEXT, GRID = "#9A9A9A", "#222222", "#DDDDDD"
UNIT_LABELS = {"%": "Per cent (%)", "count": "Count", "£": "Amount (£)", "rate per 10,000": "Rate per 10,000",
               "weeks": "Weeks", "days": "Days", "average per child": "Average per child", "ratio": "Ratio"}
LOCAL_AREA, NO_PERIOD, ALL = "Local area", "Period not stated", "All"
_COMPARATOR = re.compile(r"(national|england|(inner |outer )?london|regional|region|statistical neighbours?|"
                         r"similar (areas|authorities)|comparators?)( average| rate)?|.*\baverage", re.IGNORECASE)
_MONTHS = {name: i for i, full in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                           "august", "september", "october", "november", "december"), start=1)
           for name in (full, full[:3], full[:4])}  # "March", "Mar", "Sept"
_YEAR = re.compile(r"(\d{4})(?:[/-](\d{2}|\d{4}))?(?: Q([1-4]))?")
_DATE = re.compile(r"(?:(\d{1,2}) )?([A-Za-z]+) (\d{4})")
_LOCK = threading.Lock()


class ChartError(ValueError):
    """The records cannot make one honest chart; the message says why and what to pass instead."""


def period_sort_key(period: str | None) -> tuple[int, int, int, int, int, str]:
    """Chronological order of canonical periods, by the date each period ends, shorter spans first on a tie.

    "2016" ends 31 Dec 2016; "2016/17" and "2016/17 Q4" end 31 Mar 2017 (financial year; "2016/17 Q1" ends
    30 Jun 2016); "31 March 2017" is that day; "March 2017" that month. Other text with a year sorts at the end
    of that year, text without one after all dated periods, and None last.
    """
    if period is None:
        return (2, 0, 0, 0, 0, "")
    text = " ".join(period.split())
    if m := _YEAR.fullmatch(text):
        start, end_text, quarter = int(m[1]), m[2], int(m[3] or 0)
        if end_text is None:  # calendar year, or a calendar quarter "2016 Q1"
            month = 3 * quarter if quarter else 12
            return (0, start, month, calendar.monthrange(start, month)[1], 2 if quarter else 3, text)
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        end += 100 if end < start else 0
        if not quarter:
            return (0, end, 3, 31, 3, text)
        year, month = (end, 3) if quarter == 4 else (start, 3 + 3 * quarter)
        return (0, year, month, calendar.monthrange(year, month)[1], 2, text)
    if (m := _DATE.fullmatch(text)) and (month := _MONTHS.get(m[2].lower())):
        year = int(m[3])
        day = int(m[1]) if m[1] else calendar.monthrange(year, month)[1]
        return (0, year, month, day, 0 if m[1] else 1, text)
    if m := re.search(r"(?<!\d)\d{4}(?!\d)", text):
        return (0, int(m[0]), 12, 31, 9, text)
    return (1, 0, 0, 0, 0, text)


def trend_chart(records: list[IndicatorRecord], fmt: Format, title: str | None = None,
                source: str | None = None) -> bytes:
    """One line per area (or per breakdown when there is one area), periods in chronological order along x."""
    unit, by_area, names, values = _prepare(records, fmt)
    periods = sorted({r.period for r in records}, key=period_sort_key)
    heading, line = title or _default_title(records, by_area), _source_line(records, source)
    with _LOCK, _style():
        fig, ax = _figure(heading, line)
        xs = range(len(periods))
        for i, name in enumerate(names):
            ax.plot(xs, [values.get((name, p), math.nan) for p in periods], color=PALETTE[i], linestyle=DASHES[i],
                    marker=MARKERS[i], markersize=6, linewidth=2.4 if by_area and not _is_comparator(name) else 1.6,
                    label=name, clip_on=False)
        for x, period in enumerate(periods):  # value labels: highest above its point, lowest below, others right
            here = sorted((values[n, period], i) for i, n in enumerate(names) if (n, period) in values)
            for rank, (value, i) in enumerate(here):
                where = (0, 8, "center", "bottom") if rank == len(here) - 1 else \
                    (0, -9, "center", "top") if rank == 0 else (9, 0, "left", "center")
                ax.annotate(_fmt(value, unit), (x, value), xytext=where[:2], textcoords="offset points",
                            ha=where[2], va=where[3], fontsize=8, color=LABEL_COLOURS[i],
                            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
        labels, crowded = [p or NO_PERIOD for p in periods], sum(len(p or NO_PERIOD) for p in periods) > 70
        ax.set_xticks(list(xs), labels, rotation=30 if crowded else 0, ha="right" if crowded else "center")
        ax.set_xlim(-0.5, len(periods) - 0.5)
        ax.set_xlabel("Period")
        _value_axis(ax, "y", unit, list(values.values()))
        if len(names) > 1 or names[0] not in (LOCAL_AREA, ALL):  # a lone series still names its area
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(names), frameon=False, fontsize=8,
                      borderaxespad=0.2, handlelength=2.6)
        span = f"{labels[0]} to {labels[-1]}" if len(labels) > 1 else labels[0]
        desc = f"Line chart, {UNIT_LABELS[unit].lower()}, {span}. " + " ".join(
            f"{n}: " + ", ".join(f"{p or NO_PERIOD} {_fmt(values[n, p], unit)}" for p in periods if (n, p) in values)
            + "." for n in names)
        return _save(fig, fmt, heading, f"{desc} {line}.")


def comparison_chart(records: list[IndicatorRecord], fmt: Format, title: str | None = None,
                     source: str | None = None) -> bytes:
    """Horizontal bars for one period: across areas (local area in blue, comparators grey), or across breakdowns."""
    unit, by_area, names, values = _prepare(records, fmt)
    periods = sorted({r.period for r in records}, key=period_sort_key)
    if len(periods) > 1:
        raise ChartError(f"these records cover several periods ({', '.join(p or NO_PERIOD for p in periods)}): "
                         "pass one period's records to compare, or draw a trend chart")
    period = periods[0]
    heading = title or f"{_default_title(records, by_area)}, {period or NO_PERIOD}"
    line = _source_line(records, source)
    bars = [values[n, period] for n in names]
    local = [not (by_area and _is_comparator(n)) for n in names]
    with _LOCK, _style():
        fig, ax = _figure(heading, line)
        ys = range(len(names))
        ax.barh(ys, bars, height=0.6, color=[PALETTE[0] if keep else GREY for keep in local])
        ax.set_yticks(list(ys), [textwrap.fill(n, 28) for n in names])
        for tick, keep in zip(ax.get_yticklabels(), local):
            tick.set_fontweight("bold" if keep and by_area else "normal")
        ax.invert_yaxis()
        ax.set_ylabel("Area" if by_area else "Category")
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        _value_axis(ax, "x", unit, bars)
        for y, value in zip(ys, bars):
            ax.annotate(_fmt(value, unit), (value, y), xytext=(4 if value >= 0 else -4, 0), textcoords="offset points",
                        ha="left" if value >= 0 else "right", va="center", fontsize=8, color=TEXT)
        desc = f"Bar chart, {UNIT_LABELS[unit].lower()}, {period or NO_PERIOD}. " + "; ".join(
            f"{n}{'' if keep or not by_area else ' (comparator)'}: {_fmt(v, unit)}"
            for n, v, keep in zip(names, bars, local)) + "."
        return _save(fig, fmt, heading, f"{desc} {line}.")


def _prepare(records, fmt) -> tuple[str, bool, list[str], dict[tuple[str, str | None], float]]:
    """Check the input; say whether series are areas or breakdowns; give their order and each (series, period) value."""
    if fmt not in ("svg", "png"):
        raise ChartError(f"Invalid format {fmt!r}. Choose from 'svg', 'png'.")
    if not records:
        raise ChartError("no records to chart: pass at least one IndicatorRecord")
    if bad := [r for r in records if not isinstance(r, IndicatorRecord)]:
        raise ChartError(f"expected IndicatorRecord objects, got {type(bad[0]).__name__}")
    if len(units := sorted({r.unit for r in records})) > 1:
        raise ChartError(f"these records mix {' and '.join(units)}: chart one unit at a time")
    if len(indicators := sorted({" ".join(r.indicator.lower().split()) for r in records})) > 1:
        raise ChartError(f"these records mix indicators ({'; '.join(indicators)}): chart one indicator at a time")
    if bad := [r for r in records if not math.isfinite(r.value)]:
        raise ChartError(f"{bad[0].raw!r} is not a finite number: leave it out of the chart")
    areas = sorted({r.area or LOCAL_AREA for r in records}, key=lambda a: (_is_comparator(a), a.lower()))
    breakdowns = list(dict.fromkeys(r.breakdown or ALL for r in records))
    if len(areas) > 1 and len(breakdowns) > 1:
        raise ChartError(f"these records have several areas ({', '.join(areas)}) and several breakdowns "
                         f"({', '.join(breakdowns)}): chart one breakdown across areas, or one area across breakdowns")
    by_area = len(breakdowns) == 1
    names = areas if by_area else breakdowns
    if len(names) > len(PALETTE):
        raise ChartError(f"{len(names)} series is too many for one chart: pass at most {len(PALETTE)}")
    values: dict[tuple[str, str | None], float] = {}
    for r in records:
        key = ((r.area or LOCAL_AREA) if by_area else (r.breakdown or ALL), r.period)
        if values.setdefault(key, r.value) != r.value:
            raise ChartError(f"two values for {key[0]}, {key[1] or NO_PERIOD}: {_fmt(values[key], r.unit)} and "
                             f"{_fmt(r.value, r.unit)}: keep one figure per period (the latest revision)")
    return units[0], by_area, names, values


def _is_comparator(area: str) -> bool:
    return bool(_COMPARATOR.fullmatch(area.strip()))  # "National", "Statistical neighbours", "London average"


def _default_title(records: list[IndicatorRecord], by_area: bool) -> str:
    named = {r.breakdown for r in records} if by_area else {r.area for r in records}  # the one left out of the chart
    extra = next(iter(named)) if len(named) == 1 else None
    return records[0].indicator + (f": {extra}" if extra else "")


def _source_line(records: list[IndicatorRecord], source: str | None) -> str:
    if source:
        return source if source.lower().startswith("source") else f"Source: {source}"
    pages: dict[tuple[str, str | None], set[int]] = {}
    for r in records:
        pages.setdefault((r.document_id, r.table), set()).update([r.page] if r.page is not None else [])
    parts = [", ".join(filter(None, [doc, table, (("page " if len(ps) == 1 else "pages ")
                                                    + ", ".join(map(str, sorted(ps)))) if ps else None]))
             for (doc, table), ps in pages.items()]
    more = f"; and {len(parts) - 3} more" if len(parts) > 3 else ""
    return "Source: " + "; ".join(parts[:3]) + more


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return {"%": f"{text}%", "£": f"£{text}" if value >= 0 else f"-£{text[1:]}"}.get(unit, text)


def _style():
    import matplotlib
    matplotlib.use("Agg")
    return matplotlib.rc_context({
        "svg.fonttype": "none",  # text stays <text>: searchable, selectable, read by screen readers
        "svg.hashsalt": "lscb-indicator-charts", "svg.id": None, "text.parse_math": False,
        "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"], "font.size": 9,
        "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
        "axes.edgecolor": "#888888", "axes.labelsize": 9, "xtick.labelsize": 8, "ytick.labelsize": 8})


def _figure(heading: str, source_line: str):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained", facecolor="white")
    lines = textwrap.wrap(heading, 62)  # bold 11 pt: ~62 characters fit 620 px
    fig.suptitle("\n".join(lines[:2]) + (" …" if len(lines) > 2 else ""), x=0.015, ha="left", fontsize=11,
                 fontweight="bold")
    fig.supxlabel(textwrap.fill(source_line, 118), x=0.015, ha="left", fontsize=7.5, color="#444444")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _value_axis(ax, axis: str, unit: str, values: list[float]) -> None:
    """Zero baseline, headroom for the value labels, ticks formatted in the unit, label naming the unit."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    low, high = min(0.0, *values), max(0.0, *values)
    pad = (high - low or abs(high) or 1.0) * 0.18
    (ax.set_ylim if axis == "y" else ax.set_xlim)(low - (pad if low < 0 else 0), high + (pad if high > 0 else 0))
    if low < 0:
        (ax.axhline if axis == "y" else ax.axvline)(0, color="#888888", linewidth=0.8)
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=5, integer=unit == "count"))
    target.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v, unit)))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(UNIT_LABELS[unit])


def _save(fig, fmt: str, heading: str, desc: str) -> bytes:
    """PNG or SVG bytes with no date or version in them; the SVG gains role="img", <title> and <desc>."""
    buf = io.BytesIO()
    if fmt == "png":
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None, "Title": heading, "Description": desc})
        return buf.getvalue()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    size_pt, size_px = (f'width="{WIDTH_IN * 72:g}pt" height="{HEIGHT_IN * 72:g}pt"',
                        f'width="{WIDTH_IN * DPI:g}" height="{HEIGHT_IN * DPI:g}"')
    svg = buf.getvalue().decode("utf-8").replace(size_pt, size_px, 1)  # px like the PNG; the viewBox still scales
    uid = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:10]
    start = svg.index(">", svg.index("<svg"))  # end of the root tag
    return (svg[:start] + f' role="img" aria-labelledby="title-{uid} desc-{uid}">\n'
            f' <title id="title-{uid}">{escape(heading)}</title>\n <desc id="desc-{uid}">{escape(desc)}</desc>'
            + svg[start + 1:]).encode("utf-8")
