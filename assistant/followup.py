"""Follow-up questions: tell a question that leans on the previous turn from one complete by itself, and write
it out as a standalone question to retrieve with.

Four kinds of follow-up, all resolved against the previous turn's standalone question:

- period: "and the year before?", "two years earlier?", "last year?", "and 2015/16?" shift the previous
  question's period (2016/17, 2016-17, 16/17, or a bare year such as "31 March 2017") or put the new one in;
- area: "and nationally?", "what about England", "in redbridge?" put the new area in place of the old one;
  "vs statistical neighbours" keeps the old one and adds the comparator;
- topic: "what about neglect?", "and for emotional abuse?", "and BHRUT?" put the new topic in place of the
  word of the same kind in the previous question (a category of abuse for another, a level for a level, an
  agency for an agency, "from care" for "from home"), else prepend it to the previous question's content;
- reference: "who leads on that?", "when was it published", "tell me more", "why?" put the previous question's
  content words where the pronoun was, or after the question.

Pure functions on text: nothing here reads a model, the index or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation import Turn

KINDS = ("standalone", "period", "area", "topic", "reference")


@dataclass(frozen=True)
class Resolution:
    """`text`: the standalone question to retrieve with; `followup`: whether the previous turn was used."""

    text: str
    followup: bool
    kind: str  # one of KINDS


# --- periods ---------------------------------------------------------------------------------------------
_PERIOD = re.compile(r"(?<![\w/£$.,])(?:((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)?\d{2})|(\d{2})\s*[-/]\s*(\d{2}))"
                     r"(?![\w/%])")
_YEAR = re.compile(r"(?<![\w/£$.,])((?:19|20)\d{2})(?![\w/%]|\s*[-–/]\s*\d)")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_BACK = {"before", "earlier", "prior", "previously", "previous", "preceding", "last"}
_RELATIVE = [
    (re.compile(r"\b(?:the\s+)?year\s+before\s+last\b", re.I), -2),
    (re.compile(r"\b(?:(?P<n>a|an|one|two|three|four|five|\d)\s+years?|(?:the\s+)?year)\s+"
                r"(?P<dir>before|earlier|prior|previously|after|later|on)\b"
                r"(?!\s+(?:the|a|an|his|her|their|its|[a-z]+['’]s)\b)", re.I), None),
    (re.compile(r"\b(?:the\s+)?(?P<dir>previous|prior|preceding|last|next|following|subsequent)\s+"
                r"(?:(?:financial|reporting|school|academic)\s+)?(?:year|period)\b", re.I), None),
]


def _canonical(match: re.Match[str]) -> str | None:
    """'2016-17', '2016/2017', '16/17' -> '2016/17'; None when the years are not consecutive."""
    if match.group(1):
        a, b = int(match.group(1)), int(match.group(2))
        ok = b == a + 1 if b >= 100 else b == (a + 1) % 100
    else:
        short_a, b = int(match.group(3)), int(match.group(4))
        a = (2000 if short_a < 50 else 1900) + short_a
        ok = b == (a + 1) % 100
    return f"{a}/{(a + 1) % 100:02d}" if ok else None


def _periods(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), p) for m in _PERIOD.finditer(text) if (p := _canonical(m))]


def shift_period(period: str, years: int) -> str:
    """'2016/17' shifted by -1 is '2015/16'; '2000/01' by -1 is '1999/00'; a bare year '2016' by -1 is '2015'."""
    if re.fullmatch(r"(?:19|20)\d{2}", period.strip()):
        return str(int(period) + years)
    found = _periods(period)
    if len(found) != 1:
        raise ValueError(f"invalid period {period!r}: write it as '2016/17', '2016-17', '16/17' or '2016'")
    start = int(found[0][2][:4]) + years
    return f"{start}/{(start + 1) % 100:02d}"


_DEICTIC = re.compile(r"\b(?:last|next)\b", re.I)


def _relative(text: str) -> tuple[int, int, int] | None:
    """The span and the shift in years of 'the year before', 'a year later', 'last year'...; None if absent."""
    for pattern, fixed in _RELATIVE:
        if m := pattern.search(text):
            if fixed is not None:
                return m.start(), m.end(), fixed
            n = m.groupdict().get("n")
            count = _NUMBERS.get(n.lower(), 0) or int(n) if n else 1
            return m.start(), m.end(), -count if m.group("dir").lower() in _BACK else count
    return None


# --- areas -----------------------------------------------------------------------------------------------
_BOROUGHS = ("barking and dagenham|barnet|bexley|brent|bromley|camden|croydon|ealing|enfield|greenwich|hackney|"
             "hammersmith and fulham|haringey|harrow|havering|hillingdon|hounslow|islington|"
             "kensington and chelsea|kingston|lambeth|lewisham|merton|newham|redbridge|richmond|southwark|"
             "sutton|tower hamlets|waltham forest|wandsworth|westminster|essex")
_AREA_NAMES = [  # (pattern, how to write it without a preposition, whether it is a place name)
    (r"nationally|national(?:\s+(?:average|figures?|rate|picture|level|data))?", "nationally", False),
    (r"england(?:\s+average)?|uk", "in England", True),
    (r"stat(?:istical)?s?\.?\s+neighbou?rs?|comparator\s+(?:authorities|boroughs|areas)|comparators|"
     r"similar\s+(?:authorities|boroughs|areas)", "for statistical neighbours", False),
    (r"(?:outer\s+|inner\s+)?london(?!\s+(?:borough|safeguarding|child|procedures?|councils?))(?:\s+average)?",
     None, True),
    (r"regionally|region(?:al\s+average)?", "regionally", False),
    (_BOROUGHS, None, True),
]
_AREA = re.compile(r"(?<![\w'])(?:(?P<prep>in|for|across|within|at|of|among|amongst)\s+(?:the\s+)?)?"
                   r"(?P<name>" + "|".join(f"(?:{p})" for p, _, _ in _AREA_NAMES) + r")"
                   r"(?P<poss>['’]s?)?(?![\w-])", re.I)
_COMPARE = re.compile(r"^(?:vs\.?|versus|against|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to))\s+", re.I)


def _area_phrase(match: re.Match[str]) -> str:
    """How to write a matched area in the resolved question: the user's preposition, else the usual one."""
    name = match.group("name")
    for pattern, usual, place in _AREA_NAMES:
        if re.fullmatch(pattern, name, re.I):
            if usual and not match.group("prep"):
                return usual
            display = name.title().replace(" And ", " and ") if place and name.islower() else name
            return f"{match.group('prep') or 'in'} {display}"
    return name  # pragma: no cover - every name comes from one of the patterns


# --- words -----------------------------------------------------------------------------------------------
_STOP = frozenset("""
a an the and or but so of to in on at by for from with about as into onto over under than then there here
is are was were be been being am do does did done doing has have had having will would shall should can could
may might must ok okay yes no not please thanks thank you i me my i'm we us our your what whats what's how who whom
whose when where why which whether if that this those these it its it's they them their theirs he she him her
his hers one ones any some all each every many much more most other else also just really actually exactly
still again now too very same such
""".split())
# Words that carry no subject of their own in a follow-up ("tell me more about that", "what was the figure").
_FILLER = frozenset("""
tell explain say said mean means meant detail details elaborate expand expanded go happen happened give show
figure figures number numbers data stats statistics total rate percentage proportion share compare compared
comparison like doing about again instead too version before after later earlier
""".split())
_CLAUSE_START = frozenset("""
what whats what's how who whom whose when where why which is are was were do does did can could should would
will has have had may must tell explain show give list describe define compare summarise summarize i we
""".split())
_MORE = frozenset("more detail details elaborate expand explain further continue example examples".split())
_PRONOUNS = frozenset("it that this those these them they their he she him her his hers its".split())
_DEMONSTRATIVES = frozenset("it that this those these them".split())
_PREPS = frozenset("on of about for with to in from by at after before regarding under within into".split())
_DUMMY_IT = re.compile(r"\bit(?:['’]s|\s+is|\s+was|\s+be)?\s+(?:ok|okay|alright|possible|necessary|true|right|"
                       r"wrong|important|appropriate|safe|legal|lawful|required|mandatory|acceptable|best|"
                       r"better|likely|enough|worth)\b|\bit\s+(?:\w+\s+){0,2}?(?:to|that|if|whether)\s+\w", re.I)
_TIME_NOUNS = frozenset("year years month months week weeks quarter quarters time period".split())
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'’%./,-]*[A-Za-z0-9%]|[A-Za-z0-9]")
_MARKER = re.compile(r"^(?:(?:and|but|also|so|ok|okay|right|then|or|hmm|thanks)\b[,.!]?\s*)+", re.I)
_ABOUT = re.compile(r"^(?:(?:what|how)\s+about|what\s+of|same\s+for|as\s+for|is\s+that\s+the\s+same\s+for)\b\s*",
                    re.I)
_HEAD = re.compile(r"^(?:how\s+many|how\s+much|what\s+(?:percentage|proportion|share|%)|how\s+often|how\s+soon|"
                   r"what|who|when|where|why|which|how)\b", re.I)

# Words of one kind: a follow-up naming one of them replaces the one the previous question named.
_SLOTS = [re.compile(r"(?<![\w'])(?:" + p + r")(?:['’]s)?(?![\w-])", re.I) for p in (
    r"(?:physical|emotional|sexual|domestic|financial|online)\s+abuse|neglect|multiple\s+categor(?:y|ies)",
    r"child\s+sexual\s+exploitation|child\s+criminal\s+exploitation|(?:sexual|criminal)\s+exploitation|cse|cce|"
    r"county\s+lines|gangs?|radicali[sz]ation|fgm|female\s+genital\s+mutilation|forced\s+marriage|trafficking|"
    r"modern\s+slavery|honour[- ]based\s+(?:violence|abuse)|self[- ]harm",
    r"from\s+(?:home|care|school|education|hospital)",
    r"level\s*(?:[1-5]|one|two|three|four|five)|tier\s*[1-4]",
    r"q[1-4]|quarter\s*[1-4]|(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter",
    r"nelft|bhrut|barts(?:\s+health)?|ccgs?|clinical\s+commissioning\s+groups?|icbs?|(?:the\s+)?police|"
    r"(?:the\s+)?met(?:ropolitan)?\s+police|lbr|probation|crc|nps|camhs|gps?|general\s+practitioners?|"
    r"health\s+visitors?|school\s+nurses?|children['’]s\s+social\s+care|csc|youth\s+offending\s+(?:service|team)|"
    r"yos|yot|early\s+help|schools?|housing|the\s+council|local\s+authority",
    r"income|expenditure|spend(?:ing)?|budget|contributions?|costs?",
    r"boys|girls|males?|females?",
    r"looked\s+after\s+children|children\s+looked\s+after|children\s+in\s+care|children\s+in\s+need|"
    r"care\s+leavers|privately\s+fostered\s+children|young\s+carers",
)]


@dataclass(frozen=True)
class _Shape:
    kind: str
    core: str  # the question without its leading "and", "what about"...
    compare: bool = False


def _words(text: str) -> list[str]:
    return [t.lower().rstrip(".,").replace("’", "'") for t in _TOKEN.findall(text)]


def _strip_spans(text: str) -> tuple[str, bool, bool]:
    """The text without its periods, relative periods and areas; and whether it had a period / an area."""
    had_period, had_area = False, False
    if rel := _relative(text):
        text, had_period = text[:rel[0]] + " " + text[rel[1]:], True
    for start, end, _ in reversed(_periods(text)):
        text, had_period = text[:start] + " " + text[end:], True
    for m in reversed(list(_YEAR.finditer(text))):
        text, had_period = text[:m.start()] + " " + text[m.end():], True
    for m in reversed(list(_AREA.finditer(text))):
        text, had_area = text[:m.start()] + " " + text[m.end():], True
    return text, had_period, had_area


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w.removesuffix("'s") not in _STOP | _FILLER and w not in _PREPS]


def _anaphors(text: str) -> list[int]:
    """Token positions of pronouns that point back ('on that', 'of it', 'he'), not 'is it ok to', 'this year',
    nor one whose noun came earlier in the same question ('what is a CAF and who can use it')."""
    words = _words(text)
    dummy = bool(_DUMMY_IT.search(text))
    second = next((i for i, w in enumerate(words[1:], 1) if w == "and" and i + 1 < len(words)
                   and words[i + 1] in _CLAUSE_START and _content(words[:i])), len(words))
    found = []
    for i, w in enumerate(words):
        if w not in _PRONOUNS or (w == "it" and dummy) or i > second:
            continue
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if w in {"that", "this", "those", "these"}:
            if after in _TIME_NOUNS or not (i == 0 or before in _PREPS | _CLAUSE_START | _STOP):
                continue
        found.append(i)
    return found


def _slot(text: str) -> re.Pattern[str] | None:
    """The kind of word `text` is (a category of abuse, a level, an agency...), or None."""
    return next((pattern for pattern in _SLOTS if pattern.fullmatch(text.strip())), None)


def _shape(question: str) -> _Shape:
    text = question.strip()
    marker = _MARKER.match(text)
    core = text[marker.end():] if marker else text
    about = _ABOUT.match(core) or _COMPARE.match(core)
    compare = bool(_COMPARE.match(core))
    core = core[about.end():] if about else core
    leaned = bool(marker or about)
    if not core.strip(" ?!.") and leaned:  # "and?", "so?" ask for more; "thanks" does not
        return _Shape("reference", core) if text.endswith("?") else _Shape("standalone", text)
    rest, had_period, had_area = _strip_spans(core)
    words = _words(rest)
    content = _content(words)
    explicit = bool(_periods(core) or _YEAR.search(core))
    rel = _relative(core)
    # "the year before" points back at the conversation; "last year" points at today unless it stands alone.
    relative = rel is not None and not (_DEICTIC.search(core[rel[0]:rel[1]]) and len(content) >= 2)
    first = _words(core)[:1]
    if first and first[0] in _CLAUSE_START:
        anaphors = _anaphors(core)
        if relative:
            return _Shape("period", core)
        if not content and explicit:
            return _Shape("period", core)
        if anaphors and len(content) <= 3:
            return _Shape("reference", core)
        if not content:
            return _Shape("area" if had_area else "reference", core, compare)
        return _Shape("standalone", question.strip())
    topic = " ".join(_TOKEN.findall(rest)).strip()
    if not content:  # a fragment with nothing but a period, an area or filler: "2015/16?", "nationally?"
        if had_area:
            return _Shape("area", core, compare)
        if had_period:
            return _Shape("period", core)
        asks_more = text.endswith("?") or any(w in _MORE for w in words)  # "more detail please", not "thank you"
        return _Shape("reference", core) if leaned or asks_more else _Shape("standalone", text)
    if leaned and len(content) <= 4:
        return _Shape("topic", core, compare)
    if question.strip().endswith("?") and _slot(topic) and len(content) <= 3:
        return _Shape("topic", core, compare)
    if relative:
        return _Shape("period", core)
    return _Shape("standalone", question.strip())


def is_followup(question: str) -> bool:
    """Whether the question leans on the previous turn ("and the year before?", "who leads on that?")."""
    return _shape(question).kind != "standalone"


# --- resolution ------------------------------------------------------------------------------------------
def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([?,.!;:])", r"\1", text)
    text = re.sub(r"^[\s,;:]+|[\s,;:]+(?=\?$)", "", text)
    text = re.sub(r",\s*,", ",", text)
    return text.strip()


def _end(text: str, phrase: str) -> str:
    """Insert `phrase` before the question mark (or at the end)."""
    body = text.rstrip().rstrip("?").rstrip()
    return f"{body} {phrase}?" if text.rstrip().endswith("?") else f"{body} {phrase}"


def _with_period(text: str, previous: Turn, core: str) -> str:
    rel = _relative(core)
    periods, years = _periods(text), list(_YEAR.finditer(text))
    if rel:
        shift = rel[2]
        if periods:
            for start, end, p in reversed(periods):
                text = text[:start] + shift_period(p, shift) + text[end:]
            return text
        if years:
            for m in reversed(years):
                text = text[:m.start()] + str(int(m.group(1)) + shift) + text[m.end():]
            return text
        if previous.period:
            return _end(text, f"in {shift_period(previous.period, shift)}")
        return _end(text, core[rel[0]:rel[1]])
    new = [p for _, _, p in _periods(core)] or [m.group(1) for m in _YEAR.finditer(core)]
    if not new:
        return text
    spans = [(s, e) for s, e, _ in periods] or [(m.start(), m.end()) for m in years]
    if not spans:
        return _end(text, f"in {new[0]}")
    for start, end in reversed(spans):
        text = text[:start] + new[0] + text[end:]
    return text


def _with_area(text: str, core: str, compare: bool) -> str:
    new = _AREA.search(core)
    if new is None:
        return text
    phrase = _area_phrase(new)
    if compare:
        return _end(text, "compared with " + re.sub(r"^(?:in|for|across|within|at)\s+", "", phrase))
    for m in reversed(list(_AREA.finditer(text))):
        replacement = "the" if m.group("poss") and not m.group("prep") else ""
        text = text[:m.start()] + replacement + text[m.end():]
    return _end(_tidy(text), phrase)


def _with_topic(text: str, topic: str) -> str | None:
    """The previous question with `topic` in place of the word of the same kind, or None if there is none."""
    words = topic.split()
    for candidate in (topic, " ".join(words[1:]) if words and words[0].lower() in _PREPS else ""):
        if candidate and (pattern := _slot(candidate)) and (old := pattern.search(text)):
            poss = "" if not re.search(r"['’]s$", old.group(0)) or re.search(r"['’]s?$", candidate) else \
                "'" if candidate.lower().endswith("s") else "'s"
            return text[:old.start()] + candidate + poss + text[old.end():]
    if len(words) > 1 and words[0].lower() in _PREPS:  # "from care" for "from home", "to GPs" for "to schools"
        after = rf"\b{re.escape(words[0])}\s+((?:(?:a|an|the)\s+)?[\w'’-]+(?:\s+[\w'’-]+){{0,2}})"
        found = list(re.finditer(after, text, re.I))
        if len(found) == 1:
            phrase = found[0].group(1).split()
            keep = [phrase[0]]
            for w in phrase[1:]:
                if w.lower() in _STOP or _PERIOD.match(w) or _YEAR.match(w):
                    break
                keep.append(w)
            if not (_PERIOD.match(keep[0]) or _YEAR.match(keep[0]) or keep[-1].lower() in _STOP):
                start = found[0].start(1)
                return text[:start] + " ".join(words[1:]) + text[start + len(" ".join(keep)):]
    return None


def _with_reference(core: str, previous: Turn) -> str:
    """The follow-up with the previous question's content words in place of its pronoun, or after it.

    The turn's topic is added only when the previous question is too thin to carry its subject ("who chairs
    the lscb"): a topic taken from the top citation can be wrong, the question's own words cannot.
    """
    context = " ".join(t for t in _TOKEN.findall(_canonical_periods(previous.question))
                       if t.lower().replace("’", "'").removesuffix("'s") not in _STOP)
    topic = previous.topic if previous.topic and len(_content(_words(previous.question))) < 3 else None
    if topic and all(w.lower() in context.lower() for w in _content(_words(topic))):
        topic = None
    spans = list(_TOKEN.finditer(core))
    for i in _anaphors(core):
        if spans[i].group(0).lower() in _DEMONSTRATIVES:  # "who leads on that" -> "who leads on <context>"
            text = core[:spans[i].start()] + context + core[spans[i].end():]
            return _tidy(_end(text, f"({topic})") if topic else text)
    context = f"{context}; {topic}" if topic else context
    return _tidy(_end(core, f"({context})") if core.strip(" ?!.") else context)


def _canonical_periods(text: str) -> str:
    for start, end, period in reversed(_periods(text)):
        text = text[:start] + period + text[end:]
    return text


def resolve_followup(question: str, previous: Turn | None) -> Resolution:
    """The standalone question to retrieve with: the question itself, or the follow-up written out in full."""
    shape = _shape(question)
    if previous is None or shape.kind == "standalone" or not previous.question.strip():
        return Resolution(question.strip(), False, "standalone")
    base = _tidy(_canonical_periods(previous.question))
    core = shape.core
    if shape.kind == "reference":
        return Resolution(_with_reference(core, previous), True, "reference")
    rest, had_period, had_area = _strip_spans(core)
    source = previous.period or next((p for _, _, p in _periods(base)), None)
    if shape.kind == "period" and len(_content(_words(rest))) >= 2 and (rel := _relative(core)) and source:
        # Its own subject with a relative period: "how many children were on plans the year before?"
        own = core[:rel[0]] + f"in {shift_period(source, rel[2])}" + core[rel[1]:]
        return Resolution(_tidy(own), True, "period")
    text = base
    if had_period:
        text = _with_period(text, previous, core)
    if had_area:
        text = _with_area(text, core, shape.compare)
    kind = "area" if had_area else "period" if had_period else "topic"
    topic = " ".join(_TOKEN.findall(rest))
    if shape.kind == "topic" and _content(_words(topic)):
        kind = "topic"
        text = _with_topic(text, topic) or _prepend(topic, text)
    return Resolution(_tidy(text), True, kind)


def _prepend(topic: str, text: str) -> str:
    """'neglect' + 'how many referrals in 2016/17?' -> 'how many neglect referrals 2016/17'."""
    topic = re.sub(r"^(?:(?:" + "|".join(_PREPS) + r")\s+)?(?:(?:the|a|an)\s+)?", "", topic, flags=re.I)
    head = _HEAD.match(text)
    rest = text[head.end():] if head else text
    content = [t for t in _TOKEN.findall(rest) if t.lower().removesuffix("'s") not in _STOP]
    return " ".join(([head.group(0)] if head else []) + [topic] + content)
