"""What a new index version changes against the serving one: documents and counts, from the two manifests.

Pure functions over `IndexManifest`s (no index is opened): documents are matched by id and compared by content
hash (the file's sha256) and title; passages, tables and indicators are compared as totals.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from index.store import DocumentEntry, IndexManifest


class DocumentChange(BaseModel):
    id: str
    title: str
    file: str
    passages_before: int | None = None
    passages_after: int | None = None
    what: list[str] = Field(default_factory=list, description="for a changed document: content, title, file")


class CountChange(BaseModel):
    before: int
    after: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> int:
        return self.after - self.before


class ChangeSummary(BaseModel):
    serving_version: str | None
    candidate_version: str
    added: list[DocumentChange]
    removed: list[DocumentChange]
    changed: list[DocumentChange]
    unchanged: int
    passages: CountChange
    tables: CountChange
    indicators: CountChange


def _change(entry: DocumentEntry, before: DocumentEntry | None = None, after: DocumentEntry | None = None,
            what: list[str] | None = None) -> DocumentChange:
    return DocumentChange(id=entry.id, title=entry.title, file=entry.path,
                          passages_before=before.passages if before else None,
                          passages_after=after.passages if after else None, what=what or [])


def summarise_changes(serving: IndexManifest | None, candidate: IndexManifest) -> ChangeSummary:
    """Documents added, removed and changed between `serving` (None before the first build) and `candidate`."""
    old = {d.id: d for d in serving.documents} if serving else {}
    new = {d.id: d for d in candidate.documents}
    added = [_change(d, after=d) for doc_id, d in new.items() if doc_id not in old]
    removed = [_change(d, before=d) for doc_id, d in old.items() if doc_id not in new]
    changed: list[DocumentChange] = []
    unchanged = 0
    for doc_id, after in new.items():
        before = old.get(doc_id)
        if before is None:
            continue
        what = [label for label, differs in (("content", before.content_hash != after.content_hash),
                                             ("title", before.title != after.title),
                                             ("file", before.path != after.path)) if differs]
        if what:
            changed.append(_change(after, before, after, what))
        else:
            unchanged += 1

    def count(attribute: str) -> CountChange:
        return CountChange(before=getattr(serving, attribute) if serving else 0, after=getattr(candidate, attribute))

    return ChangeSummary(serving_version=serving.version if serving else None, candidate_version=candidate.version,
                         added=added, removed=removed, changed=changed, unchanged=unchanged,
                         passages=count("passage_count"), tables=count("table_count"),
                         indicators=count("indicator_count"))
