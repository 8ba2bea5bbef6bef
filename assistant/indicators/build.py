"""Build a version's indicator records: extract from tables and prose, fill areas, merge series."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.indicators.prose import extract_prose
from assistant.indicators.records import IndicatorRecord
from assistant.indicators.store import canonical_area, merge_series
from assistant.indicators.tables import extract_tables
from assistant.types import DocumentMeta, Passage, Table


def build_records(documents: dict[str, DocumentMeta], document_texts: dict[str, str], passages: Sequence[Passage],
                  tables: Sequence[Table]) -> list[IndicatorRecord]:
    """Records from the tables, then plain statements in prose; a record with no area gets its document's."""
    records = extract_tables(list(tables), document_texts)
    periods = {doc_id: meta.period for doc_id, meta in documents.items()}
    records += extract_prose(list(passages), periods)
    filled = [r if r.area else r.model_copy(update={"area": canonical_area(documents[r.document_id].area)
                                                    if r.document_id in documents else None})
              for r in records]
    return merge_series(filled, documents)
