"""Figures stated plainly in prose, as indicator records: precision over recall.

A sentence gives a record only when its grammar states all three parts: a number (digits, or a number word that
opens the sentence), the thing counted, named in the sentence ("380 children in Redbridge were subject to a child
protection plan", "the number of S47 inquiries", "The LADO received 282 notifications") and a period ("in
2016/17", "On 31 March 2017", or "during the year" when the document's period is known). Comparisons in the clause
("compared to 349 a year earlier", "from 1211 in 2015/16 to 789 in 2016/17", "– 341 in Quarter 1, …") give records
for their own periods. Changes ("fell by 18.9%"), approximations, ages, durations, ranges, labels ("Level 2"),
bracketed asides, guidance ("should", "must") and anything ambiguous give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.indicators.records import IndicatorRecord, Unit
from assistant.types import Passage, PassageKind
from corpus.sentences import sentence_spans

Found = tuple[str, str | None, str, float, Unit]  # indicator, area, period, value, unit

_MONTHS = "January February March April May June July August September October November December".split()
_MONTH = "|".join(_MONTHS)
_SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = {w: 10 * i for i, w in enumerate("- - twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_WORD_NUMBER = re.compile(rf"\b(?:({'|'.join(_TENS)})(?:[ -]({'|'.join(_SMALL[1:10])}))?|({'|'.join(_SMALL)}))\b", re.I)
_DIGITS = re.compile(r"(?<![\w.,/£+-])(£ ?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?( ?%| ?per ?cent\b| ?per 10,?000\b)?"
                     r"(?![\w/+]|[.,]\d| ?[-–] ?\d)")
_FY = r"((?:19|20)\d\d) ?(?:/{1,2}|[-–—]) ?(\d{1,4})\b"
_GUIDANCE = re.compile(r"\b(?:should|must|shall|ought to|needs? to|(?:is|are) (?:expected|required) to|requires?)\b"
                       r"|\?\s*$", re.I)
_MODAL = re.compile(r"\b(?:will|would|may|might|could|can|aims? to|targets?|if|unless|likely|estimat\w*|"
                    r"project(?:ed|ion)s?|expect\w*|forecast\w*|predict\w*|anticipat\w*)\b", re.I)
_BAD_BEFORE = re.compile(  # labels, ages, approximations, changes, agents, ranges, durations
    r"\b(?:sections?|s\.|paragraphs?|paras?|levels?|phase|quarter|q|tier|stage|year|chapter|appendix|table|figure|"
    r"article|pages?|p\.|no\.|standard|priority|step|annex|part|regulation|schedule|act|version|band|aged?|ages|"
    r"under|over|more than|fewer than|less than|almost|nearly|around|approximately|about|just|up to|at least|below|"
    r"above|c\.|circa|some|roughly|by|a further|per|out of|between|within|for|every|each|top|after|"
    r"(?:increase|rise|fall|decrease|reduction|drop) of)\s*$", re.I)
_BAD_AFTER = re.compile(
    r"^\s*(?:(?:calendar )?(?:months?|years?|hours?|minutes?)\b|times\b|-?year[- ]olds?|\+|(?:increase|rise|fall|"
    r"decrease|drop|reduction|higher|lower|more|fewer|less|up|down|improvement|growth|(?:percentage )?point)s?\b"
    r"|out of\b|or (?:more|fewer|less|over|under)\b|per\b)", re.I)
_DOC_YEAR = (r"(?i)\b(?:during|in|across|throughout|over the course of) the (?:reporting )?year(?: under review)?\b|"
             r"\bthis year\b|\b(?:at|as at) the end of the (?:reporting )?year\b")  # the document's own period
_DURATION = re.compile(r"^\s*(?:working |school )?(days?|weeks?)\b", re.I)
_AUX = set("was were is are has have had been being be".split())
_FINITE = set("became went ran took came grew began rose fell saw got left gave achieved received attended needed "
              "required remained continued go live lived".split())
_IRREGULAR = set("made done run seen taken given held led paid sent kept known shown brought found undertaken".split())
_MAIN_VERBS = _AUX | set("fell rose increased decreased declined dropped grew doubled halved remained continued "
                         "started began stood reached totalled changed went".split())
_RELATIVE = {"who", "which", "that", "where", "when"}
_PREPS = _RELATIVE | set("to in of from by for with on at aged under into through about whose across within as".split())
_STOP = _AUX | _PREPS | set("the a an all and or any each their its his her our newly also only then there not".split())
_ADJECTIVES = set("subject able likely eligible open known new newly not still also".split())
_VAGUE = set("it they them these those this that figure figures number numbers others ones rate proportion "
             "percentage".split())
_NOT_VERB_ED = set("aged based related named called registered unaccompanied looked disabled".split())
_PEOPLE = set("children people families adults parents girls boys women men carers staff professionals "
              "practitioners pupils students delegates victims individuals residents workers officers".split())
_PRONOUNS = set("it they we he she this these those there which who i you".split())
_PARTICIPLE = {"undertook": "undertaken", "ran": "run", "saw": "seen", "took": "taken", "gave": "given"}
_LEAD = (r"^[\s,]*(?:(?:although|while|whereas|though|despite|in spite of)\b[^,]*,[\s,]*)?(?:.*\bthat\s+)?(?:(?:"
         r"however|overall|by contrast|in addition|similarly|again|also|in total|nationally|in england)\b[\s,]*)*")
_OPEN = re.compile(_LEAD + r"(?:there\s+(?:were|was|are|is)\b\s*)?(?:(?:a total of|only|just)\b\s*)*$", re.I)
_SVO = re.compile(_LEAD + r"(?P<subj>(?:[Tt]he\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*|the\s+[a-z][\w-]*)\s+"
                  r"(?:(?:has|have|had)\s+)?(?P<verb>received|issued|made|completed|identified|recorded|handled|"
                  r"conducted|undertook|delivered|trained|supported|saw|held|ran|processed|investigated|convened|"
                  r"assessed|reviewed|referred|notified|accepted|placed|offered|provided|opened)\s+$")
_MEASURE = re.compile(r"\bthe\s+(?:(?:total|overall|annual)\s+)?(?P<kind>numbers?|percentage|proportion|"
                      r"(?:[a-z-]+\s+){0,2}rate)\s+of\s+", re.I)
_SUBJECT = re.compile(  # "Total expenditure … was £14,621", "Referrals to CAMHS rose from 1,100 in 2015/16 to …"
    r"\b(?:the\s+)?(?P<np>(?:total|average|median|mean)\s[^,;:–—]*?)\s+(?:was|were|is|are|stood at|totalled|"
    r"reached)\s+(?=£?\d)|\b(?P<trend>[a-z][^,;:–—]*?)\s+(?:rose|fell|increased|decreased|declined|dropped|"
    r"grew)\s+(?=(?:in \S+\s+)?from\s+£?\d)", re.I)
_COMPARATORS = re.compile(r"\b(?:national(?:ly)?|England|statistical neighbours?|London|benchmarks?|comparators?|"
                          r"regional(?:ly)?|boroughs?)\b", re.I)
_AREA_IN = re.compile(r"\s+in\s+(England|[A-Z][a-z]{3,}(?:-\d+|-[A-Z][a-z]+)*)(?![\w-]|\s+[A-Z])")
_NOT_AREA = set(_MONTHS) | set("Quarter Need Care Level Year Section Phase Stage School Schools Education Court "
                               "Hospital Total".split())


@dataclass
class _Period:
    start: int  # the span includes a leading preposition ("in 2016/17")
    end: int
    canon: str | None  # "2016/17", "2016", "31 March 2017", "? Q1" (year from context), "-1" (a year before)
    role: str  # main (the statement's own), cmp (a comparison's), pair (only right after a value), skip
    doc: bool = False  # "during the year": the document's period


@dataclass
class _Value:
    start: int
    end: int
    number: float
    unit: Unit
    word: bool  # a number word ("Twelve"), which counts only when it opens the sentence


@dataclass
class _Anchor:  # a counted thing; `value` is the figure it governs, or None when its figures follow
    pos: int
    end: int
    indicator: str
    head: str
    area: str | None
    value: _Value | None


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _year_before(canon: str) -> str:
    if m := re.fullmatch(r"(\d{4})/\d\d( Q\d)?", canon):
        return _fy(int(m[1]) - 1) + (m[2] or "")
    return f"{canon[:-4]}{int(canon[-4:]) - 1}"


def _periods(text: str, doc_period: str | None) -> list[_Period]:
    """Period expressions of a (masked) sentence with their role (earlier rules win); "skip" ones block figures."""
    found: list[_Period] = []
    taken = [False] * len(text)
    fy_end = f"31 March {int(doc_period[:4]) + 1}" if doc_period and "/" in doc_period else None
    quarter = {"first": 1, "second": 2, "third": 3}
    rules: list[tuple[str, Callable[[re.Match[str]], tuple[str | None, str | None]]]] = [
        (r"\b[Bb]y the end of\b[^,;]*|\b(?:[Ss]ince|[Uu]ntil|[Bb]efore) " + _FY, lambda m: (None, "skip")),
        (rf"\b(?:[Bb]etween|[Ff]rom) (?:1 )?({_MONTH}) (\d{{4}}) (?:and|to|-|–) (?:3[01] )?({_MONTH}) (\d{{4}})",
         lambda m: (_fy(int(m[2])), "main") if (m[1], m[3], int(m[4]) - int(m[2])) == ("April", "March", 1) else
         (m[2], "main") if (m[1], m[3], m[2]) == ("January", "December", m[4]) else (None, "skip")),
        (r"(?i)\b(?:at|as at|as of) the end of (March|June|September|December) (\d{4})", lambda m: (
            f"{30 if m[1].title() in ('June', 'September') else 31} {m[1].title()} {m[2]}", "main")),
        (rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})(?: (\d{{4}}))?\b",
         lambda m: (f"{int(m[1])} {m[2]} {m[3]}", None) if m[3] else (None, "skip")),
        (rf"\b(?:{_MONTH}) \d{{4}}\b", lambda m: (None, "skip")),
        (rf"(?i)\b(?:in )?the (first|second|third|fourth|final|last) quarter(?: of {_FY})?", lambda m: (
            f"{_fy(int(m[2])) if m[2] else '?'} Q{quarter.get(m[1].lower(), 4)}", "pair")),
        (r"\b(?:Quarter|Q) ?([1-4])\b", lambda m: (f"? Q{m[1]}", "pair")),
        (r"\b" + _FY, lambda m: (_fy(int(m[1])), None) if m[2] in (
            str(int(m[1]) + 1), f"{(int(m[1]) + 1) % 100:02d}", str((int(m[1]) + 1) % 10)) else (None, "skip")),
        (r"(?<![\w/£.,-])(?:19|20)\d\d(?![\w/%-]|[.,]\d)", lambda m: (m[0], None)),
        (r"(?i)\b(?:a year (?:earlier|before|previously)|the (?:year before|previous year)|twelve months "
         r"(?:earlier|before))\b", lambda m: ("-1", "pair")),
        (_DOC_YEAR, lambda m: (fy_end if "end" in m[0].lower() else doc_period, "main" if doc_period else "skip")),
    ]
    for pattern, make in rules:
        for m in re.finditer(pattern, text):
            canon, role = make(m)
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            before = text[max(text.rfind(c, 0, m.start()) for c in ",;:–—") + 1:m.start()].lower()[-30:]
            if role is None:  # "on 2015/16" follows a change; "on 31 March 2017" is a point in time
                on = r"|on" if not re.fullmatch(r"\d.* \d{4}", canon or "") else ""
                role = "cmp" if re.search(rf"\b(?:than(?: in)?|compared (?:to|with)|against|between|between \S+ and"
                                          rf"{on})\s*$", before) else "main" if re.search(
                    r"\b(?:in|during|for|throughout|across|at|as at|as of|on|over|over the course of)\s*$", before) or \
                    not before.strip(" ,–-") else "skip"
            prep = re.search(r"(?i)\b(?:in|on|at|as at|as of|during|for)\s+$", text[max(0, m.start() - 7):m.start()])
            found.append(_Period(m.start() - (len(prep[0]) if prep else 0), m.end(), canon, role, pattern == _DOC_YEAR))
    return sorted(found, key=lambda p: p.start)


def _values(text: str, periods: list[_Period]) -> list[_Value]:
    """Numbers that can be figures: not in a period, a label, an age, a change, a range or an approximation."""
    def free(m: re.Match[str]) -> bool:
        return not any(p.start <= m.start() < p.end for p in periods) and not _BAD_BEFORE.search(
            text[:m.start()]) and not _BAD_AFTER.match(text[m.end():])

    values: list[_Value] = []
    for m in _DIGITS.finditer(text):
        number, suffix, after = float(m[2].replace(",", "") + (m[3] or "")), (m[4] or "").strip(), text[m.end():]
        note = not text[:m.start()].strip(" -•") and re.match(r"\.\s|\s+[A-Z]", after)  # "291. The Duty …"
        year = not (m[1] or m[3] or suffix or "," in m[2]) and 1900 <= number <= 2099 and not re.match(
            r"\s+[a-z]{3,}", after)
        if note or year or not free(m):
            continue
        unit: Unit = "rate per 10,000" if "10" in suffix else "%" if suffix else "£" if m[1] else "count"
        if unit == "count" and (duration := _DURATION.match(after)):
            unit = "days" if duration[1].lower().startswith("day") else "weeks"
        values.append(_Value(m.start(), m.end(), number, unit, False))
    for m in _WORD_NUMBER.finditer(text):
        n = _TENS[m[1].lower()] + (_SMALL.index(m[2].lower()) if m[2] else 0) if m[1] else _SMALL.index(m[3].lower())
        if free(m) and not _DURATION.match(text[m.end():]):
            values.append(_Value(m.start(), m.end(), float(n), "count", True))
    values.sort(key=lambda v: v.start)
    ranges = {x.start for a, b in zip(values, values[1:]) for x in (a, b)  # "10 to 15", "17.9% and 15.8%"
              if re.fullmatch(r"\s*(?:to|and|or|-|–)\s*", text[a.end:b.start])
              and not re.search(r"\bfrom (?:a total of )?$", text[:a.start])}
    return [v for v in values if v.start not in ranges]


def _is_verb(words: list[str], i: int) -> bool:
    w = words[i].lower().strip("'‘’\"")
    return w in _AUX | _FINITE | _IRREGULAR or (w.endswith("ed") and w not in _NOT_VERB_ED)


def _split(words: list[str]) -> int:
    """Where a phrase's core noun phrase ends: at its first preposition or verb."""
    return next((i for i, w in enumerate(words) if i and (w.lower() in _PREPS or _is_verb(words, i))), len(words))


def _noun_follows(after: str) -> bool:
    """Whether a noun phrase follows a figure: "380 children", "43,710 approved places"; not "107 were", "14 led to"."""
    if not (m := re.match(r"\s+([A-Za-z][\w-]*)\s*([\w-]*)", after)) or m[1].lower() in _STOP:
        return False
    adjective = m[1].lower() not in _AUX | _FINITE | _IRREGULAR and re.fullmatch(r"[a-z-]+(?<!ly)", m[2]) \
        and m[2] not in _STOP  # an "-ed" word before another word: "approved fostering households"
    return not _is_verb([m[1]], 0) or bool(adjective)


def _content(words: list[str]) -> int:
    return sum(1 for w in words if w.lower().strip("'‘’\"") not in _STOP and re.search(r"[a-z]", w, re.I))


def _indicator(words: list[str]) -> tuple[str, str, str | None] | None:
    """(indicator, head noun, area) from the words of a counted phrase, or None when it is not clear."""
    text, area = " " + " ".join(words), None
    if (m := _AREA_IN.search(text)) and m[1] not in _NOT_AREA:
        area, text = ("National" if m[1] == "England" else m[1]), text[:m.start()] + text[m.end():]
    if re.search(r"\bnationally\b", text):
        area, text = "National", re.sub(r"\s+nationally\b", "", text)
    words = text.split()
    core, rest = words[:_split(words)], words[_split(words):]
    who, passive = ("who" if any(w.lower() in _PEOPLE for w in core) else "that"), False
    for i in range(len(rest) - 1, -1, -1):  # "were subject to" -> "subject to"; "were second plans" -> "that were …"
        if rest[i].lower() in _AUX and not any(w.lower() in _RELATIVE for w in rest[:i]) and not (
                i and rest[i - 1].lower() in _AUX):
            keep = i + 1 < len(rest) and not _is_verb(rest, i + 1) and rest[i + 1].lower() not in _ADJECTIVES
            passive = passive or (i + 1 < len(rest) and _is_verb(rest, i + 1))
            rest[i:i + 1] = [who, rest[i]] if keep else []
    while rest and rest[-1].lower() in _STOP:
        rest.pop()
    if not core or any(w.lower() in _VAGUE for w in core) or not (  # "interviews offered", "it", "the rate": unclear
            _content(core) >= 2 or _content(rest) >= 2 or (rest and rest[0].lower() in _PREPS and _content(rest))):
        return None
    if not passive and (verb := next((i for i in range(len(rest)) if _is_verb(rest, i)), None)) is not None:
        w, nxt = rest[verb].lower(), (rest[verb + 1].lower() if verb + 1 < len(rest) else "")
        finite = w in _FINITE - {"received", "achieved", "attended", "needed", "required"} or (  # not "notified as"
            w.endswith("ed") and nxt not in _PREPS | {"", "out", "up", "off"} and not nxt.endswith(("ing", "ly")))
        if finite and (not verb or rest[verb - 1].lower() not in _RELATIVE | _AUX):
            rest.insert(verb, who)  # "children who went missing"
    phrase = re.sub(r"^(?:the|all|a|an)\s+", "", " ".join(core + rest), flags=re.I)
    return (phrase if re.match(r"[A-Z0-9]{2}|[A-Z]\w*[A-Z]|[A-Z]\w*\s+[A-Z]", phrase) else phrase[:1].lower() +
            phrase[1:]), \
        core[-1].lower(), area


def _words(text: str, start: int, stop: int, periods: list[_Period]) -> list[str]:
    """Words of text[start:stop] up to the first clause break, without the period expressions inside it."""
    piece = list(text[start:stop])
    for p in periods:
        if start <= p.start and p.end <= stop:
            piece[p.start - start:p.end - start] = " " * (p.end - p.start)
    clause = re.split(r",(?!\d{3})|[;:–—]|\s-\s|\b(?:compared|whereas|although|while)\b", "".join(piece))[0]
    words = [w.strip(".") for w in clause.split() if w.strip(".")]
    while words and words[-1].lower() in _STOP:
        words.pop()
    return words


def _anchors(text: str, a: int, b: int, periods: list[_Period], values: list[_Value]) -> list[_Anchor]:
    """The counted things of the clause text[a:b]: after a figure, before it as subject, or "the number of …"."""
    anchors: list[_Anchor] = []

    def stop(pos: int) -> int:  # the next figure ends a phrase ("aged 16+", "within 12 months" are not figures)
        agents = [pos + m.end() for m in re.finditer(r"\bby\s+(?=£?\d)", text[pos:b])]
        return min([v.start for v in values if v.start >= pos] + agents + [b])

    def add(pos: int, end: int, words: list[str], value: _Value | None, kind: str = "") -> None:
        if words and (found := _indicator(words)):
            lead = "National" if re.search(r"\bnationally\b|\bin England\b", text[a:pos], re.I) else None
            anchors.append(_Anchor(pos, end, f"{kind} of {found[0]}" if kind.endswith("rate") else found[0],
                                   found[1], found[2] or lead, value))

    for v in values:
        prefix = "".join(" " if any(p.start <= i < p.end for p in periods) else c for i, c in enumerate(
            text[a:v.start], a))
        if v.word and prefix.strip(" -•"):
            continue
        if v.unit == "%" and (of := re.match(r"\s+of\s+(?:the\s+|all\s+)?", text[v.end:])) and _OPEN.match(prefix):
            add(v.start, v.end, _words(text, v.end + of.end(), stop(v.end + of.end()), periods), v)
        elif v.unit == "count" and _noun_follows(text[v.end:]):
            words = _words(text, v.end, stop(v.end), periods)
            if re.search(r"\b\w+ed by\s*$", text[v.end:stop(v.end)]) and len(words) > 2:
                words = words[:-2]  # "28 courses were run attended by 455 parents": 455 counts something else
            if svo := _SVO.match(prefix):  # "The LADO received 282 notifications"
                subj = svo["subj"]
                if {subj.split()[0].lower(), subj.split()[-1].lower()} & _PRONOUNS:
                    continue
                words = [*words[:_split(words)], _PARTICIPLE.get(svo["verb"], svo["verb"]), "by",
                         re.sub(r"^The ", "the ", subj), *words[_split(words):]]
            elif not _OPEN.match(prefix):
                continue
            add(v.start, v.end, words, v)
    for m in [*_MEASURE.finditer(text, a, b), *_SUBJECT.finditer(text, a, b)]:
        measure = "kind" in m.groupdict()
        kind = m["kind"].lower() if measure else ""
        after = [v for v in values if v.start > m.end()]
        if (not measure and not _OPEN.match(text[a:m.start()])) or (
                after and kind in ("percentage", "proportion") and after[0].unit != "%"):
            continue
        words: list[str] = []
        for w in _words(text, m.end() if measure else m.start(2 if m["trend"] else 1), stop(m.end()), periods):
            if w.lower() in _MAIN_VERBS and (not words or words[-1].lower() not in _RELATIVE):
                break
            words.append(w)
        add(m.start(), m.end(), words, None, kind)
    anchors.sort(key=lambda x: x.pos)
    for i, anchor in enumerate(anchors):  # a later mention of the same thing keeps the first, fuller name
        if same := next((x for x in anchors[:i] if x.head == anchor.head), None):
            anchor.indicator, anchor.area = same.indicator, same.area
    return anchors


def _clause(text: str, a: int, b: int, periods: list[_Period], values: list[_Value]) -> list[Found]:
    """The figures stated in the clause text[a:b]: a value takes the period right after it, "from A to B" takes
    the earlier and later periods, and the anchor's own value takes the clause's one main period."""
    periods = [p for p in periods if a <= p.start < b]
    if any(p.canon and p.canon[0].isdigit() and " " in p.canon and not p.doc for p in periods):
        periods = [p for p in periods if not p.doc]  # "from 5,985 on 31 March 2016 to 6,615 this year": which day?
    values = [v for v in values if a <= v.start < b and not _MODAL.search(text[max(
        a, text.rfind(",", a, v.start) + 1):text.find(",", v.end, b) + 1 or b])]  # "… will rise to 40 in 2018"
    anchors = _anchors(text, a, b, periods, values)
    assigned: dict[int, str | None] = {}
    used: set[int] = set()
    for v in values:  # "349 a year earlier", "409 in 2015/16", "250 children in 2015/16", "341 in Quarter 1"
        if (i := next((i for i, p in enumerate(periods) if p.start >= v.end and i not in used and text[
                v.end:p.start].strip() in {"", "days", "weeks", *(x.head for x in anchors)}), None)) is not None:
            assigned[v.start] = periods[i].canon
            used.add(i)
    for v, w in zip(values, values[1:]):
        if v.start not in assigned and w.start not in assigned and re.search(r"\bfrom (?:a total of )?$", text[
                a:v.start]) and re.fullmatch(r"\s*(?:[a-z]+\s+)?to\s*", text[v.end:w.start]):
            spare = sorted({p.canon for i, p in enumerate(periods) if i not in used and p.role != "pair" and p.canon},
                           key=lambda c: (c[-4:] if c[-4:].isdigit() else c[:4], c))  # earlier, later
            if len(spare) == 2:
                assigned[v.start], assigned[w.start] = spare
                used |= {i for i, p in enumerate(periods) if p.canon in spare}
            v.unit = w.unit if v.unit == "count" else v.unit  # "from 6.5 to 8.6 weeks"
    mains = {p.canon for i, p in enumerate(periods) if i not in used and p.role == "main" and p.canon}
    main = mains.pop() if len(mains) == 1 else None
    year = next((c for c in [main, *(p.canon for p in periods if p.role != "pair")] if c and re.fullmatch(
        r"\d{4}/\d\d", c)), None)
    out: list[Found] = []
    for n, anchor in enumerate(anchors):
        own = [v for v in values if anchor.pos <= v.start < (anchors[n + 1].pos if n + 1 < len(anchors) else b)]
        first = anchor.value or (own[0] if own else None)
        for v in own:
            period = assigned.get(v.start, main if v is first else None)
            if period == "-1":  # "a year earlier" than the statement's own period
                ref = (assigned.get(first.start) if first else None) or main
                period = _year_before(ref) if ref and ref[0] not in "-?" else None
            elif period and period.startswith("?"):
                period = f"{year}{period[1:]}" if year else None
            since = text[max(anchor.end, first.end if first and first.end <= v.start else 0):v.start]
            if period is None or (v is not first and (_COMPARATORS.search(since) or (  # "… and 17.9% nationally"
                    first and (v.unit == "%") != (first.unit == "%")))) or (
                    v.unit in ("weeks", "days") and not anchor.indicator.startswith(("average", "median", "mean"))):
                continue
            unit: Unit = "rate per 10,000" if v.unit == "count" and "per 10,000" in anchor.indicator else v.unit
            if unit == "count" and re.match(r"(?:[\w-]+ ){0,2}rate of ", anchor.indicator):
                continue  # a rate with no unit
            out.append((anchor.indicator, anchor.area, period, v.number, unit))
    return out


def extract_sentence(sentence: str, document_period: str | None = None) -> list[Found]:
    """(indicator, area, period, value, unit) stated plainly in one sentence; [] when anything is unclear."""
    if _GUIDANCE.search(sentence):
        return []
    text = re.sub(r"\([^()]*\)", lambda m: " " * len(m[0]), sentence)  # asides out, offsets kept
    text = text.replace("[", " ").replace("]", " ").replace("**", "  ")
    spans = _periods(text, document_period)
    values, periods = _values(text, spans), [p for p in spans if p.role != "skip"]
    cuts = [-1, *(m.start() for m in re.finditer(";", text)), len(text)]
    found = [f for a, b in zip(cuts, cuts[1:]) for f in _clause(text, a + 1, b, periods, values)]
    seen: dict[tuple[str, str | None, str], set[float]] = {}
    for indicator, area, period, value, _ in found:
        seen.setdefault((indicator, area, period), set()).add(value)
    return [f for f in found if len(seen[f[:3]]) == 1]  # two values for one period in one sentence: neither


def extract_prose(passages: list[Passage], document_periods: dict[str, str | None] | None = None
                  ) -> list[IndicatorRecord]:
    """Indicator records from prose and list passages (tables are skipped); each sentence is read once.

    `document_periods` maps a document id to its period ("2016/17"), used for "during the year". Records carry
    source="prose", the sentence as `raw` and its offsets in the document text (`text[start:end] == raw`).
    """
    records: list[IndicatorRecord] = []
    seen: set[tuple[str, int, int]] = set()
    for passage in passages:
        if passage.kind is PassageKind.TABLE:
            continue
        for s, e in sentence_spans(passage.text, 0, len(passage.text)):
            start, end = passage.start + s, passage.start + e
            if (passage.document_id, start, end) in seen:
                continue
            seen.add((passage.document_id, start, end))
            for indicator, area, period, value, unit in extract_sentence(
                    passage.text[s:e], (document_periods or {}).get(passage.document_id)):
                records.append(IndicatorRecord(
                    indicator=indicator, area=area, period=period, value=value, unit=unit, source="prose",
                    document_id=passage.document_id, page=passage.page, section=passage.section_path or None,
                    raw=passage.text[s:e], start=start, end=end))
    return records
