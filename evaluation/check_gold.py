"""Validate the gold evaluation set in evaluation/gold/*.yaml against the default corpus.

Checks, for every item:
  * the schema: unique ids prefixed by category, category/style in the allowed sets, follow-ups point
    at an existing id and carry a standalone `resolved` question, abstain items have no relevant
    passages or key facts, indicators have an allowed unit, a numeric value and a normalised period;
  * every quote occurs verbatim in its document (after normalising both sides: case, whitespace,
    ligatures, quotes, dashes, soft hyphens, line-break hyphenation; the annual report's inline markup
    stripped), within ONE paragraph or ONE table cell, and is short;
  * every key fact occurs in the quoted table row or in the document text within 1500 characters of
    one of the item's quotes.

Prints the problems and the counts per category and style; exits non-zero on any problem.

    .venv/bin/python evaluation/check_gold.py [--verbose]
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "evaluation" / "gold"
CORPUS_DIR = ROOT / "corpus" / "documents"

CATEGORIES = {
    "thresholds": "th",
    "escalation": "esc",
    "private-fostering": "pf",
    "priorities": "pri",
    "figures": "fig",
    "national-guidance": "ng",
    "board": "brd",
    "unanswerable": "un",
    "followup": "fu",
}
STYLES = {"plain", "slack", "followup"}
UNITS = {"count", "%", "rate per 10,000", "£", "weeks", "average per child"}
FIELDS = {"id", "question", "category", "style", "relevant", "key_facts", "indicator", "abstain",
          "follows", "resolved", "notes"}
REQUIRED = FIELDS - {"notes"}
INDICATOR_FIELDS = {"name", "area", "period", "value", "unit", "breakdown"}
PERIOD_RE = re.compile(r"^\d{4}(/\d{2})?$")  # "2016/17" (financial/academic year) or "2016" (calendar year)
WINDOW = 1500
QUOTE_MIN_WORDS, QUOTE_MAX_WORDS = 6, 15
MARKUP_RE = re.compile(r"\*\*|\]\(|<[a-z/]|\\[()]")

# Minimum coverage the set is meant to have (the brief it was written to).
MIN_PER_CATEGORY = {"thresholds": 15, "escalation": 12, "private-fostering": 10, "priorities": 15,
                    "figures": 60, "national-guidance": 20, "board": 15, "unanswerable": 45, "followup": 12}
MIN_TOTAL, MIN_SLACK, MIN_ABSTAIN = 180, 25, 45


# ---------------------------------------------------------------------------------------------- text

_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def normalise(text: str) -> str:
    """Lower case, one space for any whitespace run, ligatures/quotes/dashes unified, soft hyphens gone."""
    text = unicodedata.normalize("NFKC", text)  # ﬁ -> fi, ﬂ -> fl, non-breaking space -> space, … -> ...
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    for src, dst in _QUOTES.items():
        text = text.replace(src, dst)
    for dash in _DASHES:
        text = text.replace(dash, "-")
    text = text.replace("•", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def strip_markup(text: str) -> str:
    """The annual report's inline markup, as the loader strips it: **bold**, [text](#), HTML tags."""
    text = re.sub(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), text)
    text = text.replace("**", "")
    text = re.sub(r"<[^>\n]+>", " ", text)
    return text


def dehyphenate_variants(raw: str) -> list[str]:
    """Two readings of a hyphen at a line end: a hyphenated word (keep '-') or a split word (join)."""
    keep = re.sub(r"-[ \t]*\n\s*", "-", raw)
    join = re.sub(r"-[ \t]*\n\s*", "", raw)
    return [keep] if keep == join else [keep, join]


class Document:
    """A corpus document: its raw text, normalised readings, and its quotable units."""

    def __init__(self, doc_id: str, raw: str, units: list[str], rows: list[str]):
        self.id = doc_id
        self.raw = raw
        self.texts = [normalise(v) for v in dehyphenate_variants(raw)]
        # units: paragraphs and table cells (a quote must sit inside one); rows: table lines
        self.units = [[normalise(v) for v in dehyphenate_variants(u)] for u in units]
        self.rows = [(normalise(r.split("\t")[0]), [normalise(c) for c in r.split("\t")], normalise(r))
                     for r in rows]

    def find(self, quote: str) -> tuple[int, list[int]]:
        """(variant index, start offsets) of a normalised quote; (-1, []) when absent."""
        for vi, text in enumerate(self.texts):
            starts = [m.start() for m in re.finditer(re.escape(quote), text)]
            if starts:
                return vi, starts
        return -1, []

    def in_one_unit(self, quote: str) -> bool:
        return any(quote in variant for unit in self.units for variant in unit)

    def is_cell(self, quote: str) -> bool:
        """True when the quote is a whole table cell (row labels and single values are short)."""
        return any(quote in cells for _, cells, _ in self.rows)

    def rows_with(self, quote: str) -> list[str]:
        """Normalised table rows that contain the quote within one cell."""
        return [row for _, cells, row in self.rows if any(quote in c for c in cells)]


def load_txt(doc_id: str, path: Path) -> Document:
    raw = strip_markup(path.read_text(encoding="utf-8"))
    units, rows = [], []
    for para in re.split(r"\n\s*\n", raw):
        prose: list[str] = []
        for line in para.split("\n"):
            if "\t" in line:
                if prose:
                    units.append("\n".join(prose))
                    prose = []
                rows.append(line)
                units.extend(cell for cell in line.split("\t") if cell.strip())
            else:
                prose.append(line)
        if prose:
            units.append("\n".join(prose))
    return Document(doc_id, raw, units, rows)


def load_pdf(doc_id: str, path: Path) -> Document:
    import pypdf

    pages = [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]
    raw = "\n".join(pages)
    return Document(doc_id, raw, pages, [])  # a PDF quote must sit within one page


def load_corpus() -> dict[str, Document]:
    manifest = tomllib.loads((CORPUS_DIR / "corpus.toml").read_text(encoding="utf-8"))
    docs = {}
    for entry in manifest.get("document", []):
        path = CORPUS_DIR / entry["file"]
        if path.suffix.lower() == ".pdf":
            docs[entry["id"]] = load_pdf(entry["id"], path)
        else:
            docs[entry["id"]] = load_txt(entry["id"], path)
    return docs


# ---------------------------------------------------------------------------------------------- checks

_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def numbers_in(value) -> list[float]:
    """The numbers a key fact states: digits ("4,125", "93.5%", "£42000", "12 cases") or words ("seven")."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    text = str(value).lower()
    found = [float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]
    found += [float(_WORD_NUMBERS[w]) for w in re.findall(r"[a-z]+", text) if w in _WORD_NUMBERS]
    return found


def check_item(item: dict, where: str, docs: dict[str, Document], problems: list[str]) -> None:
    def bad(msg: str) -> None:
        problems.append(f"{where} [{item.get('id', '?')}]: {msg}")

    keys = set(item)
    if missing := REQUIRED - keys:
        bad(f"missing fields {sorted(missing)}")
    if extra := keys - FIELDS:
        bad(f"unknown fields {sorted(extra)}")

    category, style = item.get("category"), item.get("style")
    if category not in CATEGORIES:
        bad(f"category {category!r} not in {sorted(CATEGORIES)}")
    elif not str(item.get("id", "")).startswith(CATEGORIES[category] + "-"):
        bad(f"id should start with {CATEGORIES[category]}- for category {category}")
    if style not in STYLES:
        bad(f"style {style!r} not in {sorted(STYLES)}")

    question = item.get("question")
    if not isinstance(question, str) or len(question.strip()) < 3:
        bad("question missing or empty")
        question = ""
    if style == "slack":
        if question != question.lower():
            bad("slack question should be lower case")
        if question.rstrip().endswith("?"):
            bad("slack question should not end with a question mark")

    # follow-ups
    follows, resolved = item.get("follows"), item.get("resolved")
    is_followup = style == "followup" or category == "followup" or follows is not None
    if is_followup:
        if not (style == "followup" and category == "followup"):
            bad("a follow-up needs style: followup and category: followup")
        if not follows:
            bad("a follow-up needs `follows`")
        if not isinstance(resolved, str) or len(resolved.split()) < 4:
            bad("a follow-up needs `resolved`: the question written out standalone")
    elif resolved is not None:
        bad("`resolved` is only for follow-ups")

    # abstention
    abstain = item.get("abstain")
    relevant = item.get("relevant")
    key_facts = item.get("key_facts")
    if not isinstance(abstain, bool):
        bad("abstain must be true or false")
    if not isinstance(relevant, list):
        bad("relevant must be a list")
        relevant = []
    if not isinstance(key_facts, list):
        bad("key_facts must be a list")
        key_facts = []
    if abstain is True:
        if relevant or key_facts:
            bad("an abstain item must have relevant: [] and key_facts: []")
        if item.get("indicator") is not None:
            bad("an abstain item must have indicator: null")
        if category not in ("unanswerable", "followup"):
            bad("abstain items belong to category unanswerable (or followup)")
    elif abstain is False:
        if not relevant:
            bad("an answerable item needs at least one relevant passage")
        if not key_facts:
            bad("an answerable item needs at least one key fact")
        if category == "unanswerable":
            bad("category unanswerable must have abstain: true")

    # indicator
    indicator = item.get("indicator")
    if category == "figures" and indicator is None:
        bad("figure questions need an indicator")
    if indicator is not None:
        if not isinstance(indicator, dict):
            bad("indicator must be a mapping or null")
        else:
            if set(indicator) != INDICATOR_FIELDS:
                bad(f"indicator fields must be {sorted(INDICATOR_FIELDS)}, got {sorted(indicator)}")
            if indicator.get("unit") not in UNITS:
                bad(f"indicator unit {indicator.get('unit')!r} not in {sorted(UNITS)}")
            value = indicator.get("value")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                bad(f"indicator value {value!r} must be a number")
            elif not any(n == float(value) for f in key_facts for n in numbers_in(f)):
                bad(f"indicator value {value} is not among the key facts {key_facts}")
            if not PERIOD_RE.match(str(indicator.get("period", ""))):
                bad(f"indicator period {indicator.get('period')!r} should look like 2016/17 or 2016")
            for name in ("name", "area"):
                if not isinstance(indicator.get(name), str) or not indicator.get(name):
                    bad(f"indicator {name} must be a non-empty string")
            if indicator.get("breakdown") is not None and not isinstance(indicator.get("breakdown"), str):
                bad("indicator breakdown must be a string or null")

    # quotes
    windows: list[str] = []
    quoted_rows: list[str] = []
    for rel in relevant:
        if not isinstance(rel, dict) or set(rel) != {"document", "quote"}:
            bad(f"relevant entries need exactly document and quote: {rel!r}")
            continue
        doc = docs.get(rel["document"])
        quote_raw = rel["quote"]
        if doc is None:
            bad(f"unknown document {rel['document']!r}")
            continue
        if not isinstance(quote_raw, str) or not quote_raw.strip():
            bad("empty quote")
            continue
        if MARKUP_RE.search(quote_raw):
            bad(f"quote contains markup: {quote_raw!r}")
        quote = normalise(quote_raw)
        words = len(quote.split())
        cell = doc.is_cell(quote)
        if words > QUOTE_MAX_WORDS:
            bad(f"quote has {words} words (max {QUOTE_MAX_WORDS}): {quote_raw!r}")
        if words < QUOTE_MIN_WORDS and not cell:
            bad(f"quote has {words} words (min {QUOTE_MIN_WORDS} unless a whole table cell): {quote_raw!r}")
        variant, starts = doc.find(quote)
        if not starts:
            bad(f"quote not found in {doc.id}: {quote_raw!r}")
            continue
        if not doc.in_one_unit(quote):
            bad(f"quote spans paragraphs, pages or table cells in {doc.id}: {quote_raw!r}")
        text = doc.texts[variant]
        for s in starts:
            windows.append(text[max(0, s - WINDOW): s + len(quote) + WINDOW])
        quoted_rows.extend(doc.rows_with(quote))

    # key facts
    for fact in key_facts:
        if isinstance(fact, bool) or not isinstance(fact, (str, int, float)) or not str(fact).strip():
            bad(f"key fact must be a short string or number: {fact!r}")
            continue
        nfact = normalise(str(fact))
        if len(nfact.split()) > 12:
            bad(f"key fact too long (keep it short): {fact!r}")
        if windows and not (any(nfact in row for row in quoted_rows) or any(nfact in w for w in windows)):
            bad(f"key fact {fact!r} not found in a quoted row or within {WINDOW} characters of a quote")


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    docs = load_corpus()
    problems: list[str] = []
    items: list[tuple[str, dict]] = []
    files = sorted(GOLD_DIR.glob("*.yaml")) + sorted(GOLD_DIR.glob("*.yml"))
    if not files:
        problems.append(f"no YAML files in {GOLD_DIR}")
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: YAML error: {exc}")
            continue
        if not isinstance(data, list):
            problems.append(f"{path.name}: the file must hold a list of items")
            continue
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                problems.append(f"{path.name} #{i}: item must be a mapping")
                continue
            items.append((path.name, item))

    ids = Counter(item.get("id") for _, item in items)
    for dup, n in ids.items():
        if n > 1:
            problems.append(f"duplicate id {dup!r} ({n} times)")
    questions = Counter(normalise(str(item.get("question", ""))) for _, item in items)
    for dup, n in questions.items():
        if n > 1:
            problems.append(f"duplicate question {dup!r} ({n} times)")

    by_id = {item.get("id"): item for _, item in items}
    for where, item in items:
        check_item(item, where, docs, problems)
        follows = item.get("follows")
        if follows is not None:
            if follows not in by_id:
                problems.append(f"{where} [{item.get('id')}]: follows unknown id {follows!r}")
            elif follows == item.get("id"):
                problems.append(f"{where} [{item.get('id')}]: follows itself")

    # coverage
    by_category = Counter(item.get("category") for _, item in items)
    by_style = Counter(item.get("style") for _, item in items)
    abstain = sum(1 for _, item in items if item.get("abstain") is True)
    figures_with_indicator = sum(1 for _, item in items
                                 if item.get("category") == "figures" and item.get("indicator"))
    if len(items) < MIN_TOTAL:
        problems.append(f"coverage: {len(items)} items, want at least {MIN_TOTAL}")
    for category, minimum in MIN_PER_CATEGORY.items():
        if by_category[category] < minimum:
            problems.append(f"coverage: {by_category[category]} {category} items, want at least {minimum}")
    if figures_with_indicator < MIN_PER_CATEGORY["figures"]:
        problems.append(f"coverage: {figures_with_indicator} figure items with an indicator")
    if by_style["slack"] < MIN_SLACK:
        problems.append(f"coverage: {by_style['slack']} slack-style items, want at least {MIN_SLACK}")
    if abstain < MIN_ABSTAIN:
        problems.append(f"coverage: {abstain} abstain items, want at least {MIN_ABSTAIN}")

    print(f"{len(items)} items in {len(files)} files ({', '.join(p.name for p in files)})")
    print("per category: " + ", ".join(f"{c} {by_category[c]}" for c in CATEGORIES))
    print("per style:    " + ", ".join(f"{s} {by_style[s]}" for s in sorted(STYLES)))
    docs_used = Counter(rel.get("document") for _, item in items for rel in item.get("relevant") or []
                        if isinstance(rel, dict))
    print(f"abstain: {abstain}; figure items with indicator: {figures_with_indicator}; "
          f"quotes per document: {dict(docs_used)}")
    if verbose:
        cross = Counter((item.get("category"), item.get("style")) for _, item in items)
        for (c, s), n in sorted(cross.items()):
            print(f"  {c:18} {s:9} {n}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  - " + p)
        return 1
    print("\nOK: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
