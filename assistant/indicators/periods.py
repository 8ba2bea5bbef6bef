"""Periods as the board's documents print them, in one canonical form.

Canonical forms (the same as `IndicatorRecord.period`):

- "2016/17"        a financial or academic year: "2016/17", "2016/2017", "2016-17", "2016 – 2017", "2016 -17",
                   "2010/ 11", "2013/4", "Year End 2016 – 2017", "FY 2016-17", "year ending 31 March 2017",
                   "April 2016 – March 2017";
- "2016"           a calendar year (1990-2099 only, so "0-17" or "45 days" never read as years);
- "2016/17 Q4"     a quarter of a financial year: "Q4 2016/17", "2016-17 Q4", "Quarter 4 2016/17";
- "31 March 2017"  a point in time: "at 31 March 2017", "31st March 2017", "31/03/2017", and a month standing
                   alone ("March 2017", "as at March 2017"), read as the month's last day.

"Quarter 4" with no year gives the bare "Q4", for a caller that knows the year (`combine_periods`).
Two years that are not consecutive ("2016-2018") are a span, not a year: no period. A calendar quarter
("Q1 2017") is ambiguous between calendar and financial quarters: no period.
"""

from __future__ import annotations

import calendar
import re
from typing import NamedTuple

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:19[89]\d|20\d\d)"
_DASH = r"\s*(?:/{1,2}|-|–|—|to)\s*"
_FY_PREFIX = (r"(?:(?:year\s+end(?:ing|ed)?|financial\s+year|academic\s+year|school\s+year|fy|f/y|yr)"
              r"\s*:?\s*)?")
_FY = rf"{_FY_PREFIX}(?P<y1>{_YEAR}){_DASH}(?P<y2>\d{{4}}|\d{{1,2}})(?![\d/])"
_QUARTER = r"(?:q|qtr\.?\s*|quarter\s*)(?P<q>[1-4])"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("year_ending", re.compile(rf"\byear\s+(?:end(?:ing|ed)?|to)\s+(?:(?:the\s+)?[0-3]?\d(?:st|nd|rd|th)?\s+)?"
                               rf"(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    ("quarter_fy", re.compile(rf"\b{_QUARTER}\s*(?:of\s+)?,?\s*{_FY}", re.IGNORECASE)),
    ("fy_quarter", re.compile(rf"\b{_FY}\s*,?\s*{_QUARTER}\b", re.IGNORECASE)),
    ("month_span", re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<y1>{_YEAR})\s*(?:-|–|—|to)\s*(?P<m2>{_MONTH})\s+"
                              rf"(?P<y2>{_YEAR})\b", re.IGNORECASE)),
    ("date", re.compile(rf"\b(?:(?:as\s+)?at\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\s*,?\s*"
                        rf"(?P<y>{_YEAR})\b", re.IGNORECASE)),
    ("numeric_date", re.compile(rf"\b(?:(?:as\s+)?at\s+)?(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>{_YEAR}|\d{{2}})"
                                r"(?![\d/.])", re.IGNORECASE)),
    ("fy", re.compile(rf"\b{_FY}", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?:(?:as\s+)?at\s+)?(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    ("year", re.compile(rf"(?<![\d/.,£$])\b(?P<y>{_YEAR})\b(?![\d/]|\.\d|,\d)")),
    ("quarter", re.compile(rf"\b{_QUARTER}\b", re.IGNORECASE)),
]
_CANONICAL = re.compile(rf"^(?:(?P<fy>{_YEAR})/(?P<fy2>\d\d)(?: Q(?P<q>[1-4]))?|(?P<cal>{_YEAR})"
                        rf"|(?P<d>[0-3]?\d) (?P<m>[A-Z][a-z]+) (?P<y>{_YEAR})|Q(?P<bare>[1-4]))$")
_FILLER = re.compile(r"^[\s*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰:;,.()\[\]–—-]*$")


class PeriodMatch(NamedTuple):
    """A period found in a piece of text: its span and its canonical form."""

    start: int
    end: int
    period: str


def _second_year(y1: int, text: str) -> int | None:
    """The full second year of "2016/17", "2016/2017", "2013/4"; None unless it is y1 + 1."""
    if len(text) == 4:
        y2 = int(text)
    elif len(text) == 2:
        y2 = y1 // 100 * 100 + int(text)
        if y2 <= y1:
            y2 += 100
    else:
        y2 = y1 // 10 * 10 + int(text)
        if y2 <= y1:
            y2 += 10
    return y2 if y2 == y1 + 1 else None


def _fy(y1: int) -> str:
    return f"{y1}/{(y1 + 1) % 100:02d}"


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _date(day: int, month: int, year: int) -> str | None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{day} {calendar.month_name[month]} {year}"


def _canonical(kind: str, m: re.Match[str]) -> str | None:
    """The canonical period of one regex match, or None when the match is not a valid period."""
    if kind in ("quarter_fy", "fy_quarter", "fy"):
        y1 = int(m["y1"])
        y2 = _second_year(y1, m["y2"])
        if y2 is None:
            return None
        return f"{_fy(y1)} Q{m['q']}" if kind != "fy" else _fy(y1)
    if kind == "date":
        return _date(int(m["d"]), _month(m["m"]), int(m["y"]))
    if kind == "numeric_date":
        year = int(m["y"]) if len(m["y"]) == 4 else 2000 + int(m["y"])
        return _date(int(m["d"]), int(m["m"]), year)
    if kind == "year_ending":
        month, year = _month(m["m"]), int(m["y"])
        return _fy(year - 1) if month == 3 else None
    if kind == "month_span":
        y1, y2 = int(m["y1"]), int(m["y2"])
        return _fy(y1) if (_month(m["m1"]), _month(m["m2"]), y2) == (4, 3, y1 + 1) else None
    if kind == "month":
        month, year = _month(m["m"]), int(m["y"])
        return _date(calendar.monthrange(year, month)[1], month, year)
    if kind == "year":
        return m["y"]
    return f"Q{m['q']}"


def find_periods(text: str) -> list[PeriodMatch]:
    """Every period in `text`, left to right, most specific reading first ("Q4 2016/17" is one period).

    A span that looks like a year but is not a valid one ("2016-2018") is consumed without a period, so it
    is never read as two calendar years. Bare quarters ("Quarter 4") are included as "Q4".
    """
    taken: list[tuple[int, int]] = []
    found: list[PeriodMatch] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            period = _canonical(kind, m)
            if period is not None:
                found.append(PeriodMatch(m.start(), m.end(), period))
    return sorted(found)


def normalise_period(text: str) -> str | None:
    """The canonical period when `text` is one period and nothing else (footnote marks aside), else None.

    >>> normalise_period("Year End 2016 – 2017"), normalise_period("2013/4"), normalise_period("at 31 March 2017")
    ('2016/17', '2013/14', '31 March 2017')
    """
    matches = find_periods(text)
    if len(matches) != 1:
        return None
    match = matches[0]
    if not (_FILLER.match(text[:match.start]) and _FILLER.match(text[match.end:])):
        return None
    return match.period


def combine_periods(first: str | None, second: str | None) -> str | None:
    """One period from two sources (a column and a row): equal ones, a bare quarter with a year, or the one given.

    Returns None when both are given and disagree ("2015/16" against "2016/17"): the figure's period is
    then unknown. `combine_periods("Q4", "2016/17") == "2016/17 Q4"`.
    """
    if not first or not second or first == second:
        return first or second
    for quarter, year in ((first, second), (second, first)):
        if re.fullmatch(r"Q[1-4]", quarter) and re.fullmatch(rf"{_YEAR}/\d\d", year):
            return f"{year} {quarter}"
    return None


def shift_period(period: str, years: int) -> str:
    """The same period `years` later (earlier when negative): "2016/17" -1 -> "2015/16"; "29 February" -> "28".

    Raises ValueError for a string that is not a canonical period (`normalise_period` makes one).
    """
    m = _CANONICAL.match(period)
    if m is None:
        raise ValueError(f"{period!r} is not a canonical period: expected '2016/17', '2016', '2016/17 Q4', "
                         f"'31 March 2017' or 'Q4' (see normalise_period)")
    if m["fy"]:
        shifted = _fy(int(m["fy"]) + years)
        return f"{shifted} Q{m['q']}" if m["q"] else shifted
    if m["cal"]:
        return str(int(m["cal"]) + years)
    if m["bare"]:
        return period
    month = list(calendar.month_name).index(m["m"]) if m["m"] in calendar.month_name else 0
    if not month:
        raise ValueError(f"{period!r} is not a canonical period: unknown month {m['m']!r}")
    year = int(m["y"]) + years
    day = min(int(m["d"]), calendar.monthrange(year, month)[1])
    return f"{day} {calendar.month_name[month]} {year}"


def same_period(a: str | None, b: str | None) -> bool:
    """Equal canonical periods, or a year-end point and its year: '31 March 2017' is the end of '2016/17'."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    return _year_end(a) == b or _year_end(b) == a


def _year_end(period: str) -> str | None:
    match = re.fullmatch(r"31 March ((?:19|20)\d{2})", period)
    return _fy(int(match.group(1)) - 1) if match else None
