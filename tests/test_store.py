"""The versioned store: complete versions only, atomic switch, rollback, checksums, one build at a time."""

import time

import numpy as np
import pytest

from assistant.types import DocumentMeta, Passage, PassageKind
from index.builder import write_version
from index.corpusdb import StoredDocument
from index.embedder import HashingEmbedder
from index.loaded import LoadedIndex
from index.retriever import HybridRetriever
from index.store import IndexStore, StoreError, new_version_id
from index.vectors import PassageVectors, embed_passages

TEXTS = [
    "Private fostering is when a child under 16 is cared for by someone who is not a close relative.",
    "A Section 47 enquiry is started when there is reasonable cause to suspect significant harm.",
    "The LSCB budget for 2016/17 was funded by partner contributions.",
    "Professional disagreements are resolved by escalation to managers.",
]


def build(store: IndexStore, texts=TEXTS, doc_id="doc", version=None, **kwargs):
    text = "\n\n".join(texts)
    meta = DocumentMeta(id=doc_id, path=f"{doc_id}.txt", title=doc_id.title())
    passages, start = [], 0
    for i, t in enumerate(texts):
        start = text.index(t, start)
        passages.append(Passage(id=f"{doc_id}:{i}", document_id=doc_id, title=meta.title, section=["S"], page=None,
                                paragraph=None, start=start, end=start + len(t), kind=PassageKind.PROSE, text=t))
    embedder = HashingEmbedder()
    vectors = embed_passages(embedder, passages, 16, units=True)
    return write_version(store, version or new_version_id(), [StoredDocument(meta, "h" + doc_id, text, 1, [])],
                         passages, vectors, [], {}, pipeline="p", model=embedder.name, started=time.perf_counter(),
                         **kwargs)


def test_build_switch_and_search(tmp_path):
    store = IndexStore(tmp_path)
    manifest = build(store)
    assert store.current_version() == manifest.version
    index = LoadedIndex(store.current_dir())
    hits = HybridRetriever(index, HashingEmbedder()).search("private fostering", k=2)
    assert hits[0].passage.id == "doc:0"
    assert hits[0].lexical_rank == 1


def test_rollback_returns_previous_version(tmp_path):
    store = IndexStore(tmp_path)
    first = build(store, version="20260101T000000000000Z")
    second = build(store, texts=TEXTS[:2], version="20260102T000000000000Z")
    assert second.previous == first.version
    assert store.rollback() == first.version
    assert LoadedIndex(store.current_dir()).manifest.passage_count == 4
    with pytest.raises(StoreError, match="no earlier index version"):
        store.rollback()


def test_corrupted_version_is_never_switched_to(tmp_path):
    store = IndexStore(tmp_path)
    good = build(store, version="20260101T000000000000Z")
    bad = build(store, version="20260102T000000000000Z", switch=False)
    faiss_file = store.version_dir(bad.version) / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(StoreError, match="checksums"):
        store.switch(bad.version)
    assert store.current_version() == good.version


def test_failed_build_leaves_previous_version_serving(tmp_path):
    store = IndexStore(tmp_path)
    good = build(store)
    with pytest.raises(ValueError):
        bad = PassageVectors(np.zeros((1, 384), np.float32), np.zeros((0, 384), np.float32), np.zeros(1, np.int64))
        write_version(store, new_version_id(), [], [], bad, [], {}, pipeline="p",
                      model="hashing", started=time.perf_counter())
    assert store.current_version() == good.version
    assert not list(store.versions_dir.glob(".tmp-*"))


def test_second_build_is_told_about_the_lock(tmp_path):
    store = IndexStore(tmp_path)
    with store.lock():
        with pytest.raises(StoreError, match="already running"):
            with store.lock():
                pass


def test_prune_keeps_current_and_newest(tmp_path):
    store = IndexStore(tmp_path)
    versions = [build(store, version=f"2026010{i}T000000000000Z").version for i in range(1, 5)]
    store.switch(versions[0])
    removed = store.prune(keep=2)
    assert set(store.versions()) == {versions[0], versions[2], versions[3]}
    assert set(removed) == {versions[1]}


def test_no_index_gives_clear_error(tmp_path):
    with pytest.raises(StoreError, match="lscb ingest"):
        IndexStore(tmp_path).current_dir()


def test_only_acronyms_the_corpus_rarely_writes_are_expanded(tmp_path):
    store = IndexStore(tmp_path)
    texts = [f"The LSCB met on day {i} to review cases." for i in range(10)] + ["A section 47 enquiry starts."]
    build(store, texts=texts)
    index = LoadedIndex(store.current_dir())
    index.glossary = {"LSCB": "Local Safeguarding Children Board", "S47": "Section 47 enquiry"}
    retriever = HybridRetriever(index, HashingEmbedder(), acronym_max_share=0.015)
    assert retriever.glossary == {"S47": "Section 47 enquiry"}
    assert retriever.search("what is an s47", k=1)[0].passage.text == "A section 47 enquiry starts."
