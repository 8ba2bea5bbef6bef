"""Whether the evidence answers the question, and if not, why not.

Four checks, in order, each a reason a practitioner can act on:
1. the question names a place the documents do not cover ("Havering's thresholds");
2. it names a period no candidate sentence mentions ("referrals in 2019/20");
3. it asks for a figure and no candidate states one ("how many social workers");
4. the best evidence is weaker than a threshold calibrated on the gold set (`Settings.abstain_min_strength`).
The first three narrow the candidates to those that pass; the last judges what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.evidence import Candidate
from assistant.types import PassageKind

PLACES_FILE = Path(__file__).with_name("data") / "places.txt"

_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[/–-]\s*(\d{4}|\d{1,2})(?!\d)")
# A bare year is a period only after words that place something in time ("in 2017", "at 31 March 2018");
# after a name it names a law or a document ("Children Act 1989", "wt 2023").
_YEAR = re.compile(r"(?:^|\b(?:in|for|during|of|since|by|from|to|at|before|after|until|till|year|between|and|end"
                   r"|january|february|march|april|may|june|july|august|september|october|november|december"
                   r"|\d{1,2}(?:st|nd|rd|th)?)\s+)((?:19|20)\d{2})(?![\d/]|\s*[–-]\s*\d)", re.IGNORECASE)
_FIGURE_QUESTION = re.compile(
    r"\b(how\s+many|how\s+much|how\s+long|what\s+(?:percentage|proportion|share|number|rate|amount|figure|total"
    r"|cost|level\s+of\s+spend)|number\s+of|percentage\s+of|per\s*cent|rate\s+of|average|how\s+often\s+did)\b"
    r"|(?<!\w)%",
    re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w/])[£$]?\d[\d,]*(?:\.\d+)?%?(?![\w/])")
_WORDS = re.compile(r"[a-z]+")


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower().replace("&", " and ").replace("-", " ")))


def _complete(first: int, tail: str) -> int:
    """The full second year of '2016/17' or '2013/4' (next year whose last digits are `tail`)."""
    base = 10 ** len(tail)
    last = first - first % base + int(tail)
    return last + base if last < first else last


@dataclass(frozen=True)
class Period:
    """A period the question names: a span of years ("2016/17") or one year ("2017")."""

    first: int
    last: int | None = None

    def __str__(self) -> str:
        return f"{self.first}/{self.last % 100:02d}" if self.last else str(self.first)

    def mentioned_in(self, text: str) -> bool:
        for match in _PERIOD.finditer(text):
            first, tail = int(match.group(1)), match.group(2)
            last = int(tail) if len(tail) == 4 else _complete(first, tail)
            if self.last is not None and (first, last) == (self.first, self.last):
                return True
            if self.last is None and self.first in (first, last):
                return True
        return self.last is None and re.search(rf"(?<!\d){self.first}(?!\d)", text) is not None


_NAMED_YEAR = re.compile(r"\b(acts?|regulations|order|together|guidance|edition|version)\s+((?:19|20)\d{2})"
                         r"((?:\s*(?:,|and|&)\s*(?:19|20)\d{2})*)\b", re.IGNORECASE)


def asked_periods(question: str, titles: tuple[str, ...] = ()) -> list[Period]:
    """Periods named in the question ('2016/17', '2016-2017', 'in 2017', 'at 31 March 2018').

    A year that names a law or a document ("Children Act 1989", "Working Together 2023", any year in a
    title from `titles`) is not a period.
    """
    named = {y for m in _NAMED_YEAR.finditer(question) for y in re.findall(r"(?:19|20)\d{2}", m.group(0))}
    named |= {y for t in titles for y in re.findall(r"(?:19|20)\d{2}", t) if y in question}
    question = _NAMED_YEAR.sub(" ", question)
    periods = []
    for match in _PERIOD.finditer(question):
        first, tail = int(match.group(1)), match.group(2)
        last = int(tail) if len(tail) == 4 else _complete(first, tail)
        if last == first + 1:
            periods.append(Period(first, last))
    periods += [Period(int(m.group(1))) for m in _YEAR.finditer(question) if m.group(1) not in named]
    return periods


def wants_figure(question: str) -> bool:
    """True for questions that ask for a number ("how many", "what percentage", "rate of")."""
    return _FIGURE_QUESTION.search(question) is not None


def states_figure(text: str) -> bool:
    """True when the text holds a number that is not just a year or period ("4125", "83.4%", "£14,621")."""
    text = _PERIOD.sub(" ", re.sub(r"(\d{4})/\s+(\d{2})\b", r"\1/\2", text))
    for match in _NUMBER.finditer(text):
        if re.fullmatch(r"(19|20)\d{2}", match.group(0)):
            continue  # a bare year; "2,034", "£2,000" and "2010%" are figures
        return True
    return bool(re.search(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
                          r"|fifty|hundred|half|third|quarter)\b", text, re.IGNORECASE))


@lru_cache(maxsize=4)
def load_places(path: Path = PLACES_FILE) -> dict[str, str]:
    """Normalised place key -> the place's name as written in the file.

    A name marked with a trailing '*' is also an everyday word ("Reading", "Bury"): its key keeps its capital
    letter and it only matches when the question capitalises it.
    """
    places = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        if name.endswith("*"):
            name = name.rstrip("* ").strip()
            places["=" + name] = name
        else:
            places[_key(name)] = name
    return places


def asked_places(question: str, places: dict[str, str]) -> set[str]:
    """Places from the list that the question names (whole words; any case unless marked in the file)."""
    text = f" {_key(question)} "
    found = set()
    for key, name in places.items():
        if key.startswith("="):
            if re.search(rf"(?<![\w-]){re.escape(key[1:])}(?![\w-])", question):
                found.add(name)
        elif f" {key} " in text:
            found.add(name)
    return found


@dataclass(frozen=True)
class Judgement:
    abstain: bool
    reason: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    strength: float = 0.0
    by_rule: bool = False  # abstained by a place, period or figure check, whatever the strength


def _evidence_text(candidate: Candidate) -> str:
    """What a period must appear in: the sentence, its neighbour before, and the headings above it.

    A table row is read with the whole table piece, where the years usually sit in the header.
    """
    passage = candidate.passage
    if passage.kind is PassageKind.TABLE:
        return "\n".join([passage.section_path, passage.context, passage.text])
    before = passage.text[max(0, candidate.start - 300):candidate.start]
    return "\n".join([passage.section_path, before, candidate.text])


class EvidenceJudge:
    """Decides whether scored candidates answer the question; see the module docstring."""

    def __init__(self, min_strength: float, covered_areas: list[str], lexical_weight: float = 0.5,
                 places: dict[str, str] | None = None) -> None:
        self.min_strength = min_strength
        self.lexical_weight = lexical_weight
        self.places = places if places is not None else load_places()
        self.covered = asked_places(" ".join(covered_areas), self.places)
        self.covered_text = " and ".join(covered_areas) or "no named area"

    def strength(self, candidate: Candidate) -> float:
        return candidate.dense + self.lexical_weight * candidate.lexical

    def judge(self, question: str, candidates: list[Candidate]) -> Judgement:
        places = asked_places(question, self.places)
        if places and not places & self.covered:
            named = ", ".join(sorted(places))
            return Judgement(True, f"The documents cover {self.covered_text}; they hold nothing about {named}.",
                             by_rule=True)
        kept = candidates
        periods = asked_periods(question)
        if periods:
            kept = [c for c in kept if all(p.mentioned_in(_evidence_text(c)) for p in periods)]
            if not kept:
                named = " and ".join(str(p) for p in periods)
                return Judgement(True, f"The documents do not give this for {named}.", by_rule=True)
        if wants_figure(question):
            kept = [c for c in kept if states_figure(c.text)]
            if not kept:
                return Judgement(True, "The documents do not publish that figure.", by_rule=True)
        if not kept:
            return Judgement(True, "The documents do not answer this.", by_rule=True)
        strength = self.strength(kept[0])
        if strength < self.min_strength:
            return Judgement(True, "Nothing in the documents answers this closely enough.", kept, strength)
        return Judgement(False, "", kept, strength)
