"""Ingest end to end on small corpora with the hashing embedder: reports, incremental reuse, bad input."""

from __future__ import annotations

import numpy as np

from corpus.ingest import ingest
from index.builder import load_vectors
from index.loaded import LoadedIndex
from index.retriever import HybridRetriever
from index.store import IndexStore
from samples import POLICY, THRESHOLDS

def write_corpus(settings, **files: str) -> None:
    for name, text in files.items():
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")


def test_ingest_indexes_and_reports_each_file(settings, hashing_embedder):
    write_corpus(settings, **{"policy.md": POLICY, "thresholds.txt": THRESHOLDS, "notes.xyz": "?", "empty.pdf": ""})
    report = ingest(settings, hashing_embedder)
    status = {f.path: f for f in report.files}
    assert status["policy.md"].status == "indexed" and status["policy.md"].passages >= 2
    assert status["thresholds.txt"].status == "indexed"
    assert status["notes.xyz"].status == "skipped" and "unsupported" in status["notes.xyz"].reason
    assert status["empty.pdf"].status == "skipped" and "zero-byte" in status["empty.pdf"].reason
    assert any("not in corpus.toml" in w for w in status["policy.md"].warnings)
    index = LoadedIndex(IndexStore(settings.index_root).current_dir())
    hits = HybridRetriever(index, hashing_embedder).search("private fostering 28 days", k=3)
    assert hits[0].passage.section == ["Escalation policy", "Private fostering"]
    assert "MASH" in index.glossary


def test_every_passage_slices_back_to_its_document_text(settings, hashing_embedder):
    write_corpus(settings, **{"policy.md": POLICY, "thresholds.txt": THRESHOLDS})
    ingest(settings, hashing_embedder)
    from index.corpusdb import read_documents

    directory = IndexStore(settings.index_root).current_dir()
    texts = {d.meta.id: d.text for d in read_documents(directory / "corpus.sqlite")}
    for passage in LoadedIndex(directory).passages:
        assert texts[passage.document_id][passage.start:passage.end] == passage.text


def test_changed_document_re_embeds_only_its_own_passages(settings, hashing_embedder):
    write_corpus(settings, **{"policy.md": POLICY, "thresholds.txt": THRESHOLDS})
    first = ingest(settings, hashing_embedder)
    assert first.embedded_passages == first.manifest.passage_count
    old_index = LoadedIndex(IndexStore(settings.index_root).current_dir())
    write_corpus(settings, **{"thresholds.txt": THRESHOLDS + "\nLevel 3: Targeted\n\nChildren with complex needs.\n"})
    second = ingest(settings, hashing_embedder)
    status = {f.path: f.status for f in second.files}
    assert status == {"policy.md": "reused", "thresholds.txt": "indexed"}
    new_index = LoadedIndex(IndexStore(settings.index_root).current_dir())
    policy_passages = [p for p in new_index.passages if p.document_id == "policy"]
    assert second.embedded_passages == new_index.manifest.passage_count - len(policy_passages)
    old_vectors, new_vectors = load_vectors(old_index.directory), load_vectors(new_index.directory)
    old_rows = {p.id: i for i, p in enumerate(old_index.passages)}
    new_rows = [i for i, p in enumerate(new_index.passages) if p.document_id == "policy"]
    kept = new_vectors.take(new_rows)
    before = old_vectors.take([old_rows[new_index.passages[i].id] for i in new_rows])
    assert np.array_equal(kept.passages, before.passages)
    assert len(kept.units) > len(kept.passages) and np.array_equal(kept.units, before.units)


def test_removed_document_disappears(settings, hashing_embedder):
    write_corpus(settings, **{"policy.md": POLICY, "thresholds.txt": THRESHOLDS})
    ingest(settings, hashing_embedder)
    (settings.corpus_dir / "thresholds.txt").unlink()
    report = ingest(settings, hashing_embedder)
    assert [d.id for d in report.manifest.documents] == ["policy"]


def test_nothing_usable_gives_no_version(settings, hashing_embedder):
    write_corpus(settings, **{"a.pdf": "", "b.bin": "x"})
    report = ingest(settings, hashing_embedder)
    assert not report.usable
    assert IndexStore(settings.index_root).current_version() is None


def test_sentence_units_can_be_turned_off(tmp_path, hashing_embedder):
    from conftest import make_settings

    settings = make_settings(tmp_path, sentence_units=False)
    write_corpus(settings, **{"policy.md": POLICY})
    ingest(settings, hashing_embedder)
    index = LoadedIndex(IndexStore(settings.index_root).current_dir())
    assert index.units is None and not (index.directory / "units.npy").exists()
    top = HybridRetriever(index, hashing_embedder).search("private fostering", k=1)[0].passage
    assert top.section[-1] == "Private fostering"
