"""Answer-level metrics as pure functions, ready for the answer engine and the indicator store.

They take plain values (answer text, quotes, offsets, indicator fields), so the runner can apply them to
whatever the answer contract returns without this module knowing about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from evaluation.metrics import contains_quote, normalise

_NUMBER = re.compile(r"(?<![\w./])[£$]?\d[\d,]*(?:\.\d+)?%?(?![\w/])")


def _numbers(text: str) -> set[str]:
    """Numbers in `text`, without thousands separators or currency signs ("£14,621" -> "14621")."""
    return {m.group(0).lstrip("£$").replace(",", "").rstrip("%") for m in _NUMBER.finditer(text)}


def numbers_in(text: str) -> set[str]:
    """The figures written in `text`, normalised ("4,125" -> "4125", "83.4%" -> "83.4")."""
    return _numbers(text)


def fact_present(answer: str, fact: str | int | float) -> bool:
    """A key fact is stated: a number matches as a number ("4,125" = "4125"), text matches normalised."""
    fact_text = str(fact)
    fact_numbers = _numbers(fact_text)
    if fact_numbers and _NUMBER.fullmatch(fact_text.strip()):
        return bool(fact_numbers & _numbers(answer))
    return normalise(fact_text) in normalise(answer)


def key_fact_accuracy(answer: str, facts: Sequence[str | int | float]) -> float:
    """Share of the key facts the answer states (1.0 when there are none to state)."""
    return sum(fact_present(answer, f) for f in facts) / len(facts) if facts else 1.0


def citation_valid(quote: str, passage_text: str, document_text: str, start: int, end: int) -> bool:
    """The quote appears verbatim in its passage, and the offsets slice exactly that quote from the document."""
    return bool(quote) and quote in passage_text and document_text[start:end] == quote


def citation_supports(cited_passages: Iterable[str], gold_quotes: Iterable[str]) -> bool:
    """At least one cited passage contains one of the gold quotes."""
    passages = list(cited_passages)
    return any(contains_quote(p, q) for q in gold_quotes for p in passages)


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float]:
    """From (should abstain, did abstain) pairs: precision, recall, and the false-abstention rate
    (share of answerable questions the system refused)."""
    tp = fp = fn = answerable = 0
    for should, did in pairs:
        tp += should and did
        fp += (not should) and did
        fn += should and not did
        answerable += not should
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_abstention": fp / answerable if answerable else 0.0,
    }


_UNITS = {"percent": "%", "per cent": "%", "pct": "%", "gbp": "£", "pounds": "£", "number": "count",
          "rate per 10000": "rate per 10,000", "per 10,000": "rate per 10,000"}


def _unit(value: str | None) -> str:
    text = (value or "").strip().lower()
    return _UNITS.get(text, text)


def _period(value: str | None) -> str:
    """Canonical period text; a year-end point ('31 March 2017') is its financial year ('2016/17')."""
    end = re.fullmatch(r"\s*31\s+march\s+((?:19|20)\d{2})\s*", (value or "").lower())
    if end:
        year = int(end.group(1))
        return f"{year - 1}/{year % 100:02d}"
    text = re.sub(r"\s+", "", (value or "").lower()).replace("–", "-")
    match = re.fullmatch(r"(\d{4})[-/](\d{2}|\d{4})", text)
    return f"{match.group(1)}/{match.group(2)[-2:]}" if match else text


def _area(value: str | None) -> str:
    text = normalise(value or "")
    return {"england": "national", "statistical neighbour": "statistical neighbours"}.get(text, text)


def indicator_match(expected: Mapping[str, object], got: Mapping[str, object], tolerance: float = 1e-9) -> bool:
    """Exact match on value, unit, period and area (each normalised: '2016-17' = '2016/17', 'percent' = '%')."""
    try:
        same_value = abs(float(expected["value"]) - float(got["value"])) <= tolerance  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return False
    return (same_value and _unit(expected.get("unit")) == _unit(got.get("unit"))  # type: ignore[arg-type]
            and _period(expected.get("period")) == _period(got.get("period"))  # type: ignore[arg-type]
            and _same_area(expected, got))


def _same_area(expected: Mapping[str, object], got: Mapping[str, object]) -> bool:
    """The same area; or an agency named as the area in the gold and as the breakdown of the local area's
    figure in the answer ("CAFs completed: Children's Centres" is Redbridge's figure broken down by agency)."""
    want, area = _area(expected.get("area")), _area(got.get("area"))  # type: ignore[arg-type]
    if want == area:
        return True
    breakdown = _area(got.get("breakdown"))  # type: ignore[arg-type]
    return bool(want) and bool(breakdown) and (want in breakdown or breakdown in want)
