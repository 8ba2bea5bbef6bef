"""Damaged index versions are never switched to, and never served.

Damage after sealing (a file truncated, emptied, deleted or with a byte flipped; a stray file; the manifest
garbled) must fail the checksums, so `switch`, `lscb index publish` and `lscb index rollback` refuse it. Damage
before sealing (a writer cut its file short without failing, so the checksums describe the damage) must fail the
build's open check, and that version must then never be switchable.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assistant.api.services import Services
from corpus.ingest import ingest
from faultlib import (apply_scenario, clean_failure, copy_baseline, record, run_cli, serving, switchable_broken)
from index.embedder import HashingEmbedder
from index.store import MANIFEST, IndexStore, StoreError
from kill_at import BY_NAME, install


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES = {
    "truncated": lambda p: os.truncate(p, p.stat().st_size // 2),
    "emptied": lambda p: os.truncate(p, 0),
    "byte-flipped": _flip,
    "deleted": lambda p: p.unlink(),
}


def _candidate(factory, tmp_path: Path) -> tuple:
    """The baseline serving, plus a complete candidate version built beside it (not switched)."""
    settings = copy_baseline(factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    candidate = ingest(settings, HashingEmbedder(), switch=False).manifest.version
    return settings, store, before, candidate


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_sealed_version_is_never_switched_to(damage, tmp_path, tmp_path_factory, request):
    settings, store, before, candidate = _candidate(tmp_path_factory, tmp_path)
    folder = store.version_dir(candidate)
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert len(files) >= 10
    for name in files:
        DAMAGES[damage](folder / name)
        with pytest.raises(StoreError, match="checksums"):
            store.switch(candidate)
        published = run_cli(settings, "index", "publish", candidate)
        assert clean_failure(published) and "checksums" in published.output, published.output
        assert serving(store) == before
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
    store.switch(candidate)  # undamaged, it is accepted: the check refuses damage, not everything
    assert serving(store).version == candidate
    record(request, f"sealed version damaged: a file {damage} (each of its {len(files)} files in turn)",
           "`switch` and `lscb index publish` refused it every time (checksums); the previous version kept "
           "serving; restored, the same version was accepted", "nothing")


def _garble(folder: Path) -> None:
    (folder / MANIFEST).write_text((folder / MANIFEST).read_text()[:200])


def _stray(folder: Path) -> None:
    (folder / "bm25" / "leftover.tmp").write_bytes(b"partial")


def _drop_entry(folder: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    del manifest["checksums"]["dense.faiss"]
    (folder / MANIFEST).write_text(json.dumps(manifest))


MANIFEST_DAMAGES = {"manifest-garbled": _garble, "manifest-deleted": lambda f: (f / MANIFEST).unlink(),
                    "stray-file-added": _stray, "checksum-entry-dropped": _drop_entry}


@pytest.mark.parametrize("damage", MANIFEST_DAMAGES)
def test_a_version_with_a_damaged_manifest_or_a_stray_file_is_refused(damage, tmp_path, tmp_path_factory, request):
    settings, store, before, candidate = _candidate(tmp_path_factory, tmp_path)
    MANIFEST_DAMAGES[damage](store.version_dir(candidate))
    with pytest.raises(StoreError) as refused:
        store.switch(candidate)
    published = run_cli(settings, "index", "publish", candidate)
    assert clean_failure(published), published.output
    assert serving(store) == before
    record(request, f"sealed version damaged: {damage.replace('-', ' ')}",
           f"`switch` and `lscb index publish` refused it ({str(refused.value)[:60]}…); the previous version kept "
           "serving", "nothing")


def test_rollback_to_a_damaged_previous_version_is_refused(tmp_path, tmp_path_factory, request):
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    previous = store.read_manifest().previous
    assert previous
    os.truncate(store.version_dir(previous) / "dense.faiss", 100)
    rolled = run_cli(settings, "index", "rollback")
    assert clean_failure(rolled) and "checksums" in rolled.output, rolled.output
    assert serving(store) == before
    record(request, "rollback to a previous version whose dense.faiss was truncated",
           "`lscb index rollback` refused it with a clean message (checksums); the current version kept serving",
           "nothing")


TORN = ("corpus-db-torn", "indicators-torn", "vectors-npy-torn", "dense-faiss-torn", "units-faiss-torn", "bm25-torn",
        "manifest-torn")


def _torn_build(name: str, settings, monkeypatch) -> StoreError:
    """A refresh whose writer at `name` cuts its file short and carries on as if it had written it all."""
    with monkeypatch.context() as patch:
        install(BY_NAME[name], lambda point, path: None, patch.setattr)
        with pytest.raises(StoreError) as refused:
            ingest(settings, HashingEmbedder())
    return refused.value


@pytest.mark.parametrize("name", TORN)
def test_a_version_torn_before_sealing_is_never_switched_to_by_its_build(name, tmp_path, tmp_path_factory,
                                                                          monkeypatch, request):
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    error = _torn_build(name, settings, monkeypatch)
    assert serving(store) == before
    record(request, f"silently short write before sealing: {BY_NAME[name].doing}",
           f"the build's open check refused it ({str(error)[:60]}…); `current` never moved", "nothing")


@pytest.mark.parametrize("name", ["dense-faiss-torn", "bm25-torn"])
def test_a_version_that_failed_its_open_check_can_never_be_published(name, tmp_path, tmp_path_factory,
                                                                     monkeypatch, request):
    record(request, f"publishing a version that failed its open check ({BY_NAME[name].doing})",
           "the build deletes it at once; `lscb index publish` refuses it with a message; the previous version "
           "kept serving (it used to stay on disk, publishable: fixed)", "nothing")
    settings = copy_baseline(tmp_path_factory, tmp_path)
    store = IndexStore(settings.index_root)
    before = serving(store)
    apply_scenario(settings.corpus_dir, "removed")
    _torn_build(name, settings, monkeypatch)
    failed = [v for v in store.versions() if v > before.version]
    for version in failed:
        published = run_cli(settings, "index", "publish", version)
        assert clean_failure(published), f"`lscb index publish {version}` switched to a version that cannot open"
    assert switchable_broken(store) == []
    assert serving(store) == before


def test_the_service_never_serves_a_damaged_version_pointed_at_behind_its_back(tmp_path, tmp_path_factory, request):
    settings, store, before, candidate = _candidate(tmp_path_factory, tmp_path)
    services = Services(settings, HashingEmbedder(), check_every_s=0.0)
    services.warm_up()
    os.truncate(store.version_dir(candidate) / "dense.faiss", 100)
    link = settings.index_root / "forced"
    os.symlink(Path("versions") / candidate, link)
    os.replace(link, settings.index_root / "current")  # what no store call does: skip the checks
    answer = services.engine().ask("What is a private fostering arrangement?")
    assert answer.corpus_version == before.version and not answer.abstained
    services.close()
    record(request, "`current` pointed at a damaged version behind the store's back",
           "the running service could not open it, logged why and kept answering from the previous version",
           "nothing")
