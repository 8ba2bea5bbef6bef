"""Acronym glossary: a base list of safeguarding acronyms, grown from the documents' own definitions.

`extract_definitions` reads "Full Name (ACRONYM)" patterns; `expand_query` appends expansions of the
acronyms a query uses ("s47" -> "s47 Section 47 enquiry"), so both retrievers can match either form.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from index.lexical import STOPWORDS

BASE_GLOSSARY = Path(__file__).with_name("glossary.toml")
_DEFINITION = re.compile(r"((?:[A-Z][\w'’&-]*[ ,]+(?:(?:and|of|for|the|in|to|&)[ ]+)*){1,8})\(([A-Z][A-Za-z&]{1,7}s?)\)")
_QUERY_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&]*")


def load_base(path: Path = BASE_GLOSSARY) -> dict[str, str]:
    """The shipped glossary, keys upper-case."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {k.upper(): v for k, v in data.get("acronyms", {}).items()}


_MINOR = frozenset({"and", "of", "for", "the", "in", "to", "&", "on"})


def _initials_match(words: list[str], acronym: str) -> list[str] | None:
    """The shortest tail of `words` whose initials spell `acronym`, else None.

    Hyphenated words give one initial per part ("Multi-Agency" -> "MA"); minor words may be skipped or used.
    """
    target = "".join(c for c in acronym.upper() if c.isalpha())
    for size in range(1, min(len(words), len(target) + 4) + 1):
        tail = words[-size:]
        if tail[0].lower() in _MINOR:
            continue
        strict = "".join(part[0].upper() for w in tail if w.lower() not in _MINOR for part in w.split("-") if part)
        loose = "".join(part[0].upper() for w in tail for part in w.split("-") if part and part[0].isalpha())
        if target in (strict, loose):
            return tail
    return None


def extract_definitions(text: str) -> dict[str, str]:
    """"Multi-Agency Safeguarding Hub (MASH)" -> {"MASH": "Multi-Agency Safeguarding Hub"}."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        words = match.group(1).replace(",", " ").split()
        acronym = match.group(2)
        acronym_key = acronym.upper().rstrip("S") if acronym.endswith("s") and acronym[:-1].isupper() else acronym.upper()
        tail = _initials_match(words, acronym_key)
        if tail and acronym_key not in found:
            found[acronym_key] = " ".join(tail)
    return found


def merge(base: dict[str, str], found: dict[str, str]) -> dict[str, str]:
    """Base glossary plus documents' definitions; a differing definition is kept beside the other."""
    merged = dict(base)
    for acronym, expansion in found.items():
        if len(acronym) < 3 and acronym not in base:
            continue  # two-letter acronyms from prose ("DO") collide with words; only the base list has them
        current = merged.get(acronym)
        if current is None:
            merged[acronym] = expansion
        elif expansion.lower().replace("-", " ") not in current.lower().replace("-", " "):
            merged[acronym] = f"{current}; {expansion}"
    return merged


def expand_query(query: str, glossary: dict[str, str]) -> str:
    """Append the expansion of each acronym in `query` ('s47', 'MASH', 'lado' all count).

    A lower-case word counts only when it is not a common English word, so "do" or "it" never expand.
    """
    additions: list[str] = []
    lowered = query.lower()
    for word in _QUERY_WORD.findall(query):
        if not word.isupper() and word.lower() in STOPWORDS:
            continue
        expansion = glossary.get(word.upper())
        if expansion is None and word[-1:] in "sS" and len(word) > 2:
            expansion = glossary.get(word[:-1].upper())
        if expansion and expansion.lower() not in lowered and expansion not in additions:
            additions.append(expansion)
    return f"{query} {' '.join(additions)}" if additions else query
