"""The last check before an answer leaves the engine: every quote is verbatim where its citation says."""

from __future__ import annotations

from assistant.contract import Citation
from index.loaded import LoadedIndex


class CitationError(RuntimeError):
    """A citation does not match its source: a bug in the engine, surfaced rather than sent."""


def verify_citations(citations: list[Citation], index: LoadedIndex) -> None:
    """Raise CitationError unless each quote occurs verbatim in its passage and at start:end of its document."""
    for citation in citations:
        row = index.row_of.get(citation.passage_id)
        if row is None:
            raise CitationError(f"citation [{citation.n}] names passage {citation.passage_id}, not in this index")
        passage = index.passages[row]
        document = index.documents.get(citation.document_id)
        if not citation.quote.strip() or citation.quote not in passage.text:
            raise CitationError(f"citation [{citation.n}]: the quote is not in passage {passage.id}")
        if document is None or document.text[citation.start:citation.end] != citation.quote:
            raise CitationError(f"citation [{citation.n}]: offsets {citation.start}:{citation.end} do not slice "
                                f"the quote from {citation.document_id}")
        if not (passage.start <= citation.start and citation.end <= passage.end):
            raise CitationError(f"citation [{citation.n}]: offsets fall outside passage {passage.id}")
