"""Find the figures a question asks for: which series, which breakdown, which period, which areas.

A series is one indicator as one source prints it (a table row family or a prose statement). The question
is matched against each series' name (indicator, table title, section and breakdown labels) by meaning
(cosine with the series' embedded name) and by wording (rarity-weighted share of the question's words);
then breakdowns named in the question, the period ("2016/17", "in 2016", "last year" = the latest in the
series) and comparators ("nationally", "vs statistical neighbours") narrow the records.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.evidence import TermWeights
from assistant.indicators.periods import normalise_period, same_period
from assistant.indicators.records import IndicatorRecord
from index.embedder import Embedder
from index.lexical import tokenize

_FILLER = frozenset(tokenize("how many much number total figure figures amount percentage percent proportion share "
                             "rate what was were is are the in of for give me show tell value count"))
_NATIONAL = re.compile(r"\b(national(?:ly)?|england|across the country|nation ?wide)\b", re.IGNORECASE)
_NEIGHBOURS = re.compile(r"\b(statistical neighbou?rs?|similar (?:areas|authorities|boroughs)|comparators?|sn)\b",
                         re.IGNORECASE)
_UNIT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rate per 10,000", re.compile(r"per\s*10,?000|rate per", re.IGNORECASE)),
    ("%", re.compile(r"%|\bper\s*cent|\bpercentage|\bproportion|\bshare\b|\bcompliance\b", re.IGNORECASE)),
    ("£", re.compile(r"£|\bhow much\b|\bspen[dt]\b|\bcost\b|\bbudget\b|\bincome\b|\bcontribut|\bfund", re.IGNORECASE)),
    ("weeks", re.compile(r"\bweeks?\b|\bwait", re.IGNORECASE)),
    ("count", re.compile(r"\bhow many\b|\bnumber of\b", re.IGNORECASE)),
)
_LATEST = re.compile(r"\b(last year|this year|latest|most recent|current(?:ly)?|now)\b", re.IGNORECASE)
_PERIOD_TEXT = re.compile(
    r"(?:(?:at|on|as at)\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\s+(?:19|20)\d{2}|(?:q[1-4]|quarter\s+[1-4])\s+(?:19|20)\d{2}\s*[/–-]\s*\d{2,4}"
    r"|(?:19|20)\d{2}\s*[/–-]\s*(?:\d{4}|\d{1,2})(?:\s+(?:q[1-4]|quarter\s+[1-4]))?|(?<![\d/])(?:19|20)\d{2}(?![\d/])",
    re.IGNORECASE)


@dataclass
class Series:
    """All records of one indicator from one source (every breakdown, area and period)."""

    key: tuple[str, str | None, str, str]
    indicator: str
    unit: str
    records: list[IndicatorRecord]
    text: str

    @property
    def id(self) -> str:
        """A short stable id for URLs (charts): a hash of the source and the indicator."""
        return hashlib.sha256("|".join(str(k) for k in self.key).encode()).hexdigest()[:12]

    @property
    def breakdowns(self) -> list[str]:
        return sorted({r.breakdown for r in self.records if r.breakdown})


@dataclass
class LookupResult:
    series: Series | None
    records: list[IndicatorRecord] = field(default_factory=list)
    score: float = 0.0
    periods: list[str] = field(default_factory=list)
    area: str | None = None
    missing_period: bool = False

    @property
    def available_periods(self) -> list[str]:
        return sorted({r.period for r in self.series.records if r.period}) if self.series else []


def asked_periods(question: str) -> list[str]:
    """Canonical periods named in the question ('16/17' should already be '2016/17')."""
    found = []
    for match in _PERIOD_TEXT.finditer(question):
        period = normalise_period(match.group(0))
        if period and period not in found:
            found.append(period)
    return found


def asked_area(question: str) -> str | None:
    if _NEIGHBOURS.search(question):
        return "Statistical neighbours"
    if _NATIONAL.search(question):
        return "National"
    return None


def group_series(records: list[IndicatorRecord]) -> list[Series]:
    groups: dict[tuple, list[IndicatorRecord]] = defaultdict(list)
    for r in records:
        groups[(r.document_id, r.table_id, r.indicator.lower(), r.unit)].append(r)
    series = []
    for key, members in groups.items():
        first = members[0]
        labels = " ".join(sorted({r.breakdown for r in members if r.breakdown} | {r.area for r in members if r.area}))
        text = " \n".join(x for x in (first.indicator, first.table, (first.section or "").split(" › ")[-1], labels) if x)
        series.append(Series(key, first.indicator, first.unit, members, text))
    return series


class IndicatorLookup:
    """Lookups over one index version's records. Call `warm_up()` (embeds the series names) before use."""

    def __init__(self, records: list[IndicatorRecord], embedder: Embedder, weights: TermWeights,
                 lexical_weight: float = 1.0, local_areas: tuple[str, ...] = (), min_coverage: float = 0.5) -> None:
        self.records = records
        self.series = group_series(records)
        self.embedder = embedder
        self.weights = weights
        self.lexical_weight = lexical_weight
        self.min_coverage = min_coverage
        self.local = frozenset(t for a in local_areas for t in tokenize(a))
        self._vectors: np.ndarray | None = None
        self._terms = [set(tokenize(s.text)) for s in self.series]

    def by_id(self, series_id: str) -> Series | None:
        return next((s for s in self.series if s.id == series_id), None)

    def warm_up(self) -> None:
        if self._vectors is None:
            dim = self.embedder.dimension
            self._vectors = self.embedder.embed_batch([s.text for s in self.series]) if self.series else \
                np.zeros((0, dim), np.float32)

    def lookup(self, question: str, vector: np.ndarray | None = None, period: str | None = None,
               area: str | None = None, expanded: str | None = None,
               allowed: Callable[[Series], bool] | None = None) -> LookupResult:
        """The best series for the question and its records for the asked breakdown, period and area.

        `expanded` is the question with acronyms spelled out (the BM25 query text), used for word matching.
        `allowed` narrows the candidate series (the engine passes "its source is among the passages retrieved").
        """
        self.warm_up()
        assert self._vectors is not None
        if not self.series:
            return LookupResult(None)
        vector = vector if vector is not None else self.embedder.embed_query(question)
        text = _PERIOD_TEXT.sub(" ", expanded or question)
        terms = list(dict.fromkeys(t for t in tokenize(text) if t not in _FILLER and t not in self.local))
        cosine = self._vectors @ vector
        coverage = [self.weights.coverage(terms, own) for own in self._terms]
        unit = asked_unit(question)
        scores = [float(c) + self.lexical_weight * cov
                  if cov >= self.min_coverage and _unit_fits(unit, s.unit) and (allowed is None or allowed(s))
                  else float("-inf") for c, cov, s in zip(cosine, coverage, self.series)]
        best = int(np.argmax(scores))
        if scores[best] == float("-inf"):
            return LookupResult(None)  # no series names what the question asks for: not a figure we hold
        series = self.series[best]
        periods = [period] if period else asked_periods(question)
        area = area or asked_area(question)
        records = self._breakdowns(series, set(tokenize(text)), self.weights)
        if periods:
            chosen = [r for r in records if any(same_period(r.period, p) for p in periods)]
            if not chosen:
                return LookupResult(series, [], scores[best], periods, area, missing_period=True)
            records = chosen
        elif _LATEST.search(question):
            latest: dict[str | None, str | None] = {}
            for r in records:
                if _period_key(r.period) > _period_key(latest.get(r.area)):
                    latest[r.area] = r.period
            records = [r for r in records if r.period == latest.get(r.area)]
        if area:
            narrowed = [r for r in records if (r.area or "").lower().startswith(area.lower()[:8])]
            if not narrowed and periods:
                # The comparator is published for another period (national data lag a year): its latest.
                theirs = [r for r in self._breakdowns(series, set(tokenize(text)), self.weights)
                          if (r.area or "").lower().startswith(area.lower()[:8])]
                last = max((r.period for r in theirs), key=_period_key, default=None)
                narrowed = [r for r in theirs if r.period == last]
            local = [r for r in records if r.area and r.area not in ("National", "Statistical neighbours")]
            records = narrowed + (local if _wants_comparison(question) else []) or records
        records.sort(key=lambda r: (r.area in ("National", "Statistical neighbours"), _period_key(r.period),
                                    r.breakdown or ""))
        return LookupResult(series, records, scores[best], periods, area)

    @staticmethod
    def _breakdowns(series: Series, question_terms: set[str], weights: TermWeights) -> list[IndicatorRecord]:
        """Records of the breakdown(s) the question names best (all of them when it names none).

        A breakdown is named when most of its distinctive words (those not shared by every breakdown of the
        series) are in the question, weighted by rarity: "training" names "LSCB Training Programme".
        """
        labels = series.breakdowns
        if not labels:
            return list(series.records)
        shared = set.intersection(*(set(tokenize(b)) for b in labels)) if len(labels) > 1 else set()
        scored = []
        for label in labels:
            own = [t for t in tokenize(label) if t not in shared]
            if own:
                scored.append((weights.coverage(own, question_terms), label))
        best = max((score for score, _ in scored), default=0.0)
        if best < 0.5:
            return list(series.records)
        keep = {label for score, label in scored if score == best}
        return [r for r in series.records if r.breakdown in keep]


def asked_unit(question: str) -> str | None:
    """The unit the question's wording asks for ('what percentage' -> '%', 'how much' -> '£'), if any."""
    return next((unit for unit, cue in _UNIT_CUES if cue.search(question)), None)


def _unit_fits(asked: str | None, unit: str) -> bool:
    if asked is None or asked == unit:
        return True
    return asked == "count" and unit in ("average per child", "ratio")


def _wants_comparison(question: str) -> bool:
    return re.search(r"\b(vs\.?|versus|compared?|against|and)\b", question, re.IGNORECASE) is not None


def _period_key(period: str | None) -> tuple:
    if not period:
        return (0, 0, 0)
    year = re.search(r"(19|20)\d{2}", period)
    quarter = re.search(r"Q([1-4])", period)
    return (int(year.group(0)) if year else 0, int(quarter.group(1)) if quarter else 0, len(period))
