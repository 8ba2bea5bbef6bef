"""The indicator store: every figure of one index version in SQLite, built with the version (`build.py`).

Series merge across documents: when two documents give the same figure
(same indicator, breakdown, area and period), the later document's value is kept and the other is kept as a
note ("2017/18 report revises this: 4,130, earlier 4,125 in the 2016/17 report").
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistant.indicators.records import IndicatorRecord
from assistant.types import DocumentMeta

FILENAME = "indicators.sqlite"

SCHEMA = """
CREATE TABLE records (
    id INTEGER PRIMARY KEY, indicator TEXT NOT NULL, breakdown TEXT, area TEXT, period TEXT, unit TEXT NOT NULL,
    value REAL NOT NULL, document_id TEXT NOT NULL, source TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX records_indicator ON records(indicator);
"""


def canonical_area(area: str | None) -> str | None:
    """A document's manifest area as a comparator name ("England (national)" -> "National")."""
    if not area:
        return None
    lowered = area.lower()
    if "national" in lowered or lowered.strip() in ("england", "england and wales", "uk"):
        return "National"
    return area.strip()


def _published_order(documents: dict[str, DocumentMeta]) -> dict[str, tuple]:
    return {doc_id: (meta.published is not None, meta.published or 0, doc_id) for doc_id, meta in documents.items()}


def merge_series(records: Sequence[IndicatorRecord], documents: dict[str, DocumentMeta]) -> list[IndicatorRecord]:
    """One record per figure: a table beats prose in the same document; a later document beats an earlier one."""
    order = _published_order(documents)
    groups: dict[tuple, list[IndicatorRecord]] = defaultdict(list)
    for record in records:
        groups[record.key()].append(record)
    merged = []
    for group in groups.values():
        group.sort(key=lambda r: (order.get(r.document_id, (False, 0, r.document_id)), r.source == "table"),
                   reverse=True)
        winner, others = group[0], [r for r in group[1:] if r.document_id != group[0].document_id]
        notes = [winner.note] if winner.note else []
        for other in others:
            title = documents[other.document_id].title if other.document_id in documents else other.document_id
            if other.value != winner.value:
                notes.append(f"revised: {title} gave {other.raw.strip()}")
            else:
                notes.append(f"also in {title}")
        merged.append(winner.model_copy(update={"note": "; ".join(notes) or None}))
    return merged


def write_store(path: Path, records: Sequence[IndicatorRecord]) -> None:
    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?)", [
            (i, r.indicator, r.breakdown, r.area, r.period, r.unit, r.value, r.document_id, r.source,
             r.model_dump_json()) for i, r in enumerate(records)])
        con.commit()
    finally:
        con.close()


def read_store(path: Path) -> list[IndicatorRecord]:
    """All records of a version (empty for a version built before indicators existed)."""
    if not path.exists():
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [IndicatorRecord.model_validate(json.loads(row[0]))
                for row in con.execute("SELECT data FROM records ORDER BY id")]
    finally:
        con.close()
