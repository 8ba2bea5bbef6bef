"""Figures in table cells and the units their labels name.

`parse_value` reads one cell: "54,000", "1008.47", "£42000", "17.9%", "-3.50", "£1.2m", "12 weeks". It
returns None, never zero, for anything that is not one clean number: blanks and placeholders ("-", "–",
"n/a", "x", ".."), suppressed or censored counts ("<5"), dates ("01 04 17", "31/03/2017"), periods
("2016/17"), action numbers ("1.1.2"), numbers run together by a PDF ("12.515.3") and words ("Grade: White").

`infer_unit` reads a label (a column header, row label, title or introducing sentence) and names the unit
it implies, or None when it names none, so a caller can try the next label before defaulting to "count".
"""

from __future__ import annotations

import re

from assistant.indicators.records import Unit

MARKERS = "*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰"
"""Footnote marks that may trail a header, label or cell ("National 2015/16*", "22.3%†")."""

_PLACEHOLDERS = frozenset({"", "-", "–", "—", "−", "n/a", "na", "n.a.", "n.a", "..", "...", "…", "x", "c", "*",
                           "tbc", "tba", "nk", "null", "none", "not available", "no data", "~", "?", "supp",
                           "suppressed"})
_NUMBER = re.compile(r"(?P<sign>[-−–+])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?")
_SCALE = {"k": 1_000.0, "m": 1_000_000.0, "bn": 1_000_000_000.0}
_TRAILING_UNIT = re.compile(r"\s*(?P<unit>weeks?|wks?|days?)$", re.IGNORECASE)
_MARKS = re.compile(rf"[{re.escape(MARKERS)}]+$")

_UNIT_RULES: list[tuple[Unit, re.Pattern[str]]] = [
    ("%", re.compile(r"%")),
    ("£", re.compile(r"£")),
    ("rate per 10,000", re.compile(r"\bper\s*10[,.\s]?000\b|\bper\s+10k\b", re.IGNORECASE)),
    ("%", re.compile(r"\b(?:percentage|per\s*cent|percent|proportion|pct)\b", re.IGNORECASE)),
    ("£", re.compile(r"\b(?:income|expenditure|budget|budgets|costs?|spend|spending|spent|funding|gbp)\b",
                     re.IGNORECASE)),
    ("weeks", re.compile(r"\bweeks?\b", re.IGNORECASE)),
    ("days", re.compile(r"\bdays?\b", re.IGNORECASE)),
    ("average per child", re.compile(r"\b(?:average|mean|median|avg)\b", re.IGNORECASE)),
    ("ratio", re.compile(r"\bratio\b", re.IGNORECASE)),
    ("rate per 10,000", re.compile(r"\brates?\b", re.IGNORECASE)),
    ("count", re.compile(r"\b(?:numbers?|count|how\s+many)\b|\bnos?\.|\bno\s+of\b", re.IGNORECASE)),
]


def strip_marker(text: str) -> tuple[str, str | None]:
    """(text without its trailing footnote mark, the mark or None): "National 2015/16*" -> ("National 2015/16", "*")."""
    text = text.strip()
    found = _MARKS.search(text)
    if found is None or found.start() == 0:
        return text, None
    return text[:found.start()].rstrip(), found.group()


def is_placeholder(cell: str) -> bool:
    """True for a cell that holds no figure on purpose: blank, "-", "–", "n/a", "x", ".." and the like."""
    return strip_marker(cell.replace("\u00a0", " "))[0].strip().lower() in _PLACEHOLDERS or not cell.strip()


def parse_value(cell: str) -> tuple[float, str | None] | None:
    """(value, unit hint) of a cell holding one number, else None. The hint is "%", "£", "weeks", "days" or None.

    Thousands separators must group digits in threes ("54,000", "3,494.38"); "£" may carry a k/m/bn
    scale ("£1.2m"); a trailing footnote mark is ignored ("17.1%*"). A leading "<" or ">" (a censored
    figure) and brackets (accounting negatives or notes) give None, as do blanks and placeholders.
    """
    text = cell.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ").strip()
    text = strip_marker(text)[0]
    if text.lower() in _PLACEHOLDERS:
        return None
    hint: str | None = None
    unit_word = _TRAILING_UNIT.search(text)
    if unit_word:
        word = unit_word["unit"].lower()
        hint = "weeks" if word.startswith("w") else "days"
        text = text[:unit_word.start()].strip()
    if text.endswith("%"):
        hint, text = "%", text[:-1].strip()
    elif text.lower().endswith(("per cent", "percent")):
        hint, text = "%", re.sub(r"\s*per\s*cent$", "", text, flags=re.IGNORECASE).strip()
    scale = 1.0
    if text.startswith("£") or text[1:2] == "£" and text[:1] in "-−–":
        if hint is not None:
            return None
        hint = "£"
        text = text.replace("£", "", 1).strip()
        suffix = re.search(r"(k|m|bn)$", text, re.IGNORECASE)
        if suffix:
            scale = _SCALE[suffix.group().lower()]
            text = text[:suffix.start()].strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    value = float(match["int"].replace(",", "") + (match["frac"] or ""))
    if match["sign"] and match["sign"] != "+":
        value = -value
    return value * scale, hint


def infer_unit(label: str) -> Unit | None:
    """The unit a label names, or None when it names none.

    In order: a "%" or "£" sign; "per 10,000"; "percentage", "per cent", "proportion" (%); money words
    "income", "expenditure", "budget", "cost", "spend", "funding" (£); "weeks" or "days" as a unit, not as
    a threshold ("within 15 days" names none); "average", "mean", "median" ("average per child"); "ratio";
    "rate" alone ("rate per 10,000", as safeguarding statistics publish rates); then "number of", "no. of",
    "count" ("count").
    """
    for unit, pattern in _UNIT_RULES:
        for m in pattern.finditer(label):
            if unit in ("weeks", "days") and re.search(r"\d\s*$", label[:m.start()]):
                continue  # "within 45 days": a threshold, not the figure's unit
            return unit
    return None
