"""Contact details the corpus itself publishes (email, telephone, website), found once per index version.

Used where the assistant cannot answer and on the urgent route: it points to people, quoting the
documents' own contact lines rather than numbers written into the code.
"""

from __future__ import annotations

import re

from assistant.compose import Quote
from assistant.types import Passage
from index.loaded import LoadedIndex

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
_WEB = re.compile(r"\bwww\.[\w.-]+|https?://\S+")
_CONTACT = re.compile(r"\bcontact", re.IGNORECASE)


def _kinds(line: str) -> set[str]:
    return {kind for kind, pattern in (("email", _EMAIL), ("phone", _PHONE), ("web", _WEB)) if pattern.search(line)}


def _block(passage: Passage) -> tuple[int, int] | None:
    """The span from the first to the last contact line of a passage that has at least two kinds of them."""
    lines, offset, found = passage.text.split("\n"), 0, []
    for line in lines:
        if _kinds(line) and len(line) < 160:
            found.append((offset, offset + len(line.rstrip()), _kinds(line)))
        offset += len(line) + 1
    kinds = set().union(*(k for _, _, k in found)) if found else set()
    if len(kinds) < 2:
        return None
    return found[0][0], found[-1][1]


def find_contacts(index: LoadedIndex, local_areas: set[str] | None = None) -> list[Quote]:
    """Contact blocks, those in a passage that says 'contact' and from local (non-national) documents first."""
    scored: list[tuple[tuple[int, int], Quote]] = []
    for passage in index.passages:
        span = _block(passage)
        if span is None:
            continue
        document = index.documents.get(passage.document_id)
        area = (document.meta.area or "") if document else ""
        local = bool(local_areas) and any(a.lower() in area.lower() for a in local_areas or ())
        says_contact = bool(_CONTACT.search(passage.text))
        scored.append(((-int(says_contact), -int(local)), Quote(passage, *span)))
    scored.sort(key=lambda pair: pair[0])
    return [quote for _, quote in scored]
