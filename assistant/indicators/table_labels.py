"""What a table's header cells and row labels say: periods, comparators, notes, measures, and the words left.

Vocabulary shared by the table reader (`tables.py`); all pure functions on strings. Nothing here is keyed to
one report: comparators are the national and statistical-neighbour names and the English regions, measures
are named by units or by "number of", "% of", "rate", "average" and the like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.indicators.periods import combine_periods, find_periods
from assistant.indicators.values import infer_unit, strip_marker

DERIVED = re.compile(r"\b(?:change|changes|difference|diff|variance|trend|direction\s+of\s+travel|rank|ranking"
                     r"|ranked|quartile|banding|previous\s+year|last\s+year|prior\s+year)\b|\+/-|±", re.IGNORECASE)
INDICATOR_STUB = re.compile(r"(?:key\s+)?(?:performance\s+)?(?:indicators?|measures?|metrics?|kpis?|pis?)"
                            r"|descriptions?|performance"
                            r"|(?:financial\s+|academic\s+)?years?|periods?|quarters?|months?|dates?", re.IGNORECASE)
PLACE_STUB = re.compile(r"local\s+authorit(?:y|ies)|las?|authorit(?:y|ies)|areas?|regions?|boroughs?|councils?"
                        r"|comparators?|statistical\s+neighbou?rs?", re.IGNORECASE)
AGENCY_STUB = re.compile(r"agency|agencies|providers?|organi[sz]ations?|trusts?|partners?", re.IGNORECASE)
_MEASURE_START = re.compile(r"(?:as\s+an?\s+)?(?:%|percentage|proportion|number|no\.?\s|nos\.|rate|average|mean"
                            r"|median|total\s+number|count)", re.IGNORECASE)
_COMPARATORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:england|national|nationally|eng)(?:\s+(?:average|mean|rate|figure|total))?", re.I), "National"),
    (re.compile(r"(?:statistical|stat\.?)\s+neighbou?rs?['’]?(?:\s+(?:average|mean|group))?|sns?(?:\s+average)?",
                re.I), "Statistical neighbours"),
    (re.compile(r"(?:la|local\s+authority|the\s+la|this\s+la)", re.I), ""),
]
_REGIONS = ["London", "Inner London", "Outer London", "North East", "North West", "Yorkshire and the Humber",
            "Yorkshire and Humber", "East Midlands", "West Midlands", "East of England", "South East", "South West"]
LA_CODE = re.compile(r"^(?:[A-Z]{1,3}\s+)?\d{3}\s+(?=[A-Za-z])")
_NOTE_PAREN = re.compile(r"\s*\(([^()]*\b(?:estimat\w*|provisional|revised|based\s+on|nearest|rounded|rounding"
                         r"|unvalidated|validated|incomplete|partial|exclud\w*|year\s+to\s+date|ytd|draft"
                         r"|unaudited)\b[^()]*)\)", re.IGNORECASE)
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july"
          r"|august|september|october|november|december)\.?")
_MONTHS_ONLY = re.compile(rf"{_MONTH}(?:\s*(?:-|–|—|to)\s*{_MONTH})?", re.IGNORECASE)
_NOT_NAMES = re.compile(r"(?:total|target|all|other|actual|average|overall|level|year)\b", re.IGNORECASE)
_STOPWORDS = frozenset("""about after also among been before being between both from have into more most only other
over same such than that their them then there these they this those through under very were what when where which
while with within year years data figures figure number total table below shown drawn used""".split())


@dataclass
class Axis:
    """What a column header or a row label says: a period, an area, notes and marks, and the words left."""

    term: str
    period: str | None = None
    area: str | None = None  # canonical comparator; "" for the document's own area ("LA")
    marks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflict: bool = False  # two periods that do not combine into one, or a month with no year


def clean_term(text: str) -> str:
    """Spaces collapsed, stray punctuation and empty brackets gone, "As a % of" read as "% of"."""
    text = re.sub(r"\(\s*\)", " ", text)
    text = " ".join(text.split()).strip(" -–—:,;/|")
    return re.sub(r"^as\s+an?\s+(?=%|percentage|proportion)", "", text, flags=re.IGNORECASE)


def read_axis(text: str) -> Axis:
    """Marks, parenthetical notes and periods taken out of a header or label; the rest is its term."""
    text, mark = strip_marker(" ".join(text.split()))
    notes = [m.group(1).strip() for m in _NOTE_PAREN.finditer(text)]
    text = _NOTE_PAREN.sub(" ", text)
    matches = find_periods(text)
    period: str | None = None
    conflict = False
    for match in matches:
        combined = combine_periods(period, match.period)
        conflict = conflict or combined is None
        period = combined
    for match in reversed(matches):
        text = text[:match.start] + " " + text[match.end:]
    term = clean_term(text)
    if not period and _MONTHS_ONLY.fullmatch(term):
        conflict = True  # "Apr", "Apr - Jun": a month with no year cannot be dated
    return Axis(term, None if conflict else period, marks=[mark] if mark else [], notes=notes, conflict=conflict)


def comparator(term: str) -> str | None:
    """The canonical comparator a whole term names ("England" -> "National"), "" for "LA", else None."""
    term = term.strip()
    for pattern, name in _COMPARATORS:
        if pattern.fullmatch(term):
            return name
    return next((region for region in _REGIONS if region.lower() == term.lower()), None)


def looks_like_name(term: str) -> bool:
    """A short proper name ("Redbridge", "West Sussex"), not a measure, category or total."""
    words = term.split()
    return (1 <= len(words) <= 4 and words[0][:1].isupper() and not any(ch.isdigit() for ch in term)
            and infer_unit(term) is None and not _NOT_NAMES.match(term))


def is_measure(term: str) -> bool:
    """True for a term that names what is measured: a unit ("%", "rate per 10,000", "Income") or a count."""
    return bool(term) and (infer_unit(term) is not None or bool(_MEASURE_START.match(term)))


def strip_periods(text: str) -> str:
    """A name without the periods in it, so one indicator keeps one name across years:
    "Child protection plans by category, 2016/17" -> "Child protection plans by category"."""
    original = text
    for match in reversed(find_periods(text)):
        lead = re.search(r"\b(?:in|during|for|as\s+at|at|on|by|to|from|of)\s+$", text[:match.start], re.IGNORECASE)
        text = text[:lead.start() if lead else match.start] + " " + text[match.end:]
    text = re.sub(r"\s+([,;:.)])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    cleaned = clean_term(text)
    return cleaned[:1].upper() + cleaned[1:] if original.strip()[:1].isdigit() else cleaned


def content_words(text: str) -> set[str]:
    """Distinctive words (four letters or more, plural "s" dropped, common words out) for comparing texts."""
    words = {w.rstrip("s") if len(w) > 4 else w for w in re.findall(r"[a-z]{4,}", text.lower())}
    return words - _STOPWORDS
