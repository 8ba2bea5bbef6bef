"""Editions: when documents of one series disagree, the newer edition leads and the answer says so.

Document A is a newer edition of B when A's manifest entry lists B under `supersedes`, or when both are the
same kind of document for the same area from the same publisher and A was published later (this year's
thresholds guidance and last year's). Documents of different kinds never compete: a national guidance
document does not displace a local annual report.
"""

from __future__ import annotations

from assistant.contract import Citation
from assistant.evidence import Candidate
from assistant.types import DocumentMeta


class Editions:
    def __init__(self, documents: dict[str, DocumentMeta]) -> None:
        self.documents = documents
        self.newer: dict[str, set[str]] = {doc_id: set() for doc_id in documents}
        for a in documents.values():
            for b in documents.values():
                if a.id != b.id and self._supersedes(a, b):
                    self.newer[b.id].add(a.id)

    @staticmethod
    def _supersedes(a: DocumentMeta, b: DocumentMeta) -> bool:
        if b.id in a.supersedes:
            return True
        # Only documents whose manifest names area and publisher can be an implied series: two unlisted files
        # (no area, no publisher) are not editions of each other.
        same_series = (a.kind == b.kind and a.area == b.area and a.publisher == b.publisher
                       and bool(a.area) and bool(a.publisher))
        return same_series and a.published is not None and b.published is not None and a.published > b.published

    def prefer_newer(self, candidates: list[Candidate], margin: float) -> list[Candidate]:
        """When a document and its newer edition both give close evidence, the older one's candidates go."""
        if not candidates:
            return candidates
        best = candidates[0].score
        close = [c for c in candidates if c.score >= best - margin]
        present = {c.passage.document_id for c in close}
        stale = {doc for doc in present if self.newer.get(doc, set()) & present}
        if not stale:
            return candidates
        return [c for c in candidates if c.passage.document_id not in stale]

    def note(self, citations: list[Citation]) -> str | None:
        """Which edition is quoted, when the corpus holds another edition of a cited document."""
        notes = []
        for doc_id in dict.fromkeys(c.document_id for c in citations):
            meta = self.documents.get(doc_id)
            older = [self.documents[o] for o, newer in self.newer.items() if doc_id in newer]
            if meta is None or not (older or self.newer.get(doc_id)):
                continue
            edition = f"{meta.title} ({meta.published:%B %Y})" if meta.published else meta.title
            if self.newer.get(doc_id):
                notes.append(f"Quoting {edition}; a newer edition is in the library but does not cover this.")
            else:
                names = ", ".join(f"{o.title} ({o.published:%B %Y})" if o.published else o.title for o in older)
                notes.append(f"Quoting the newer edition, {edition}; it supersedes {names}.")
        return " ".join(notes) or None
