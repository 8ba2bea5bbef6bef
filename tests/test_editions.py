"""Editions: which document is a newer edition of which, dropping the older one's close evidence, the note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.contract import Citation
from assistant.editions import Editions
from assistant.evidence import Candidate
from assistant.types import DocumentKind, DocumentMeta, Passage, PassageKind
from corpus.manifest import infer_meta


def meta(doc_id: str, published: dt.date | None, kind: DocumentKind = DocumentKind.THRESHOLDS_GUIDANCE,
         area: str | None = "Redbridge", publisher: str | None = "Redbridge LSCB", title: str | None = None,
         supersedes: tuple[str, ...] = ()) -> DocumentMeta:
    return DocumentMeta(id=doc_id, path=f"{doc_id}.md", title=title or doc_id.replace("-", " ").title(), kind=kind,
                        area=area, publisher=publisher, published=published, supersedes=list(supersedes))


OLD = meta("thresholds-2015", dt.date(2015, 4, 1), title="Thresholds Guidance 2015")
MID = meta("thresholds-2016", dt.date(2016, 4, 1), title="Thresholds Guidance 2016")
NEW = meta("thresholds-2018", dt.date(2018, 4, 1), title="Thresholds Guidance 2018")
REPORT = meta("annual-report", dt.date(2017, 7, 1), kind=DocumentKind.ANNUAL_REPORT, title="Annual Report 2016-17")
NATIONAL = meta("working-together", dt.date(2023, 12, 1), kind=DocumentKind.STATUTORY_GUIDANCE, area="national",
                publisher="HM Government", title="Working Together 2023")


def editions(*metas: DocumentMeta) -> Editions:
    return Editions({m.id: m for m in metas})


def cand(document_id: str, score: float, pid: str | None = None) -> Candidate:
    text = f"Escalate within a few working days ({document_id})."
    p = Passage(id=pid or f"{document_id}-p", document_id=document_id, title=document_id, section=["S"], page=1,
                paragraph=None, start=0, end=len(text), kind=PassageKind.PROSE, text=text)
    return Candidate(p, row=0, rank=1, start=0, end=len(text), dense=score, lexical=0.0, score=score)


def cite(n: int, document_id: str) -> Citation:
    return Citation(n=n, document_id=document_id, title=document_id, section="S", quote="q", start=0, end=1,
                    passage_id=f"{document_id}-p")


def test_a_later_edition_of_the_same_series_is_newer():
    e = editions(OLD, NEW, REPORT, NATIONAL)
    assert e.newer == {"thresholds-2015": {"thresholds-2018"}, "thresholds-2018": set(), "annual-report": set(),
                       "working-together": set()}


def test_supersedes_in_the_manifest_makes_an_edition_across_series():
    renamed = meta("escalation-protocol", dt.date(2014, 1, 1), kind=DocumentKind.PROTOCOL)
    successor = meta("escalation-policy", None, kind=DocumentKind.POLICY, supersedes=("escalation-protocol",))
    assert editions(renamed, successor).newer == {"escalation-protocol": {"escalation-policy"},
                                                  "escalation-policy": set()}


@pytest.mark.parametrize("other", [
    meta("t-bexley", dt.date(2018, 4, 1), area="Bexley"),
    meta("t-other-publisher", dt.date(2018, 4, 1), publisher="Someone else"),
    meta("t-undated", None),
    meta("t-same-day", dt.date(2015, 4, 1)),
])
def test_different_area_publisher_or_no_later_date_is_no_edition(other):
    assert editions(OLD, other).newer == {"thresholds-2015": set(), other.id: set()}


def test_prefer_newer_drops_every_candidate_of_an_older_edition_when_both_are_close():
    candidates = [cand("thresholds-2015", 1.0), cand("thresholds-2018", 0.9), cand("annual-report", 0.85),
                  cand("thresholds-2015", 0.2, pid="old-far")]
    kept = editions(OLD, NEW, REPORT).prefer_newer(candidates, margin=0.3)
    assert [c.passage.document_id for c in kept] == ["thresholds-2018", "annual-report"]


def test_prefer_newer_keeps_the_older_edition_when_the_newer_is_not_close():
    candidates = [cand("thresholds-2015", 1.0), cand("thresholds-2018", 0.6)]
    assert editions(OLD, NEW).prefer_newer(candidates, margin=0.3) == candidates


def test_prefer_newer_drops_every_older_edition_among_three():
    candidates = [cand("thresholds-2015", 1.0), cand("thresholds-2016", 0.95), cand("thresholds-2018", 0.9)]
    kept = editions(OLD, MID, NEW).prefer_newer(candidates, margin=0.3)
    assert [c.passage.document_id for c in kept] == ["thresholds-2018"]


def test_a_national_document_never_displaces_a_local_one():
    candidates = [cand("annual-report", 1.0), cand("working-together", 0.99)]
    assert editions(REPORT, NATIONAL).prefer_newer(candidates, margin=0.3) == candidates


def test_prefer_newer_of_nothing_and_of_unknown_documents():
    e = editions(OLD, NEW)
    assert e.prefer_newer([], margin=0.3) == []
    unknown = [cand("not-in-the-library", 1.0), cand("thresholds-2018", 0.9)]
    assert e.prefer_newer(unknown, margin=0.3) == unknown


def test_note_names_the_edition_quoted_and_what_it_supersedes():
    e = editions(OLD, MID, NEW, REPORT)
    assert e.note([cite(1, "thresholds-2018")]) == (
        "Quoting the newer edition, Thresholds Guidance 2018 (April 2018); it supersedes "
        "Thresholds Guidance 2015 (April 2015), Thresholds Guidance 2016 (April 2016).")
    assert e.note([cite(1, "thresholds-2015")]) == (
        "Quoting Thresholds Guidance 2015 (April 2015); a newer edition is in the library but does not cover this.")


def test_note_is_none_for_documents_without_other_editions_and_said_once_per_document():
    e = editions(OLD, NEW, REPORT)
    assert e.note([cite(1, "annual-report"), cite(2, "unknown")]) is None
    assert e.note([]) is None
    once = e.note([cite(1, "thresholds-2018"), cite(2, "thresholds-2018"), cite(3, "annual-report")])
    assert once == "Quoting the newer edition, Thresholds Guidance 2018 (April 2018); it supersedes " \
                   "Thresholds Guidance 2015 (April 2015)."


def test_note_without_dates_uses_titles_alone():
    old = meta("old", None, title="Old Protocol")
    new = meta("new", None, title="New Protocol", supersedes=("old",))
    assert editions(old, new).note([cite(1, "new")]) == "Quoting the newer edition, New Protocol; it supersedes " \
                                                        "Old Protocol."


def test_unlisted_documents_of_one_inferred_kind_are_not_editions(tmp_path: Path):
    missing = infer_meta(tmp_path / "missing-children-protocol-2016.md", tmp_path)
    exploitation = infer_meta(tmp_path / "child-exploitation-protocol-2018.md", tmp_path)
    assert missing.kind == exploitation.kind == DocumentKind.PROTOCOL
    e = editions(missing, exploitation)
    candidates = [cand(missing.id, 1.0), cand(exploitation.id, 0.95)]
    assert e.prefer_newer(candidates, margin=0.3) == candidates
